package io.cloudsync.provider.gdrive;

import static io.cloudsync.provider.gdrive.DriveFixture.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.gdrive.StoredFile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The metadata area in manifest_parent_id, against the fake Drive server. */
class DriveMetadataAreaTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> list(Provider p, String prefix) {
        try (Stream<String> names = p.listMetadata(prefix)) {
            return names.toList();
        }
    }

    private static void assertConflict(ThrowingCallable call, String... inMessage) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
            for (String s : inMessage) {
                assertThat(e.getMessage()).contains(s);
            }
        });
    }

    @Test
    void putGetListDelete_namesOfEveryShape_mapToDriveNamesThatCannotCollide() {
        DriveFixture fx = new DriveFixture(DRIVE);
        Map<String, String> driveNames = Map.of(
                "manifests/nightly.json", "nightly.json",
                "manifests/it's ünï \"q\" #1.json", "it's ünï \"q\" #1.json",
                "leases/nightly", "leases/nightly",
                "chunks/nightly/00/01.bin", "chunks/nightly/00/01.bin",
                "nightly.json", "/nightly.json");
        try (Provider p = fx.open(null)) {
            for (String name : driveNames.keySet()) {
                p.putMetadata(name, utf8("bytes of " + name), MetadataPrecondition.ifAbsent());
            }
            for (String name : driveNames.keySet()) {
                assertThat(p.getMetadata(name)).as(name).hasValueSatisfying(
                        o -> assertThat(o.bytes()).isEqualTo(utf8("bytes of " + name)));
            }
        }
        assertThat(DRIVE.children(fx.manifestParentId)).extracting(StoredFile::name)
                .containsExactlyInAnyOrderElementsOf(driveNames.values());
        try (Provider p = fx.open(null)) {
            // a fresh provider lists from Drive alone, sorted, filtered by prefix here
            assertThat(list(p, "")).containsExactly("chunks/nightly/00/01.bin", "leases/nightly",
                    "manifests/it's ünï \"q\" #1.json", "manifests/nightly.json", "nightly.json");
            assertThat(list(p, "manifests/")).containsExactly("manifests/it's ünï \"q\" #1.json", "manifests/nightly.json");
            assertThat(list(p, "manifests/n")).containsExactly("manifests/nightly.json");
            assertThat(list(p, "chunks/nightly/")).containsExactly("chunks/nightly/00/01.bin");
            assertThat(list(p, "night")).containsExactly("nightly.json");
            assertThat(list(p, "none/")).isEmpty();

            p.deleteMetadata("leases/nightly");
            p.deleteMetadata("leases/nightly");
            p.deleteMetadata("never/there");
            assertThat(p.getMetadata("leases/nightly")).isEmpty();
            assertThat(list(p, "leases/")).isEmpty();
        }
        assertThat(DRIVE.children(fx.manifestParentId)).extracting(StoredFile::name).doesNotContain("leases/nightly");
    }

    @Test
    void putMetadata_storesTheBytesExactlyWithTheirSha256AndNoManifestChecksum() {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        byte[] empty = {};
        try (Provider p = fx.open(null)) {
            p.putMetadata("manifests/s.json", bytes, MetadataPrecondition.none());
            p.putMetadata("plans/empty", empty, MetadataPrecondition.none());
            assertThat(p.getMetadata("plans/empty").orElseThrow().bytes()).isEmpty();
        }
        StoredFile stored = DRIVE.children(fx.manifestParentId).stream().filter(f -> f.name().equals("s.json"))
                .findFirst().orElseThrow();
        assertThat(stored.content()).isEqualTo(bytes);
        assertThat(stored.mimeType()).isEqualTo("application/json");
        assertThat(stored.appProperties()).containsEntry("cloudsync", "manifest")
                .containsEntry("sha256", Digests.hex(Digests.sha256().digest(bytes)))
                .doesNotContainKey("manifest_checksum");
    }

    @Test
    void versionTag_stableAcrossReadsAndNewWithEveryPut() {
        DriveFixture fx = new DriveFixture(DRIVE);
        try (Provider p = fx.open(null)) {
            String t1 = p.putMetadata("leases/a", utf8("one"), MetadataPrecondition.none());
            assertThat(p.getMetadata("leases/a").orElseThrow().version()).isEqualTo(t1);
            assertThat(p.getMetadata("leases/a").orElseThrow().version()).isEqualTo(t1);
            String t2 = p.putMetadata("leases/a", utf8("one"), MetadataPrecondition.ifVersion(t1));
            String t3 = p.putMetadata("leases/a", utf8("two"), MetadataPrecondition.ifVersion(t2));
            assertThat(List.of(t1, t2, t3)).doesNotHaveDuplicates();
            try (Provider other = fx.open(null)) {
                assertThat(other.getMetadata("leases/a").orElseThrow().version()).isEqualTo(t3);
            }
        }
    }

    @Test
    void preconditions_ifAbsentAndIfVersion_refuseWithConflictAndStoreNothing() {
        DriveFixture fx = new DriveFixture(DRIVE);
        try (Provider p = fx.open(null)) {
            assertConflict(() -> p.putMetadata("manifests/s.json", utf8("x"), MetadataPrecondition.ifVersion("nope")),
                    "manifests/s.json", "no longer");
            assertThat(p.getMetadata("manifests/s.json")).isEmpty();
            String tag = p.putMetadata("manifests/s.json", utf8("v1"), MetadataPrecondition.ifAbsent());
            assertConflict(() -> p.putMetadata("manifests/s.json", utf8("v1"), MetadataPrecondition.ifAbsent()),
                    "already exists");
            assertConflict(() -> p.putMetadata("manifests/s.json", utf8("v2"), MetadataPrecondition.ifVersion(tag + "x")),
                    "not the expected");
            assertThat(p.getMetadata("manifests/s.json")).hasValueSatisfying(o -> {
                assertThat(o.bytes()).isEqualTo(utf8("v1"));
                assertThat(o.version()).isEqualTo(tag);
            });
            p.putMetadata("manifests/s.json", utf8("v3"), MetadataPrecondition.none());
            assertThat(p.getMetadata("manifests/s.json").orElseThrow().bytes()).isEqualTo(utf8("v3"));
        }
        assertThat(DRIVE.children(fx.manifestParentId)).hasSize(1);
    }

    @Test
    void putMetadata_anotherRunPutBetweenReadAndPut_isRefusedByTheCheckBeforeThePut() {
        DriveFixture fx = new DriveFixture(DRIVE);
        try (Provider first = fx.open(null); Provider second = fx.open(null)) {
            first.putMetadata("manifests/s.json", utf8("base"), MetadataPrecondition.ifAbsent());
            MetadataObject readByFirst = first.getMetadata("manifests/s.json").orElseThrow();
            MetadataObject readBySecond = second.getMetadata("manifests/s.json").orElseThrow();
            assertThat(readBySecond.version()).isEqualTo(readByFirst.version());

            second.putMetadata("manifests/s.json", utf8("second's"), MetadataPrecondition.ifVersion(readBySecond.version()));
            assertConflict(() -> first.putMetadata("manifests/s.json", utf8("first's"),
                    MetadataPrecondition.ifVersion(readByFirst.version())), "another run changed it");
            assertThat(first.getMetadata("manifests/s.json").orElseThrow().bytes()).isEqualTo(utf8("second's"));
        }
    }

    @Test
    void getMetadata_manifestWrittenByTheCodeBeforeTheMetadataArea_readsAndUpdatesInPlace() {
        DriveFixture fx = new DriveFixture(DRIVE);
        // what the code before SPI 4 (writeManifest) stored: <snapshot>.json with the manifest's checksum among its appProperties
        Manifest manifest = Manifest.of("nightly", "/project", Instant.parse("2024-05-06T07:08:09Z"),
                List.of(entry("docs/a.txt", utf8("a"))));
        // its bytes in format 1 (docs/FORMATS.md); the provider stores bytes and never parses them, so core's
        // codec is not needed here (that the engine reads such remotes is cloudsync-integration-tests' concern)
        byte[] legacy = utf8("""
                {
                  "format": "cloudsync-manifest",
                  "version": 1,
                  "name": "nightly",
                  "root": "/project",
                  "created_at": "2024-05-06T07:08:09Z",
                  "checksum": "%s",
                  "entries": [
                    {"path": "docs/a.txt", "size": 1, "mtime": "2024-05-06T07:08:09.123456789Z", "sha256": "%s"}
                  ]
                }
                """.formatted(manifest.checksum(), manifest.entries().get(0).sha256()));
        String id = DRIVE.putFile(fx.manifestParentId, "nightly.json", legacy, Map.of("cloudsync", "manifest",
                "manifest_checksum", manifest.checksum(), "sha256", Digests.hex(Digests.sha256().digest(legacy))));
        try (Provider p = fx.open(null)) {
            MetadataObject read = p.getMetadata("manifests/nightly.json").orElseThrow();
            assertThat(read.bytes()).isEqualTo(legacy);
            assertThat(list(p, "manifests/")).containsExactly("manifests/nightly.json");

            byte[] next = utf8(new String(legacy, StandardCharsets.UTF_8).replace("2024-05-06T07:08:09Z", "2024-05-07T07:08:09Z"));
            p.putMetadata("manifests/nightly.json", next, MetadataPrecondition.ifVersion(read.version()));
        }
        assertThat(DRIVE.children(fx.manifestParentId)).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo(id);
            // the old checksum would be stale now: the code before this change would trust it
            assertThat(f.appProperties()).doesNotContainKey("manifest_checksum").containsEntry("cloudsync", "manifest");
        });
    }

    @Test
    void duplicates_sameContentUseTheOldest_differentContentAreAConflictNamingTheIds() {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] same = utf8("same");
        String older = DRIVE.putFile(fx.manifestParentId, "a.json", same, Map.of());
        String newer = DRIVE.putFile(fx.manifestParentId, "a.json", same, Map.of());
        DRIVE.putFile(fx.manifestParentId, "b.json", utf8("one"), Map.of());
        DRIVE.putFile(fx.manifestParentId, "b.json", utf8("two"), Map.of());
        try (Provider p = fx.open(null)) {
            MetadataObject a = p.getMetadata("manifests/a.json").orElseThrow();
            assertThat(a.bytes()).isEqualTo(same);
            assertThat(a.version()).startsWith(older + ":");
            String[] bIds = DRIVE.children(fx.manifestParentId).stream().filter(f -> f.name().equals("b.json"))
                    .map(StoredFile::id).toArray(String[]::new);
            assertConflict(() -> p.getMetadata("manifests/b.json"), bIds);
            assertConflict(() -> p.putMetadata("manifests/b.json", utf8("x"), MetadataPrecondition.ifVersion("any")), bIds);
            assertThat(list(p, "manifests/")).containsExactly("manifests/a.json", "manifests/b.json");

            // a put that succeeds removes every other file of the name
            p.putMetadata("manifests/a.json", utf8("new"), MetadataPrecondition.ifVersion(a.version()));
            p.putMetadata("manifests/b.json", utf8("three"), MetadataPrecondition.none());
        }
        assertThat(DRIVE.children(fx.manifestParentId)).extracting(StoredFile::name).containsExactlyInAnyOrder("a.json", "b.json");
        assertThat(DRIVE.children(fx.manifestParentId)).extracting(StoredFile::id).contains(older).doesNotContain(newer);
    }

    @Test
    void listMetadata_manyObjectsOverSmallPages_andForeignFilesAreLeftOut() {
        DriveFixture fx = new DriveFixture(DRIVE);
        DRIVE.maxPageSize(2);
        DRIVE.createFolder("2024.json", fx.manifestParentId); // a folder is not a metadata object
        DRIVE.putFile(fx.manifestParentId, "manifests/x.json", utf8("no name maps to this"), Map.of());
        try (Provider p = fx.open(null)) {
            for (int i = 9; i >= 0; i--) {
                p.putMetadata("manifests/s" + i + ".json", utf8("m" + i), MetadataPrecondition.ifAbsent());
            }
        }
        try (Provider p = fx.open(null)) {
            assertThat(list(p, "manifests/")).containsExactly("manifests/s0.json", "manifests/s1.json",
                    "manifests/s2.json", "manifests/s3.json", "manifests/s4.json", "manifests/s5.json", "manifests/s6.json",
                    "manifests/s7.json", "manifests/s8.json", "manifests/s9.json");
        }
    }

    @Test
    void listMetadata_objectsHiddenByListingLag_areListedAndReadByTheProviderThatPutThem() {
        DriveFixture fx = new DriveFixture(DRIVE);
        DRIVE.delayListingVisibility(1000);
        try (Provider p = fx.open(null)) {
            String tag = p.putMetadata("leases/s", utf8("held"), MetadataPrecondition.ifAbsent());
            assertThat(list(p, "leases/")).containsExactly("leases/s");
            assertThat(p.getMetadata("leases/s").orElseThrow().version()).isEqualTo(tag);
            // and the check before a put sees it too
            assertConflict(() -> p.putMetadata("leases/s", utf8("again"), MetadataPrecondition.ifAbsent()), "already exists");
            p.deleteMetadata("leases/s");
            assertThat(list(p, "leases/")).isEmpty();
            assertThat(p.getMetadata("leases/s")).isEmpty();
        }
    }

    @Test
    void badNames_areRefusedSayingWhatIsWrong() {
        DriveFixture fx = new DriveFixture(DRIVE);
        try (Provider p = fx.open(null)) {
            assertThatThrownBy(() -> p.getMetadata("manifests/../x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'..'");
            assertThatThrownBy(() -> p.putMetadata("a//b", new byte[0], MetadataPrecondition.none()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
            assertThatThrownBy(() -> p.deleteMetadata("")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> p.listMetadata(null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> p.upload(".cloudsync", entry("a", new byte[0]), java.nio.file.Path.of("a")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        }
    }
}
