package io.cloudsync.core;

import static io.cloudsync.core.TestManifests.entry;
import static io.cloudsync.core.TestManifests.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.core.internal.manifest2.Format2;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestCacheTest {

    @TempDir
    Path state;

    private final Manifest m = manifest(entry("a.txt", "a"), entry("b/c.txt", "c"));

    @Test
    void pathOf_followsTheDocumentedLayout() {
        ManifestCache cache = new ManifestCache(state);

        assertThat(cache.pathOf("s3", "nightly")).isEqualTo(state.resolve("manifests/s3/nightly.json"));
    }

    @Test
    void newestFor_picksTheNewestManifestOfThatRootAndPassesOverOthers(@TempDir Path root, @TempDir Path elsewhere)
            throws IOException {
        ManifestCache cache = new ManifestCache(state);
        String real = root.toRealPath().toString();
        Manifest older = Manifest.of("older", real, TestManifests.T0, m.entries());
        Manifest newer = Manifest.of("newer", real, TestManifests.T0, m.entries());
        Manifest otherRoot = Manifest.of("other", elsewhere.toRealPath().toString(), TestManifests.T0, m.entries());
        cache.write("s3", "older", older);
        cache.write("gdrive", "newer", newer);
        cache.write("local", "other", otherRoot);
        Files.setLastModifiedTime(cache.pathOf("s3", "older"), java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(cache.pathOf("gdrive", "newer"), java.nio.file.attribute.FileTime.fromMillis(2_000_000));
        Files.setLastModifiedTime(cache.pathOf("local", "other"), java.nio.file.attribute.FileTime.fromMillis(3_000_000));

        assertThat(cache.newestFor(root)).hasValue(newer);
        assertThat(cache.newestFor(elsewhere)).hasValue(otherRoot);
        Files.writeString(cache.pathOf("gdrive", "newer"), "{ damaged");
        assertThat(cache.newestFor(root)).hasValue(older);
    }

    @Test
    void newestFor_withoutACache_isEmpty(@TempDir Path root) {
        assertThat(new ManifestCache(state).newestFor(root)).isEmpty();
        assertThat(new ManifestCache(state).newestFor(root.resolve("missing"))).isEmpty();
    }

    @Test
    void holds_onlyTheExactBytesOfTheManifest() throws IOException {
        ManifestCache cache = new ManifestCache(state);
        Path file = cache.pathOf("s3", "nightly");
        assertThat(cache.holds("s3", "nightly", m)).isFalse();

        cache.write("s3", "nightly", m);
        assertThat(cache.holds("s3", "nightly", m)).isTrue();
        assertThat(cache.holds("s3", "nightly", manifest(entry("a.txt", "a"), entry("b/c.txt", "C")))).isFalse();
        assertThat(cache.holds("s3", "nightly", m.withName("other"))).isFalse();

        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertThat(cache.holds("s3", "nightly", m)).as("truncated").isFalse();
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length + 1));
        assertThat(cache.holds("s3", "nightly", m)).as("one byte more").isFalse();
    }

    @Test
    void read_whenNothingWritten_isEmpty() {
        assertThat(new ManifestCache(state).read("s3", "nightly")).isEmpty();
    }

    @Test
    void write_thenRead_returnsTheManifest() {
        ManifestCache cache = new ManifestCache(state);

        cache.write("s3", "nightly", m);

        assertThat(cache.read("s3", "nightly")).contains(m);
        assertThat(cache.read("s3", "weekly")).isEmpty();
        assertThat(cache.read("gdrive", "nightly")).isEmpty();
    }

    @Test
    void write_replacesAndLeavesNoTemporaryFile() throws IOException {
        ManifestCache cache = new ManifestCache(state);
        cache.write("local", "snap", Manifest.empty("old"));

        cache.write("local", "snap", m);

        assertThat(cache.read("local", "snap")).contains(m);
        Format2.Encoded encoded = Format2.encode(m, Format2.Layout.EMPTY);
        assertThat(Files.readAllBytes(cache.pathOf("local", "snap"))).isEqualTo(encoded.root());
        try (Stream<Path> chunks = Files.list(cache.pathOf("local", "snap").resolveSibling("snap.chunks"))) {
            assertThat(chunks.map(p -> p.getFileName().toString())).as("only the new root's chunks")
                    .containsExactlyInAnyOrderElementsOf(encoded.layout().names());
        }
        try (Stream<Path> files = Files.list(cache.pathOf("local", "snap").getParent())) {
            assertThat(files).noneMatch(p -> AtomicFiles.isTempName(p.getFileName().toString()))
                    .extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder("snap.json", "snap.chunks");
        }
    }

    @Test
    void aFormat1CacheFile_isStillRead_andTheNextWriteReplacesItWithFormat2() throws IOException {
        ManifestCache cache = new ManifestCache(state);
        Files.createDirectories(cache.pathOf("s3", "nightly").getParent());
        Files.write(cache.pathOf("s3", "nightly"), ManifestJson.toBytes(m));

        assertThat(cache.read("s3", "nightly")).contains(m);
        assertThat(cache.holds("s3", "nightly", m)).as("not the format-2 form").isFalse();
        cache.write("s3", "nightly", m);

        assertThat(Format2.versionOf(Files.readAllBytes(cache.pathOf("s3", "nightly")))).isEqualTo(2);
        assertThat(cache.read("s3", "nightly")).contains(m);
        assertThat(cache.holds("s3", "nightly", m)).isTrue();
    }

    @Test
    void aChunkUnchangedSinceTheLastWrite_isNotRewritten_andAMissingOrDamagedChunkMakesTheCacheAbsent() throws IOException {
        ManifestCache cache = new ManifestCache(state);
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            entries.add(entry(String.format("f%05d.txt", i), "content " + i));
        }
        Manifest big = Manifest.of("nightly", "/project", TestManifests.T0, entries);
        cache.write("s3", "nightly", big);
        Path folder = cache.pathOf("s3", "nightly").resolveSibling("nightly.chunks");
        Map<String, Object> keys = fileKeys(folder);
        List<ManifestEntry> changed = new ArrayList<>(entries);
        changed.set(2500, entry("f02500.txt", "changed"));
        Manifest next = Manifest.of("nightly", "/project", TestManifests.T0, changed);

        cache.write("s3", "nightly", next);

        Map<String, Object> after = fileKeys(folder);
        Set<String> kept = new HashSet<>(keys.keySet());
        kept.retainAll(after.keySet());
        assertThat(kept).hasSizeGreaterThan(keys.size() - 3);
        kept.forEach(name -> assertThat(after.get(name)).as("not rewritten: " + name).isEqualTo(keys.get(name)));
        assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(Format2.encode(next, Format2.Layout.EMPTY).layout().names());
        assertThat(cache.read("s3", "nightly")).contains(next);

        String one = after.keySet().iterator().next();
        Files.write(folder.resolve(one), new byte[] {1, 2, 3});
        assertThat(cache.read("s3", "nightly")).as("damaged chunk").isEmpty();
        assertThat(cache.holds("s3", "nightly", next)).isFalse();
        cache.write("s3", "nightly", next); // replaces the file of the wrong size
        assertThat(cache.read("s3", "nightly")).contains(next);
        Files.delete(folder.resolve(one));
        assertThat(cache.read("s3", "nightly")).as("missing chunk").isEmpty();
        assertThat(cache.holds("s3", "nightly", next)).isFalse();
    }

    private static Map<String, Object> fileKeys(Path folder) throws IOException {
        Map<String, Object> keys = new HashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                keys.put(f.getFileName().toString(), Files.readAttributes(f, BasicFileAttributes.class).fileKey());
            }
        }
        return keys;
    }

    @Test
    void read_whenFileCorrupt_isEmptyAndDoesNotThrow() throws IOException {
        ManifestCache cache = new ManifestCache(state);
        cache.write("s3", "nightly", m);
        Path file = cache.pathOf("s3", "nightly");
        Files.writeString(file, Files.readString(file).replace("a.txt", "z.txt"));

        assertThat(cache.read("s3", "nightly")).isEmpty();

        Files.writeString(file, "{ not json");
        assertThat(cache.read("s3", "nightly")).isEmpty();
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThat(cache.read("s3", "nightly")).isEmpty();
    }

    @Test
    void read_whenPathIsAFolder_isEmpty() throws IOException {
        ManifestCache cache = new ManifestCache(state);
        Files.createDirectories(cache.pathOf("s3", "nightly"));

        assertThat(cache.read("s3", "nightly")).isEmpty();
    }

    @Test
    void delete_removesTheFileAndIsIdempotent() {
        ManifestCache cache = new ManifestCache(state);
        cache.write("s3", "nightly", m);

        cache.delete("s3", "nightly");
        cache.delete("s3", "nightly");

        assertThat(cache.read("s3", "nightly")).isEmpty();
        assertThat(cache.pathOf("s3", "nightly")).doesNotExist();
    }

    @Test
    void write_whenStateDirIsAFile_throwsNamingTheFile() throws IOException {
        Path notADir = Files.writeString(state.resolve("plain"), "x");
        ManifestCache cache = new ManifestCache(notADir);

        assertThatThrownBy(() -> cache.write("s3", "nightly", m)).isInstanceOf(CloudSyncException.class)
                .hasMessageContaining("nightly.json");
    }

    @Test
    void pathOf_withUnsafeNames_isRejected() {
        ManifestCache cache = new ManifestCache(state);

        for (String bad : new String[] {"..", "../x", "a/b", "", ".hidden", "a\\b", "-x"}) {
            assertThatThrownBy(() -> cache.pathOf("s3", bad)).as(bad).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("snapshot name");
            assertThatThrownBy(() -> cache.read(bad, "nightly")).as(bad).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("service name");
        }
        assertThat(cache.pathOf("my-s3_2", "milestone-12.1")).hasFileName("milestone-12.1.json");
    }
}
