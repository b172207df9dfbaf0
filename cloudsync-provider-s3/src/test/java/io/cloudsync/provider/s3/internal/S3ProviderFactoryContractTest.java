package io.cloudsync.provider.s3.internal;

import io.cloudsync.provider.s3.S3ProviderFactory;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.ProviderFactoryContract;
import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.testkit.s3.EmbeddedS3Server;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The S3 factory keeps the discovery rules (on S3Proxy, which checks the credentials it is given). The assertions are the contract's own rules; this class supplies the fixture. */
class S3ProviderFactoryContractTest extends ProviderFactoryContract {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                return new S3ProviderFactory();
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                return S3Contracts.remote(S3, S3Contracts.stateRoot());
            }

            @Override
            public Secrets secrets() {
                return S3.credentials();
            }
        };
    }
}
