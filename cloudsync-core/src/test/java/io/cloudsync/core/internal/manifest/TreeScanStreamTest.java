package io.cloudsync.core.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.cloudsync.CloudSyncException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.core.ManifestBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ManifestBuilder#scanTo}: the streamed scan gives exactly what {@link ManifestBuilder#scan()} gives. */
class TreeScanStreamTest {

    private static final Instant OLD = Instant.parse("2023-03-28T10:40:00.123456789Z");
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

    /** Names whose folder order and path order differ unless folders sort with a "/" appended. */
    private static final List<String> TRICKY = List.of(
            "a", "a.txt", "a-b", "a0", "a b", "b/a/b", "b/a.txt", "b/a-b/c", "b/a0", "c/a/b/c/d/e.txt", "c/a/b.txt",
            "c/a/b/c.txt", "c/a/b0", "c/a/b-c/d", "d/\u00e9t\u00e9.txt", "d/z.txt", "d/\u00e9/x", "e/f/g/h/i/j/k.txt",
            "f/\uD83D\uDE00.txt", "f/\uFFFD.txt", "f/\u00ff.txt", "f/~.txt");

    @TempDir
    Path root;

    private Path write(String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(OLD));
        return file;
    }

    private ManifestBuilder builder(int threads) {
        return ManifestBuilder.forRoot(root).clock(Clock.fixed(NOW, ZoneOffset.UTC)).parallelism(threads);
    }

    private static List<String> paths(List<ManifestEntry> entries) {
        return entries.stream().map(ManifestEntry::path).toList();
    }

    private void writeTricky() throws IOException {
        // "a" is both a file (here, at the top) and a folder (under b/ and c/)
        for (String p : TRICKY) {
            write(p, p);
        }
        write("b/a/c", "x");
        write("b/a/b0", "x");
    }

    /** The streamed entries, checked to arrive on the calling thread. */
    private static List<ManifestEntry> streamed(ManifestBuilder b, ManifestBuilder.Report[] report) {
        Thread caller = Thread.currentThread();
        List<ManifestEntry> out = new ArrayList<>();
        report[0] = b.scanTo(e -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            out.add(e);
        });
        return out;
    }

    private static void assertSameScan(ManifestBuilder.Report report, List<ManifestEntry> entries, ManifestBuilder.Result result) {
        Manifest m = result.manifest();
        assertThat(entries).containsExactlyElementsOf(m.entries());
        assertThat(paths(entries)).isSortedAccordingTo(PathRules.ORDER).doesNotHaveDuplicates();
        assertThat(report.checksum()).isEqualTo(m.checksum()).isEqualTo(Manifest.checksumOf(entries));
        assertThat(report.files()).isEqualTo(m.entries().size());
        assertThat(report.bytes()).isEqualTo(m.totalBytes());
        assertThat(report.root()).isEqualTo(m.root());
        assertThat(report.createdAt()).isEqualTo(m.createdAt()).isEqualTo(NOW);
        assertThat(report.skipped()).isEqualTo(result.skipped());
        assertThat(report.missingIncludes()).isEqualTo(result.missingIncludes());
        assertThat(report.unreadable()).isEqualTo(result.unreadable());
        assertThat(report.leftOut()).isEqualTo(result.leftOut());
        assertThat(report.warnings()).isEqualTo(result.warnings());
        assertThat(report.invalidNames()).isEqualTo(result.invalidNames());
        assertThat(report.filesHashed()).isEqualTo(result.filesHashed());
        assertThat(report.filesReused()).isEqualTo(result.filesReused());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void scanTo_nestedTreeWithTrickyNames_streamsTheManifestOfScanInOrder(int threads) throws IOException {
        writeTricky();
        ManifestBuilder.Report[] report = new ManifestBuilder.Report[1];

        List<ManifestEntry> entries = streamed(builder(threads), report);

        assertSameScan(report[0], entries, builder(threads).scan());
        List<String> expected = new ArrayList<>(TRICKY);
        expected.add("b/a/c");
        expected.add("b/a/b0");
        expected.sort(PathRules.ORDER);
        assertThat(paths(entries)).containsExactlyElementsOf(expected);
        assertThat(report[0].filesHashed()).isEqualTo(expected.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void scanTo_severalOverlappingIncludesInOddOrders_mergesThemIntoOneSortedUniqueStream(int threads) throws IOException {
        writeTricky();
        List<String> includes = List.of("c/a/b", "a.txt", "b", "c/a", "b/a", "a", "missing", "a0", "c/a/b.txt", "b/a0");
        ManifestBuilder.Report[] report = new ManifestBuilder.Report[1];

        List<ManifestEntry> entries = streamed(builder(threads).include(includes), report);

        assertSameScan(report[0], entries, builder(threads).include(includes).scan());
        List<String> expected = new ArrayList<>();
        for (String p : paths(builder(1).build().entries())) {
            if (p.equals("a") || p.equals("a.txt") || p.equals("a0") || p.startsWith("b/") || p.startsWith("c/a/")) {
                expected.add(p);
            }
        }
        assertThat(paths(entries)).containsExactlyElementsOf(expected);
        assertThat(report[0].missingIncludes()).containsExactly("missing");
        assertThat(report[0].filesHashed()).as("a file seen through two includes is hashed once").isEqualTo(expected.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void scanTo_nfcTwinFoldersAndFiles_mergesTheFoldersAndLeavesOutOnlyTheTwinFiles(int threads) throws IOException {
        // NFD folder "e\u0301" holds x and z; NFC folder "\u00e9" holds a and x: their paths interleave
        write("e\u0301/x", "nfd x");
        write("e\u0301/z", "nfd z");
        write("\u00e9/a", "nfc a");
        write("\u00e9/x", "nfc x");
        write("caf\u00e9.txt", "nfc");
        write("cafe\u0301.txt", "nfd");
        write("d.txt", "d");
        assumeThat(Files.readString(root.resolve("caf\u00e9.txt"))).as("file system keeps names as bytes").isEqualTo("nfc");
        ManifestBuilder.Report[] report = new ManifestBuilder.Report[1];

        List<ManifestEntry> entries = streamed(builder(threads), report);

        assertSameScan(report[0], entries, builder(threads).scan());
        assertThat(paths(entries)).containsExactly("d.txt", "\u00e9/a", "\u00e9/z");
        assertThat(report[0].unreadable()).extracting(ManifestBuilder.Unreadable::path)
                .containsExactly("caf\u00e9.txt", "\u00e9/x");
    }

    @Test
    void scanTo_previousEntries_areAskedInStrictlyIncreasingOrderAndReused() throws IOException {
        writeTricky();
        List<String> includes = List.of("c/a", "a", "b", "b/a", "a.txt", "d");
        Manifest first = builder(1).build();
        Strict strict = new Strict(first);

        ManifestBuilder.Result second = builder(3).include(includes).previousEntries(done(strict)).scan();

        assertThat(strict.asked).isNotEmpty().isSortedAccordingTo(PathRules.ORDER).doesNotHaveDuplicates();
        assertThat(strict.asked).containsExactlyElementsOf(paths(second.manifest().entries()));
        assertThat(second.filesHashed()).isZero();
        assertThat(second.filesReused()).isEqualTo(second.manifest().entries().size());
    }

    @Test
    void scanTo_previousEntries_reuseOnlyWhenSizeAndMtimeMatchAndNotRacy() throws IOException {
        write("same.txt", "same");
        Path resized = write("resized.txt", "short");
        Path touched = write("touched.txt", "touch");
        write("racy.txt", "racy");
        write("new/file.txt", "new");
        Instant before = NOW.minusSeconds(3600);
        Manifest first = Manifest.of("m", root.toString(), before, List.of(
                entry("racy.txt", "racy"), entry("resized.txt", "short"), entry("same.txt", "same"),
                entry("touched.txt", "touch"), entry("zz-deleted.txt", "gone")));
        Files.writeString(resized, "longer now");
        Files.setLastModifiedTime(resized, FileTime.from(OLD));
        Files.setLastModifiedTime(touched, FileTime.from(OLD.plusSeconds(1)));
        // within RACY_WINDOW of the previous createdAt: may have changed in the same tick
        Manifest racyFirst = Manifest.of("m", root.toString(), OLD.plusSeconds(1), first.entries());
        List<ManifestEntry> entries = new ArrayList<>();

        ManifestBuilder.Report report = builder(2).previousEntries(done(ManifestBuilder.Previous.of(first))).scanTo(entries::add);

        assertThat(paths(entries)).containsExactly("new/file.txt", "racy.txt", "resized.txt", "same.txt", "touched.txt");
        assertThat(report.filesReused()).as("same.txt and racy.txt").isEqualTo(2);
        assertThat(report.filesHashed()).as("new, resized, touched").isEqualTo(3);
        assertThat(entries.get(3)).isSameAs(first.entries().get(2));
        assertThat(entries.get(2).sha256()).isEqualTo(sha("longer now"));
        assertThat(builder(2).previousEntries(done(ManifestBuilder.Previous.of(racyFirst))).scan().filesReused())
                .as("all within the racy window of the earlier scan").isZero();
    }

    @Test
    void scanTo_previousEntriesServeOneScanOnly_theNextScanHashesEverything() throws IOException {
        write("a.txt", "a");
        write("b/c.txt", "c");
        ManifestBuilder b = builder(2);
        b.previousEntries(done(ManifestBuilder.Previous.of(b.build())));

        assertThat(b.scan().filesReused()).isEqualTo(2);
        assertThat(b.scan().filesHashed()).isEqualTo(2);
    }

    @Test
    void scanTo_previousEntriesFail_failsWithTheirExceptionAndStreamsNothing() throws IOException {
        write("a.txt", "aaaa");
        List<ManifestEntry> entries = new ArrayList<>();
        Future<Optional<ManifestBuilder.Previous>> failed =
                CompletableFuture.failedFuture(new CloudSyncException("remote manifest unreadable"));

        assertThatThrownBy(() -> builder(2).previousEntries(failed).scanTo(entries::add))
                .isInstanceOf(CloudSyncException.class).hasMessage("remote manifest unreadable");
        assertThat(entries).isEmpty();
    }

    @Test
    void scanTo_sinkThrows_stopsTheScanWithItsException() throws IOException {
        for (int i = 0; i < 3000; i++) {
            write("f/" + (i % 30) + "/" + i, "x" + i);
        }
        List<ManifestEntry> seen = new ArrayList<>();

        assertThatThrownBy(() -> builder(2).scanTo(e -> {
            seen.add(e);
            if (seen.size() == 1500) {
                throw new IllegalStateException("sink full");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("sink full");
        assertThat(seen).hasSize(1500);
    }

    @Test
    void scanTo_manyFoldersAndFilesPastTheWindowAndLookAhead_sameAsOneThread() throws IOException {
        // more folders than the look-ahead and more files than the window, so both fill and drain
        for (int d = 0; d < TreeScan.AHEAD_FOLDERS + 40; d++) {
            for (int f = 0; f < 12; f++) {
                write("d" + d + "/s" + (f % 3) + "/f" + f + ".txt", d + "/" + f);
            }
        }
        ManifestBuilder.Report[] report = new ManifestBuilder.Report[1];

        List<ManifestEntry> entries = streamed(builder(4), report);

        assertSameScan(report[0], entries, builder(1).scan());
        assertThat(entries).hasSize((TreeScan.AHEAD_FOLDERS + 40) * 12);
    }

    private static ManifestEntry entry(String path, String content) {
        return new ManifestEntry(path, content.getBytes(StandardCharsets.UTF_8).length, OLD, sha(content));
    }

    private static String sha(String content) {
        return io.cloudsync.Digests.hex(io.cloudsync.Digests.sha256().digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static <T> Future<Optional<T>> done(T value) {
        return CompletableFuture.completedFuture(Optional.of(value));
    }

    /** A Previous that refuses any path not strictly after the one before, and records what it was asked. */
    private static final class Strict implements ManifestBuilder.Previous {
        private final Manifest manifest;
        final List<String> asked = new ArrayList<>();

        Strict(Manifest manifest) {
            this.manifest = manifest;
        }

        @Override
        public Instant createdAt() {
            return manifest.createdAt();
        }

        @Override
        public Optional<ManifestEntry> at(String path) {
            if (!asked.isEmpty() && PathRules.compare(asked.get(asked.size() - 1), path) >= 0) {
                throw new IllegalStateException("asked for " + path + " after " + asked.get(asked.size() - 1));
            }
            asked.add(path);
            return manifest.find(path);
        }
    }
}
