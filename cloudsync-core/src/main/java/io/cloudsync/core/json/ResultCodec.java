package io.cloudsync.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.cloudsync.CloudSyncException;
import io.cloudsync.ErrorCategory;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncError;
import io.cloudsync.SyncSummary;
import io.cloudsync.UploadReason;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.PlanSink;
import io.cloudsync.core.PlanSummary;
import io.cloudsync.core.RetentionPolicy;
import io.cloudsync.core.result.BackupCreateResult;
import io.cloudsync.core.result.BackupInfo;
import io.cloudsync.core.result.BackupPruneResult;
import io.cloudsync.core.result.BackupRestoreResult;
import io.cloudsync.core.result.BackupVerifyResult;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The one JSON codec of results: every front end (the CLI's {@code --json}, the HTTP routes, a host
 * that wants to store or forward a result) writes a result through it and writes no field name of
 * its own, so the same result has the same JSON everywhere. The shapes, field by field, are in
 * docs/FORMATS.md, "Result JSON"; field names are snake_case, times ISO-8601 UTC, durations
 * {@code duration_ms}, enums lower-case.
 *
 * <p>The methods return Jackson trees so that a front end can embed a result in a larger document
 * (an error document carries the refused plan, for example); {@link io.cloudsync.support.Json#mapper()}
 * serialises them. The codec writes only: some documents leave out what a result holds (a plan's
 * item mtimes, a verification's manifest), so results are not read back from it. Stateless and
 * thread-safe.
 *
 * <p>The documents that grow with the tree (a sync result, a plan, a manifest) are also written
 * straight to a Jackson {@link JsonGenerator} ({@link #writeResult}, {@link #writePlan},
 * {@link #writeManifest}), so that a front end can print a plan of millions of files without building
 * it as a tree or a string first; the tree methods are made by the same writers, so both give the same
 * document. Those writers also have a summary-only form (the CLI's {@code --summary-only}) that leaves
 * out the lists that grow with the tree and gives their counts instead.
 */
public final class ResultCodec {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResultCodec() {
    }

    /**
     * A manifest as {@code {"name", "root", "created_at", "entries", "checksum"}}.
     *
     * @param m the manifest
     * @return the object
     */
    public static ObjectNode manifest(Manifest m) {
        return tree(g -> writeManifest(g, m, false));
    }

    /**
     * Writes a manifest as {@link #manifest(Manifest)} does or, summary-only, as {@code {"name", "root",
     * "created_at", "files", "bytes", "checksum"}}: the number of entries and their total size instead
     * of the entries.
     *
     * @param g where to write it
     * @param m the manifest
     * @param summaryOnly whether to leave out the entries
     * @throws IOException when the generator cannot write
     */
    public static void writeManifest(JsonGenerator g, Manifest m, boolean summaryOnly) throws IOException {
        if (summaryOnly) {
            writeHeader(g, new SyncResult.Header(m.name(), m.root(), m.createdAt(), m.entries().size(), m.totalBytes(),
                    m.checksum()));
            return;
        }
        writeManifestStart(g, m.name(), m.root(), m.createdAt());
        for (ManifestEntry e : m.entries()) {
            writeEntry(g, e);
        }
        writeManifestEnd(g, m.checksum());
    }

    /**
     * The start of {@link #writeManifest} for entries that follow one by one ({@link #writeEntry}),
     * as a streamed scan hands them on, up to the opening of the {@code entries} array.
     *
     * @param g where to write it
     * @param name the manifest's name
     * @param root its root
     * @param createdAt its time
     * @throws IOException when the generator cannot write
     */
    public static void writeManifestStart(JsonGenerator g, String name, String root, Instant createdAt) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("root", root);
        g.writeStringField("created_at", createdAt.toString());
        g.writeArrayFieldStart("entries");
    }

    /**
     * One entry of a manifest's {@code entries} array.
     *
     * @param g where to write it
     * @param e the entry
     * @throws IOException when the generator cannot write
     */
    public static void writeEntry(JsonGenerator g, ManifestEntry e) throws IOException {
        g.writeStartObject();
        g.writeStringField("path", e.path());
        g.writeNumberField("size", e.size());
        g.writeStringField("mtime", e.mtime().toString());
        g.writeStringField("sha256", e.sha256());
        g.writeEndObject();
    }

    /**
     * The end of a manifest begun with {@link #writeManifestStart}: the array closed, the checksum.
     *
     * @param g where to write it
     * @param checksum the manifest's checksum
     * @throws IOException when the generator cannot write
     */
    public static void writeManifestEnd(JsonGenerator g, String checksum) throws IOException {
        g.writeEndArray();
        g.writeStringField("checksum", checksum);
        g.writeEndObject();
    }

    /** The summary-only form of {@link #writeManifest}, from a manifest's figures. */
    private static void writeHeader(JsonGenerator g, SyncResult.Header m) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", m.name());
        g.writeStringField("root", m.root());
        g.writeStringField("created_at", m.createdAt().toString());
        g.writeNumberField("files", m.files());
        g.writeNumberField("bytes", m.bytes());
        g.writeStringField("checksum", m.checksum());
        g.writeEndObject();
    }

    /** The summary-only form of {@link #writePlan}, from a plan's figures. */
    private static void writePlanSummary(JsonGenerator g, PlanSummary plan) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", plan.id());
        g.writeObjectFieldStart("counts");
        g.writeNumberField("uploads", plan.uploads());
        g.writeNumberField("new", plan.uploads() - plan.changed());
        g.writeNumberField("changed", plan.changed());
        g.writeNumberField("deletes", plan.deletes());
        g.writeNumberField("skipped", plan.skipped());
        g.writeEndObject();
        g.writeNumberField("bytes", plan.uploadBytes());
        g.writeEndObject();
    }

    /** Something that writes one JSON value to a generator. */
    private interface Writing {
        void to(JsonGenerator g) throws IOException;
    }

    /** The tree of what {@code writing} writes: the tree methods and the streaming ones are one code. */
    private static ObjectNode tree(Writing writing) {
        return (ObjectNode) node(writing);
    }

    private static JsonNode node(Writing writing) {
        try (TokenBuffer buffer = new TokenBuffer(Json.mapper(), false)) {
            writing.to(buffer);
            return Json.mapper().readTree(buffer.asParser());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build a result tree", e); // memory only: does not happen
        }
    }

    /**
     * A plan as {@code {"id", "uploads", "deletes", "skipped", "bytes"}} with items
     * {@code {path, size, sha256, reason}}.
     *
     * @param plan the plan
     * @return the object
     */
    public static ObjectNode plan(Plan plan) {
        return tree(g -> writePlan(g, plan, false));
    }

    /**
     * Writes a plan as {@link #plan(Plan)} does or, summary-only, as {@code {"id", "counts": {"uploads",
     * "new", "changed", "deletes", "skipped"}, "bytes"}}: the number of files of each kind instead of
     * the lists.
     *
     * @param g where to write it
     * @param plan the plan
     * @param summaryOnly whether to leave out the lists
     * @throws IOException when the generator cannot write
     */
    public static void writePlan(JsonGenerator g, Plan plan, boolean summaryOnly) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", plan.id());
        if (summaryOnly) {
            long changed = plan.uploads().stream().filter(u -> u.reason() == UploadReason.CHANGED).count();
            g.writeObjectFieldStart("counts");
            g.writeNumberField("uploads", plan.uploads().size());
            g.writeNumberField("new", plan.uploads().size() - changed);
            g.writeNumberField("changed", changed);
            g.writeNumberField("deletes", plan.deletes().size());
            g.writeNumberField("skipped", plan.skipped().size());
            g.writeEndObject();
        } else {
            g.writeArrayFieldStart("uploads");
            for (PlannedUpload u : plan.uploads()) {
                item(g, u.entry(), u.reason().name().toLowerCase(Locale.ROOT));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("deletes");
            for (ManifestEntry e : plan.deletes()) {
                item(g, e, "removed");
            }
            g.writeEndArray();
            g.writeArrayFieldStart("skipped");
            for (ManifestEntry e : plan.skipped()) {
                item(g, e, "unchanged");
            }
            g.writeEndArray();
        }
        g.writeNumberField("bytes", plan.uploadBytes());
        g.writeEndObject();
    }

    /** A result's manifest as {@link #writeManifest} writes one, its entries written as they are handed on. */
    private static void writeManifest(JsonGenerator g, SyncResult.Header m, SyncResult.EntrySource entries)
            throws IOException {
        writeManifestStart(g, m.name(), m.root(), m.createdAt());
        try {
            entries.forEach(e -> unchecked(() -> writeEntry(g, e)));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        writeManifestEnd(g, m.checksum());
    }

    /**
     * A result's plan as {@link #writePlan(JsonGenerator, Plan, boolean)} writes one, each list written
     * as its actions are handed on ({@link SyncResult#forEachPlanned}, once per list), none held.
     */
    private static void writePlan(JsonGenerator g, SyncResult r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.planSummary().id());
        try {
            g.writeArrayFieldStart("uploads");
            r.forEachPlanned(new PlanSink() {
                @Override
                public void upload(PlannedUpload u) {
                    unchecked(() -> item(g, u.entry(), u.reason().name().toLowerCase(Locale.ROOT)));
                }
            });
            g.writeEndArray();
            g.writeArrayFieldStart("deletes");
            r.forEachPlanned(new PlanSink() {
                @Override
                public void delete(ManifestEntry e) {
                    unchecked(() -> item(g, e, "removed"));
                }
            });
            g.writeEndArray();
            g.writeArrayFieldStart("skipped");
            r.forEachPlanned(new PlanSink() {
                @Override
                public void skip(ManifestEntry e) {
                    unchecked(() -> item(g, e, "unchanged"));
                }
            });
            g.writeEndArray();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        g.writeNumberField("bytes", r.planSummary().uploadBytes());
        g.writeEndObject();
    }

    /** What a generator writes inside a callback that cannot throw {@link IOException}. */
    private interface Write {
        void run() throws IOException;
    }

    private static void unchecked(Write w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void item(JsonGenerator g, ManifestEntry e, String reason) throws IOException {
        g.writeStartObject();
        g.writeStringField("path", e.path());
        g.writeNumberField("size", e.size());
        g.writeStringField("sha256", e.sha256());
        g.writeStringField("reason", reason);
        g.writeEndObject();
    }

    /**
     * A summary as {@code {"status", "uploaded", "deleted", "skipped", "failed", "bytes", "bytes_sent",
     * "resumed", "resumed_bytes", "copied", "duration_ms", "errors"}} (see {@link #errors(List)}): {@code uploaded}
     * and {@code bytes} count the resumed and copied files, {@code bytes_sent} is what this run really sent.
     *
     * @param s the summary
     * @return the object
     */
    public static ObjectNode summary(SyncSummary s) {
        return tree(g -> writeSummary(g, s));
    }

    private static void writeSummary(JsonGenerator g, SyncSummary s) throws IOException {
        g.writeStartObject();
        g.writeStringField("status", s.status().jsonName());
        g.writeNumberField("uploaded", s.uploaded());
        g.writeNumberField("deleted", s.deleted());
        g.writeNumberField("skipped", s.skipped());
        g.writeNumberField("failed", s.failed());
        g.writeNumberField("bytes", s.bytes());
        g.writeNumberField("bytes_sent", s.bytesSent());
        g.writeNumberField("resumed", s.resumed());
        g.writeNumberField("resumed_bytes", s.resumedBytes());
        g.writeNumberField("copied", s.copied());
        g.writeNumberField("duration_ms", s.duration().toMillis());
        g.writeFieldName("errors");
        writeErrors(g, s.errors());
        g.writeEndObject();
    }

    /**
     * Failed operations as {@code [{action, path, kind, category, message, error}]}: {@code kind} is
     * {@link SyncError.Kind#jsonName()}, {@code category} its {@link ErrorCategory#jsonName()};
     * {@code error} repeats {@code "kind: message"} for readers of the older shape and goes away in
     * the next release.
     *
     * @param list the errors
     * @return the array
     */
    public static ArrayNode errors(List<SyncError> list) {
        return (ArrayNode) node(g -> writeErrors(g, list));
    }

    private static void writeErrors(JsonGenerator g, List<SyncError> list) throws IOException {
        g.writeStartArray();
        for (SyncError e : list) {
            g.writeStartObject();
            g.writeStringField("action", e.action().jsonName());
            g.writeStringField("path", e.path());
            g.writeStringField("kind", e.kind().jsonName());
            g.writeStringField("category", e.kind().category().jsonName());
            g.writeStringField("message", e.message());
            g.writeStringField("error", e.kind().jsonName() + ": " + e.message()); // deprecated alias, one release
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /**
     * A dry-run or run result as {@code {"manifest", "plan", "summary", "remote_manifest",
     * "plan_source", "plan_source_note", "scope", "scan", "skipped_paths"}}; {@code scope} lists the
     * paths a narrowed run covered, empty for the whole mirror.
     *
     * @param r the result
     * @return the object
     */
    public static ObjectNode result(SyncResult r) {
        return tree(g -> writeResult(g, r, false));
    }

    /**
     * Writes a dry-run or run result as {@link #result(SyncResult)} does, as one object, or summary-only:
     * the manifests and the plan in their summary-only forms ({@link #writeManifest}, {@link #writePlan}),
     * everything else as in the whole document, and a last field {@code "summary_only": true}.
     *
     * @param g where to write it
     * @param r the result
     * @param summaryOnly whether to leave out the lists that grow with the tree
     * @throws IOException when the generator cannot write
     */
    public static void writeResult(JsonGenerator g, SyncResult r, boolean summaryOnly) throws IOException {
        g.writeStartObject();
        writeResultFields(g, r, summaryOnly);
        g.writeEndObject();
    }

    /**
     * The fields of {@link #writeResult}, inside an object the caller has started and will end: for a
     * front end that adds fields of its own (the CLI's {@code error} of a refused dry run).
     *
     * @param g where to write them
     * @param r the result
     * @param summaryOnly whether to leave out the lists that grow with the tree
     * @throws IOException when the generator cannot write
     */
    public static void writeResultFields(JsonGenerator g, SyncResult r, boolean summaryOnly) throws IOException {
        g.writeFieldName("manifest");
        if (summaryOnly) {
            writeHeader(g, r.localHeader());
        } else {
            writeManifest(g, r.localHeader(), r::forEachLocalEntry);
        }
        g.writeFieldName("plan");
        if (summaryOnly) {
            writePlanSummary(g, r.planSummary());
        } else {
            writePlan(g, r);
        }
        g.writeFieldName("summary");
        writeSummary(g, r.summary());
        g.writeFieldName("remote_manifest");
        if (r.remoteHeader().isEmpty()) {
            g.writeNull();
        } else if (summaryOnly) {
            writeHeader(g, r.remoteHeader().get());
        } else {
            writeManifest(g, r.remoteHeader().get(), r::forEachRemoteEntry);
        }
        g.writeStringField("plan_source", r.planSource().jsonName());
        g.writeStringField("plan_source_note", r.planSourceNote());
        g.writeArrayFieldStart("scope");
        for (String path : r.scope()) {
            g.writeString(path);
        }
        g.writeEndArray();
        // small: they grow with what the scan could not record, not with the tree
        g.writeFieldName("scan");
        g.writeTree(scan(r.scanReport()));
        g.writeFieldName("skipped_paths");
        g.writeTree(skippedPaths(r.scanReport()));
        // a dry run says how the run would refuse its plan: null when it would go ahead
        g.writeFieldName("refusal");
        if (r.refusal().isPresent()) {
            PlanRefusedException e = r.refusal().get();
            g.writeStartObject();
            g.writeStringField("reason", e.reason().name().toLowerCase(Locale.ROOT));
            g.writeStringField("category", e.category().jsonName());
            g.writeStringField("message", e.getMessage());
            g.writeEndObject();
        } else {
            g.writeNull();
        }
        if (summaryOnly) {
            g.writeBooleanField("summary_only", true);
        }
    }

    /**
     * What the scan left out although it is in the tree, as {@code [{path, reason}]}: symbolic links,
     * special files, names that are not valid UTF-8 or break the path rules. Paths the scan could not
     * read are in {@code scan.unreadable} instead, not here.
     *
     * @param scan the report
     * @return the array
     */
    public static ArrayNode skippedPaths(ManifestBuilder.Result scan) {
        return skippedPaths(ManifestBuilder.Report.of(scan));
    }

    /**
     * {@link #skippedPaths(ManifestBuilder.Result)} of a streamed scan's report.
     *
     * @param scan the report
     * @return the array
     */
    public static ArrayNode skippedPaths(ManifestBuilder.Report scan) {
        ArrayNode a = NODES.arrayNode();
        for (ManifestBuilder.Skipped s : scan.leftOut()) {
            a.addObject().put("path", s.path()).put("reason", s.reason());
        }
        return a;
    }

    /**
     * A scan report as {@code {"unreadable": [{path, reason}], "skipped": [text], "warnings": [text],
     * "invalid_names": n, "hashed": n, "reused": n}}.
     *
     * @param scan the report
     * @return the object
     */
    public static ObjectNode scan(ManifestBuilder.Result scan) {
        return scan(ManifestBuilder.Report.of(scan));
    }

    /**
     * {@link #scan(ManifestBuilder.Result)} of a streamed scan's report.
     *
     * @param scan the report
     * @return the object
     */
    public static ObjectNode scan(ManifestBuilder.Report scan) {
        ObjectNode o = NODES.objectNode();
        ArrayNode unreadable = o.putArray("unreadable");
        for (ManifestBuilder.Unreadable u : scan.unreadable()) {
            unreadable.addObject().put("path", u.path().isEmpty() ? "." : u.path()).put("reason", u.reason());
        }
        ArrayNode skipped = o.putArray("skipped");
        scan.skipped().forEach(skipped::add);
        ArrayNode warnings = o.putArray("warnings");
        scan.warnings().forEach(warnings::add);
        o.put("invalid_names", scan.invalidNames());
        o.put("hashed", scan.filesHashed());
        o.put("reused", scan.filesReused());
        return o;
    }

    /**
     * A pull as {@code {"pull": {service, snapshot, target, status, written, skipped_existing, failed,
     * bytes, duration_ms, errors}, "remote_manifest"}}, errors as in {@link #errors(List)}.
     *
     * @param r the result
     * @return the document
     */
    public static ObjectNode pull(PullResult r) {
        ObjectNode o = NODES.objectNode();
        ObjectNode p = o.putObject("pull");
        p.put("service", r.service());
        p.put("snapshot", r.snapshot());
        p.put("target", r.target().toString());
        p.put("status", r.status().jsonName());
        p.put("written", r.written());
        p.put("skipped_existing", r.skippedExisting());
        p.put("failed", r.failed());
        p.put("bytes", r.bytes());
        p.put("duration_ms", r.duration().toMillis());
        p.set("errors", errors(r.errors()));
        o.set("remote_manifest", manifest(r.manifest()));
        return o;
    }

    /**
     * A trash listing as {@code {"versions": {service, snapshot, trash_days, earliest, versions: [{path,
     * time, change, size, mtime, sha256, available, manifest_checksum}]}}} ({@code earliest} is
     * {@code null} when the trash holds no record).
     *
     * @param r the result
     * @return the document
     */
    public static ObjectNode versions(io.cloudsync.core.result.VersionsResult r) {
        ObjectNode o = NODES.objectNode();
        ObjectNode v = o.putObject("versions");
        v.put("service", r.service());
        v.put("snapshot", r.snapshot());
        v.put("trash_days", r.trashDays());
        if (r.earliest().isPresent()) {
            v.put("earliest", r.earliest().get().toString());
        } else {
            v.putNull("earliest");
        }
        ArrayNode list = v.putArray("versions");
        for (io.cloudsync.core.result.TrashVersion t : r.versions()) {
            list.addObject().put("path", t.path()).put("time", t.time().toString()).put("change", t.change())
                    .put("size", t.size()).put("mtime", t.mtime().toString()).put("sha256", t.sha256())
                    .put("available", t.available()).put("manifest_checksum", t.manifestChecksum());
        }
        return o;
    }

    /**
     * A restore from the trash as {@code {"restore": {service, snapshot, at, manifest_checksum,
     * history_complete, target, status, written, skipped_existing, failed, bytes, duration_ms, errors},
     * "manifest": {...}}}: the fields of {@link #pull} with the time and the rebuilt manifest's checksum.
     *
     * @param r the result
     * @return the document
     */
    public static ObjectNode restore(io.cloudsync.core.result.RestoreResult r) {
        PullResult f = r.files();
        ObjectNode o = NODES.objectNode();
        ObjectNode p = o.putObject("restore");
        p.put("service", f.service());
        p.put("snapshot", f.snapshot());
        p.put("at", r.at().toString());
        p.put("manifest_checksum", r.manifestChecksum());
        p.put("history_complete", r.historyComplete());
        p.put("target", f.target().toString());
        p.put("status", f.status().jsonName());
        p.put("written", f.written());
        p.put("skipped_existing", f.skippedExisting());
        p.put("failed", f.failed());
        p.put("bytes", f.bytes());
        p.put("duration_ms", f.duration().toMillis());
        p.set("errors", errors(f.errors()));
        o.set("manifest", manifest(f.manifest()));
        return o;
    }

    /**
     * A verification as {@code {"verify": {service, snapshot, ok, listed, sample_percent, files,
     * verified_by_digest, verified_by_download, verified_by_size, unchecked, problems: [{path, kind,
     * detail}], extra, duration_ms}}}.
     *
     * @param r the result
     * @return the document
     */
    public static ObjectNode verify(VerifyResult r) {
        ObjectNode o = NODES.objectNode();
        ObjectNode v = o.putObject("verify");
        v.put("service", r.service());
        v.put("snapshot", r.snapshot());
        v.put("ok", r.ok());
        v.put("listed", r.listed());
        v.put("sample_percent", r.samplePercent());
        v.put("files", r.files());
        v.put("verified_by_digest", r.verifiedByDigest());
        v.put("verified_by_download", r.verifiedByDownload());
        v.put("verified_by_size", r.verifiedBySize());
        v.put("unchecked", r.unchecked());
        ArrayNode problems = v.putArray("problems");
        r.problems().forEach(p -> problems.addObject().put("path", p.path()).put("kind", p.kind().jsonName())
                .put("detail", p.detail()));
        ArrayNode extra = v.putArray("extra");
        r.extra().forEach(extra::add);
        v.put("duration_ms", r.duration().toMillis());
        return o;
    }

    private static ObjectNode backup(ObjectNode doc, String action) {
        ObjectNode b = doc.putObject("backup");
        b.put("action", action);
        return b;
    }

    /**
     * A new backup as {@code {"backup": {"action": "create", name, archive, label, files, folders,
     * bytes, archive_bytes, manifest_checksum, paths, missing_paths, skipped, rotated, retention}}};
     * {@code retention} is {@code null} when rotated by count, else {@code {policy, kept, removed,
     * failed}} as in {@link #backupPrune}.
     * {@code total_bytes} and {@code size} repeat {@code bytes} and {@code archive_bytes} for readers
     * of the older HTTP shape and go away in the next release.
     *
     * @param r the result
     * @return the document
     */
    public static ObjectNode backupCreate(BackupCreateResult r) {
        ObjectNode doc = NODES.objectNode();
        ObjectNode b = backup(doc, "create");
        b.put("name", r.name());
        b.put("archive", r.archive().toString());
        b.put("label", r.label());
        b.put("files", r.files());
        b.put("folders", r.folders());
        b.put("bytes", r.totalBytes());
        b.put("archive_bytes", r.archiveSize());
        b.put("manifest_checksum", r.manifestChecksum());
        strings(b, "paths", r.paths());
        strings(b, "missing_paths", r.missingPaths());
        strings(b, "skipped", r.skipped());
        strings(b, "rotated", r.rotated());
        if (r.retention() == null) {
            b.putNull("retention");
        } else {
            retentionFields(b.putObject("retention"), r.retention());
        }
        b.put("total_bytes", r.totalBytes()); // deprecated alias, one release
        b.put("size", r.archiveSize()); // deprecated alias, one release
        return doc;
    }

    /**
     * The backups of a folder as {@code {"backup": {"action": "list", folder, backups: [{name, label,
     * created_at, files, bytes, archive_bytes, manifest_checksum}]}}}, newest first. {@code entry_count},
     * {@code total_bytes} and {@code size} repeat {@code files}, {@code bytes} and {@code archive_bytes}
     * for readers of the older HTTP shape and go away in the next release.
     *
     * @param folder the backup folder
     * @param list the backups, as {@link io.cloudsync.core.Backups#list()} returns them
     * @return the document
     */
    public static ObjectNode backupList(Path folder, List<BackupInfo> list) {
        ObjectNode doc = NODES.objectNode();
        ObjectNode b = backup(doc, "list");
        b.put("folder", folder.toString());
        ArrayNode a = b.putArray("backups");
        for (BackupInfo i : list) {
            a.addObject().put("name", i.name()).put("label", i.label()).put("created_at", i.createdAt().toString())
                    .put("files", i.entryCount()).put("bytes", i.totalBytes()).put("archive_bytes", i.size())
                    .put("manifest_checksum", i.manifestChecksum())
                    // deprecated aliases, one release
                    .put("entry_count", i.entryCount()).put("total_bytes", i.totalBytes()).put("size", i.size());
        }
        return doc;
    }

    /**
     * A restore as {@code {"backup": {"action": "restore", name, target, bytes, restored, skipped,
     * refused, folders_created}}}. {@code bytes_written} repeats {@code bytes} for readers of the older
     * HTTP shape and goes away in the next release.
     *
     * @param r the result
     * @return the document
     */
    public static ObjectNode backupRestore(BackupRestoreResult r) {
        ObjectNode doc = NODES.objectNode();
        ObjectNode b = backup(doc, "restore");
        b.put("name", r.name());
        b.put("target", r.target().toString());
        b.put("bytes", r.bytesWritten());
        strings(b, "restored", r.restored());
        strings(b, "skipped", r.skipped());
        strings(b, "refused", r.refused());
        strings(b, "folders_created", r.foldersCreated());
        b.put("bytes_written", r.bytesWritten()); // deprecated alias, one release
        return doc;
    }

    /**
     * A successful check of a backup as {@code {"backup": {"action": "verify", name, ok, label,
     * created_at, files, folders, bytes, archive_bytes, manifest_checksum}}}.
     *
     * @param r the result
     * @return the document
     */
    public static ObjectNode backupVerify(BackupVerifyResult r) {
        ObjectNode doc = NODES.objectNode();
        ObjectNode b = backup(doc, "verify");
        b.put("name", r.name());
        b.put("ok", true);
        b.put("label", r.label());
        b.put("created_at", r.createdAt().toString());
        b.put("files", r.entryCount());
        b.put("folders", r.folders());
        b.put("bytes", r.totalBytes());
        b.put("archive_bytes", r.archiveSize());
        b.put("manifest_checksum", r.manifestChecksum());
        return doc;
    }

    /**
     * A prune as {@code {"backup": {"action": "prune", dry_run, policy: {keep_last, keep_daily,
     * keep_weekly, keep_monthly}, kept: [{name, label, created_at, reasons}], removed: [{name, label,
     * created_at}], failed}}}, both lists newest first; on a dry run {@code removed} is what would go.
     *
     * @param r the result
     * @return the document
     */
    public static ObjectNode backupPrune(BackupPruneResult r) {
        ObjectNode doc = NODES.objectNode();
        ObjectNode b = backup(doc, "prune");
        b.put("dry_run", r.dryRun());
        retentionFields(b, r);
        return doc;
    }

    /**
     * A retention policy as {@code {keep_last, keep_daily, keep_weekly, keep_monthly}}, 0 for a rule that is off.
     *
     * @param p the policy
     * @return the object
     */
    public static ObjectNode retentionPolicy(RetentionPolicy p) {
        return NODES.objectNode().put("keep_last", p.keepLast()).put("keep_daily", p.keepDaily())
                .put("keep_weekly", p.keepWeekly()).put("keep_monthly", p.keepMonthly());
    }

    private static void retentionFields(ObjectNode b, BackupPruneResult r) {
        b.set("policy", retentionPolicy(r.policy()));
        ArrayNode kept = b.putArray("kept");
        for (BackupPruneResult.Item i : r.kept()) {
            ObjectNode o = kept.addObject().put("name", i.name()).put("label", i.label())
                    .put("created_at", i.createdAt().toString());
            strings(o, "reasons", i.reasons());
        }
        ArrayNode removed = b.putArray("removed");
        r.removed().forEach(i -> removed.addObject().put("name", i.name()).put("label", i.label())
                .put("created_at", i.createdAt().toString()));
        strings(b, "failed", r.failed());
    }

    /**
     * The error part of an error document: {@code {category, type, message}} plus {@code reason} for
     * a refused plan or a backup failure. {@code category} is {@link ErrorCategory#of(Throwable)};
     * {@code type} the finer name the CLI has always printed ({@code "lock_held"}, {@code
     * "provider_conflict"}, ...).
     *
     * @param failure the failure; its message must already be fit to show (cloudsync's never hold a secret)
     * @return the object
     */
    public static ObjectNode error(Throwable failure) {
        ObjectNode o = NODES.objectNode();
        o.put("category", ErrorCategory.of(failure).jsonName());
        o.put("type", typeOf(failure));
        o.put("message", failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage());
        if (failure instanceof PlanRefusedException p) {
            o.put("reason", p.reason().name().toLowerCase(Locale.ROOT));
        } else if (failure instanceof io.cloudsync.BackupException b) {
            o.put("reason", b.reason().jsonName());
        }
        return o;
    }

    /**
     * An error part for a failure that is not an exception of its own (a command line that does not
     * parse, say): {@code {category, type, message}}.
     *
     * @param category the category
     * @param type the finer name
     * @param message what is wrong and how to fix it
     * @return the object
     */
    public static ObjectNode error(ErrorCategory category, String type, String message) {
        return NODES.objectNode().put("category", category.jsonName()).put("type", type).put("message", message);
    }

    /**
     * The finer error name of {@link #error(Throwable)}'s {@code type}.
     *
     * @param ex the failure
     * @return such as {@code "lock_held"}, {@code "vault_wrong_passphrase"}, {@code "provider_not_found"} or {@code "internal"}
     */
    public static String typeOf(Throwable ex) {
        if (ex instanceof PlanRefusedException p) {
            return switch (p.reason()) {
                case DELETE_GUARD -> "delete_guard";
                case LIMIT -> "limit";
                case CHANGED -> "plan_changed";
            };
        }
        if (ex instanceof io.cloudsync.LockHeldException) {
            return "lock_held";
        }
        if (ex instanceof io.cloudsync.FeatureDisabledException) {
            return "feature_disabled";
        }
        if (ex instanceof io.cloudsync.VaultException v) {
            return "vault_" + v.reason().name().toLowerCase(Locale.ROOT);
        }
        if (ex instanceof io.cloudsync.ConfigurationException || ex instanceof IllegalArgumentException) {
            return "configuration";
        }
        if (ex instanceof io.cloudsync.spi.ProviderException p) {
            return "provider_" + p.kind().name().toLowerCase(Locale.ROOT);
        }
        if (ex instanceof io.cloudsync.BackupException) {
            return "backup";
        }
        if (ex instanceof CloudSyncException) {
            return "failed";
        }
        return "internal";
    }

    private static void strings(ObjectNode into, String field, List<String> values) {
        ArrayNode a = into.putArray(field);
        values.forEach(a::add);
    }
}
