package io.cloudsync.core.internal.manifest2;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.PathRules;
import io.cloudsync.core.ManifestJson;
import io.cloudsync.core.internal.manifest.Timestamps;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Manifest format 2 (docs/FORMATS.md, "Manifest format 2"): a small root JSON document that names
 * index parts, index parts that name entry chunks, and entry chunks that hold a contiguous sorted
 * run of entries; chunks and parts are gzip-compressed JSON Lines named by the SHA-256 of their
 * stored bytes. This class encodes a {@link Manifest} into those objects (reusing the chunks of a
 * previous {@link Layout} whose entries are unchanged) and decodes them back, chunk by chunk,
 * checking everything the format promises. Damage is a {@link ManifestFormatException} naming the
 * object. Stateless and thread-safe.
 */
public final class Format2 {

    /** The root's {@code version}. */
    public static final int VERSION = 2;

    /** The {@code format} of a chunk's header line. */
    public static final String CHUNK_FORMAT = "cloudsync-manifest-chunk";

    /** The most bytes a chunk may decompress to: far above 2048 entries of the longest paths. */
    static final int MAX_DECOMPRESSED = 64 * 1024 * 1024;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final byte[] ENTRIES_HEADER = ("{\"format\":\"" + CHUNK_FORMAT + "\",\"version\":2,\"kind\":\"entries\"}\n")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] INDEX_HEADER = ("{\"format\":\"" + CHUNK_FORMAT + "\",\"version\":2,\"kind\":\"index\"}\n")
            .getBytes(StandardCharsets.UTF_8);

    private Format2() {
    }

    /**
     * One entry chunk as the root's index parts name it.
     *
     * @param sha256 the lower-case hex SHA-256 of its stored bytes, and its name
     * @param size its stored (compressed) bytes
     * @param entries how many entries it holds
     * @param bytes the sum of their sizes
     * @param first its first path
     * @param last its last path
     */
    public record ChunkRef(String sha256, long size, int entries, long bytes, String first, String last) {
    }

    /**
     * One index part as the root names it.
     *
     * @param sha256 the lower-case hex SHA-256 of its stored bytes, and its name
     * @param size its stored bytes
     * @param chunks how many chunk refs it holds
     * @param first the first path of its first chunk
     * @param last the last path of its last chunk
     */
    public record PartRef(String sha256, long size, int chunks, String first, String last) {
    }

    /**
     * A decoded root.
     *
     * @param name the snapshot's name
     * @param root the root the entries are relative to
     * @param createdAt when the manifest was made
     * @param checksum the format-1 checksum of all entries
     * @param entries how many entries
     * @param bytes the sum of their sizes
     * @param index the index parts, in path order
     */
    public record Root(String name, String root, Instant createdAt, String checksum, long entries, long bytes,
                       List<PartRef> index) {
        /** Copies the list. */
        public Root {
            index = List.copyOf(index);
        }
    }

    /**
     * An entry chunk and the entries it holds.
     *
     * @param ref its ref
     * @param entries its entries
     */
    public record Chunk(ChunkRef ref, List<ManifestEntry> entries) {
    }

    /**
     * What a manifest's objects were, as read or written: what the next write may reuse.
     *
     * @param chunks the entry chunks in order
     * @param parts the index parts in order
     */
    public record Layout(List<Chunk> chunks, List<PartRef> parts) {

        /** No objects: a format-1 manifest or none. */
        public static final Layout EMPTY = new Layout(List.of(), List.of());

        /** Copies the lists. */
        public Layout {
            chunks = List.copyOf(chunks);
            parts = List.copyOf(parts);
        }

        /**
         * The names (SHA-256) of every chunk and index part.
         *
         * @return the names, entry chunks first
         */
        public Set<String> names() {
            Set<String> names = new LinkedHashSet<>();
            chunks.forEach(c -> names.add(c.ref().sha256()));
            parts.forEach(p -> names.add(p.sha256()));
            return names;
        }
    }

    /**
     * A stored object: a chunk or an index part.
     *
     * @param sha256 its name
     * @param bytes its stored bytes
     */
    public record Stored(String sha256, byte[] bytes) {
    }

    /**
     * An encoded manifest.
     *
     * @param root the root's bytes
     * @param encoded the chunks and parts encoded by this call (entry chunks first, then parts; a
     *     chunk reused from the previous layout is not among them)
     * @param layout every chunk and part the root names
     */
    public record Encoded(byte[] root, List<Stored> encoded, Layout layout) {
    }

    /**
     * A decoded manifest.
     *
     * @param manifest the manifest
     * @param layout its chunks and parts
     */
    public record Decoded(Manifest manifest, Layout layout) {
    }

    /** Where a reader gets a chunk's stored bytes from. */
    public interface ChunkSource {
        /**
         * The stored bytes of a chunk or index part.
         *
         * @param sha256 its name
         * @return the bytes, or empty when there is no such object
         */
        Optional<byte[]> fetch(String sha256);

        /**
         * How a chunk is named in messages.
         *
         * @param sha256 its name
         * @return for example the metadata name {@code chunks/S/<sha256>}
         */
        String describe(String sha256);
    }

    // ------------------------------------------------------------------ writing

    /**
     * Encodes a manifest.
     *
     * @param m the manifest
     * @param previous the layout of the manifest this one replaces: a chunk with equal entries keeps its ref
     * @return the root, the newly encoded objects and the layout
     */
    public static Encoded encode(Manifest m, Layout previous) {
        Map<String, Chunk> before = new HashMap<>();
        for (Chunk c : previous.chunks()) {
            before.put(c.ref().first(), c);
        }
        List<Stored> encoded = new ArrayList<>();
        List<Chunk> chunks = new ArrayList<>();
        List<ManifestEntry> entries = m.entries();
        int start = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (Chunker.ENTRIES.ends(i - start + 1, entries.get(i).path()) || i == entries.size() - 1) {
                List<ManifestEntry> run = entries.subList(start, i + 1);
                Chunk old = before.get(run.get(0).path());
                if (old != null && old.entries().size() == run.size() && old.entries().equals(run)) {
                    chunks.add(new Chunk(old.ref(), run));
                } else {
                    StoredChunk c = entryChunkOf(run);
                    encoded.add(c.stored());
                    chunks.add(new Chunk(c.ref(), run));
                }
                start = i + 1;
            }
        }
        List<ChunkRef> refs = new ArrayList<>(chunks.size());
        chunks.forEach(c -> refs.add(c.ref()));
        List<PartRef> parts = indexParts(refs, encoded);
        Root root = new Root(m.name(), m.root(), m.createdAt(), m.checksum(), entries.size(), m.totalBytes(), parts);
        return new Encoded(rootBytes(root), encoded, new Layout(chunks, parts));
    }

    /**
     * The root and index parts of a chunked manifest (its entry chunks are in its folder already).
     *
     * @param m the manifest
     * @return the root's bytes, the index parts as {@code encoded}, and an empty layout (a chunked
     *     manifest holds no entries in memory)
     */
    public static Encoded rootOf(Chunked m) {
        List<Stored> parts = new ArrayList<>();
        List<PartRef> partRefs = indexParts(m.refs(), parts);
        Root root = new Root(m.name(), m.root(), m.createdAt(), m.checksum(), m.entries(), m.bytes(), partRefs);
        return new Encoded(rootBytes(root), parts, Layout.EMPTY);
    }

    /**
     * The index parts naming entry chunks, cut by {@link Chunker#INDEX}.
     *
     * @param refs the entry chunks in order
     * @param encoded receives each part's stored bytes, in order
     * @return the parts' refs, for the root
     */
    public static List<PartRef> indexParts(List<ChunkRef> refs, List<Stored> encoded) {
        List<PartRef> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < refs.size(); i++) {
            if (Chunker.INDEX.ends(i - start + 1, refs.get(i).last()) || i == refs.size() - 1) {
                List<ChunkRef> run = refs.subList(start, i + 1);
                Stored s = store(indexPart(run));
                encoded.add(s);
                parts.add(new PartRef(s.sha256(), s.bytes().length, run.size(), run.get(0).first(),
                        run.get(run.size() - 1).last()));
                start = i + 1;
            }
        }
        return parts;
    }

    /**
     * One entry chunk encoded: its stored bytes and its ref.
     *
     * @param stored its name and stored bytes
     * @param ref its ref, as an index part names it
     */
    public record StoredChunk(Stored stored, ChunkRef ref) {
    }

    /**
     * Encodes the entries of one chunk.
     *
     * @param run sorted entries, at least one
     * @return its stored bytes and its ref
     */
    public static StoredChunk entryChunkOf(List<ManifestEntry> run) {
        Stored s = store(entryChunk(run));
        long bytes = 0;
        for (ManifestEntry e : run) {
            bytes += e.size();
        }
        return new StoredChunk(s, new ChunkRef(s.sha256(), s.bytes().length, run.size(), bytes, run.get(0).path(),
                run.get(run.size() - 1).path()));
    }

    /**
     * The canonical bytes of a root.
     *
     * @param r the root
     * @return UTF-8 JSON ending in a newline
     */
    public static byte[] rootBytes(Root r) {
        StringBuilder b = new StringBuilder(512 + r.index().size() * 200);
        b.append("{\n  \"format\": ").append(quote(ManifestJson.FORMAT)).append(",\n  \"version\": ").append(VERSION)
                .append(",\n  \"name\": ").append(quote(r.name()))
                .append(",\n  \"root\": ").append(quote(r.root()))
                .append(",\n  \"created_at\": ").append(quote(Timestamps.format(r.createdAt())))
                .append(",\n  \"checksum\": ").append(quote(r.checksum()))
                .append(",\n  \"entries\": ").append(r.entries())
                .append(",\n  \"bytes\": ").append(r.bytes())
                .append(",\n  \"chunking\": {\"hash\": ").append(quote(Chunker.HASH_NAME))
                .append(", \"min\": ").append(Chunker.ENTRIES.min())
                .append(", \"average\": ").append(Chunker.ENTRIES.average())
                .append(", \"max\": ").append(Chunker.ENTRIES.max()).append("},\n  \"index\": [");
        for (int i = 0; i < r.index().size(); i++) {
            PartRef p = r.index().get(i);
            b.append(i == 0 ? "\n    " : ",\n    ").append("{\"sha256\": ").append(quote(p.sha256()))
                    .append(", \"size\": ").append(p.size()).append(", \"chunks\": ").append(p.chunks())
                    .append(", \"first\": ").append(quote(p.first())).append(", \"last\": ").append(quote(p.last()))
                    .append('}');
        }
        b.append(r.index().isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The stored bytes of an entry chunk holding {@code run}. */
    static byte[] entryChunk(List<ManifestEntry> run) {
        StringBuilder b = new StringBuilder(run.size() * 160);
        for (ManifestEntry e : run) {
            b.append("{\"path\":").append(quote(e.path())).append(",\"size\":").append(e.size())
                    .append(",\"mtime\":\"").append(Timestamps.format(e.mtime())).append("\",\"sha256\":\"")
                    .append(e.sha256()).append("\"}\n");
        }
        return gzip(ENTRIES_HEADER, b);
    }

    /** The stored bytes of an index part naming {@code run}. */
    static byte[] indexPart(List<ChunkRef> run) {
        StringBuilder b = new StringBuilder(run.size() * 200);
        for (ChunkRef r : run) {
            b.append("{\"sha256\":\"").append(r.sha256()).append("\",\"size\":").append(r.size())
                    .append(",\"entries\":").append(r.entries()).append(",\"bytes\":").append(r.bytes())
                    .append(",\"first\":").append(quote(r.first())).append(",\"last\":").append(quote(r.last()))
                    .append("}\n");
        }
        return gzip(INDEX_HEADER, b);
    }

    /** Gzip of a header line and lines. */
    static byte[] gzip(byte[] header, CharSequence lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(lines.length() / 3 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(header);
            z.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("compressing in memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static Stored store(byte[] bytes) {
        return new Stored(sha256(bytes), bytes);
    }

    private static String quote(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    /**
     * The lower-case hex SHA-256 of bytes: a chunk's name.
     *
     * @param bytes the bytes
     * @return 64 hex digits
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Whether a name is a chunk name: exactly 64 lower-case hex digits.
     *
     * @param name the name after the folder
     * @return true for a chunk name
     */
    public static boolean isChunkName(String name) {
        return SHA256.matcher(name).matches();
    }

    // ------------------------------------------------------------------ reading

    /**
     * The {@code version} of a manifest document (format 1 or a format-2 root), read from its first
     * fields without parsing the rest.
     *
     * @param json the bytes
     * @return the version, or 1 when the bytes are not a {@code cloudsync-manifest} with a leading
     *     integer version (the format-1 reader then names the problem)
     */
    public static int versionOf(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return 1;
            }
            boolean ours = false;
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                if (field.equals("format")) {
                    ours = t == JsonToken.VALUE_STRING && ManifestJson.FORMAT.equals(p.getText());
                } else if (field.equals("version")) {
                    return ours && t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : 1;
                } else {
                    return 1;
                }
            }
            return 1;
        } catch (IOException e) {
            return 1;
        }
    }

    /**
     * Parses and checks a format-2 root.
     *
     * @param json its bytes
     * @param where what it is, for messages, such as {@code manifest manifests/S.json}
     * @return the root
     * @throws ManifestFormatException naming {@code where} and the problem
     */
    public static Root decodeRoot(byte[] json, String where) {
        Map<String, Object> o = object(json, 0, json.length, where, true);
        if (!ManifestJson.FORMAT.equals(o.get("format"))) {
            throw new ManifestFormatException(where + " has format " + o.get("format") + ", expected \""
                    + ManifestJson.FORMAT + '"');
        }
        long version = number(o, "version", where);
        if (version != VERSION) {
            throw new ManifestFormatException(where + " has version " + version + ", not " + VERSION);
        }
        String checksum = text(o, "checksum", where);
        if (!isChunkName(checksum)) {
            throw new ManifestFormatException(where + " has a \"checksum\" that is not 64 lower-case hex digits");
        }
        long entries = count(o, "entries", where);
        long bytes = count(o, "bytes", where);
        Object index = o.get("index");
        if (!(index instanceof List<?> list)) {
            throw new ManifestFormatException(where + " lacks the array \"index\"");
        }
        List<PartRef> parts = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String at = where + " index part #" + i;
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new ManifestFormatException(at + " is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> part = (Map<String, Object>) m;
            parts.add(new PartRef(sha(part, at), count(part, "size", at), positiveInt(part, "chunks", at),
                    text(part, "first", at), text(part, "last", at)));
        }
        return new Root(text(o, "name", where), text(o, "root", where), instant(o, "created_at", where), checksum,
                entries, bytes, parts);
    }

    /**
     * Reads every entry of a format-2 manifest, chunk by chunk, checking each object against its
     * name and ref, the order of all entries, the totals and the checksum of the root. A chunk is
     * handed to {@code sink} once it is checked; the totals and checksum are checked at the end, so
     * a caller that acts on chunks before the end must be ready to drop what it got.
     *
     * @param root the root
     * @param source where chunks come from
     * @param where what the root is, for messages
     * @param sink receives each entry chunk in order
     * @return the index parts and chunk refs read (each chunk's entries as handed to the sink)
     * @throws ManifestFormatException naming the object and the problem
     */
    public static Layout read(Root root, ChunkSource source, String where, Consumer<Chunk> sink) {
        Objects.requireNonNull(sink, "sink");
        List<Chunk> chunks = new ArrayList<>();
        String previous = null;
        long entries = 0;
        long bytes = 0;
        MessageDigest checksum = digest();
        for (int p = 0; p < root.index().size(); p++) {
            PartRef part = root.index().get(p);
            String partWhere = where + ": index part #" + p + " (" + source.describe(part.sha256()) + ')';
            List<ChunkRef> refs = partRefs(fetch(source, part.sha256(), part.size(), partWhere), part, partWhere);
            for (int c = 0; c < refs.size(); c++) {
                ChunkRef ref = refs.get(c);
                String chunkWhere = where + ": entry chunk #" + c + " of index part #" + p + " (" + source.describe(ref.sha256()) + ')';
                List<ManifestEntry> run = entryLines(fetch(source, ref.sha256(), ref.size(), chunkWhere), chunkWhere);
                long sum = 0;
                for (ManifestEntry e : run) {
                    if (previous != null && PathRules.compare(previous, e.path()) >= 0) {
                        throw new ManifestFormatException(chunkWhere + " is out of order: \"" + e.path() + "\" comes after \""
                                + previous + "\"; entries must be strictly increasing by the UTF-8 bytes of their path,"
                                + " across chunks too");
                    }
                    previous = e.path();
                    sum += e.size();
                    update(checksum, e);
                }
                if (run.size() != ref.entries() || sum != ref.bytes() || !run.get(0).path().equals(ref.first())
                        || !run.get(run.size() - 1).path().equals(ref.last())) {
                    throw new ManifestFormatException(chunkWhere + " holds " + run.size() + " entries of " + sum
                            + " bytes from \"" + run.get(0).path() + "\" to \"" + run.get(run.size() - 1).path()
                            + "\", but its ref says " + ref.entries() + " entries of " + ref.bytes() + " bytes from \""
                            + ref.first() + "\" to \"" + ref.last() + '"');
                }
                entries += run.size();
                bytes += sum;
                Chunk chunk = new Chunk(ref, run);
                chunks.add(chunk);
                sink.accept(chunk);
            }
        }
        if (entries != root.entries() || bytes != root.bytes()) {
            throw new ManifestFormatException(where + " says " + root.entries() + " entries of " + root.bytes()
                    + " bytes but its chunks hold " + entries + " entries of " + bytes + " bytes");
        }
        String sum = HexFormat.of().formatHex(checksum.digest());
        if (!sum.equals(root.checksum())) {
            throw new ManifestFormatException(where + " has checksum " + root.checksum() + " but its entries give " + sum);
        }
        return new Layout(chunks, root.index());
    }

    /**
     * Reads a whole format-2 manifest into memory.
     *
     * @param root the root
     * @param source where chunks come from
     * @param where what the root is, for messages
     * @return the manifest and its layout
     * @throws ManifestFormatException naming the object and the problem
     */
    public static Decoded decode(Root root, ChunkSource source, String where) {
        List<ManifestEntry> all = new ArrayList<>((int) Math.min(root.entries(), 1 << 20)); // a damaged count must not allocate
        Layout layout = read(root, source, where, c -> all.addAll(c.entries()));
        List<ManifestEntry> entries = List.copyOf(all);
        // the chunks' entries as views of the manifest's own list: the layout holds no second copy
        List<Chunk> chunks = new ArrayList<>(layout.chunks().size());
        int at = 0;
        for (Chunk c : layout.chunks()) {
            chunks.add(new Chunk(c.ref(), entries.subList(at, at + c.entries().size())));
            at += c.entries().size();
        }
        try {
            Manifest m = new Manifest(root.name(), root.root(), root.createdAt(), entries, root.checksum());
            return new Decoded(m, new Layout(chunks, layout.parts()));
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(where + " is inconsistent: " + e.getMessage());
        }
    }

    /**
     * A chunk's stored bytes from {@code source}, checked against its name and size.
     *
     * @param source where it comes from
     * @param sha256 its name
     * @param size its size
     * @param where what it is, for messages
     * @return the bytes
     * @throws ManifestFormatException when it is missing or does not match
     */
    public static byte[] fetch(ChunkSource source, String sha256, long size, String where) {
        byte[] bytes = source.fetch(sha256).orElseThrow(() -> new ManifestFormatException(where
                + " is missing: the root names it but the remote does not hold it"));
        if (bytes.length != size || !sha256(bytes).equals(sha256)) {
            throw new ManifestFormatException(where + " does not match its name: " + bytes.length
                    + " bytes with SHA-256 " + sha256(bytes) + ", expected " + size + " bytes with SHA-256 " + sha256);
        }
        return bytes;
    }

    /** The lines of a gzip-compressed chunk after its header, checked to be of {@code kind}. */
    private static List<byte[]> lines(byte[] stored, String kind, String where) {
        byte[] text = body(stored, kind, where);
        List<byte[]> lines = new ArrayList<>();
        int start = headerEnd(text) + 1;
        for (int i = start; i < text.length; i++) {
            if (text[i] == '\n') {
                lines.add(java.util.Arrays.copyOfRange(text, start, i));
                start = i + 1;
            }
        }
        return lines;
    }

    /**
     * The decompressed text of a chunk, checked up to its first line: gzip, the size limit, the final
     * newline, the header line of {@code kind}, and at least one line after it.
     */
    private static byte[] body(byte[] stored, String kind, String where) {
        byte[] text;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            text = in.readNBytes(MAX_DECOMPRESSED + 1);
        } catch (ZipException | java.io.EOFException e) {
            throw new ManifestFormatException(where + " is not valid gzip: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ManifestFormatException(where + " cannot be decompressed: " + e, e);
        }
        if (text.length > MAX_DECOMPRESSED) {
            throw new ManifestFormatException(where + " decompresses to more than " + MAX_DECOMPRESSED + " bytes");
        }
        if (text.length == 0 || text[text.length - 1] != '\n') {
            throw new ManifestFormatException(where + " does not end with a newline; it is truncated or damaged");
        }
        int end = headerEnd(text);
        Map<String, Object> header = object(text, 0, end, where + " header line", false);
        if (!CHUNK_FORMAT.equals(header.get("format")) || !Long.valueOf(VERSION).equals(header.get("version"))
                || !kind.equals(header.get("kind"))) {
            throw new ManifestFormatException(where + " has the header line "
                    + new String(text, 0, end, StandardCharsets.UTF_8) + ", expected {\"format\":\"" + CHUNK_FORMAT
                    + "\",\"version\":2,\"kind\":\"" + kind + "\"}");
        }
        if (end + 1 >= text.length) {
            throw new ManifestFormatException(where + " holds no " + kind + " lines; a chunk is never empty");
        }
        return text;
    }

    /** The index of the first newline (there is one: the text ends with it). */
    private static int headerEnd(byte[] text) {
        int end = 0;
        while (text[end] != '\n') {
            end++;
        }
        return end;
    }

    /**
     * The chunk refs of one stored index part, checked line by line.
     *
     * @param stored the part's stored bytes
     * @param where what it is, for messages
     * @return its refs in order
     * @throws ManifestFormatException naming {@code where} and the problem
     */
    public static List<ChunkRef> indexRefs(byte[] stored, String where) {
        List<byte[]> lines = lines(stored, "index", where);
        List<ChunkRef> refs = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String at = where + " line " + (i + 2);
            Map<String, Object> o = object(lines.get(i), 0, lines.get(i).length, at, false);
            refs.add(new ChunkRef(sha(o, at), count(o, "size", at), positiveInt(o, "entries", at), count(o, "bytes", at),
                    text(o, "first", at), text(o, "last", at)));
        }
        return refs;
    }

    /**
     * The chunk refs of one stored index part, checked line by line and against the root's ref of
     * the part (its count, first and last path).
     *
     * @param stored the part's stored bytes
     * @param part the root's ref of it
     * @param where what it is, for messages
     * @return its refs in order
     * @throws ManifestFormatException naming {@code where} and the problem
     */
    public static List<ChunkRef> partRefs(byte[] stored, PartRef part, String where) {
        List<ChunkRef> refs = indexRefs(stored, where);
        if (refs.size() != part.chunks() || !refs.get(0).first().equals(part.first())
                || !refs.get(refs.size() - 1).last().equals(part.last())) {
            throw new ManifestFormatException(where + " holds " + refs.size() + " chunk refs from \"" + refs.get(0).first()
                    + "\" to \"" + refs.get(refs.size() - 1).last() + "\" but the root says " + part.chunks() + " from \""
                    + part.first() + "\" to \"" + part.last() + '"');
        }
        return refs;
    }

    /**
     * The entries of one stored entry chunk, checked line by line (not their order).
     *
     * @param stored the chunk's stored bytes
     * @param where what it is, for messages
     * @return its entries in stored order
     * @throws ManifestFormatException naming {@code where} and the problem
     */
    public static List<ManifestEntry> entryLines(byte[] stored, String where) {
        byte[] text = body(stored, "entries", where);
        int start = headerEnd(text) + 1;
        List<ManifestEntry> entries = new ArrayList<>(Chunker.ENTRIES.average());
        // One parser over every line (a parser per line cost more than the entries): each value must
        // be an object that starts on the next line, so the text is still one object per line.
        try (JsonParser p = FACTORY.createParser(text, start, text.length - start)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                int line = entries.size() + 2;
                String at = where + " line " + line;
                if (p.currentTokenLocation().getLineNr() < line - 1) {
                    throw new ManifestFormatException(where + " line " + (line - 1) + " has data after its JSON object");
                }
                if (p.currentTokenLocation().getLineNr() > line - 1) {
                    throw new ManifestFormatException(at + " is not a JSON object");
                }
                if (t != JsonToken.START_OBJECT) {
                    throw new ManifestFormatException(at + " is not a JSON object");
                }
                entries.add(entry(p, at));
            }
        } catch (JsonProcessingException e) {
            throw new ManifestFormatException(where + " line " + (entries.size() + 2) + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (CharConversionException e) {
            throw new ManifestFormatException(where + " line " + (entries.size() + 2) + " is not valid UTF-8: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading memory cannot fail", e);
        }
        int lines = 0;
        for (int i = start; i < text.length; i++) {
            if (text[i] == '\n') {
                lines++;
            }
        }
        if (lines != entries.size()) { // an empty line (the objects themselves are on lines of their own)
            throw new ManifestFormatException(where + " has " + lines + " lines after its header but " + entries.size()
                    + " entries; every line is one JSON object");
        }
        return entries;
    }

    /** One entry line's object, from after its START_OBJECT; unknown fields are skipped. */
    private static ManifestEntry entry(JsonParser p, String at) throws IOException {
        String path = null;
        String mtime = null;
        String sha256 = null;
        long size = -1;
        String field;
        while ((field = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "path" -> path = string(p, t, field, at);
                case "mtime" -> mtime = string(p, t, field, at);
                case "sha256" -> sha256 = string(p, t, field, at);
                case "size" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        size = -1;
                    } else if (t != JsonToken.VALUE_NUMBER_INT) {
                        throw new ManifestFormatException(at + " has a \"size\" that is not an integer");
                    } else if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw new ManifestFormatException(at + " has a number out of range: " + p.getText());
                    } else {
                        size = p.getLongValue();
                        if (size < 0) {
                            throw new ManifestFormatException(at + " has a negative \"size\": " + size);
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (path == null || mtime == null || sha256 == null) {
            throw new ManifestFormatException(at + " lacks the field \""
                    + (path == null ? "path" : mtime == null ? "mtime" : "sha256") + '"');
        }
        if (size < 0) {
            throw new ManifestFormatException(at + " lacks the integer field \"size\"");
        }
        ManifestEntry e;
        try {
            e = new ManifestEntry(path, size, instant(mtime, "mtime", at), sha256);
        } catch (IllegalArgumentException | NullPointerException x) {
            throw new ManifestFormatException(at + " is a bad entry: " + x.getMessage());
        }
        if (!e.path().equals(path)) {
            throw new ManifestFormatException(at + " has the path \"" + path + "\", which is not in Unicode NFC form");
        }
        return e;
    }

    /** A string field's value, or null when it is JSON null (treated as absent); nested values refused. */
    private static String string(JsonParser p, JsonToken t, String field, String at) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw new ManifestFormatException(at + " has a \"" + field + "\" that is not a string");
    }

    /** Parses one JSON object (nested objects and arrays only when {@code nested}); numbers are longs. */
    private static Map<String, Object> object(byte[] json, int offset, int length, String where, boolean nested) {
        try (JsonParser p = FACTORY.createParser(json, offset, length)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ManifestFormatException(where + " is not a JSON object");
            }
            Map<String, Object> o = objectBody(p, where, nested);
            if (p.nextToken() != null) {
                throw new ManifestFormatException(where + " has data after its JSON object");
            }
            return o;
        } catch (JsonProcessingException e) {
            throw new ManifestFormatException(where + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (CharConversionException e) {
            throw new ManifestFormatException(where + " is not valid UTF-8: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading memory cannot fail", e);
        }
    }

    private static Map<String, Object> objectBody(JsonParser p, String where, boolean nested) throws IOException {
        Map<String, Object> o = new LinkedHashMap<>();
        String field;
        while ((field = p.nextFieldName()) != null) {
            Object value = value(p, p.nextToken(), where, nested);
            if (value != null) {
                o.put(field, value);
            }
        }
        return o;
    }

    private static Object value(JsonParser p, JsonToken t, String where, boolean nested) throws IOException {
        return switch (t) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new ManifestFormatException(where + " has a number out of range: " + p.getText());
                }
                yield p.getLongValue();
            }
            case START_OBJECT -> {
                if (!nested) {
                    p.skipChildren();
                    yield null;
                }
                yield objectBody(p, where, true);
            }
            case START_ARRAY -> {
                if (!nested) {
                    p.skipChildren();
                    yield null;
                }
                List<Object> list = new ArrayList<>();
                JsonToken item;
                while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
                    Object v = value(p, item, where, true);
                    if (v != null) {
                        list.add(v);
                    }
                }
                yield list;
            }
            default -> null; // true, false, null, fractions: no field of ours; unknown fields are ignored
        };
    }

    private static String text(Map<String, Object> o, String field, String where) {
        if (!(o.get(field) instanceof String s)) {
            throw new ManifestFormatException(where + (o.containsKey(field) ? " has a \"" + field + "\" that is not a string"
                    : " lacks the field \"" + field + '"'));
        }
        return s;
    }

    private static long number(Map<String, Object> o, String field, String where) {
        if (!(o.get(field) instanceof Long n)) {
            throw new ManifestFormatException(where + (o.containsKey(field) ? " has a \"" + field + "\" that is not an integer"
                    : " lacks the integer field \"" + field + '"'));
        }
        return n;
    }

    private static long count(Map<String, Object> o, String field, String where) {
        long n = number(o, field, where);
        if (n < 0) {
            throw new ManifestFormatException(where + " has a negative \"" + field + "\": " + n);
        }
        return n;
    }

    private static int positiveInt(Map<String, Object> o, String field, String where) {
        long n = number(o, field, where);
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new ManifestFormatException(where + " has \"" + field + "\" = " + n + "; it must be at least 1");
        }
        return (int) n;
    }

    private static String sha(Map<String, Object> o, String where) {
        String s = text(o, "sha256", where);
        if (!isChunkName(s)) {
            throw new ManifestFormatException(where + " has a \"sha256\" that is not 64 lower-case hex digits");
        }
        return s;
    }

    private static Instant instant(Map<String, Object> o, String field, String where) {
        return instant(text(o, field, where), field, where);
    }

    private static Instant instant(String t, String field, String where) {
        try {
            Instant fast = Timestamps.parse(t);
            return fast != null ? fast : Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new ManifestFormatException(where + " has \"" + field + "\" = \"" + t
                    + "\", which is not an ISO-8601 UTC timestamp such as 2024-01-31T12:00:00.123456789Z");
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The format-1 checksum's bytes of one entry: path, NUL, size in decimal, NUL, sha256, newline. */
    private static void update(MessageDigest d, ManifestEntry e) {
        d.update(e.path().getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(Long.toString(e.size()).getBytes(StandardCharsets.US_ASCII));
        d.update((byte) 0);
        d.update(e.sha256().getBytes(StandardCharsets.US_ASCII));
        d.update((byte) '\n');
    }
}
