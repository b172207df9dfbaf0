package io.cloudsync.core;

import static io.cloudsync.core.TestManifests.entry;
import static io.cloudsync.core.TestManifests.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Manifest;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(Files.readAllBytes(cache.pathOf("local", "snap"))).isEqualTo(ManifestJson.toBytes(m));
        try (Stream<Path> files = Files.list(cache.pathOf("local", "snap").getParent())) {
            assertThat(files).noneMatch(p -> AtomicFiles.isTempName(p.getFileName().toString()))
                    .hasSize(1);
        }
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
