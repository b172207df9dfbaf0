package io.cloudsync.it.gdrive;

import io.cloudsync.provider.gdrive.GoogleDriveProviderFactory;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.sync.KilledRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync killed with SIGKILL between overwrites and its commit, in a child JVM talking HTTP to the Drive
 * fake, leaves a snapshot that pulls and verifies whole; the assertions are in {@link KilledRun}.
 */
class DriveKilledRunTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @Test
    void killedBetweenOverwritesAndTheCommit_leavesARestorableSnapshot(@TempDir Path tmp) throws Exception {
        DriveFixture fixture = new DriveFixture(DRIVE);
        KilledRun.assertKillBetweenOverwritesAndCommitLeavesARestorableSnapshot(new GoogleDriveProviderFactory(),
                fixture.config(null).build(), fixture.secrets(), java.util.List.of("cloud_sync.gdrive.credentials"), tmp);
    }
}
