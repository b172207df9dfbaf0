package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.BackupException;
import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.core.result.BackupRestoreResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of hostile or damaged archives, built here; each must be rejected by restore and verify
 * with nothing written inside or outside the target.
 */
class BackupsHostileArchiveTest {

    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    private static final String MANIFEST = Backups.MANIFEST_PATH;

    @TempDir
    Path dir;

    private Path root;
    private Path folder;
    private Path target;
    private Backups backups;
    private int counter;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(dir.resolve("project"));
        folder = Files.createDirectories(root.resolve("backups/cloud"));
        target = Files.createDirectories(dir.resolve("project/restore-here/deep"));
        Files.writeString(target.resolve("existing.txt"), "keep me");
        Files.createDirectories(dir.resolve("outside"));
        backups = Backups.of(root).clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** An entry of a crafted archive. */
    private record Item(String name, byte[] content) {
        static Item of(String name, String content) {
            return new Item(name, content.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] zip(List<Item> items) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
            for (Item i : items) {
                z.putNextEntry(new ZipEntry(i.name()));
                z.write(i.content());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] manifestOf(Map<String, String> files) {
        List<ManifestEntry> entries = new ArrayList<>();
        files.forEach((path, content) -> entries.add(new ManifestEntry(path, content.getBytes(StandardCharsets.UTF_8).length,
                NOW, TestManifests.sha(content))));
        return ManifestJson.toBytes(Manifest.of("hostile", "/x", NOW, entries));
    }

    /** An archive whose manifest lists {@code listed} and which holds {@code extra} entries besides. */
    private static byte[] archive(Map<String, String> listed, List<Item> extra) {
        List<Item> items = new ArrayList<>();
        listed.forEach((p, c) -> items.add(Item.of(p, c)));
        items.addAll(extra);
        items.add(new Item(MANIFEST, manifestOf(listed)));
        return zip(items);
    }

    /** Marks an entry as a Unix symbolic link in the central directory (made by Unix, mode 0120777). */
    private static byte[] asSymlink(byte[] zip, String name) {
        byte[] copy = zip.clone();
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 46 < copy.length; i++) {
            if (b.getInt(i) == 0x02014b50 && (b.getShort(i + 28) & 0xFFFF) == wanted.length
                    && Arrays.equals(copy, i + 46, i + 46 + wanted.length, wanted, 0, wanted.length)) {
                copy[i + 5] = 3; // host: Unix
                b.putInt(i + 38, 0120777 << 16);
                return copy;
            }
        }
        throw new IllegalArgumentException("no central header for " + name);
    }

    private static byte[] replaceAll(byte[] data, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertThat(t).hasSameSizeAs(f);
        byte[] copy = data.clone();
        for (int i = 0; i + f.length <= copy.length; i++) {
            if (Arrays.equals(copy, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, copy, i, t.length);
            }
        }
        return copy;
    }

    private String put(byte[] archive) throws IOException {
        String name = "hostile-" + (++counter) + ".zip";
        Files.write(folder.resolve(name), archive);
        return name;
    }

