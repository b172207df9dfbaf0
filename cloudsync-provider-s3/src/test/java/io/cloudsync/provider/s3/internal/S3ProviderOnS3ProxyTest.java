package io.cloudsync.provider.s3.internal;

import io.cloudsync.testkit.s3.EmbeddedS3Server;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The provider against S3Proxy, which checks SigV4 signatures and verifies checksums but returns none. */
class S3ProviderOnS3ProxyTest extends S3ProviderTestBase {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    @Override
    EmbeddedS3Server server() {
        return S3;
    }
}
