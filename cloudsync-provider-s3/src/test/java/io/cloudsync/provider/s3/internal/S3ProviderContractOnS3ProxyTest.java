package io.cloudsync.provider.s3.internal;

import io.cloudsync.testkit.s3.EmbeddedS3Server;
import io.cloudsync.testkit.s3.S3Fixture;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The S3 provider keeps the provider contract on S3Proxy, which checks SigV4 signatures (R5 skipped: see S3Contracts.withoutConditionalWrites). The assertions are the contract's own rules; this class only supplies the fixture.
 */
class S3ProviderContractOnS3ProxyTest extends S3Contracts.ProviderOn {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    @Override
    S3Fixture s3() {
        return S3;
    }
}
