package io.cloudsync.provider.gdrive;

import static io.cloudsync.provider.gdrive.DriveFixture.entry;
import static io.cloudsync.provider.gdrive.DriveFixture.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.gdrive.StoredFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DriveDuplicatesTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @TempDir
    Path dir;

    private final byte[] good = "the real content".getBytes(StandardCharsets.UTF_8);
    private final byte[] other = "someone else's upload".getBytes(StandardCharsets.UTF_8);

    @Test
    void download_duplicateNameFromAnotherTool_usesTheOneCloudsyncWrote() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        String folderId;
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("d/f.txt", good), file(dir, "g", good));
        }
        folderId = fx.folder("s/d");
        DRIVE.putFile(folderId, "f.txt", other, Map.of()); // newer, different content, no cloudsync appProperties
        try (Provider p = fx.open(null)) {
            p.download("s", "d/f.txt", dir.resolve("out"));
            assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(good);
            try (Stream<RemoteEntry> listed = p.list("s")) {
                assertThat(listed.toList()).singleElement()
                        .satisfies(e -> assertThat(e.sha256()).contains(entry("x", good).sha256()));
            }
        }
    }

    @Test
    void download_duplicateNamesBothWrittenByCloudsync_refusesToGuessAndNamesTheIds() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("f.txt", good), file(dir, "g", good));
        }
        String folderId = fx.folder("s");
        // as another run racing this one would have stored it
        String plantedId = DRIVE.putFile(folderId, "f.txt", other, Map.of("cloudsync", "1",
                "sha256", entry("f.txt", other).sha256(), "mtime", DriveFixture.MTIME.toString()));
        try (Provider p = fx.open(null)) {
            assertThatThrownBy(() -> p.download("s", "f.txt", dir.resolve("out")))
                    .isInstanceOfSatisfying(ProviderException.class,
                            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT))
                    .hasMessageContaining(plantedId).hasMessageContaining("will not guess");
            try (Stream<RemoteEntry> listed = p.list("s")) {
                assertThat(listed.toList()).singleElement().satisfies(e -> assertThat(e.sha256()).isEmpty());
            }
            // uploading the path again replaces every copy
            p.upload("s", entry("f.txt", good), file(dir, "g", good));
        }
        assertThat(DRIVE.children(folderId)).singleElement().satisfies(f -> assertThat(f.content()).isEqualTo(good));
    }

    @Test
    void upload_createDuplicatedByDrive_isCleanedUpOnTheNextUpload() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("first.txt", other), file(dir, "o", other)); // creates the folder
            DRIVE.duplicateNextCreates(1);
            p.upload("s", entry("f.txt", good), file(dir, "g", good));
        }
        String folderId = fx.folder("s");
        assertThat(DRIVE.children(folderId).stream().filter(f -> f.name().equals("f.txt"))).hasSize(2);
        try (Provider p = fx.open(null)) {
            // same content in both: not a guess, either is right
            p.download("s", "f.txt", dir.resolve("out"));
            assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(good);
            p.upload("s", entry("f.txt", good), file(dir, "g", good));
        }
        assertThat(DRIVE.children(folderId).stream().filter(f -> f.name().equals("f.txt"))).hasSize(1);
    }

    @Test
    void upload_duplicateFolders_areSearchedBothAndNewFilesGoToTheOldest() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        String snap = DRIVE.createFolder("s", fx.parentId);
        String older = DRIVE.createFolder("dir", snap);
        String newer = DRIVE.createFolder("dir", snap);
        DRIVE.putFile(newer, "in-newer.txt", good, Map.of());
        try (Provider p = fx.open(null)) {
            p.download("s", "dir/in-newer.txt", dir.resolve("out"));
            assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(good);
            p.upload("s", entry("dir/new.txt", other), file(dir, "o", other));
        }
        assertThat(DRIVE.children(older)).extracting(StoredFile::name).containsExactly("new.txt");
    }

    @Test
    void upload_newFilesHiddenFromListingsByLag_areStillFoundByThisProvider() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        DRIVE.delayListingVisibility(1000);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("a/f.txt", good), file(dir, "g", good));
            String tag = p.putMetadata("manifests/s.json", good, MetadataPrecondition.ifAbsent());
            p.download("s", "a/f.txt", dir.resolve("out"));
            assertThat(p.getMetadata("manifests/s.json")).hasValueSatisfying(o -> assertThat(o.version()).isEqualTo(tag));
            assertThat(p.listMetadata("manifests/")).containsExactly("manifests/s.json");
            p.putMetadata("manifests/s.json", other, MetadataPrecondition.ifVersion(tag));
        }
        assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(good);
        assertThat(DRIVE.children(fx.manifestParentId)).hasSize(1);
    }
}
