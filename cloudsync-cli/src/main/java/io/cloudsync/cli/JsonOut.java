package io.cloudsync.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncError;
import io.cloudsync.SyncSummary;
import io.cloudsync.core.PullResult;
import io.cloudsync.core.SyncResult;
import io.cloudsync.core.VerifyResult;
import io.cloudsync.core.internal.json.Json;
import java.io.UncheckedIOException;
import java.util.Locale;

/** The JSON documents of {@code --json}, in the shape of the original design (see docs/CLI.md). */
final class JsonOut {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private JsonOut() {
    }

    static ObjectNode object() {
        return F.objectNode();
    }

    static void print(Terminal t, JsonNode doc) {
        try {
            t.out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write JSON output", e);
        }
        t.out().flush();
    }

    static JsonNode manifest(Manifest m) {
        if (m == null) {
            return NullNode.getInstance();
        }
        ObjectNode o = F.objectNode();
        o.put("name", m.name());
        o.put("root", m.root());
        o.put("created_at", m.createdAt().toString());
        ArrayNode entries = o.putArray("entries");
        for (ManifestEntry e : m.entries()) {
            entries.addObject().put("path", e.path()).put("size", e.size()).put("mtime", e.mtime().toString())
                    .put("sha256", e.sha256());
        }
        o.put("checksum", m.checksum());
        return o;
    }

    static ObjectNode plan(Plan plan) {
        ObjectNode o = F.objectNode();
        o.put("id", plan.id());
        ArrayNode uploads = o.putArray("uploads");
        for (PlannedUpload u : plan.uploads()) {
            item(uploads, u.entry(), u.reason().name().toLowerCase(Locale.ROOT));
        }
        ArrayNode deletes = o.putArray("deletes");
        plan.deletes().forEach(e -> item(deletes, e, "removed"));
        ArrayNode skipped = o.putArray("skipped");
        plan.skipped().forEach(e -> item(skipped, e, "unchanged"));
        o.put("bytes", plan.uploadBytes());
        return o;
    }

    private static void item(ArrayNode into, ManifestEntry e, String reason) {
        into.addObject().put("path", e.path()).put("size", e.size()).put("sha256", e.sha256()).put("reason", reason);
    }

    static ObjectNode summary(SyncSummary s) {
        ObjectNode o = F.objectNode();
        o.put("status", s.status().jsonName());
        o.put("uploaded", s.uploaded());
        o.put("deleted", s.deleted());
        o.put("skipped", s.skipped());
        o.put("failed", s.failed());
        o.put("bytes", s.bytes());
        o.put("duration_ms", s.duration().toMillis());
        ArrayNode errors = o.putArray("errors");
        for (SyncError e : s.errors()) {
            errors.addObject().put("action", e.action().jsonName()).put("path", e.path()).put("error", e.error());
        }
        return o;
    }

    /** The document of {@code plan} and {@code sync}. */
    static ObjectNode result(SyncResult r) {
        ObjectNode o = F.objectNode();
        o.set("manifest", manifest(r.localManifest()));
        o.set("plan", plan(r.plan()));
        o.set("summary", summary(r.summary()));
        o.set("remote_manifest", manifest(r.remoteManifest().orElse(null)));
        o.put("plan_source", r.planSource().jsonName());
        o.put("plan_source_note", r.planSourceNote());
        return o;
    }

    static ObjectNode pull(PullResult r) {
        ObjectNode o = F.objectNode();
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
        ArrayNode errors = p.putArray("errors");
        r.errors().forEach(e -> errors.addObject().put("action", "download").put("path", e.path()).put("error", e.error()));
        o.set("remote_manifest", manifest(r.manifest()));
        return o;
    }

    static ObjectNode verify(VerifyResult r) {
        ObjectNode o = F.objectNode();
        ObjectNode v = o.putObject("verify");
        v.put("service", r.service());
        v.put("snapshot", r.snapshot());
        v.put("ok", r.ok());
        v.put("listed", r.listed());
        v.put("sample_percent", r.samplePercent());
        v.put("files", r.manifest().entries().size());
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
}
