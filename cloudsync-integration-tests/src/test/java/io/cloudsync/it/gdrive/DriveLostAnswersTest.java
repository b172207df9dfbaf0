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
import io.cloudsync.testkit.gdrive.StoredFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync whose creates lose their answer (Drive stored the folder, file or manifest, the client saw 503)
 * is retried by the engine without leaving a duplicate. Each kind of lost answer at the provider level
 * is the provider module's own {@code DriveLostAnswersTest}.
 */
class DriveLostAnswersTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @TempDir
    Path dir;

    @Test
    void sync_throughTheEngineWithLostCreateAnswers_leavesNoDuplicates() throws Exception {
        Path root = Files.createDirectories(dir.resolve("project"));
        for (int i = 0; i < 6; i++) {
            Path f = root.resolve("d" + (i % 2) + "/f" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "file " + i);
        }
        DriveFixture fx = new DriveFixture(DRIVE);
        Map<String, String> settings = new TreeMap<>(fx.config(null).build().values());
        CloudSyncConfig config = CloudSyncConfig.builder().enable("gdrive").service("gdrive", settings).build();
        var vault = Vaults.create(dir.resolve("cloudsync.secrets.json"), Secret.of("lost answers"));
        vault.set("cloud_sync.gdrive.credentials", Secret.of(fx.credentials));
        CloudSync cs = CloudSync.builder().root(root).config(config).vault(vault).build();
        DRIVE.loseNextCreateAnswers(5); // folders, files and the manifest alike

        SyncResult r = cs.run(SyncRequest.builder("gdrive", "snap").build());

        assertThat(r.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(named(fx.parentId, "snap")).hasSize(1);
        for (String folder : List.of("snap/d0", "snap/d1")) {
            List<String> names = DRIVE.children(fx.folder(folder)).stream().map(StoredFile::name).toList();
            assertThat(names).doesNotHaveDuplicates().hasSize(3);
        }
        // the format-2 root, its one entry chunk and its one index part, and the trash record of the first commit: each once
        assertThat(DRIVE.children(fx.manifestParentId)).extracting(StoredFile::name).doesNotHaveDuplicates()
                .hasSize(4).contains("snap.json").filteredOn(n -> n.startsWith("chunks/snap/")).hasSize(2);
        assertThat(DRIVE.children(fx.manifestParentId)).extracting(StoredFile::name)
                .filteredOn(n -> n.startsWith("trash/snap/runs/")).hasSize(1);
    }

    private static List<StoredFile> named(String folderId, String name) {
        return DRIVE.children(folderId).stream().filter(f -> f.name().equals(name)).toList();
    }
}
