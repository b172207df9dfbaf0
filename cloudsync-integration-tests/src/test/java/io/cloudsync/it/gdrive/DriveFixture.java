package io.cloudsync.it.gdrive;

import io.cloudsync.Secret;
import io.cloudsync.provider.gdrive.GoogleDriveProviderFactory;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Fresh folders on a {@link FakeDriveServer} and the provider's settings for them, through the public
 * factory only: the part of the provider module's own {@code DriveFixture} (a package-private test class
 * there) that the engine-level tests need, repeated here.
 */
final class DriveFixture {

    /** The chunk size the tests set: 256 KiB, Drive's smallest. */
    static final int CHUNK = 256 * 1024;

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
}
