package io.cloudsync.core;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.ApprovedPlan;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.support.AtomicFiles;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plan written to a file for review, and read back to run exactly that plan: {@code cloudsync plan
 * --out PLAN.json} writes one, {@code cloudsync sync --plan PLAN.json} runs it or refuses before
 * anything moves when the local tree or the remote changed since (the reviewed-change workflow of
 * Terraform's {@code plan -out} and {@code apply}). The format ({@code "format": "cloudsync-plan"},
 * version 1) is described in docs/FORMATS.md, "Plan file".
 *
 * <p>The file names the request it was made for (service, snapshot, include, exclude), the plan's id
 * and the two manifest checksums it was made from, its figures, and every upload and delete (not the
 * skipped files, which only the count gives). {@code actions_sha256} seals the actions: a file whose
 * actions were edited after it was written is refused when read. The id binds the run: the engine
 * makes its own plan as always and goes ahead only when it has the approved id
 * ({@link #approval()}, {@link SyncRequest#approvedPlan()}), and two equal ids are two equal plans.
 *
 * <p>Reading holds the header and counts, never the action lists: a plan of any size reads in bounded
 * memory. Immutable.
 */
public final class PlanFile {

    /** The value of the file's {@code format} field. */
    public static final String FORMAT = "cloudsync-plan";
    /** The version this class writes; it reads every version up to this one. */
    public static final int VERSION = 1;

    /** Reads one value of the file at a time: the parser goes on after it. */
    private static final com.fasterxml.jackson.databind.ObjectReader TREES = Json.mapper().reader()
            .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path file;
    private final String service;
    private final String snapshot;
    private final List<String> include;
    private final List<String> exclude;
    private final Instant createdAt;
    private final String planId;
    private final String localChecksum;
    private final String remoteChecksum;
    private final String planSource;
    private final long uploads;
    private final long deletes;
    private final long skipped;
    private final long uploadBytes;

    private PlanFile(Path file, Map<String, JsonNode> header, long uploads, long deletes) {
        this.file = file;
        this.service = text(file, header, "service");
        this.snapshot = text(file, header, "snapshot");
        this.include = strings(file, header, "include");
        this.exclude = strings(file, header, "exclude");
        try {
            this.createdAt = Instant.parse(text(file, header, "created_at"));
        } catch (DateTimeParseException e) {
            throw bad(file, "\"created_at\" is not an ISO-8601 UTC time");
        }
        this.planId = text(file, header, "plan_id");
        this.localChecksum = text(file, header, "local_checksum");
        this.remoteChecksum = text(file, header, "remote_checksum");
        this.planSource = text(file, header, "plan_source");
        JsonNode counts = header.get("counts");
        if (counts == null || !counts.isObject()) {
            throw bad(file, "it has no \"counts\" object");
        }
        this.skipped = count(file, counts.get("skipped"), "counts.skipped");
        this.uploadBytes = count(file, header.get("bytes"), "bytes");
        if (count(file, counts.get("uploads"), "counts.uploads") != uploads
                || count(file, counts.get("deletes"), "counts.deletes") != deletes) {
            throw bad(file, "its counts (" + counts + ") do not match its lists (" + uploads + " uploads, " + deletes
                    + " deletes): the file was edited or cut short");
        }
        this.uploads = uploads;
        this.deletes = deletes;
        try {
            ApprovedPlan.of(planId, localChecksum, remoteChecksum);
        } catch (IllegalArgumentException e) {
            throw bad(file, e.getMessage());
        }
    }

    /**
     * Writes the plan of a dry run to {@code file} (through a temporary file, sync and atomic move),
     * streaming its actions from the result ({@link SyncResult#forEachPlanned}), none held.
     *
     * @param file where to write; its parent folders are created
     * @param request the request of the dry run: its service, snapshot, include and exclude go into the file
     * @param dryRun the dry run's result
     * @throws UncheckedIOException when the file cannot be written (it is then left as it was)
     */
    public static void write(Path file, SyncRequest request, SyncResult dryRun) {
        PlanSummary plan = dryRun.planSummary();
        try {
            AtomicFiles.write(file, out -> {
                try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // AtomicFiles syncs the file after this
                    g.useDefaultPrettyPrinter();
                    MessageDigest digest = Digests.sha256();
                    g.writeStartObject();
                    g.writeStringField("format", FORMAT);
                    g.writeNumberField("version", VERSION);
                    g.writeStringField("service", request.service());
                    g.writeStringField("snapshot", request.snapshot());
                    writeStrings(g, "include", request.include());
                    writeStrings(g, "exclude", request.exclude());
                    g.writeStringField("created_at", Instant.now().toString());
                    g.writeStringField("plan_id", plan.id());
                    g.writeStringField("local_checksum", plan.localChecksum());
                    g.writeStringField("remote_checksum", plan.remoteChecksum());
                    g.writeStringField("plan_source", dryRun.planSource().jsonName());
                    // the shape of the summary-only plan's counts (ResultCodec), written here so that core
                    // does not depend on its json package
                    g.writeObjectFieldStart("counts");
                    g.writeNumberField("uploads", plan.uploads());
                    g.writeNumberField("new", plan.uploads() - plan.changed());
                    g.writeNumberField("changed", plan.changed());
                    g.writeNumberField("deletes", plan.deletes());
                    g.writeNumberField("skipped", plan.skipped());
                    g.writeEndObject();
                    g.writeNumberField("bytes", plan.uploadBytes());
                    try {
                        g.writeArrayFieldStart("uploads");
                        dryRun.forEachPlanned(new PlanSink() {
                            @Override
                            public void upload(PlannedUpload u) {
                                String reason = u.reason().name().toLowerCase(Locale.ROOT);
                                writeAction(g, digest, "upload", reason, u.entry());
                            }
                        });
                        g.writeEndArray();
                        g.writeArrayFieldStart("deletes");
                        dryRun.forEachPlanned(new PlanSink() {
                            @Override
                            public void delete(ManifestEntry e) {
                                writeAction(g, digest, "delete", "removed", e);
                            }
                        });
                        g.writeEndArray();
                    } catch (UncheckedIOException e) {
                        throw e.getCause();
                    }
                    g.writeStringField("actions_sha256", Digests.hex(digest.digest()));
                    g.writeEndObject();
                    g.writeRaw('\n');
                }
            }, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plan file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void writeAction(JsonGenerator g, MessageDigest digest, String kind, String reason, ManifestEntry e) {
        try {
            g.writeStartObject();
            g.writeStringField("path", e.path());
            g.writeNumberField("size", e.size());
            g.writeStringField("mtime", e.mtime().toString());
            g.writeStringField("sha256", e.sha256());
            g.writeStringField("reason", reason);
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        seal(digest, kind, reason, e.path(), e.size(), e.mtime().toString(), e.sha256());
    }

    /** One action's line of {@code actions_sha256}: the fields joined by NUL, ended by a newline. */
    private static void seal(MessageDigest digest, String kind, String reason, String path, long size, String mtime,
                             String sha256) {
        String line = kind + '\0' + reason + '\0' + path + '\0' + size + '\0' + mtime + '\0' + sha256 + '\n';
        digest.update(line.getBytes(StandardCharsets.UTF_8));
    }

    /** One action of a plan file, as {@link #forEachAction} hands it on. */
    private interface ActionVisitor {
        void action(String kind, String reason, String path, long size, String sha256);
    }

    /**
     * Reads and checks a plan file: its format and version, every field, that its counts match its
     * lists, that its id is the one of its checksums, and that its actions are those it was written
     * with ({@code actions_sha256}).
     *
     * @param file the plan file
     * @return the plan file's header and figures
     * @throws ConfigurationException saying what is wrong with the file and what to do (a missing file,
     *     not JSON, another format, a newer version, a missing or bad field, edited actions)
     */
    public static PlanFile read(Path file) {
        Map<String, JsonNode> header = new HashMap<>();
        long[] counts = new long[2];
        scan(file, header, (kind, reason, path, size, sha256) -> counts[kind.equals("upload") ? 0 : 1]++);
        return new PlanFile(file, header, counts[0], counts[1]);
    }

    /**
     * Parses the file once: the header fields into {@code header}, each action to {@code visitor};
     * checks the format, version and seal.
     */
    private static void scan(Path file, Map<String, JsonNode> header, ActionVisitor visitor) {
        MessageDigest digest = Digests.sha256();
        try (InputStream in = Files.newInputStream(file); JsonParser p = Json.mapper().getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad(file, "it is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ((field.equals("uploads") || field.equals("deletes")) && value == JsonToken.START_ARRAY) {
                    String kind = field.equals("uploads") ? "upload" : "delete";
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        JsonNode a = TREES.readTree(p);
                        String path = actionText(file, a, field, "path");
                        String reason = actionText(file, a, field, "reason");
                        String mtime = actionText(file, a, field, "mtime");
                        String sha256 = actionText(file, a, field, "sha256");
                        long size = count(file, a.get("size"), field + "[].size");
                        seal(digest, kind, reason, path, size, mtime, sha256);
                        visitor.action(kind, reason, path, size, sha256);
                    }
                    if (p.currentToken() != JsonToken.END_ARRAY) {
                        throw bad(file, "\"" + field + "\" must be an array of objects");
                    }
                } else {
                    header.put(field, TREES.readTree(p));
                }
                if (field.equals("format") || field.equals("version")) {
                    checkFormat(file, header);
                }
            }
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("there is no plan file " + file + "; write one with"
                    + " 'cloudsync plan --out " + file + "'");
        } catch (JsonProcessingException e) {
            throw bad(file, "it is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the plan file " + file + ": " + e.getMessage(), e);
        }
        checkFormat(file, header);
        if (!header.containsKey("version")) {
            throw bad(file, "it has no \"version\"");
        }
        String computed = Digests.hex(digest.digest());
        String written = text(file, header, "actions_sha256");
        if (!written.equals(computed)) {
            throw bad(file, "its actions are not those it was written with (actions_sha256 does not match): it was"
                    + " edited after 'cloudsync plan --out' wrote it. Write a new plan instead of editing one");
        }
    }

    private static void checkFormat(Path file, Map<String, JsonNode> header) {
        JsonNode format = header.get("format");
        if (format != null && !FORMAT.equals(format.asText())) {
            throw bad(file, "its \"format\" is " + format + ", not \"" + FORMAT + "\"");
        }
        if (format == null && header.containsKey("version")) {
            throw bad(file, "it has no \"format\": \"" + FORMAT + "\" before its version");
        }
        JsonNode version = header.get("version");
        if (version != null) {
            if (!version.isInt() || version.intValue() < 1) {
                throw bad(file, "its \"version\" is " + version + ", not a version number");
            }
            if (version.intValue() > VERSION) {
                throw bad(file, "it is version " + version.intValue() + ", newer than this cloudsync reads (" + VERSION
                        + "); run it with the cloudsync that wrote it, or upgrade");
            }
        }
    }

    private static ConfigurationException bad(Path file, String what) {
        return new ConfigurationException("the plan file " + file + " cannot be used: " + what);
    }

    private static String text(Path file, Map<String, JsonNode> header, String field) {
        JsonNode v = header.get(field);
        if (v == null || !v.isTextual()) {
            throw bad(file, "\"" + field + "\" is missing or not a string");
        }
        return v.asText();
    }

    private static String actionText(Path file, JsonNode action, String list, String field) {
        JsonNode v = action.get(field);
        if (v == null || !v.isTextual()) {
            throw bad(file, "an item of \"" + list + "\" has no string \"" + field + "\"");
        }
        return v.asText();
    }

    private static List<String> strings(Path file, Map<String, JsonNode> header, String field) {
        JsonNode v = header.get(field);
        if (v == null || !v.isArray()) {
            throw bad(file, "\"" + field + "\" is missing or not an array");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw bad(file, "\"" + field + "\" must hold only strings");
            }
            out.add(item.asText());
        }
        return List.copyOf(out);
    }

    private static long count(Path file, JsonNode node, String field) {
        if (node == null || !node.isIntegralNumber() || node.longValue() < 0) {
            throw bad(file, "\"" + field + "\" is missing or not a whole number of at least 0");
        }
        return node.longValue();
    }

    /**
     * What differs between this file's actions and {@code now}, the plan a run would carry out now
     * (a refusal's {@link io.cloudsync.PlanRefusedException#plan()}): each line names one path, such
     * as {@code "now also uploads docs/new.txt (new)"}, {@code "no longer deletes old.txt"} or
     * {@code "uploads a.bin with other content than planned"}, in path order.
     *
     * @param now the plan of now
     * @param max the most lines to give; a last line says how many more there are
     * @return the differences; empty when both plans do the same
     */
    public List<String> differences(Plan now, int max) {
        Map<String, String> planned = new HashMap<>();
        scan(file, new HashMap<>(), (kind, reason, path, size, sha256) -> planned.put(kind + '\0' + path, sha256 + '\0' + size));
        // each line with the path it is about, to list them in path order
        List<Map.Entry<String, String>> lines = new ArrayList<>();
        for (PlannedUpload u : now.uploads()) {
            String was = planned.remove("upload\0" + u.path());
            if (was == null) {
                lines.add(Map.entry(u.path(), "now also uploads " + u.path() + " (" + u.reason().name().toLowerCase(Locale.ROOT) + ")"));
            } else if (!was.equals(u.sha256() + '\0' + u.size())) {
                lines.add(Map.entry(u.path(), "uploads " + u.path() + " with other content than planned"));
            }
        }
        for (ManifestEntry d : now.deletes()) {
            if (planned.remove("delete\0" + d.path()) == null) {
                lines.add(Map.entry(d.path(), "now also deletes " + d.path()));
            }
        }
        planned.keySet().forEach(k -> {
            String path = k.substring(k.indexOf('\0') + 1);
            lines.add(Map.entry(path, "no longer " + (k.startsWith("upload") ? "uploads " : "deletes ") + path));
        });
        lines.sort(Map.Entry.comparingByKey(io.cloudsync.PathRules.ORDER));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> line : lines.subList(0, Math.min(max, lines.size()))) {
            out.add(line.getValue());
        }
        if (lines.size() > max) {
            out.add("and " + (lines.size() - max) + " more");
        }
        return List.copyOf(out);
    }

    /**
     * The approval a run of this plan carries: its id and both checksums.
     *
     * @return the approval for {@link SyncRequest.Builder#approvedPlan}
     */
    public ApprovedPlan approval() {
        return ApprovedPlan.of(planId, localChecksum, remoteChecksum);
    }

    /**
     * The file this was read from.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }

    /**
     * The service the plan was made for.
     *
     * @return the service id
     */
    public String service() {
        return service;
    }

    /**
     * The snapshot the plan was made for, as the request named it (without a configured prefix).
     *
     * @return the snapshot name
     */
    public String snapshot() {
        return snapshot;
    }

    /**
     * The request's include paths.
     *
     * @return the paths; empty for the whole mirror
     */
    public List<String> include() {
        return include;
    }

    /**
     * The request's extra exclude globs.
     *
     * @return the globs
     */
    public List<String> exclude() {
        return exclude;
    }

    /**
     * When the plan was written.
     *
     * @return the time
     */
    public Instant createdAt() {
        return createdAt;
    }

    /**
     * The plan's id.
     *
     * @return 32 lower-case hex digits
     */
    public String planId() {
        return planId;
    }

    /**
     * The checksum of the local manifest the plan was made from.
     *
     * @return 64 lower-case hex digits
     */
    public String localChecksum() {
        return localChecksum;
    }

    /**
     * The checksum of the remote manifest the plan was made against.
     *
     * @return 64 lower-case hex digits
     */
    public String remoteChecksum() {
        return remoteChecksum;
    }

    /**
     * Where the remote side of the plan came from: {@code remote}, {@code cache} or {@code none}, as
     * {@link PlanSource#jsonName()} names it.
     *
     * @return the name
     */
    public String planSource() {
        return planSource;
    }

    /**
     * The number of uploads.
     *
     * @return the count
     */
    public long uploads() {
        return uploads;
    }

    /**
     * The number of deletes.
     *
     * @return the count
     */
    public long deletes() {
        return deletes;
    }

    /**
     * The number of files the plan leaves alone.
     *
     * @return the count
     */
    public long skipped() {
        return skipped;
    }

    /**
     * The bytes the uploads send.
     *
     * @return the bytes
     */
    public long uploadBytes() {
        return uploadBytes;
    }

    @Override
    public String toString() {
        return "PlanFile[" + file + ", plan " + planId + ", service=" + service + ", snapshot=" + snapshot + ", uploads="
                + uploads + ", deletes=" + deletes + ']';
    }
}
