package io.cloudsync.it.s3;

import io.cloudsync.provider.s3.S3ProviderFactory;
import io.cloudsync.testkit.s3.EmbeddedS3Server;
import io.cloudsync.testkit.sync.KilledRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync killed with SIGKILL between overwrites and its commit, in a child JVM talking HTTP to S3Mock,
 * leaves a snapshot that pulls and verifies whole; the assertions are in {@link KilledRun}.
 */
class S3KilledRunTest {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3MOCK);

    @Test
    void killedBetweenOverwritesAndTheCommit_leavesARestorableSnapshot(@TempDir Path tmp) throws Exception {
        KilledRun.assertKillBetweenOverwritesAndCommitLeavesARestorableSnapshot(new S3ProviderFactory(),
                S3SyncContracts.remote(S3, S3SyncContracts.stateRoot()), S3.credentials(), java.util.List.of(io.cloudsync.testkit.s3.S3Fixture.SECRETS_KEY), tmp);
    }
}
