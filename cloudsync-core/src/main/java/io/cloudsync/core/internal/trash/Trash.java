package io.cloudsync.core.internal.trash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.PathRules;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.support.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A snapshot's trash in the provider's metadata area (docs/FORMATS.md, "Trash"): the versions of
 * files that runs deleted or overwrote, kept by a copy on the remote before the run changed them, and
 * one record per run that says what it changed and what each changed path held before. The versions
 * are named by their content ({@code trash/<snapshot>/blobs/<sha256>}), so a content kept twice is
 * stored once; the records ({@code trash/<snapshot>/runs/<time>-<id>.json.gz}) are gzip'd JSON, named
 * by the time they were written so that a listing sorts them and tells their age without a read.
 */
public final class Trash {

    private static final Logger LOG = LoggerFactory.getLogger(Trash.class);

    /** The {@code format} of a record. */
    public static final String FORMAT = "cloudsync-trash-record";
    /** The version of the record format this code writes. */
    public static final int VERSION = 1;
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final String RECORD_SUFFIX = ".json.gz";

    private Trash() {
    }

    /**
     * The metadata name of a kept version.
     *
     * @param snapshot the snapshot
     * @param sha256 the version's content
     * @return {@code trash/<snapshot>/blobs/<sha256>}
     */
    public static String blobName(String snapshot, String sha256) {
        return blobsPrefix(snapshot) + sha256;
    }

    static String blobsPrefix(String snapshot) {
        return "trash/" + snapshot + "/blobs/";
    }

    static String recordsPrefix(String snapshot) {
        return "trash/" + snapshot + "/runs/";
    }

