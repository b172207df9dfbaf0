package io.cloudsync.it.gdrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Secret;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.Vaults;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.gdrive.StoredFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file edited between two syncs gets its new content in place: same Drive id, one more revision. The
 * provider-level half (small and resumable updates, a damaged update taken back) is the provider module's
 * own {@code DriveUpdateInPlaceTest}.
 */
class DriveUpdateInPlaceTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @TempDir
    Path dir;

    @Test
    void sync_ofAnEditedFile_keepsItsDriveId() throws Exception {
        Path root = Files.createDirectories(dir.resolve("project"));
        Path doc = root.resolve("docs/report.txt");
        Files.createDirectories(doc.getParent());
        Files.writeString(doc, "draft");
        Files.setLastModifiedTime(doc, FileTime.from(Instant.now().minusSeconds(3600)));
        DriveFixture fx = new DriveFixture(DRIVE);
        Map<String, String> settings = new TreeMap<>(fx.config(null).build().values());
        CloudSyncConfig config = CloudSyncConfig.builder().enable("gdrive").service("gdrive", settings).build();
        var vault = Vaults.create(dir.resolve("cloudsync.secrets.json"), Secret.of("in place"));
        vault.set("cloud_sync.gdrive.credentials", Secret.of(fx.credentials));
        CloudSync cs = CloudSync.builder().root(root).config(config).vault(vault).build();

        assertThat(cs.run(SyncRequest.builder("gdrive", "snap").build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        String id = only("report.txt").id();
        Files.writeString(doc, "final version");
        Files.setLastModifiedTime(doc, FileTime.from(Instant.now().minusSeconds(1800)));
        var second = cs.run(SyncRequest.builder("gdrive", "snap").build());

        assertThat(second.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(second.summary().uploaded()).isEqualTo(1);
        assertThat(only("report.txt").id()).isEqualTo(id);
        assertThat(only("report.txt").content()).isEqualTo("final version".getBytes(StandardCharsets.UTF_8));
        assertThat(DRIVE.revisionCount(id)).isEqualTo(2);
    }

    private static StoredFile only(String name) {
        return DRIVE.files().stream().filter(f -> f.name().equals(name)).reduce((a, b) -> {
            throw new AssertionError("two files named " + name + ": " + a.id() + ", " + b.id());
        }).orElseThrow(() -> new AssertionError("no file named " + name));
    }
}
