package io.cloudsync.provider.s3.internal;

import io.cloudsync.testkit.s3.EmbeddedS3Server;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The provider against Adobe S3Mock, which returns and verifies checksums but ignores credentials. */
class S3ProviderOnS3MockTest extends S3ProviderTestBase {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3MOCK);

    @Override
    EmbeddedS3Server server() {
        return S3;
    }
}
