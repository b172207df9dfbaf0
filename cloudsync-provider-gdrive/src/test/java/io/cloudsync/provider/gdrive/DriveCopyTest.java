package io.cloudsync.provider.gdrive;

import static io.cloudsync.provider.gdrive.DriveFixture.CHUNK;
import static io.cloudsync.provider.gdrive.DriveFixture.MTIME;
import static io.cloudsync.provider.gdrive.DriveFixture.entry;
import static io.cloudsync.provider.gdrive.DriveFixture.file;
import static io.cloudsync.provider.gdrive.DriveFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.gdrive.StoredFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Server-side copies with files.copy, against the fake Drive server. */
class DriveCopyTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @TempDir
    Path dir;

    private static final Instant LATER = Instant.parse("2025-01-02T03:04:05.678901234Z");

    private static ManifestEntry at(String path, byte[] content, Instant mtime) {
        ManifestEntry e = entry(path, content);
        return new ManifestEntry(path, e.size(), mtime, e.sha256());
    }

    private static long copyRequests() {
        return DRIVE.requestCount(r -> r.method().equals("POST") && r.path().endsWith("/copy"));
    }

    private List<StoredFile> named(DriveFixture fx, String folder, String name) {
        return DRIVE.children(fx.folder(folder)).stream().filter(f -> f.name().equals(name)).toList();
    }

    @Test
    void copy_toANewPathInNewFolders_storesTheBytesOnDriveWithoutSendingThem() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] content = randomBytes(3 * CHUNK + 17, 1);
        ManifestEntry target = at("moved/deeper/b.bin", content, LATER);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("a.bin", content), file(dir, "a", content));
            long sent = DRIVE.uploadBytesReceived();
            long copies = copyRequests();
            UploadReceipt receipt = p.copy("s", "a.bin", target);
            assertThat(receipt.serverVerified()).isTrue();
            assertThat(receipt.sha256()).contains(target.sha256());
            assertThat(receipt.size()).isEqualTo(content.length);
            assertThat(DRIVE.uploadBytesReceived()).isEqualTo(sent);
            assertThat(copyRequests() - copies).isEqualTo(1);
            p.download("s", "moved/deeper/b.bin", dir.resolve("out"));
            assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(content);
        }
        assertThat(named(fx, "s/moved/deeper", "b.bin")).singleElement().satisfies(f -> {
            assertThat(f.appProperties()).containsEntry("cloudsync", "1").containsEntry("sha256", target.sha256())
                    .containsEntry("mtime", LATER.toString());
            assertThat(f.modifiedTime()).isEqualTo(LATER.truncatedTo(ChronoUnit.MILLIS));
        });
        assertThat(named(fx, "s", "a.bin")).singleElement().satisfies(f -> {
            assertThat(f.content()).isEqualTo(content);
            assertThat(f.appProperties()).containsEntry("mtime", MTIME.toString());
        });
    }

    @Test
    void copy_overAnExistingTarget_leavesOneFileWithTheSourceContent() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] source = "the source".getBytes(StandardCharsets.UTF_8);
        byte[] old = "what was at the target".getBytes(StandardCharsets.UTF_8);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("src.txt", source), file(dir, "s", source));
            p.upload("s", entry("dst.txt", old), file(dir, "o", old));
        }
        String oldId = named(fx, "s", "dst.txt").get(0).id();
        try (Provider p = fx.open(null)) {
            p.copy("s", "src.txt", at("dst.txt", source, LATER));
            p.download("s", "dst.txt", dir.resolve("out"));
            assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(source);
        }
        assertThat(named(fx, "s", "dst.txt")).singleElement().satisfies(f -> {
            assertThat(f.id()).isNotEqualTo(oldId);
            assertThat(f.content()).isEqualTo(source);
            assertThat(f.appProperties()).containsEntry("mtime", LATER.toString());
        });
        assertThat(named(fx, "s", "src.txt")).hasSize(1);
    }

    @Test
    void copy_missingSource_isNotFoundAndCreatesNothing() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] c = {1, 2, 3};
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("there.bin", c), file(dir, "t", c));
            long files = DRIVE.files().size();
            assertThatThrownBy(() -> p.copy("s", "not/there.bin", entry("new/place.bin", c)))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
                        assertThat(e.getMessage()).contains("not/there.bin").contains("new/place.bin");
                    });
            assertThatThrownBy(() -> p.copy("no-such-snapshot", "there.bin", entry("x.bin", c)))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
            assertThat(DRIVE.files()).hasSize((int) files);
        }
    }

    @Test
    void copy_entryWithOtherContentThanTheSource_isRefusedBeforeAnythingIsCopied() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] c = "source".getBytes(StandardCharsets.UTF_8);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("a.txt", c), file(dir, "a", c));
            long copies = copyRequests();
            assertThatThrownBy(() -> p.copy("s", "a.txt", entry("b.txt", "other".getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INTEGRITY))
                    .hasMessageContaining("nothing was copied");
            assertThat(copyRequests()).isEqualTo(copies);
        }
        assertThat(named(fx, "s", "b.txt")).isEmpty();
    }

    @Test
    void copy_answerLost_retryTakesTheCopyDriveMadeAndLeavesNoTwin() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] c = randomBytes(1000, 5);
        ManifestEntry target = at("b.bin", c, LATER);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("a.bin", c), file(dir, "a", c));
            DRIVE.loseNextCreateAnswers(1);
            assertThatThrownBy(() -> p.copy("s", "a.bin", target))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
            assertThat(p.copy("s", "a.bin", target).serverVerified()).isTrue();
        }
        assertThat(named(fx, "s", "b.bin")).singleElement().satisfies(f -> assertThat(f.content()).isEqualTo(c));
    }

    @Test
    void copy_targetAlreadyHoldingTheContent_onlyUpdatesItsMetadata() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] c = "same bytes".getBytes(StandardCharsets.UTF_8);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("a.txt", c), file(dir, "a", c));
            p.upload("s", entry("b.txt", c), file(dir, "b", c));
            long copies = copyRequests();
            assertThat(p.copy("s", "a.txt", at("b.txt", c, LATER)).serverVerified()).isTrue();
            assertThat(copyRequests()).isEqualTo(copies);
        }
        assertThat(named(fx, "s", "b.txt")).singleElement()
                .satisfies(f -> assertThat(f.appProperties()).containsEntry("mtime", LATER.toString()));
    }

    @Test
    void copy_sourceIsAFolder_isNotFound() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        try (Provider p = fx.open(null)) {
            byte[] c = {7};
            p.upload("s", entry("d/f.bin", c), file(dir, "f", c));
            // "d" is a folder: the provider finds no file there, and never asks Drive to copy a folder
            assertThatThrownBy(() -> p.copy("s", "d", entry("e", c)))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
        }
    }
}
