package io.cloudsync.core.internal.manifest2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Format2Test {

    private static final Instant T0 = Instant.parse("2023-03-28T10:40:00.123456789Z");

    /** A store of objects by name, as a remote would hold them. */
    private static final class Store implements Format2.ChunkSource {
        final Map<String, byte[]> objects = new HashMap<>();

        void add(Format2.Encoded e) {
            e.encoded().forEach(s -> objects.put(s.sha256(), s.bytes()));
        }

        @Override
        public Optional<byte[]> fetch(String sha256) {
            return Optional.ofNullable(objects.get(sha256));
        }

        @Override
        public String describe(String sha256) {
            return "chunks/nightly/" + sha256;
        }
    }

    private static ManifestEntry entry(String path, long size) {
        return new ManifestEntry(path, size, T0, String.format("%064x", size));
    }

    private static List<ManifestEntry> entries(int n) {
        List<ManifestEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(entry(String.format("dir%03d/file-%07d.txt", i % 997, i), i));
        }
        return entries;
    }

    private static Manifest manifest(List<ManifestEntry> entries) {
        return Manifest.of("nightly", "/home/me/project", T0, entries);
    }

    private static Format2.Decoded roundTrip(Manifest m, Store store) {
        Format2.Encoded e = Format2.encode(m, Format2.Layout.EMPTY);
        store.add(e);
        Format2.Root root = Format2.decodeRoot(e.root(), "manifest manifests/nightly.json");
        return Format2.decode(root, store, "manifest manifests/nightly.json");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 127, 128, 129, 511, 512, 513, 2047, 2048, 2049, 100_000})
    void encodeThenDecode_givesTheManifestBack_withChunksWithinTheirBounds(int n) {
        Manifest m = manifest(entries(n));
        Store store = new Store();

        Format2.Decoded d = roundTrip(m, store);

        assertThat(d.manifest()).isEqualTo(m);
        assertThat(Format2.versionOf(Format2.encode(m, Format2.Layout.EMPTY).root())).isEqualTo(2);
        List<Format2.Chunk> chunks = d.layout().chunks();
        for (int i = 0; i < chunks.size(); i++) {
            int size = chunks.get(i).entries().size();
            assertThat(size).isBetween(i == chunks.size() - 1 ? 1 : Chunker.ENTRIES.min(), Chunker.ENTRIES.max());
        }
        assertThat(store.objects.keySet()).containsExactlyInAnyOrderElementsOf(d.layout().names());
        assertThat(d.layout().parts()).hasSize(n == 0 ? 0 : d.layout().parts().size()).allSatisfy(p ->
                assertThat(p.chunks()).isBetween(1, Chunker.INDEX.max()));
        if (n == 0) {
            assertThat(chunks).isEmpty();
            assertThat(d.layout().parts()).isEmpty();
        }
    }

    @Test
    void rootBytes_areTheDocumentedCanonicalLayout() {
        Manifest m = manifest(List.of(entry("a/b", 3), entry("z/y", 4)));
        Format2.Encoded e = Format2.encode(m, Format2.Layout.EMPTY);
        Format2.PartRef part = e.layout().parts().get(0);

        assertThat(new String(e.root(), StandardCharsets.UTF_8)).isEqualTo("{\n"
                + "  \"format\": \"cloudsync-manifest\",\n"
                + "  \"version\": 2,\n"
                + "  \"name\": \"nightly\",\n"
                + "  \"root\": \"/home/me/project\",\n"
                + "  \"created_at\": \"2023-03-28T10:40:00.123456789Z\",\n"
                + "  \"checksum\": \"" + m.checksum() + "\",\n"
                + "  \"entries\": 2,\n"
                + "  \"bytes\": 7,\n"
                + "  \"chunking\": {\"hash\": \"fnv1a32-path\", \"min\": 128, \"average\": 512, \"max\": 2048},\n"
                + "  \"index\": [\n"
                + "    {\"sha256\": \"" + part.sha256() + "\", \"size\": " + part.size()
                + ", \"chunks\": 1, \"first\": \"a/b\", \"last\": \"z/y\"}\n"
                + "  ]\n"
                + "}\n");
        assertThat(new String(Format2.encode(manifest(List.of()), Format2.Layout.EMPTY).root(), StandardCharsets.UTF_8))
                .contains("\"entries\": 0,\n", "\"index\": []\n}\n");
    }

    @Test
    void chunkBytes_areGzipOfTheDocumentedJsonLines() throws IOException {
        Manifest m = manifest(List.of(entry("src/Main.java", 13)));
        Format2.Encoded e = Format2.encode(m, Format2.Layout.EMPTY);
        Format2.Chunk chunk = e.layout().chunks().get(0);
        byte[] stored = e.encoded().get(0).bytes();

        assertThat(e.encoded().get(0).sha256()).isEqualTo(chunk.ref().sha256()).isEqualTo(Format2.sha256(stored));
        assertThat(gunzip(stored)).isEqualTo("{\"format\":\"cloudsync-manifest-chunk\",\"version\":2,\"kind\":\"entries\"}\n"
                + "{\"path\":\"src/Main.java\",\"size\":13,\"mtime\":\"2023-03-28T10:40:00.123456789Z\",\"sha256\":\""
                + "0".repeat(63) + "d\"}\n");
        assertThat(gunzip(e.encoded().get(1).bytes())).isEqualTo("{\"format\":\"cloudsync-manifest-chunk\",\"version\":2,\"kind\":\"index\"}\n"
                + "{\"sha256\":\"" + chunk.ref().sha256() + "\",\"size\":" + stored.length
                + ",\"entries\":1,\"bytes\":13,\"first\":\"src/Main.java\",\"last\":\"src/Main.java\"}\n");
        assertThat(Format2.encode(m, Format2.Layout.EMPTY).encoded().get(0).bytes()).as("deterministic").isEqualTo(stored);
    }

    @Test
    void fnv1a_isThe32BitFnv1aOfTheUtf8Path() {
        assertThat(Chunker.fnv1a("")).isEqualTo(0x811c9dc5L);
        assertThat(Chunker.fnv1a("a")).isEqualTo(0xe40c292cL);
        assertThat(Chunker.fnv1a("foobar")).isEqualTo(0xbf9cf968L);
    }

    /** The names a change adds: each new chunk, part and nothing else. */
    private static Set<String> added(Format2.Layout before, Format2.Layout after) {
        Set<String> added = new HashSet<>(after.names());
        added.removeAll(before.names());
        return added;
    }

    @Test
    void insertingOrRemovingOneFile_changesAtMostTwoEntryChunksAndOneIndexPart() {
        List<ManifestEntry> base = entries(100_000);
        Format2.Layout before = Format2.encode(manifest(base), Format2.Layout.EMPTY).layout();
        Set<String> partsBefore = new HashSet<>();
        before.parts().forEach(p -> partsBefore.add(p.sha256()));
        for (int at : new int[] {0, 777, 50_000, 99_999}) {
            List<ManifestEntry> inserted = new ArrayList<>(base);
            ManifestEntry extra = entry(base.get(at).path() + ".new", 5);
            inserted.add(extra);
            List<ManifestEntry> removed = new ArrayList<>(base);
            removed.remove(at);
            for (List<ManifestEntry> changed : List.of(inserted, removed)) {
                Format2.Encoded e = Format2.encode(manifest(changed), before);
                Set<String> added = added(before, e.layout());
                long newChunks = e.layout().chunks().stream().filter(c -> added.contains(c.ref().sha256())).count();
                long newParts = e.layout().parts().stream().filter(p -> added.contains(p.sha256())).count();
                assertThat(newChunks).as("entry chunks rewritten at " + at).isBetween(1L, 2L);
                assertThat(newParts).as("index parts rewritten at " + at).isEqualTo(1);
                Set<String> gone = new HashSet<>(before.names());
                gone.removeAll(e.layout().names());
                assertThat(gone.size()).as("chunks replaced at " + at).isLessThanOrEqualTo(3);
                // the reused chunks were not encoded again
                assertThat(e.encoded()).hasSize((int) (newChunks + e.layout().parts().size()));
            }
        }
    }

    @Test
    void decode_checksNamesHeadersOrderTotalsAndChecksum() {
        Manifest m = manifest(entries(3000));
        Store store = new Store();
        Format2.Encoded e = Format2.encode(m, Format2.Layout.EMPTY);
        store.add(e);
        Format2.Root root = Format2.decodeRoot(e.root(), "manifest manifests/nightly.json");
        String chunk = e.layout().chunks().get(1).ref().sha256();

        Store badGzip = copy(store);
        badGzip.objects.put(chunk, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Format2.decode(root, badGzip, "manifest manifests/nightly.json"))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("manifests/nightly.json")
                .hasMessageContaining("chunks/nightly/" + chunk).hasMessageContaining("does not match its name");

        Store missing = copy(store);
        missing.objects.remove(chunk);
        assertThatThrownBy(() -> Format2.decode(root, missing, "m")).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("chunks/nightly/" + chunk).hasMessageContaining("missing");

        // a well-named object that is not gzip: only a root that names it could meet it
        byte[] notGzip = "not gzip".getBytes(StandardCharsets.UTF_8);
        List<Format2.Chunk> chunks = new ArrayList<>(e.layout().chunks());
        Format2.Chunk c1 = chunks.get(1);
        chunks.set(1, new Format2.Chunk(new Format2.ChunkRef(Format2.sha256(notGzip), notGzip.length, c1.ref().entries(),
                c1.ref().bytes(), c1.ref().first(), c1.ref().last()), c1.entries()));
        Store rewired = copy(store);
        rewired.objects.put(Format2.sha256(notGzip), notGzip);
        Format2.Root rewiredRoot = rootOver(rewired, chunks, m.checksum(), m.entries().size(), m.totalBytes());
        assertThatThrownBy(() -> Format2.decode(rewiredRoot, rewired, "m")).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("is not valid gzip");
    }

    /** A root over these chunks in one index part, its objects put in the store. */
    private static Format2.Root rootOver(Store store, List<Format2.Chunk> chunks, String checksum, long entries, long bytes) {
        byte[] part = Format2.indexPart(chunks.stream().map(Format2.Chunk::ref).toList());
        store.objects.put(Format2.sha256(part), part);
        return new Format2.Root("nightly", "/p", T0, checksum, entries, bytes, List.of(new Format2.PartRef(Format2.sha256(part),
                part.length, chunks.size(), chunks.get(0).ref().first(), chunks.get(chunks.size() - 1).ref().last())));
    }

    /** A chunk of these entries, put in the store. */
    private static Format2.Chunk chunkOf(Store store, List<ManifestEntry> run) {
        byte[] bytes = Format2.entryChunk(run);
        store.objects.put(Format2.sha256(bytes), bytes);
        long sum = run.stream().mapToLong(ManifestEntry::size).sum();
        return new Format2.Chunk(new Format2.ChunkRef(Format2.sha256(bytes), bytes.length, run.size(), sum,
                run.get(0).path(), run.get(run.size() - 1).path()), run);
    }

    @Test
    void decode_refusesEntriesUnsortedAcrossChunks_totalsThatDoNotAddUp_andAWrongChecksum() {
        Store store = new Store();
        ManifestEntry a = entry("a.txt", 1);
        ManifestEntry b = entry("b.txt", 2);
        ManifestEntry c = entry("c.txt", 3);
        // each chunk sorted, but the second starts before the first ends
        List<Format2.Chunk> unsorted = List.of(chunkOf(store, List.of(a, c)), chunkOf(store, List.of(b)));
        Format2.Root root = rootOver(store, unsorted, Manifest.checksumOf(List.of(a, b, c)), 3, 6); // refused before the checksum
        assertThatThrownBy(() -> Format2.decode(root, store, "m")).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("out of order").hasMessageContaining("\"b.txt\" comes after \"c.txt\"");

        List<Format2.Chunk> sorted = List.of(chunkOf(store, List.of(a, b)), chunkOf(store, List.of(c)));
        String checksum = Manifest.checksumOf(List.of(a, b, c));
        assertThat(Format2.decode(rootOver(store, sorted, checksum, 3, 6), store, "m").manifest().entries())
                .containsExactly(a, b, c);
        assertThatThrownBy(() -> Format2.decode(rootOver(store, sorted, checksum, 4, 6), store, "m"))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("says 4 entries of 6 bytes")
                .hasMessageContaining("hold 3 entries of 6 bytes");
        assertThatThrownBy(() -> Format2.decode(rootOver(store, sorted, checksum, 3, 7), store, "m"))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("says 3 entries of 7 bytes");
        assertThatThrownBy(() -> Format2.decode(rootOver(store, sorted, "f".repeat(64), 3, 6), store, "m"))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("has checksum " + "f".repeat(64))
                .hasMessageContaining("its entries give " + checksum);

        // a ref that does not describe its chunk
        Format2.Chunk first = sorted.get(0);
        Format2.Chunk lying = new Format2.Chunk(new Format2.ChunkRef(first.ref().sha256(), first.ref().size(), 2, 99,
                first.ref().first(), first.ref().last()), first.entries());
        assertThatThrownBy(() -> Format2.decode(rootOver(store, List.of(lying, sorted.get(1)), checksum, 3, 6), store, "m"))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("but its ref says 2 entries of 99 bytes");
    }

    @Test
    void decodeRoot_refusesWhatIsNotAVersion2Root_andIgnoresUnknownFields() {
        Manifest m = manifest(entries(10));
        String root = new String(Format2.encode(m, Format2.Layout.EMPTY).root(), StandardCharsets.UTF_8);

        assertThat(Format2.decodeRoot(root.replace("\"chunking\"", "\"future\": [1, {\"x\": true}],\n  \"chunking\"")
                .getBytes(StandardCharsets.UTF_8), "r").entries()).isEqualTo(10);
        assertThatThrownBy(() -> Format2.decodeRoot("{ not json".getBytes(StandardCharsets.UTF_8), "manifest r"))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("manifest r is not valid JSON");
        assertThatThrownBy(() -> Format2.decodeRoot(root.replace("\"entries\": 10,", "").getBytes(StandardCharsets.UTF_8), "r"))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("lacks the integer field \"entries\"");
        assertThatThrownBy(() -> Format2.decodeRoot(root.replace("\"name\"", "\"root\"").getBytes(StandardCharsets.UTF_8), "r"))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("Duplicate field 'root'");
        assertThat(Format2.versionOf(root.getBytes(StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(Format2.versionOf(root.replace("\"version\": 2", "\"version\": 3").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(3);
        assertThat(Format2.versionOf("{ damaged".getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
    }

    private static byte[] gzip(String text) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static final String HEADER = "{\"format\":\"cloudsync-manifest-chunk\",\"version\":2,\"kind\":\"entries\"}\n";
    private static final String LINE = "{\"path\":\"a.txt\",\"size\":1,\"mtime\":\"2023-03-28T10:40:00Z\",\"sha256\":\""
            + "0".repeat(64) + "\"}";

    @Test
    void entryLines_readsOneObjectPerLine_skippingUnknownFieldsOfAnyShape() throws IOException {
        String b = LINE.replace("\"a.txt\"", "\"b.txt\"").replace("{", "{\"later\":{\"x\":[1,{\"y\":null}]},\"flag\":true,");
        List<ManifestEntry> read = Format2.entryLines(gzip(HEADER + LINE + "\n" + b + "\n"), "chunk c");

        assertThat(read).containsExactly(new ManifestEntry("a.txt", 1, Instant.parse("2023-03-28T10:40:00Z"), "0".repeat(64)),
                new ManifestEntry("b.txt", 1, Instant.parse("2023-03-28T10:40:00Z"), "0".repeat(64)));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "LINE + blank line + LINE | line 3 is not a JSON object",
        "two objects on one line | line 2 has data after its JSON object",
        "a number after the object | line 2 has data after its JSON object",
        "a line that is an array | line 2 is not a JSON object",
        "no path | line 2 lacks the field \"path\"",
        "size as text | line 2 has a \"size\" that is not an integer",
        "negative size | line 2 has a negative \"size\": -1",
        "path as a number | line 2 has a \"path\" that is not a string",
        "a repeated field | line 2 is not valid JSON: Duplicate field 'size'",
        "a bad mtime | line 2 has \"mtime\" = \"yesterday\", which is not an ISO-8601 UTC timestamp",
        "a short sha256 | line 2 is a bad entry",
        "a trailing blank line | has 2 lines after its header but 1 entries",
        "truncated JSON | line 2 is not valid JSON",
    })
    void entryLines_refusesWhatIsNotOneValidEntryPerLine_namingTheLine(String damage, String message) throws IOException {
        String body = switch (damage) {
            case "LINE + blank line + LINE" -> LINE + "\n\n" + LINE.replace("a.txt", "b.txt") + "\n";
            case "two objects on one line" -> LINE + " " + LINE.replace("a.txt", "b.txt") + "\n";
            case "a number after the object" -> LINE + " 5\n";
            case "a line that is an array" -> "[1]\n";
            case "no path" -> LINE.replace("\"path\":\"a.txt\",", "") + "\n";
            case "size as text" -> LINE.replace("\"size\":1", "\"size\":\"1\"") + "\n";
            case "negative size" -> LINE.replace("\"size\":1", "\"size\":-1") + "\n";
            case "path as a number" -> LINE.replace("\"a.txt\"", "7") + "\n";
            case "a repeated field" -> LINE.replace("\"size\":1", "\"size\":1,\"size\":2") + "\n";
            case "a bad mtime" -> LINE.replace("2023-03-28T10:40:00Z", "yesterday") + "\n";
            case "a short sha256" -> LINE.replace("0".repeat(64), "0".repeat(63)) + "\n";
            case "a trailing blank line" -> LINE + "\n\n";
            case "truncated JSON" -> LINE.substring(0, 30) + "\n";
            default -> throw new IllegalArgumentException(damage);
        };

        assertThatThrownBy(() -> Format2.entryLines(gzip(HEADER + body), "chunk c"))
                .isInstanceOf(ManifestFormatException.class).hasMessageStartingWith("chunk c").hasMessageContaining(message);
    }

    private static Store copy(Store s) {
        Store c = new Store();
        c.objects.putAll(s.objects);
        return c;
    }

    private static String gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
