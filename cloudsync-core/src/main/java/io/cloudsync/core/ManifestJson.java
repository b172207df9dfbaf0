package io.cloudsync.core;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.cloudsync.CloudSyncException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.PathRules;
import io.cloudsync.core.internal.manifest.ManifestPrettyPrinter;
import io.cloudsync.core.internal.manifest.Timestamps;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads and writes the canonical JSON form of a {@link Manifest} (format {@value #FORMAT}, version
 * {@value #VERSION}; see {@code docs/FORMATS.md#manifest}).
 *
 * <p>Writing is canonical: the same manifest always gives the same bytes (UTF-8, fixed field order,
 * fixed layout with one entry per line, timestamps in ISO-8601 UTC with full nanosecond precision).
 * Reading checks everything and rejects a bad file with a {@link ManifestFormatException} whose
 * message names the source and the first problem: not JSON, another format, an unsupported version,
 * a missing or mistyped field, a path that breaks {@link PathRules} or is not NFC, entries out of
 * order or listed twice, or a checksum that does not match the entries.
 *
 * <p>Both directions stream, so a manifest of a million entries needs no more memory than its
 * entries. Thread-safe (stateless).
 */
public final class ManifestJson {

    /** The value of the {@code format} field. */
    public static final String FORMAT = "cloudsync-manifest";

    /** The version this class writes and the only one it reads. */
    public static final int VERSION = 1;

    /**
     * A plain streaming factory, not {@code Json.mapper()}'s: building an ObjectMapper loads the
     * whole data-binding layer (~0.2 s in a fresh JVM) that manifests never use. Same limits as the
     * mapper; duplicate fields are detected by {@link Reader}.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build())
            .build();

    private ManifestJson() {
    }

    /**
     * The canonical bytes of a manifest.
     *
     * @param m the manifest; never {@code null}
     * @return UTF-8 JSON ending in a newline
     */
    public static byte[] toBytes(Manifest m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + m.entries().size() * 160);
        try {
            write(m, out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes the canonical form of a manifest. The stream is flushed, not closed.
     *
     * @param m the manifest; never {@code null}
     * @param out where to write
     * @throws IOException when the stream fails
     */
    public static void write(Manifest m, OutputStream out) throws IOException {
        Objects.requireNonNull(m, "manifest");
        Objects.requireNonNull(out, "out");
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setPrettyPrinter(new ManifestPrettyPrinter());
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeStringField("name", m.name());
            g.writeStringField("root", m.root());
            g.writeStringField("created_at", Timestamps.format(m.createdAt()));
            g.writeStringField("checksum", m.checksum());
            g.writeArrayFieldStart("entries");
            for (ManifestEntry e : m.entries()) {
                g.writeStartObject();
                g.writeStringField("path", e.path());
                g.writeNumberField("size", e.size());
                g.writeStringField("mtime", Timestamps.format(e.mtime()));
                g.writeStringField("sha256", e.sha256());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
        out.flush();
    }

    /**
     * Parses and validates a manifest.
     *
     * @param json the file's bytes
     * @param source what the bytes are, for messages (a file name or a remote location)
     * @return the manifest, never {@code null}
     * @throws ManifestFormatException naming {@code source} and the problem
     */
    public static Manifest fromBytes(byte[] json, String source) {
        Objects.requireNonNull(json, "json");
        return read(new ByteArrayInputStream(json), source);
    }

    /**
     * Reads a manifest file.
     *
     * @param file the file
     * @return the manifest, never {@code null}
     * @throws ManifestFormatException when the file is not a valid manifest
     * @throws CloudSyncException when the file cannot be read
     */
    public static Manifest read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new CloudSyncException("manifest file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new CloudSyncException("cannot read manifest file " + file + ": " + e, e);
        }
    }

    /**
     * Parses and validates a manifest from a stream, which is read to its end but not closed.
     *
     * @param in the JSON
     * @param source what the stream is, for messages
     * @return the manifest, never {@code null}
     * @throws ManifestFormatException naming {@code source} and the problem
     * @throws CloudSyncException when the stream fails
     */
    public static Manifest read(InputStream in, String source) {
        Objects.requireNonNull(in, "in");
        String where = source == null ? "manifest" : "manifest " + source;
        try (JsonParser p = FACTORY.createParser(in)) {
            p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            Manifest m = new Reader(p, where).manifest();
            if (p.nextToken() != null) {
                throw new ManifestFormatException(where + " has data after the manifest's closing '}' at line "
                        + p.currentLocation().getLineNr() + "; the file is damaged");
            }
            return m;
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ManifestFormatException(where + " is not valid JSON: " + e.getOriginalMessage() + at, e);
        } catch (CharConversionException e) {
            throw new ManifestFormatException(where + " is not valid UTF-8 JSON: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CloudSyncException("cannot read " + where + ": " + e, e);
        }
    }

    /**
     * Pulls one manifest out of a parser, checking as it goes. The parser's own duplicate-field
     * detection (a hash set per JSON object, so one per entry) is switched off and replaced by a
     * bit mask for the known fields; a set is only made for an object with unknown fields.
     * Messages for a bad entry are built only when one is found.
     */
    private static final class Reader {
        private static final int PATH = 1;
        private static final int SIZE = 2;
        private static final int MTIME = 4;
        private static final int SHA256 = 8;

        private final JsonParser p;
        private final String where;

        Reader(JsonParser p, String where) {
            this.p = p;
            this.where = where;
            p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        }

        Manifest manifest() throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw problem("is not a JSON object; a manifest starts with '{'");
            }
            String format = null;
            Integer version = null;
            String name = null;
            String root = null;
            Instant createdAt = null;
            String checksum = null;
            List<ManifestEntry> entries = null;
            Set<String> seen = new HashSet<>();
            String field;
            while ((field = p.nextFieldName()) != null) {
                if (!seen.add(field)) {
                    throw duplicate(field, -1);
                }
                JsonToken value = p.nextToken();
                switch (field) {
                    case "format" -> format = text(value, "format", -1);
                    case "version" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT) {
                            throw problem("has a \"version\" that is not an integer");
                        }
                        version = p.getIntValue();
                        requireVersion(format, version);
                    }
                    case "name" -> name = text(value, "name", -1);
                    case "root" -> root = text(value, "root", -1);
                    case "created_at" -> createdAt = instant(value, "created_at", -1);
                    case "checksum" -> checksum = text(value, "checksum", -1);
                    case "entries" -> {
                        requireVersion(format, version);
                        entries = entries(value);
                    }
                    default -> p.skipChildren(); // unknown fields are ignored within a version
                }
            }
            requireVersion(format, version);
            if (name == null || root == null || createdAt == null || checksum == null || entries == null) {
                throw problem("lacks a required field: it needs \"name\", \"root\", \"created_at\", \"checksum\" and \"entries\"");
            }
            try {
                return new Manifest(name, root, createdAt, entries, checksum);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw problem("is inconsistent: " + e.getMessage()
                        + "; the file is damaged or was edited by hand (rebuild it instead of editing)");
            }
        }

        private void requireVersion(String format, Integer version) {
            if (format == null) {
                throw problem("has no \"format\" field before its data; is it a manifest? expected \"format\": \"" + FORMAT + '"');
            }
            if (!FORMAT.equals(format)) {
                throw problem("has format \"" + format + "\", expected \"" + FORMAT + '"');
            }
            if (version == null) {
                throw problem("has no \"version\" field before its data");
            }
            if (version != VERSION) {
                throw problem(version == 2
                        ? "has version 2: it is the root of a chunked manifest (format 2), which is read together with"
                                + " its chunks (docs/FORMATS.md, \"Manifest format 2\"), not as a single document"
                        : version > VERSION
                        ? "has version " + version + ": it was written by a newer cloudsync; upgrade cloudsync to read it"
                                + " (this reader reads the single-document version " + VERSION + ")"
                        : "has version " + version + " but this cloudsync reads version " + VERSION);
            }
        }

        private List<ManifestEntry> entries(JsonToken value) throws IOException {
            if (value != JsonToken.START_ARRAY) {
                throw problem("has \"entries\" that is not an array");
            }
            List<ManifestEntry> entries = new ArrayList<>();
            ManifestEntry previous = null;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                int index = entries.size();
                if (t != JsonToken.START_OBJECT) {
                    throw problem("has entry #" + index + " that is not an object");
                }
                ManifestEntry entry = entry(index);
                if (previous != null) {
                    int order = PathRules.compare(previous.path(), entry.path());
                    if (order == 0) {
                        throw problem("lists \"" + entry.path() + "\" twice (entries #" + (index - 1) + " and #" + index + ')');
                    }
                    if (order > 0) {
                        throw problem("is not sorted: entry #" + index + " \"" + entry.path() + "\" comes after \""
                                + previous.path() + "\"; entries must be sorted by the UTF-8 bytes of their path");
                    }
                }
                entries.add(entry);
                previous = entry;
            }
            return entries;
        }

        private ManifestEntry entry(int index) throws IOException {
            String path = null;
            long size = 0;
            Instant mtime = null;
            String sha256 = null;
            int seen = 0;
            Set<String> others = null;
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken value = p.nextToken();
                int bit = switch (field) {
                    case "path" -> {
                        path = text(value, "path", index);
                        yield PATH;
                    }
                    case "size" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT) {
                            throw problem("has a \"size\"" + at(index) + " that is not an integer");
                        }
                        size = p.getLongValue();
                        yield SIZE;
                    }
                    case "mtime" -> {
                        mtime = instant(value, "mtime", index);
                        yield MTIME;
                    }
                    case "sha256" -> {
                        sha256 = text(value, "sha256", index);
                        yield SHA256;
                    }
                    default -> {
                        if (others == null) {
                            others = new HashSet<>();
                        }
                        if (!others.add(field)) {
                            throw duplicate(field, index);
                        }
                        p.skipChildren();
                        yield 0;
                    }
                };
                if ((seen & bit) != 0) {
                    throw duplicate(field, index);
                }
                seen |= bit;
            }
            if (seen != (PATH | SIZE | MTIME | SHA256)) {
                throw problem("has entry #" + index + " without one of \"path\", \"size\", \"mtime\", \"sha256\"");
            }
            ManifestEntry entry;
            try {
                entry = new ManifestEntry(path, size, mtime, sha256);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw problem("has a bad entry #" + index + ": " + e.getMessage());
            }
            if (!entry.path().equals(path)) { // the entry holds the NFC form
                throw problem("has path \"" + path + "\"" + at(index) + " that is not in Unicode NFC form");
            }
            return entry;
        }

        private static String at(int index) {
            return index < 0 ? "" : " of entry #" + index;
        }

        private ManifestFormatException duplicate(String field, int index) {
            return problem("has the field \"" + field + "\"" + at(index) + " twice at line "
                    + p.currentLocation().getLineNr() + "; the file is damaged or was edited by hand");
        }

        private String text(JsonToken value, String field, int index) throws IOException {
            if (value != JsonToken.VALUE_STRING) {
                throw problem("has a \"" + field + "\"" + at(index) + " that is not a string");
            }
            return p.getText();
        }

        private Instant instant(JsonToken value, String field, int index) throws IOException {
            String text = text(value, field, index);
            try {
                Instant fast = Timestamps.parse(text);
                return fast != null ? fast : Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw problem("has \"" + field + "\"" + at(index) + " = \"" + text
                        + "\", which is not an ISO-8601 UTC timestamp such as 2024-01-31T12:00:00.123456789Z");
            }
        }

        private ManifestFormatException problem(String what) {
            return new ManifestFormatException(where + ' ' + what);
        }
    }
}