    /**
     * The time a record's name says it was written, or empty for a name that is no record's.
     *
     * @param name a metadata name under {@code trash/<snapshot>/runs/}
     * @return the time
     */
    static Optional<Instant> timeOf(String name) {
        String leaf = name.substring(name.lastIndexOf('/') + 1);
        int dash = leaf.indexOf('-');
        if (dash < 0 || !leaf.endsWith(RECORD_SUFFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.from(NAME_TIME.parse(leaf.substring(0, dash))));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * What one path held before a run changed it.
     *
     * @param path the manifest path
     * @param before its entry before the run; empty when the run added it
     * @param deleted whether the run deleted it (otherwise it added or overwrote it)
     */
    public record Change(String path, Optional<ManifestEntry> before, boolean deleted) {

        /**
         * Validates.
         *
         * @param path see the record component
         * @param before see the record component
         * @param deleted see the record component
         */
        public Change {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(before, "before");
            if (deleted && before.isEmpty()) {
                throw new IllegalArgumentException("a deleted path has an entry before the run: " + path);
            }
        }

        /** @return {@code added}, {@code overwritten} or {@code deleted} */
        public String kind() {
            return deleted ? "deleted" : before.isPresent() ? "overwritten" : "added";
        }
    }

    /**
     * One run's record.
     *
     * @param snapshot the snapshot
     * @param time when it was written: just before the run committed its manifest
     * @param manifestBefore the checksum of the manifest the run started from
     * @param manifestAfter the checksum of the manifest it committed
     * @param changes every path it added, overwrote or deleted, sorted by path; empty when
     *     {@code startedEmpty}
     * @param startedEmpty whether the snapshot had no file before the run (its first commit): then
     *     the record lists no change, and undoing it leaves nothing
     */
    public record Record(String snapshot, Instant time, String manifestBefore, String manifestAfter, List<Change> changes,
                         boolean startedEmpty) {

        /**
         * Validates and copies.
         *
         * @param snapshot see the record component
         * @param time see the record component
         * @param manifestBefore see the record component
         * @param manifestAfter see the record component
         * @param changes see the record component
         * @param startedEmpty see the record component
         */
        public Record {
            Objects.requireNonNull(snapshot, "snapshot");
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(manifestBefore, "manifestBefore");
            Objects.requireNonNull(manifestAfter, "manifestAfter");
            changes = List.copyOf(changes);
        }
    }

    // ------------------------------------------------------------------ keeping versions

    /**
     * Keeps versions for one run: each content once, the names already kept listed on first use.
     * Thread-safe: the run's workers call it at once.
     */
    public static final class Keeper {
        private final Provider provider;
        private final String snapshot;
        private volatile Set<String> kept;

        /**
         * A keeper for a run.
         *
         * @param provider the run's provider
         * @param snapshot the snapshot
         */
        public Keeper(Provider provider, String snapshot) {
            this.provider = provider;
            this.snapshot = snapshot;
        }

        /**
         * Keeps the stored version {@code before} describes, unless its content is kept already or it
         * is empty (an empty file needs no bytes to restore). A file that is not on the remote any
         * more, or whose stored bytes are not what its entry says, is not kept: there is no such
         * version to bring back. Call it inside the operation's retry.
         *
         * @param before the entry of the version on the remote
         * @throws ProviderException when the copy fails otherwise; the caller does not change the file then
         */
        public void keep(ManifestEntry before) {
            if (before.size() == 0) {
                return;
            }
            Set<String> known = known();
            if (known.contains(before.sha256())) {
                return;
            }
            try {
                provider.copyToMetadata(snapshot, before, blobName(snapshot, before.sha256()));
            } catch (ProviderException e) {
                if (e.kind() != ProviderException.Kind.NOT_FOUND && e.kind() != ProviderException.Kind.INTEGRITY) {
                    throw e;
                }
                LOG.atWarn().setMessage("sync.trash").addKeyValue("event", "not_kept").addKeyValue("snapshot", snapshot)
                        .addKeyValue("path", before.path()).addKeyValue("kind", e.kind()).addKeyValue("error", e.getMessage())
                        .log();
                return;
            }
            known.add(before.sha256());
        }

        private Set<String> known() {
            Set<String> k = kept;
            if (k == null) {
                synchronized (this) {
                    k = kept;
                    if (k == null) {
                        k = ConcurrentHashMap.newKeySet();
                        k.addAll(blobs(provider, snapshot));
                        kept = k;
                    }
                }
            }
            return k;
        }
    }

    /**
     * The contents the trash holds.
     *
     * @param provider the provider
     * @param snapshot the snapshot
     * @return the sha256 of every kept version
     */
    public static Set<String> blobs(Provider provider, String snapshot) {
        String prefix = blobsPrefix(snapshot);
        Set<String> out = new HashSet<>();
        try (Stream<String> names = provider.listMetadata(prefix)) {
            names.map(n -> n.substring(prefix.length())).filter(Digests::isSha256Hex).forEach(out::add);
        }
        return out;
    }

    // ------------------------------------------------------------------ records

    /**
     * Writes a run's record, before the run commits its manifest (so a crash after the commit still
     * leaves it; a record whose commit then failed undoes nothing that happened, see
     * {@link #reconstruct}).
     *
     * @param provider the provider
     * @param retry the retry policy
     * @param record the record
     * @return its metadata name
     */
    public static String write(Provider provider, Retry retry, Record record) {
        String name = recordsPrefix(record.snapshot()) + NAME_TIME.format(record.time()) + '-'
                + String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt()) + RECORD_SUFFIX;
        byte[] bytes = encode(record);
        retry.run(() -> provider.putMetadata(name, bytes, MetadataPrecondition.none()));
        return name;
    }

    static byte[] encode(Record record) {
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        doc.put("snapshot", record.snapshot());
        doc.put("time", record.time().toString());
        doc.put("manifest_before", record.manifestBefore());
        doc.put("manifest_after", record.manifestAfter());
        doc.put("started_empty", record.startedEmpty());
        ArrayNode changes = doc.putArray("changes");
        for (Change c : record.changes()) {
            ObjectNode n = changes.addObject();
            n.put("path", c.path());
            n.put("change", c.kind());
            c.before().ifPresent(b -> {
                ObjectNode before = n.putObject("before");
                before.put("size", b.size());
                before.put("mtime", b.mtime().toString());
                before.put("sha256", b.sha256());
            });
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            Json.mapper().writeValue(gz, doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Record decode(byte[] bytes, String name) {
        JsonNode doc;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            doc = Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new ManifestFormatException("trash record " + name + " is not gzip'd JSON (" + e.getMessage()
                    + "); it was not written by cloudsync, or it is damaged. Delete it to go on without it");
        }
        if (doc == null || !FORMAT.equals(doc.path("format").asText())) {
            throw new ManifestFormatException("trash record " + name + " has format \"" + (doc == null ? "" : doc.path("format").asText())
                    + "\", not \"" + FORMAT + "\"; delete it to go on without it");
        }
        if (doc.path("version").asInt() != VERSION) {
            throw new ManifestFormatException("trash record " + name + " has version " + doc.path("version").asText()
                    + "; this cloudsync reads version " + VERSION + ". Use a newer cloudsync to read it");
        }
        try {
            List<Change> changes = new ArrayList<>();
            for (JsonNode n : doc.path("changes")) {
                String path = PathRules.requireCanonical(n.path("path").asText());
                String kind = n.path("change").asText();
                JsonNode b = n.path("before");
                Optional<ManifestEntry> before = b.isObject() ? Optional.of(new ManifestEntry(path, b.path("size").asLong(),
                        Instant.parse(b.path("mtime").asText()), b.path("sha256").asText())) : Optional.empty();
                if (!kind.equals("added") && !kind.equals("overwritten") && !kind.equals("deleted")
                        || kind.equals("added") != before.isEmpty()) {
                    throw new IllegalArgumentException("path " + path + " has change \"" + kind + "\""
                            + (before.isEmpty() ? " without" : " with") + " a \"before\" entry");
                }
                changes.add(new Change(path, before, kind.equals("deleted")));
            }
            return new Record(doc.path("snapshot").asText(), Instant.parse(doc.path("time").asText()),
                    doc.path("manifest_before").asText(), doc.path("manifest_after").asText(), changes,
                    doc.path("started_empty").asBoolean(false));
        } catch (RuntimeException e) {
            throw new ManifestFormatException("trash record " + name + " is malformed: " + e.getMessage()
                    + "; delete it to go on without it");
        }
    }

    /**
     * The snapshot's records, oldest first, read from the remote.
     *
     * @param provider the provider
     * @param retry the retry policy
     * @param snapshot the snapshot
     * @return the records
     */
    public static List<Record> records(Provider provider, Retry retry, String snapshot) {
        List<Record> out = new ArrayList<>();
        for (String name : recordNames(provider, retry, snapshot)) {
            Optional<MetadataObject> object = retry.call(() -> provider.getMetadata(name));
            object.ifPresent(o -> out.add(decode(o.bytes(), name)));
        }
        out.sort(Comparator.comparing(Record::time));
        return out;
    }

    private static List<String> recordNames(Provider provider, Retry retry, String snapshot) {
        String prefix = recordsPrefix(snapshot);
        return retry.call(() -> {
            try (Stream<String> names = provider.listMetadata(prefix)) {
                return names.filter(n -> timeOf(n).isPresent()).toList();
            }
        });
    }

    // ------------------------------------------------------------------ purge

    /**
     * What a purge removed.
     *
     * @param records records removed
     * @param versions kept versions removed
     */
    public record Purged(int records, int versions) {
    }

    /**
     * Removes the records older than {@code days} and every kept version no remaining record names.
     * Costs one listing when nothing is old enough; otherwise it reads the remaining records. Run it
     * under the snapshot's lease, after the run's own record is written: a version kept by a run that
     * has not written its record yet would otherwise look unnamed.
     *
     * @param provider the provider
     * @param retry the retry policy
     * @param snapshot the snapshot
     * @param now the time
     * @param days the retention
     * @return what was removed
     */
    public static Purged purge(Provider provider, Retry retry, String snapshot, Instant now, int days) {
        Instant cutoff = now.minus(Duration.ofDays(days));
        List<String> names = recordNames(provider, retry, snapshot);
        List<String> old = names.stream().filter(n -> timeOf(n).orElseThrow().isBefore(cutoff)).toList();
        if (old.isEmpty()) {
            return new Purged(0, 0);
        }
        Set<String> named = new HashSet<>();
        for (String name : names) {
            if (old.contains(name)) {
                continue;
            }
            Optional<MetadataObject> object = retry.call(() -> provider.getMetadata(name));
            if (object.isPresent()) {
                for (Change c : decode(object.get().bytes(), name).changes()) {
                    c.before().ifPresent(b -> named.add(b.sha256()));
                }
            }
        }
        // the versions first: a crash in between leaves records whose versions are gone (restore
        // says so), never versions no record names that a later purge would not look for
        int versions = 0;
        for (String sha : retry.call(() -> blobs(provider, snapshot))) {
            if (!named.contains(sha)) {
                retry.run(() -> provider.deleteMetadata(blobName(snapshot, sha)));
                versions++;
            }
        }
        for (String name : old) {
            retry.run(() -> provider.deleteMetadata(name));
        }
        LOG.atInfo().setMessage("sync.trash").addKeyValue("event", "purged").addKeyValue("snapshot", snapshot)
                .addKeyValue("records", old.size()).addKeyValue("versions", versions).addKeyValue("days", days).log();
        return new Purged(old.size(), versions);
    }

    // ------------------------------------------------------------------ history

    /**
     * The entries a snapshot had at {@code at}: the current manifest with every change of the records
     * written after {@code at} undone, newest first (a path takes its entry from before the run, or
     * leaves when the run added it). A record whose commit failed undoes nothing that happened: its
     * "before" entries are what the remote still claims.
     *
     * @param current the committed manifest's entries, by path
     * @param records the snapshot's records, oldest first
     * @param at the time
     * @return the records undone, newest first; {@code current} holds the entries at {@code at} afterwards
     */
    public static List<Record> undoAfter(java.util.SortedMap<String, ManifestEntry> current, List<Record> records, Instant at) {
        List<Record> undone = new ArrayList<>();
        for (int i = records.size() - 1; i >= 0 && records.get(i).time().isAfter(at); i--) {
            Record r = records.get(i);
            if (r.startedEmpty()) {
                current.clear();
            }
            for (Change c : r.changes()) {
                if (c.before().isPresent()) {
                    current.put(c.path(), c.before().get());
                } else {
                    current.remove(c.path());
                }
            }
            undone.add(r);
        }
        return undone;
    }
}
