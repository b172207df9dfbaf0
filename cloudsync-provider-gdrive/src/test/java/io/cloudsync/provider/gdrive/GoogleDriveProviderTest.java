package io.cloudsync.provider.gdrive;

import static io.cloudsync.provider.gdrive.DriveFixture.CHUNK;
import static io.cloudsync.provider.gdrive.DriveFixture.MTIME;
import static io.cloudsync.provider.gdrive.DriveFixture.entry;
import static io.cloudsync.provider.gdrive.DriveFixture.file;
import static io.cloudsync.provider.gdrive.DriveFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.gdrive.StoredFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class GoogleDriveProviderTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @TempDir
    Path dir;

    @Test
    void upload_emptySmallAndMultiChunkFiles_roundTripWithVerifiedReceipts() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        try (Provider p = fx.open(dir.resolve("state"))) {
            for (int size : new int[] {0, 1000, 3 * CHUNK + 123}) {
                byte[] content = randomBytes(size, size);
                String path = "data/f" + size + ".bin";
                ManifestEntry e = entry(path, content);
                UploadReceipt receipt = p.upload("snap", e, file(dir, "in" + size, content));
                assertThat(receipt.serverVerified()).isTrue();
                assertThat(receipt.sha256()).contains(e.sha256());
                Path out = dir.resolve("out" + size);
                p.download("snap", path, out);
                assertThat(Files.readAllBytes(out)).isEqualTo(content);
            }
        }
        StoredFile stored = DRIVE.files().stream().filter(f -> f.name().equals("f1000.bin")).findFirst().orElseThrow();
        assertThat(stored.appProperties()).containsEntry("sha256", entry("x", randomBytes(1000, 1000)).sha256())
                .containsEntry("mtime", MTIME.toString());
        assertThat(stored.modifiedTime()).isEqualTo(MTIME.truncatedTo(ChronoUnit.MILLIS));
        // the empty file was never fetched with a range (Drive answers 416 to that)
        assertThat(DRIVE.requestCount(r -> r.status() == 416)).isZero();
    }

    @Test
    void upload_namesWithSpacesUnicodeAndQueryCharacters_roundTripAndList() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        List<String> paths = List.of("dir with space/it's #1 100% + more?.txt", "ünï cødé/日本語/ファイル.txt",
                "quote\"s/a&b=c;d.txt");
        String snapshot = "night'ly #2";
        try (Provider p = fx.open(null)) {
            int i = 0;
            for (String path : paths) {
                byte[] content = ("content of " + path).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                p.upload(snapshot, entry(path, content), file(dir, "n" + i++, content));
            }
            p.putMetadata("manifests/" + snapshot + ".json", new byte[] {'{', '}'}, MetadataPrecondition.none());
        }
        try (Provider p = fx.open(null)) {
            try (Stream<RemoteEntry> listed = p.list(snapshot)) {
                assertThat(listed.map(RemoteEntry::path)).containsExactlyInAnyOrderElementsOf(paths);
            }
            for (String path : paths) {
                Path out = dir.resolve("o");
                p.download(snapshot, path, out);
                assertThat(Files.readString(out)).isEqualTo("content of " + path);
            }
            assertThat(p.getMetadata("manifests/" + snapshot + ".json")).hasValueSatisfying(
                    o -> assertThat(o.bytes()).isEqualTo(new byte[] {'{', '}'}));
        }
    }

    @Test
    void upload_deepFolders_eachLevelCreatedOnceAndReused() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        long foldersBefore = DRIVE.files().stream().filter(StoredFile::isFolder).count();
        try (Provider p = fx.open(null)) {
            for (String name : List.of("x.txt", "y.txt", "z.txt")) {
                byte[] c = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                p.upload("deep", entry("a/b/c/d/e/" + name, c), file(dir, name, c));
            }
        }
        long foldersCreated = DRIVE.files().stream().filter(StoredFile::isFolder).count() - foldersBefore;
        assertThat(foldersCreated).isEqualTo(6); // deep, a, b, c, d, e
        String snapshotId = DRIVE.children(fx.parentId).get(0).id();
        assertThat(DRIVE.children(fx.parentId)).extracting(StoredFile::name).containsExactly("deep");
        assertThat(DRIVE.children(snapshotId)).extracting(StoredFile::name).containsExactly("a");
        // a second provider finds the existing folders instead of creating new ones
        try (Provider p = fx.open(null)) {
            byte[] c = {1, 2, 3};
            p.upload("deep", entry("a/b/c/d/e/w.bin", c), file(dir, "w", c));
        }
        assertThat(DRIVE.files().stream().filter(StoredFile::isFolder).count() - foldersBefore).isEqualTo(6);
    }

    @Test
    void upload_samePathTwice_replacesContentAndLeavesOneFile() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        try (Provider p = fx.open(null)) {
            byte[] first = "first".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] second = "second version".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            p.upload("s", entry("f.txt", first), file(dir, "1", first));
            p.upload("s", entry("f.txt", second), file(dir, "2", second));
            p.download("s", "f.txt", dir.resolve("o"));
            assertThat(Files.readAllBytes(dir.resolve("o"))).isEqualTo(second);
        }
        String snapshotId = DRIVE.children(fx.parentId).get(0).id();
        assertThat(DRIVE.children(snapshotId)).hasSize(1);
    }

    @Test
    void upload_sameContentAlreadyStored_sendsNoBytesAgain() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] c = randomBytes(5000, 7);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("f.bin", c), file(dir, "f", c));
        }
        long before = DRIVE.uploadBytesReceived();
        try (Provider p = fx.open(null)) {
            UploadReceipt r = p.upload("s", entry("f.bin", c), file(dir, "f", c));
            assertThat(r.serverVerified()).isTrue();
        }
        assertThat(DRIVE.uploadBytesReceived()).isEqualTo(before);
    }

    @Test
    void delete_existingThenAgainThenNeverExisting_isIdempotent() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        try (Provider p = fx.open(null)) {
            byte[] c = {42};
            p.upload("s", entry("a/b.bin", c), file(dir, "b", c));
            p.delete("s", "a/b.bin");
            p.delete("s", "a/b.bin");
            p.delete("s", "no/such/file.bin");
            p.delete("never-made", "x.bin");
            assertThatThrownBy(() -> p.download("s", "a/b.bin", dir.resolve("o")))
                    .isInstanceOfSatisfying(ProviderException.class,
                            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
        }
        assertThat(DRIVE.files().stream().filter(f -> f.name().equals("b.bin"))).isEmpty();
    }

    @Test
    void list_manyFilesOverSeveralPages_reportsSizeSha256AndMtime() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        DRIVE.maxPageSize(3);
        try (Provider p = fx.open(null)) {
            for (int i = 0; i < 10; i++) {
                byte[] c = randomBytes(i * 10, i);
                p.upload("s", entry((i % 2 == 0 ? "even/" : "") + "f" + i, c), file(dir, "f" + i, c));
            }
        }
        try (Provider p = fx.open(null); Stream<RemoteEntry> listed = p.list("s")) {
            List<RemoteEntry> entries = listed.toList();
            assertThat(entries).hasSize(10);
            assertThat(entries.get(0).path()).isEqualTo("even/f0");
            RemoteEntry f3 = entries.stream().filter(e -> e.path().equals("f3")).findFirst().orElseThrow();
            assertThat(f3.size()).isEqualTo(30);
            assertThat(f3.sha256()).contains(entry("f3", randomBytes(30, 3)).sha256());
            assertThat(f3.mtime()).contains(MTIME);
        }
        try (Provider p = fx.open(null); Stream<RemoteEntry> listed = p.list("empty")) {
            assertThat(listed).isEmpty();
        }
    }

    @Test
    void metadata_putGetUpdateInPlace_keepsOneFileWithTheSameId() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] v1 = "first".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] v2 = "second, longer".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String tag1;
        try (Provider p = fx.open(null)) {
            assertThat(p.getMetadata("manifests/snap.json")).isEmpty();
            tag1 = p.putMetadata("manifests/snap.json", v1, MetadataPrecondition.ifAbsent());
        }
        String id = DRIVE.children(fx.manifestParentId).get(0).id();
        try (Provider p = fx.open(null)) {
            assertThat(p.getMetadata("manifests/snap.json")).hasValueSatisfying(o -> {
                assertThat(o.bytes()).isEqualTo(v1);
                assertThat(o.version()).isEqualTo(tag1);
            });
            String tag2 = p.putMetadata("manifests/snap.json", v2, MetadataPrecondition.ifVersion(tag1));
            assertThat(tag2).isNotEqualTo(tag1);
            assertThat(p.getMetadata("manifests/snap.json").orElseThrow().version()).isEqualTo(tag2);
        }
        assertThat(DRIVE.children(fx.manifestParentId)).extracting(StoredFile::id, StoredFile::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(id, "snap.json"));
        assertThat(DRIVE.revisionCount(id)).isEqualTo(2);
        try (Provider p = fx.open(null)) {
            assertThat(p.getMetadata("manifests/snap.json").orElseThrow().bytes()).isEqualTo(v2);
        }
    }

    @Test
    void getMetadata_bytesThatAreNotJson_comeBackAsTheyAre() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] odd = "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        DRIVE.putFile(fx.manifestParentId, "bad.json", odd, Map.of());
        try (Provider p = fx.open(null)) {
            // the engine, not the provider, decides what the bytes mean
            assertThat(p.getMetadata("manifests/bad.json").orElseThrow().bytes()).isEqualTo(odd);
        }
    }
}
