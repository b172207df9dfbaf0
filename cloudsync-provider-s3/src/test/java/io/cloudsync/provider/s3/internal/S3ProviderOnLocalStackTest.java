package io.cloudsync.provider.s3.internal;

import io.cloudsync.testkit.s3.LocalStackS3;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The provider against LocalStack's S3 in Docker (accepts any credentials, returns checksums).
 * Skipped, with the reason, when no Docker engine is reachable.
 * The assertions are in S3ProviderTestBase; this class supplies the fixture.
 */
class S3ProviderOnLocalStackTest extends S3ProviderTestBase {

    @RegisterExtension
    static final LocalStackS3 S3 = LocalStackS3.create();

    @Override
    LocalStackS3 server() {
        return S3;
    }
}
