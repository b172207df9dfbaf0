package io.cloudsync.core;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cloudsync.CloudSyncException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.PathRules;
import io.cloudsync.core.internal.json.Json;
import io.cloudsync.core.internal.manifest.ManifestPrettyPrinter;
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
import java.util.List;
import java.util.Objects;

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
        JsonFactory factory = Json.mapper().getFactory();
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setPrettyPrinter(new ManifestPrettyPrinter());
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeStringField("name", m.name());
            g.writeStringField("root", m.root());
            g.writeStringField("created_at", m.createdAt().toString());
            g.writeStringField("checksum", m.checksum());
            g.writeArrayFieldStart("entries");
            for (ManifestEntry e : m.entries()) {
                g.writeStartObject();
                g.writeStringField("path", e.path());
                g.writeNumberField("size", e.size());
                g.writeStringField("mtime", e.mtime().toString());
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
        try (JsonParser p = Json.mapper().getFactory().createParser(in)) {
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

    /** Pulls one manifest out of a parser, checking as it goes. */
    private static final class Reader {
        private final JsonParser p;
        private final String where;

        Reader(JsonParser p, String where) {
            this.p = p;
            this.where = where;
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
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "format" -> format = text(value, "format", "");
                    case "version" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT) {
                            throw problem("has a \"version\" that is not an integer");
                        }
                        version = p.getIntValue();
                        requireVersion(format, version);
                    }
                    case "name" -> name = text(value, "name", "");
                    case "root" -> root = text(value, "root", "");
                    case "created_at" -> createdAt = instant(value, "created_at", "");
                    case "checksum" -> checksum = text(value, "checksum", "");
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
                throw problem("has version " + version + " but this cloudsync reads version " + VERSION
                        + (version > VERSION ? "; upgrade cloudsync to read it" : ""));
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
            Long size = null;
            Instant mtime = null;
            String sha256 = null;
            String at = " of entry #" + index;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "path" -> path = text(value, "path", at);
                    case "size" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT) {
                            throw problem("has a \"size\"" + at + " that is not an integer");
                        }
                        size = p.getLongValue();
                    }
                    case "mtime" -> mtime = instant(value, "mtime", at);
                    case "sha256" -> sha256 = text(value, "sha256", at);
                    default -> p.skipChildren();
                }
            }
            if (path == null || size == null || mtime == null || sha256 == null) {
                throw problem("has entry #" + index + " without one of \"path\", \"size\", \"mtime\", \"sha256\"");
            }
            ManifestEntry entry;
            try {
                entry = new ManifestEntry(path, size, mtime, sha256);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw problem("has a bad entry #" + index + ": " + e.getMessage());
            }
            if (!entry.path().equals(path)) { // the entry holds the NFC form
                throw problem("has path \"" + path + "\"" + at + " that is not in Unicode NFC form");
            }
            return entry;
        }

        private String text(JsonToken value, String field, String at) throws IOException {
            if (value != JsonToken.VALUE_STRING) {
                throw problem("has a \"" + field + "\"" + at + " that is not a string");
            }
            return p.getText();
        }

        private Instant instant(JsonToken value, String field, String at) throws IOException {
            String text = text(value, field, at);
            try {
                Instant fast = parseCanonicalInstant(text);
                return fast != null ? fast : Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw problem("has \"" + field + "\"" + at + " = \"" + text
                        + "\", which is not an ISO-8601 UTC timestamp such as 2024-01-31T12:00:00.123456789Z");
            }
        }

        /**
         * Parses the canonical {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} form without the general
         * formatter (a large share of reading time otherwise); null for anything else.
         */
        private static Instant parseCanonicalInstant(String t) {
            int n = t.length();
            if (n < 20 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                    || t.charAt(13) != ':' || t.charAt(16) != ':') {
                return null;
            }
            int year = digits(t, 0, 4);
            int month = digits(t, 5, 7);
            int day = digits(t, 8, 10);
            int hour = digits(t, 11, 13);
            int minute = digits(t, 14, 16);
            int second = digits(t, 17, 19);
            if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
                    || minute < 0 || minute > 59 || second < 0 || second > 59) {
                return null;
            }
            int nanos = 0;
            if (n > 20) {
                int fraction = n - 21;
                if (t.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                    return null;
                }
                nanos = digits(t, 20, n - 1);
                if (nanos < 0) {
                    return null;
                }
                for (int i = fraction; i < 9; i++) {
                    nanos *= 10;
                }
            }
            if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
                return null;
            }
            long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
        }

        private static int digits(String t, int from, int to) {
            int v = 0;
            for (int i = from; i < to; i++) {
                char c = t.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                v = v * 10 + (c - '0');
            }
            return v;
        }

        private ManifestFormatException problem(String what) {
            return new ManifestFormatException(where + ' ' + what);
        }
    }
}
