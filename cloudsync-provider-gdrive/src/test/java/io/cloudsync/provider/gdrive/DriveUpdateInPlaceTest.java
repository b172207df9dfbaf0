package io.cloudsync.provider.gdrive;

import static io.cloudsync.provider.gdrive.DriveFixture.CHUNK;
import static io.cloudsync.provider.gdrive.DriveFixture.entry;
import static io.cloudsync.provider.gdrive.DriveFixture.file;
import static io.cloudsync.provider.gdrive.DriveFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.gdrive.StoredFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A changed file gets new content in place: same Drive id, one more revision, nothing deleted. The same
 * through the engine is {@code io.cloudsync.it.gdrive.DriveUpdateInPlaceTest} in cloudsync-integration-tests.
 */
class DriveUpdateInPlaceTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @TempDir
    Path dir;

    @Test
    void upload_changedSmallAndResumableFiles_keepTheirIdAndGainARevision() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        for (int size : new int[] {100, 3 * CHUNK + 9}) {
            byte[] v1 = randomBytes(size, size);
            byte[] v2 = randomBytes(size + 1, size + 1);
            String path = "d/f" + size + ".bin";
            String id;
            try (Provider p = fx.open(dir.resolve("state"))) {
                p.upload("s", entry(path, v1), file(dir, "v1", v1));
                id = only("f" + size + ".bin").id();
            }
            long deletes = DRIVE.requestCount(r -> r.method().equals("DELETE"));
            try (Provider p = fx.open(dir.resolve("state"))) {
                assertThat(p.upload("s", entry(path, v2), file(dir, "v2", v2)).serverVerified()).isTrue();
                p.download("s", path, dir.resolve("out"));
            }
            assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(v2);
            StoredFile now = only("f" + size + ".bin");
            assertThat(now.id()).as("the Drive id survives the change").isEqualTo(id);
            assertThat(now.appProperties()).containsEntry("sha256", entry("x", v2).sha256());
            assertThat(DRIVE.revisionCount(id)).as("Drive's history keeps the old version").isEqualTo(2);
            assertThat(DRIVE.requestCount(r -> r.method().equals("DELETE"))).isEqualTo(deletes);
        }
    }

    @Test
    void upload_damagedUpdate_isTakenBackAndTheOldVersionAndItsMetadataStay() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] v1 = "version one".getBytes(StandardCharsets.UTF_8);
        byte[] v2 = "version two!".getBytes(StandardCharsets.UTF_8);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("x.bin", v1), file(dir, "v1", v1));
            String id = only("x.bin").id();
            DRIVE.corruptNextUploads(1);
            assertThatThrownBy(() -> p.upload("s", entry("x.bin", v2), file(dir, "v2", v2)))
                    .isInstanceOfSatisfying(ProviderException.class,
                            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.INTEGRITY));
            StoredFile after = only("x.bin");
            assertThat(after.id()).isEqualTo(id);
            assertThat(after.content()).isEqualTo(v1);
            assertThat(after.appProperties()).containsEntry("sha256", entry("x", v1).sha256());
            assertThat(DRIVE.revisionCount(id)).isEqualTo(1);
            // and the next attempt puts the new version in place
            p.upload("s", entry("x.bin", v2), file(dir, "v2", v2));
            assertThat(only("x.bin").content()).isEqualTo(v2);
            assertThat(only("x.bin").id()).isEqualTo(id);
        }
    }

    private static StoredFile only(String name) {
        return DRIVE.files().stream().filter(f -> f.name().equals(name)).reduce((a, b) -> {
            throw new AssertionError("two files named " + name + ": " + a.id() + ", " + b.id());
        }).orElseThrow(() -> new AssertionError("no file named " + name));
    }
}
