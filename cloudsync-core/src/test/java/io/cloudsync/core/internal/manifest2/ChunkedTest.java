package io.cloudsync.core.internal.manifest2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest as chunks in a folder: written as it streams, read one chunk at a time. */
class ChunkedTest {

    private static final Instant T0 = Instant.parse("2024-05-06T07:08:09Z");

    @TempDir
    Path dir;

    private static List<ManifestEntry> entries(int n) {
        List<ManifestEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new ManifestEntry(String.format("src/f%06d.txt", i), i, T0, String.format("%064x", i)));
        }
        return entries;
    }

    private static long files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.count();
        }
    }

    @Test
    void writtenEntries_iterateBack_andAreCutExactlyAsTheRemoteEncoderCutsThem() {
        for (int n : new int[] {0, 1, 127, 2049, 20_000}) {
            Manifest m = Manifest.of("nightly", "/p", T0, entries(n));
            ChunkFolder folder = new ChunkFolder(dir.resolve("n" + n));
            Chunked c = Chunked.of(m, folder);
            assertThat(c.entries()).isEqualTo(n);
            assertThat(c.bytes()).isEqualTo(m.totalBytes());
            assertThat(c.checksum()).isEqualTo(m.checksum());
            assertThat(c.toManifest()).as(n + " entries").isEqualTo(m);
            List<Format2.ChunkRef> encoded = Format2.encode(m, Format2.Layout.EMPTY).layout().chunks().stream()
                    .map(Format2.Chunk::ref).toList();
            assertThat(c.refs()).as("the same chunks as the remote's").isEqualTo(encoded);
        }
    }

    @Test
    void aWriterReusingWhatItReadsAlongside_takesUnchangedChunksAsTheyAre_andWritesTheSameManifest() throws IOException {
        ChunkFolder folder = new ChunkFolder(dir);
        List<ManifestEntry> before = entries(20_000);
        Chunked previous = Chunked.of(Manifest.of("nightly", "/p", T0, before), folder);
        List<ManifestEntry> after = new ArrayList<>(before);
        after.set(10_000, new ManifestEntry(after.get(10_000).path(), 7, T0, "c".repeat(64)));
        Chunked expected = Chunked.of(Manifest.of("nightly", "/p", T0, after), new ChunkFolder(dir.resolve("plain")));

        Chunked.Writer w = Chunked.writer(folder).reusing(previous);
        java.util.Iterator<ManifestEntry> read = previous.iterator();
        for (ManifestEntry e : after) { // read alongside, as a scan's hash cache is
            assertThat(read.next().path()).isEqualTo(e.path());
            w.add(e);
        }
        Chunked written = w.finish("nightly", "/p", T0);

        assertThat(written.refs()).as("the chunks an encoder cuts").isEqualTo(expected.refs());
        assertThat(written.checksum()).isEqualTo(expected.checksum());
        assertThat(w.reused()).as("every chunk but the changed one").isEqualTo(previous.refs().size() - 1);
        assertThat(written.toManifest().entries()).isEqualTo(after);

        Chunked.Writer unread = Chunked.writer(folder).reusing(Chunked.of(Manifest.of("nightly", "/p", T0, before), folder));
        before.forEach(unread::add);
        assertThat(unread.finish("nightly", "/p", T0).refs()).isEqualTo(previous.refs());
        assertThat(unread.reused()).as("chunks not read lately are written (compared only when at hand)").isZero();

        Chunked elsewhere = Chunked.of(Manifest.of("nightly", "/p", T0, before), new ChunkFolder(dir.resolve("other")));
        elsewhere.forEach(e -> { });
        Chunked.Writer apart = Chunked.writer(folder).reusing(elsewhere);
        before.forEach(apart::add);
        apart.finish("nightly", "/p", T0).forEach(e -> { });
        assertThat(apart.reused()).as("chunks of another folder are not reused").isZero();
    }

    @Test
    void writingTheSameEntriesAgain_writesNoFile_andSameEntriesComparesNames() throws IOException {
        ChunkFolder folder = new ChunkFolder(dir);
        Manifest m = Manifest.of("nightly", "/p", T0, entries(5_000));
        Chunked first = Chunked.of(m, folder);
        long count = files(dir);
        List<Long> modified = new ArrayList<>();
        for (Format2.ChunkRef r : first.refs()) {
            modified.add(Files.getLastModifiedTime(dir.resolve(r.sha256())).toMillis());
        }
        Files.setLastModifiedTime(dir.resolve(first.refs().get(0).sha256()),
                java.nio.file.attribute.FileTime.fromMillis(1_000));
        Chunked again = Chunked.of(m.withName("other"), folder);
        assertThat(files(dir)).isEqualTo(count);
        assertThat(Files.getLastModifiedTime(dir.resolve(first.refs().get(0).sha256())).toMillis())
                .as("an unchanged chunk is not rewritten").isEqualTo(1_000);
        assertThat(again.sameEntries(first)).isTrue();
        List<ManifestEntry> changed = new ArrayList<>(m.entries());
        changed.set(2_500, new ManifestEntry(changed.get(2_500).path(), 1, T0, "c".repeat(64)));
        Chunked other = Chunked.of(Manifest.of("nightly", "/p", T0, changed), folder);
        assertThat(other.sameEntries(first)).isFalse();
        assertThat(modified).hasSameSizeAs(first.refs());
    }

    @Test
    void aMissingOrForgedChunk_failsTheIteration_namingIt() throws IOException {
        ChunkFolder folder = new ChunkFolder(dir);
        Chunked c = Chunked.of(Manifest.of("nightly", "/p", T0, entries(3_000)), folder);
        String second = c.refs().get(1).sha256();
        Files.delete(dir.resolve(second));
        assertThatThrownBy(() -> c.forEach(e -> { })).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("entry chunk #1").hasMessageContaining(second).hasMessageContaining("missing");

        // a root whose checksum does not match its (intact) chunks
        Chunked intact = Chunked.of(Manifest.of("nightly", "/p", T0, entries(3_000)), folder);
        Format2.Root lying = new Format2.Root("nightly", "/p", T0, "0".repeat(64), intact.entries(), intact.bytes(), List.of());
        Chunked forged = Chunked.of(lying, intact.refs(), folder);
        assertThatThrownBy(() -> forged.forEach(e -> { })).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("checksum");

        // once checked (a whole pass, or a root the cache holds), only the chunks are checked against their refs
        List<ManifestEntry> read = new ArrayList<>();
        forged.checked().forEach(read::add);
        assertThat(read).isEqualTo(intact.toManifest().entries());
        Files.delete(dir.resolve(intact.refs().get(2).sha256()));
        assertThatThrownBy(() -> forged.checked().forEach(e -> { })).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("entry chunk #2").hasMessageContaining("missing");
    }

    @Test
    void theWriter_refusesEntriesOutOfOrder() {
        Chunked.Writer w = Chunked.writer(new ChunkFolder(dir));
        w.add(new ManifestEntry("b", 1, T0, "a".repeat(64)));
        assertThatThrownBy(() -> w.add(new ManifestEntry("a", 1, T0, "a".repeat(64))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not sorted");
    }
}
