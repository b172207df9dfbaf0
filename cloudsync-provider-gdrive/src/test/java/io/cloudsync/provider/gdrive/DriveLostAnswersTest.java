package io.cloudsync.provider.gdrive;

import static io.cloudsync.provider.gdrive.DriveFixture.CHUNK;
import static io.cloudsync.provider.gdrive.DriveFixture.entry;
import static io.cloudsync.provider.gdrive.DriveFixture.file;
import static io.cloudsync.provider.gdrive.DriveFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.gdrive.StoredFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creates whose answer is lost (Drive stored the file, the client saw 503) are retried without
 * leaving a duplicate: every create names an id from files.generateIds, and the retry finds it. A whole
 * sync through the engine with lost answers is {@code io.cloudsync.it.gdrive.DriveLostAnswersTest} in
 * cloudsync-integration-tests.
 */
class DriveLostAnswersTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @TempDir
    Path dir;

    private final byte[] content = "stored, but the answer was lost".getBytes(StandardCharsets.UTF_8);

    @Test
    void upload_createStoredButAnswered503_retryTakesTheStoredFileInsteadOfMakingATwin() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        ManifestEntry e = entry("f.txt", content);
        Path local = file(dir, "f", content);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("first.txt", new byte[] {1}), file(dir, "first", new byte[] {1})); // the folder exists
            DRIVE.loseNextCreateAnswers(1);
            assertThatThrownBy(() -> p.upload("s", e, local)).isInstanceOfSatisfying(ProviderException.class,
                    ex -> assertThat(ex.retryable()).isTrue());
            assertThat(named(fx.folder("s"), "f.txt")).as("Drive stored it anyway").hasSize(1);
            long bytesBefore = DRIVE.uploadBytesReceived();
            assertThat(p.upload("s", e, local).serverVerified()).isTrue(); // the engine's retry
            assertThat(DRIVE.uploadBytesReceived()).as("nothing sent again").isEqualTo(bytesBefore);
        }
        assertThat(named(fx.folder("s"), "f.txt")).singleElement()
                .satisfies(f -> assertThat(f.content()).isEqualTo(content));
    }

    @Test
    void upload_folderCreateAnswerLost_retryUsesTheStoredFolder() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        try (Provider p = fx.open(null)) {
            DRIVE.loseNextCreateAnswers(1); // the first create is the snapshot's folder
            assertThatThrownBy(() -> p.upload("s", entry("a/f.txt", content), file(dir, "f", content)))
                    .isInstanceOfSatisfying(ProviderException.class, ex -> assertThat(ex.retryable()).isTrue());
            p.upload("s", entry("a/f.txt", content), file(dir, "f", content));
        }
        assertThat(named(fx.parentId, "s")).hasSize(1);
        assertThat(named(fx.folder("s"), "a")).hasSize(1);
        assertThat(named(fx.folder("s/a"), "f.txt")).hasSize(1);
    }

    @Test
    void upload_resumableFinalChunkAnswerLost_retryFindsTheFileWithoutResending() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] big = randomBytes(3 * CHUNK + 5, 11);
        ManifestEntry e = entry("big.bin", big);
        Path local = file(dir, "big", big);
        try (Provider p = fx.open(dir.resolve("state"))) {
            p.upload("s", entry("first.txt", new byte[] {1}), file(dir, "first", new byte[] {1}));
            DRIVE.loseNextCreateAnswers(1);
            long before = DRIVE.uploadBytesReceived();
            assertThatThrownBy(() -> p.upload("s", e, local)).isInstanceOfSatisfying(ProviderException.class,
                    ex -> assertThat(ex.retryable()).isTrue());
            assertThat(p.upload("s", e, local).serverVerified()).isTrue();
            assertThat(DRIVE.uploadBytesReceived() - before).isEqualTo(big.length);
        }
        assertThat(named(fx.folder("s"), "big.bin")).singleElement()
                .satisfies(f -> assertThat(f.content()).isEqualTo(big));
    }

    @Test
    void putMetadata_createAnswerLost_retryIfAbsentSucceedsWithOneFile() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] m = "the bytes of manifests/s.json, which the provider never reads".getBytes(StandardCharsets.UTF_8);
        try (Provider p = fx.open(null)) {
            DRIVE.loseNextCreateAnswers(1);
            assertThatThrownBy(() -> p.putMetadata("manifests/s.json", m, MetadataPrecondition.ifAbsent()))
                    .isInstanceOfSatisfying(ProviderException.class, ex -> assertThat(ex.kind()).isEqualTo(Kind.UNAVAILABLE));
            // the retry of the same put is not "another run wrote it first"
            String tag = p.putMetadata("manifests/s.json", m, MetadataPrecondition.ifAbsent());
            assertThat(p.getMetadata("manifests/s.json")).hasValueSatisfying(o -> {
                assertThat(o.bytes()).isEqualTo(m);
                assertThat(o.version()).isEqualTo(tag);
            });
        }
        assertThat(DRIVE.children(fx.manifestParentId)).singleElement().extracting(StoredFile::name).isEqualTo("s.json");
    }

    @Test
    void putMetadata_updateAnswerLost_retryIfVersionSucceedsButAnotherPutIsStillAConflict() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] v1 = {1};
        byte[] v2 = {2};
        try (Provider p = fx.open(null)) {
            String t1 = p.putMetadata("manifests/s.json", v1, MetadataPrecondition.ifAbsent());
            DRIVE.loseNextUpdateAnswers(1);
            assertThatThrownBy(() -> p.putMetadata("manifests/s.json", v2, MetadataPrecondition.ifVersion(t1)))
                    .isInstanceOfSatisfying(ProviderException.class, ex -> assertThat(ex.kind()).isEqualTo(Kind.UNAVAILABLE));
            // Drive stored v2: the retry of that put is not "another run changed it"
            String t2 = p.putMetadata("manifests/s.json", v2, MetadataPrecondition.ifVersion(t1));
            assertThat(p.getMetadata("manifests/s.json")).hasValueSatisfying(o -> {
                assertThat(o.bytes()).isEqualTo(v2);
                assertThat(o.version()).isEqualTo(t2);
            });
            // a put of other bytes on the stale tag still fails
            DRIVE.loseNextUpdateAnswers(1);
            assertThatThrownBy(() -> p.putMetadata("manifests/s.json", v1, MetadataPrecondition.ifVersion(t2)))
                    .isInstanceOf(ProviderException.class);
            assertThatThrownBy(() -> p.putMetadata("manifests/s.json", v2, MetadataPrecondition.ifVersion(t2)))
                    .isInstanceOfSatisfying(ProviderException.class, ex -> assertThat(ex.kind()).isEqualTo(Kind.CONFLICT));
        }
        assertThat(DRIVE.children(fx.manifestParentId)).singleElement().satisfies(f -> assertThat(f.content()).isEqualTo(v1));
    }

    private static List<StoredFile> named(String folderId, String name) {
        return DRIVE.children(folderId).stream().filter(f -> f.name().equals(name)).toList();
    }
}