    /** Every file and folder under the temp dir with its content hash, so any write shows. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = dir.relativize(p).toString();
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, Digests.hex(Digests.sha256().digest(Files.readAllBytes(p))));
                } else {
                    out.put(rel, Files.isSymbolicLink(p) ? "link" : "dir");
                }
            }
        }
        return out;
    }

    private void assertRejected(String name, String... messageParts) throws IOException {
        Map<String, String> before = snapshot();
        for (Path t : List.of(target, dir.resolve("not-yet-there"))) {
            for (boolean replace : List.of(false, true)) {
                assertThatThrownBy(() -> backups.restore(name, t, replace)).as(name).isInstanceOf(BackupException.class)
                        .hasMessageContaining(name).hasMessageContaining("nothing was written")
                        .hasMessageContainingAll(messageParts);
            }
        }
        assertThatThrownBy(() -> backups.verify(name)).as(name).isInstanceOf(BackupException.class)
                .hasMessageContainingAll(messageParts);
        assertThat(snapshot()).as("files after restoring " + name).isEqualTo(before);
    }

    @Test
    void restore_pathTraversalInManySpellings_isRejected() throws IOException {
        Map<String, String> spellings = new LinkedHashMap<>();
        spellings.put("../evil.txt", "'..'");
        spellings.put("../../outside/evil.txt", "'..'");
        spellings.put("a/../../evil.txt", "'..'");
        spellings.put("a/b/../../../evil.txt", "'..'");
        spellings.put("./../evil.txt", "'..'");
        spellings.put("..", "'..'");
        spellings.put("../", "'..'");
        spellings.put("..\\evil.txt", "backslash");
        spellings.put("a\\..\\..\\evil.txt", "backslash");
        spellings.put("/etc/evil.txt", "absolute");
        spellings.put("//server/share/evil.txt", "absolute");
        spellings.put("/", "empty name");
        spellings.put("C:/evil.txt", "drive letter");
        spellings.put("C:\\evil.txt", "backslash");
        spellings.put("c:evil.txt", "drive letter");
        spellings.put("a/./b.txt", "'.' segment");
        spellings.put("a//b.txt", "empty or '.' segment");
        spellings.put("evil\u0000.txt", "control character");
        spellings.put("line\nbreak.txt", "control character");
        for (Map.Entry<String, String> s : spellings.entrySet()) {
            String name = put(archive(Map.of("ok.txt", "fine"), List.of(Item.of(s.getKey(), "pwned"))));
            assertRejected(name, s.getValue());
        }
    }

    @Test
    void restore_manifestListingATraversalPath_isRejected() throws IOException {
        byte[] manifest = replaceAll(manifestOf(Map.of("aa/evil.txt", "pwned")), "aa/evil.txt", "../evil.txt");
        String name = put(zip(List.of(Item.of("aa/evil.txt", "pwned"), new Item(MANIFEST, manifest))));
        assertRejected(name, "manifest is broken", "../evil.txt");
    }

    @Test
    void restore_symbolicLinkEntry_isRejected() throws IOException {
        byte[] z = archive(Map.of("link", "/etc/passwd", "ok.txt", "fine"), List.of());
        assertRejected(put(asSymlink(z, "link")), "symbolic link");
        byte[] dirLink = archive(Map.of("ok.txt", "fine"), List.of(Item.of("linkdir/", "")));
        assertRejected(put(asSymlink(dirLink, "linkdir/")), "symbolic link");
    }

    @Test
    void restore_contentNotMatchingTheManifest_isRejected() throws IOException {
        List<Item> items = List.of(Item.of("a.txt", "hello"), Item.of("b.txt", "WORLD"),
                new Item(MANIFEST, manifestOf(Map.of("a.txt", "hello", "b.txt", "world"))));
        assertRejected(put(zip(items)), "b.txt", "does not match the manifest");
    }

    @Test
    void restore_sizeNotMatchingTheManifest_isRejected() throws IOException {
        List<Item> items = List.of(Item.of("a.txt", "hello, longer"), new Item(MANIFEST, manifestOf(Map.of("a.txt", "hello"))));
        assertRejected(put(zip(items)), "a.txt", "bytes but the manifest says");
    }

    @Test
    void restore_missingOrBrokenManifest_isRejected() throws IOException {
        assertRejected(put(zip(List.of(Item.of("a.txt", "a")))), "has no " + MANIFEST);
        assertRejected(put(zip(List.of(Item.of("a.txt", "a"), Item.of(MANIFEST, "{ not json")))), "manifest is broken");
        String json = new String(manifestOf(Map.of("a.txt", "a")), StandardCharsets.UTF_8);
        String wrongChecksum = json.replaceFirst("\"checksum\": \"[0-9a-f]{64}\"", "\"checksum\": \"" + "0".repeat(64) + '"');
        assertThat(wrongChecksum).isNotEqualTo(json);
        assertRejected(put(zip(List.of(Item.of("a.txt", "a"), Item.of(MANIFEST, wrongChecksum)))), "manifest is broken");
        assertRejected(put(zip(List.of(Item.of("a.txt", "a"), Item.of(MANIFEST + "/", "")))), "has no " + MANIFEST);
    }

    @Test
    void restore_entriesAndManifestDisagree_isRejected() throws IOException {
        List<Item> missing = List.of(Item.of("a.txt", "a"), new Item(MANIFEST, manifestOf(Map.of("a.txt", "a", "b.txt", "b"))));
        assertRejected(put(zip(missing)), "b.txt", "no such file entry");
        assertRejected(put(archive(Map.of("a.txt", "a"), List.of(Item.of("extra.txt", "x")))), "extra.txt", "not in the manifest");
        assertRejected(put(archive(Map.of("a.txt", "a"), List.of(Item.of("__meta__/cloud_sync/other.json", "{}")))),
                "reserved");
        assertRejected(put(archive(Map.of("a", "a", "a/b.txt", "b"), List.of())), "both a file and the folder");
    }

    @Test
    void restore_duplicateNames_areRejected() throws IOException {
        byte[] z = archive(Map.of("a.txt", "same"), List.of(Item.of("b.txt", "same")));
        assertRejected(put(replaceAll(z, "b.txt", "a.txt")), "appears twice");
        String nfc = "caf\u00e9.txt";
        String nfd = "cafe\u0301.txt";
        assertRejected(put(archive(Map.of(nfc, "x"), List.of(Item.of(nfd, "y")))), "Unicode normalisation");
        assertRejected(put(archive(Map.of("ok.txt", "x"), List.of(Item.of(nfd, "y")))), "NFC");
    }

    @Test
    void restore_namesDifferingOnlyByCase_areRejectedOnlyWhereTheTargetIgnoresCase() throws IOException {
        String name = put(archive(Map.of("Readme.txt", "one", "README.txt", "two"), List.of()));
        Backups insensitive = backups.caseInsensitiveTarget(true);
        Map<String, String> before = snapshot();
        assertThatThrownBy(() -> insensitive.restore(name, target, true)).isInstanceOf(BackupException.class)
                .hasMessageContaining("upper/lower case").hasMessageContaining("nothing was written");
        assertThat(snapshot()).isEqualTo(before);

        BackupRestoreResult r = backups.caseInsensitiveTarget(false).restore(name, target, true);
        assertThat(r.restored()).containsExactly("README.txt", "Readme.txt");
    }

    @Test
    void restore_truncatedOrCorruptArchive_isRejected() throws IOException {
        Trees.write(root, "data/a.txt", "a".repeat(10_000));
        Trees.write(root, "data/b.txt", "some content that is long enough to be deflated ".repeat(50));
        String good = backups.create("good").name();
        byte[] bytes = Files.readAllBytes(folder.resolve(good));
        for (int cut : new int[] {0, 10, bytes.length / 3, bytes.length / 2, bytes.length - 30, bytes.length - 1}) {
            assertRejected(put(Arrays.copyOf(bytes, cut)), "rejected");
        }
        byte[] flipped = bytes.clone();
        ByteBuffer local = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int dataStart = 30 + local.getShort(26) + local.getShort(28);
        flipped[dataStart + 2] ^= 0x55; // inside the first entry's deflated data
        assertRejected(put(flipped), "rejected");
        assertRejected(put("this is not a zip at all".getBytes(StandardCharsets.UTF_8)), "rejected");
        assertThat(backups.verify(good).entryCount()).isEqualTo(2);
    }
}
