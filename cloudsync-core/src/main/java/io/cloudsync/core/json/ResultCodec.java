package io.cloudsync.core.internal.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncError;
import io.cloudsync.SyncSummary;
import io.cloudsync.core.SyncResult;

/**
 * The JSON shapes of the original design, shared by every front end (CLI {@code --json}, HTTP routes):
 * {@code {"manifest", "plan", "summary", "remote_manifest", "plan_source"}}.
 */
public final class ResultJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResultJson() {
    }

    /**
     * A manifest as {@code {"name", "root", "created_at", "entries", "checksum"}}.
     *
     * @param m the manifest
     * @return the object
     */
    public static ObjectNode manifest(Manifest m) {
        ObjectNode o = NODES.objectNode();
        o.put("name", m.name());
        o.put("root", m.root());
        o.put("created_at", m.createdAt().toString());
        ArrayNode entries = o.putArray("entries");
        for (ManifestEntry e : m.entries()) {
            ObjectNode item = entries.addObject();
            item.put("path", e.path());
            item.put("size", e.size());
            item.put("mtime", e.mtime().toString());
            item.put("sha256", e.sha256());
        }
        o.put("checksum", m.checksum());
        return o;
    }

    /**
     * A plan as {@code {"id", "uploads", "deletes", "skipped", "bytes"}} with items
     * {@code {path, size, sha256, reason}}.
     *
     * @param plan the plan
     * @return the object
     */
    public static ObjectNode plan(Plan plan) {
        ObjectNode o = NODES.objectNode();
        o.put("id", plan.id());
        ArrayNode uploads = o.putArray("uploads");
        for (PlannedUpload u : plan.uploads()) {
            item(uploads, u.entry(), u.reason().name().toLowerCase(java.util.Locale.ROOT));
        }
        ArrayNode deletes = o.putArray("deletes");
        plan.deletes().forEach(e -> item(deletes, e, "removed"));
        ArrayNode skipped = o.putArray("skipped");
        plan.skipped().forEach(e -> item(skipped, e, "unchanged"));
        o.put("bytes", plan.uploadBytes());
        return o;
    }

    private static void item(ArrayNode list, ManifestEntry e, String reason) {
        ObjectNode item = list.addObject();
        item.put("path", e.path());
        item.put("size", e.size());
        item.put("sha256", e.sha256());
        item.put("reason", reason);
    }

    /**
     * A summary as {@code {"status", "uploaded", "deleted", "skipped", "failed", "bytes", "bytes_sent",
     * "resumed", "resumed_bytes", "duration_ms", "errors": [{action, path, error}]}}: {@code uploaded}
     * and {@code bytes} count the resumed files, {@code bytes_sent} is what this run really sent.
     *
     * @param s the summary
     * @return the object
     */
    public static ObjectNode summary(SyncSummary s) {
        ObjectNode o = NODES.objectNode();
        o.put("status", s.status().jsonName());
        o.put("uploaded", s.uploaded());
        o.put("deleted", s.deleted());
        o.put("skipped", s.skipped());
        o.put("failed", s.failed());
        o.put("bytes", s.bytes());
        o.put("bytes_sent", s.bytesSent());
        o.put("resumed", s.resumed());
        o.put("resumed_bytes", s.resumedBytes());
        o.put("duration_ms", s.duration().toMillis());
        ArrayNode errors = o.putArray("errors");
        for (SyncError e : s.errors()) {
            ObjectNode item = errors.addObject();
            item.put("action", e.action().jsonName());
            item.put("path", e.path());
            item.put("error", e.error());
        }
        return o;
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
        ObjectNode o = NODES.objectNode();
        o.set("manifest", manifest(r.localManifest()));
        o.set("plan", plan(r.plan()));
        o.set("summary", summary(r.summary()));
        o.set("remote_manifest", r.remoteManifest().<com.fasterxml.jackson.databind.JsonNode>map(ResultJson::manifest)
                .orElse(NODES.nullNode()));
        o.put("plan_source", r.planSource().jsonName());
        o.put("plan_source_note", r.planSourceNote());
        ArrayNode scope = o.putArray("scope");
        r.scope().forEach(scope::add);
        o.set("scan", scan(r.scan()));
        o.set("skipped_paths", skippedPaths(r.scan()));
        // a dry run says how the run would refuse its plan: null when it would go ahead
        o.set("refusal", r.refusal().<com.fasterxml.jackson.databind.JsonNode>map(e -> NODES.objectNode()
                .put("reason", e.reason().name().toLowerCase(java.util.Locale.ROOT)).put("message", e.getMessage()))
                .orElse(NODES.nullNode()));
        return o;
    }

    /**
     * What the scan left out although it is in the tree, as {@code [{path, reason}]}: symbolic links,
     * special files, names that are not valid UTF-8 or break the path rules. Paths the scan could not
     * read are in {@code scan.unreadable} instead, not here.
     *
     * @param scan the report
     * @return the array
     */
    public static ArrayNode skippedPaths(io.cloudsync.core.ManifestBuilder.Result scan) {
        ArrayNode a = NODES.arrayNode();
        for (io.cloudsync.core.ManifestBuilder.Skipped s : scan.leftOut()) {
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
    public static ObjectNode scan(io.cloudsync.core.ManifestBuilder.Result scan) {
        ObjectNode o = NODES.objectNode();
        ArrayNode unreadable = o.putArray("unreadable");
        for (io.cloudsync.core.ManifestBuilder.Unreadable u : scan.unreadable()) {
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
}
