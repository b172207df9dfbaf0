package io.cloudsync.it.gdrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.ManifestEntry;
import io.cloudsync.Secret;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.Vaults;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.spi.Provider;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.gdrive.StoredFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google's usage-limit guidance is exponential backoff up to 32-64 s. With the engine's own five
 * attempts (about 1-2 s in all) a few seconds of 429 failed every operation they hit; with Drive's
 * declared policy the run rides a ten-second storm out. This test really waits (about 10-30 s).
 */
class DriveRateLimitStormTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @TempDir
    Path tmp;

    @Test
    void sync_throughATenSecond429StormWithoutRetryAfter_succeedsWithNothingLost() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        int files = 24;
        for (int i = 0; i < files; i++) {
            Path f = root.resolve("data/d" + (i % 4) + "/f" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "file " + i);
        }
        Files.write(root.resolve("data/big.bin"), DriveFixture.randomBytes(3 * DriveFixture.CHUNK + 17, 99));
        try (var walk = Files.walk(root)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(3600)));
            }
        }
        DriveFixture fixture = new DriveFixture(DRIVE);
        Map<String, String> settings = new TreeMap<>(fixture.config(null).build().values());
        settings.remove("retry_delay_scale"); // Google's backoff as it is, really waited
        // the engine's default settings: five attempts from 200 ms, which alone last about 1-2 s
        CloudSyncConfig config = CloudSyncConfig.builder().enable("gdrive").service("gdrive", settings).build();
        var vault = Vaults.create(tmp.resolve("cloudsync.secrets.json"), Secret.of("storm passphrase"));
        vault.set("cloud_sync.gdrive.credentials", Secret.of(fixture.credentials));
        CloudSync cs = CloudSync.builder().root(root).config(config).vault(vault).build();

        // a dozen calls in (the manifest read, the first folders and uploads), every call gets 429 for 10 s
        DRIVE.rateLimitStorm(Duration.ofSeconds(10), 12);
        long started = System.nanoTime();
        SyncResult result = cs.run(SyncRequest.builder("gdrive", "nightly").build());
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result.summary().errors()).isEmpty();
        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(result.summary().uploaded()).isEqualTo(files + 1);
        assertThat(DRIVE.requestCount(r -> r.status() == 429)).as("calls the storm refused").isGreaterThan(8);
        assertThat(took).as("the run outlasted the storm").isGreaterThanOrEqualTo(Duration.ofSeconds(10));

        // nothing lost, nothing doubled: each path is one Drive file with the local bytes
        for (ManifestEntry e : result.localManifest().entries()) {
            String name = e.path().substring(e.path().lastIndexOf('/') + 1);
            assertThat(DRIVE.files().stream().filter(f -> f.name().equals(name) && !f.isFolder()))
                    .as(e.path()).singleElement()
                    .satisfies(f -> assertThat(f.content()).isEqualTo(Files.readAllBytes(root.resolve(e.path()))));
        }
        assertThat(DRIVE.files().stream().filter(StoredFile::isFolder).filter(f -> f.name().equals("d0"))).hasSize(1);
        PullResult pulled = cs.pull("gdrive", "nightly", tmp.resolve("restored"), false);
        assertThat(pulled.status()).isEqualTo(SyncStatus.SUCCESS);
        try (Provider p = fixture.open(null)) {
            assertThat(p.getMetadata("manifests/nightly.json")).hasValueSatisfying(o -> assertThat(
                    io.cloudsync.core.SnapshotManifests.read(p, "nightly").orElseThrow().entries()).hasSize(files + 1));
        }
    }
}
