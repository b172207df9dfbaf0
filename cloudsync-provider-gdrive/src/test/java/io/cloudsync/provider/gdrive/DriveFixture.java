package io.cloudsync.provider.gdrive;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Secret;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/** Opens the provider against a {@link FakeDriveServer} with fresh folders. */
final class DriveFixture {

    static final int CHUNK = 256 * 1024;
    static final Instant MTIME = Instant.parse("2024-05-06T07:08:09.123456789Z");

    final FakeDriveServer drive;
    final String credentials;
    final String parentId;
    final String manifestParentId;

    DriveFixture(FakeDriveServer drive) {
        this.drive = drive;
        this.credentials = drive.newServiceAccountJson("sync-" + UUID.randomUUID() + "@test.iam.gserviceaccount.com");
        String root = drive.createFolder("test-" + UUID.randomUUID());
        this.parentId = drive.createFolder("files", root);
        this.manifestParentId = drive.createFolder("manifests", root);
    }

    ProviderConfig.Builder config(Path stateDir) {
        ProviderConfig.Builder b = ProviderConfig.builder()
                .put("parent_id", parentId)
                .put("manifest_parent_id", manifestParentId)
                .put("root_url", drive.rootUrl())
                .put("chunk_size", Integer.toString(CHUNK))
                .put("pacer_interval_ms", "0")
                // retries without Google's waits: the tests that need real backoff remove this
                .put("retry_delay_scale", "0");
        if (stateDir != null) {
            b.stateDirectory(stateDir);
        }
        return b;
    }

    /** The id of folder {@code path} ("snapshot/dir") under parent_id, the oldest if several. */
    String folder(String path) {
        String current = parentId;
        for (String name : path.split("/")) {
            String parent = current;
            current = drive.children(parent).stream().filter(f -> f.isFolder() && f.name().equals(name))
                    .findFirst().orElseThrow(() -> new AssertionError("no folder " + name + " in " + parent)).id();
        }
        return current;
    }

    Secrets secrets() {
        return Secrets.of(Map.of("cloud_sync.gdrive.credentials", Secret.of(credentials)));
    }

    Provider open(Path stateDir) {
        return new GoogleDriveProviderFactory().open(config(stateDir).build(), secrets());
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Path file(Path dir, String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    static ManifestEntry entry(String path, byte[] content) {
        return new ManifestEntry(path, content.length, MTIME, Digests.hex(Digests.sha256().digest(content)));
    }
}
