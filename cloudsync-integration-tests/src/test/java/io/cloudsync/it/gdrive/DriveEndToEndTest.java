package io.cloudsync.it.gdrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Secret;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.Vaults;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A few thousand files through CloudSync to the Drive fake: full sync, no-op resync, 1% changed. */
class DriveEndToEndTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @TempDir
    Path tmp;

    @Test
    void sync_ofThousandsOfFiles_thenNoOp_thenOnePercentChanged() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        int files = 2000;
        for (int i = 0; i < files; i++) {
            Path f = root.resolve("data/d" + (i % 20) + "/f" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "file " + i);
            // an hour old: files written within two seconds of the first run would make the no-op
            // rewrite the manifest once (to settle them), and this test counts the no-op's requests
            Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(3600)));
        }
        DriveFixture fixture = new DriveFixture(DRIVE);
        Map<String, String> settings = new TreeMap<>(fixture.config(null).build().values());
        CloudSyncConfig config = CloudSyncConfig.builder().enable("gdrive").service("gdrive", settings).build();
        var vault = Vaults.create(tmp.resolve("cloudsync.secrets.json"), Secret.of("end-to-end passphrase"));
        vault.set("cloud_sync.gdrive.credentials", Secret.of(fixture.credentials));
        CloudSync cs = CloudSync.builder().root(root).config(config).vault(vault).build();

        SyncResult first = cs.run(SyncRequest.builder("gdrive", "nightly").build());
        assertThat(first.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(first.localManifest().entries()).hasSize(files);
        assertThat(first.summary().uploaded()).isEqualTo(files);

        long requestsBefore = DRIVE.requestCount(r -> true);
        SyncResult noOp = cs.run(SyncRequest.builder("gdrive", "nightly").build());
        assertThat(noOp.plan().isEmpty()).isTrue();
        assertThat(DRIVE.requestCount(r -> true) - requestsBefore).as("requests of a no-op resync").isLessThanOrEqualTo(4);

        for (int i = 0; i < files; i += 100) {
            Files.writeString(root.resolve("data/d" + (i % 20) + "/f" + i + ".txt"), "changed " + i);
        }
        SyncResult delta = cs.run(SyncRequest.builder("gdrive", "nightly").build());
        assertThat(delta.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(delta.summary().uploaded()).isEqualTo(files / 100);
    }
}
