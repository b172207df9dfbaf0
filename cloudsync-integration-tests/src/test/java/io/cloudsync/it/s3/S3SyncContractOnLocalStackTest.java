package io.cloudsync.it.s3;

import io.cloudsync.testkit.s3.LocalStackS3;
import io.cloudsync.testkit.s3.S3Fixture;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine over the S3 provider keeps the sync contract on LocalStack; skipped when no Docker engine is reachable. The assertions are the contract's own rules; this class only supplies the fixture.
 */
class S3SyncContractOnLocalStackTest extends S3SyncContracts.SyncOn {

    @RegisterExtension
    static final LocalStackS3 S3 = LocalStackS3.create();

    @Override
    S3Fixture s3() {
        return S3;
    }
}
