package io.cloudsync.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Manifest;
import io.cloudsync.Plan;
import io.cloudsync.core.PullResult;
import io.cloudsync.core.SyncResult;
import io.cloudsync.core.VerifyResult;
import io.cloudsync.core.internal.json.ResultJson;
import io.cloudsync.support.Json;
import java.io.UncheckedIOException;

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
        return m == null ? NullNode.getInstance() : ResultJson.manifest(m);
    }

    /** What a scan left out, as {@code [{path, reason}]}: the {@code skipped_paths} of plan, sync and manifest. */
    static ArrayNode skippedPaths(io.cloudsync.core.ManifestBuilder.Result scan) {
        return ResultJson.skippedPaths(scan);
    }

    static ObjectNode plan(Plan plan) {
        return ResultJson.plan(plan);
    }

    /** The document of {@code plan} and {@code sync}: the same shape as the HTTP routes. */
    static ObjectNode result(SyncResult r) {
        return ResultJson.result(r);
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
