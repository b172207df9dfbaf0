package io.cloudsync.it.s3;

import io.cloudsync.testkit.s3.EmbeddedS3Server;
import io.cloudsync.testkit.s3.S3Fixture;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine over the S3 provider keeps the sync contract on S3Proxy. The assertions are the contract's own rules; this class only supplies the fixture.
 */
class S3SyncContractOnS3ProxyTest extends S3SyncContracts.SyncOn {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    @Override
    S3Fixture s3() {
        return S3;
    }
}
