package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.core.result.VerifyResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code local} remote in the layout of the versions before SPI 4 (files under
 * {@code <directory>/<snapshot>/}, the manifest at {@code .cloudsync/manifests/<snapshot>.json}, written
 * here by hand as that code wrote it) is synced, pulled and verified without a migration. The lead's
 * compatibility test replays captured remotes; this one pins the layout.
 */
class LegacyLocalRemoteTest {

    private static final Instant MTIME = Instant.parse("2024-02-03T04:05:06.789Z");

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    Manifest legacy;

    @BeforeEach
    void writeALegacyRemote() throws Exception {
        root = Files.createDirectories(tmp.resolve("project"));
        remote = tmp.resolve("remote");
        List<ManifestEntry> entries = new ArrayList<>();
        for (String[] file : new String[][] {{"a.txt", "alpha"}, {"docs/b.txt", "bravo"}}) {
            byte[] bytes = file[1].getBytes(StandardCharsets.UTF_8);
            Trees.write(root, file[0], file[1]);
            Files.setLastModifiedTime(root.resolve(file[0]), FileTime.from(MTIME));
            Trees.write(remote.resolve("nightly"), file[0], file[1]);
            entries.add(new ManifestEntry(file[0], bytes.length, MTIME, Digests.hex(Digests.sha256().digest(bytes))));
        }
        legacy = Manifest.of("nightly", root.toString(), MTIME.plusSeconds(3600), entries);
        Files.createDirectories(remote.resolve(".cloudsync/manifests"));
        Files.write(remote.resolve(".cloudsync/manifests/nightly.json"), ManifestJson.toBytes(legacy));
    }

    private CloudSync cloudSync() {
        return CloudSync.builder().root(root).config(CloudSyncConfig.builder().enable("local")
                        .engine(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build())
                        .service("local", Map.of("directory", remote.toString())).build())
                .build();
    }

    @Test
    void sync_seesTheLegacyManifest_andPlansNothing() {
        SyncResult result = cloudSync().run(SyncRequest.builder("local", "nightly").build());

        assertThat(result.remoteManifest()).contains(legacy);
        assertThat(result.plan().isEmpty()).isTrue();
        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
    }

    @Test
    void sync_ofAChange_commitsOverTheLegacyManifestInItsPlace() throws Exception {
        Trees.write(root, "new.txt", "new");

        SyncResult result = cloudSync().run(SyncRequest.builder("local", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        Manifest committed = TestManifests.committed(remote, "nightly");
        assertThat(committed.entries()).extracting(ManifestEntry::path).containsExactly("a.txt", "docs/b.txt", "new.txt");
    }

    @Test
    void pullAndVerify_readTheLegacyRemote() {
        CloudSync cs = cloudSync();

        PullResult pulled = cs.pull("local", "nightly", tmp.resolve("restored"), false);
        VerifyResult verified = cs.verify("local", "nightly", 100);

        assertThat(pulled.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(Trees.read(tmp.resolve("restored"))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "a.txt", "alpha", "docs/b.txt", "bravo"));
        assertThat(verified.ok()).as(verified.toString()).isTrue();
    }
}
