package io.cloudsync.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.ApprovedPlan;
import io.cloudsync.Bandwidth;
import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.PlanSummary;
import io.cloudsync.core.json.ResultCodec;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes, independent of any HTTP server: give it the method, path, query, Authorization header
 * and body; it answers with a status and a JSON document. {@link CloudSyncHttpServer} serves it over
 * HTTP; a host with its own framework calls {@link #handle} from its handler the same way.
 * Thread-safe.
 */
public final class CloudSyncApi {

    private static final Logger LOG = LoggerFactory.getLogger(CloudSyncApi.class);

    /** The largest request body accepted, in bytes. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private static final Set<String> SYNC_FIELDS = Set.of("service", "snapshot", "paths", "credentials_key",
            "service_config", "commit_manifest", "allow_mass_delete", "plan_id", "bwlimit");
    private static final Set<String> VERSIONS_FIELDS = Set.of("service", "snapshot", "paths", "credentials_key",
            "service_config");
    private static final Set<String> RESTORE_FIELDS = Set.of("service", "snapshot", "paths", "credentials_key",
            "service_config", "at", "target", "replace_existing");
    /** How many dry runs' plan ids a server remembers, to say which side changed when a run refuses one. */
    private static final int REMEMBERED_PLANS = 256;

    private final CloudSync cloudSync;
    private final byte[] token;
    private final Set<String> allowedServiceConfig;
    private final String version;
    private final BackupRoutes backups;
    /** The checksums of the plans recent dry runs answered, by plan id: an approval by id then says what changed. */
    private final Map<String, ApprovedPlan> dryRunPlans = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ApprovedPlan> eldest) {
                    return size() > REMEMBERED_PLANS;
                }
            });

    /**
     * Creates the routes, refusing every {@code service_config} key of a sync request.
     *
     * @param cloudSync the instance to serve
     * @param bearerToken the token every request must present; never logged
     */
    public CloudSyncApi(CloudSync cloudSync, io.cloudsync.Secret bearerToken) {
        this(cloudSync, bearerToken, Set.of());
    }

    /**
     * Creates the routes. A sync request's {@code service_config} overrides the configured settings of
     * the service, so a token holder could point a run at another bucket, endpoint or folder; only the
     * keys listed here are accepted, any other is answered with {@code 400} naming it.
     *
     * @param cloudSync the instance to serve
     * @param bearerToken the token every request must present; never logged
     * @param allowedServiceConfigKeys the {@code service_config} keys requests may set: {@code key} for
     *     every service, or {@code service.key} for one service only; empty for none
     */
    public CloudSyncApi(CloudSync cloudSync, io.cloudsync.Secret bearerToken, Set<String> allowedServiceConfigKeys) {
        this.cloudSync = Objects.requireNonNull(cloudSync, "cloudSync");
        this.allowedServiceConfig = Set.copyOf(allowedServiceConfigKeys);
        this.token = bearerToken.revealString().getBytes(StandardCharsets.UTF_8);
        if (token.length < 16) {
            throw new ConfigurationException("the HTTP bearer token must be at least 16 characters long");
        }
        this.backups = new BackupRoutes(cloudSync);
        String v = CloudSyncApi.class.getPackage().getImplementationVersion();
        this.version = v != null ? v : "0.1.0-SNAPSHOT";
    }

    /**
     * Answers one request.
     *
     * @param method the HTTP method
     * @param path the path, without the query
     * @param query the decoded query parameters
     * @param authorization the Authorization header, or {@code null}
     * @param body the request body (empty for GET)
     * @return the response
     */
    public ApiResponse handle(String method, String path, Map<String, String> query, String authorization, byte[] body) {
        if (!authorized(authorization)) {
            return ApiResponse.error(401, "missing or wrong bearer token; send 'Authorization: Bearer <token>' "
                    + "(the token is in the state folder's http/token file, or the one the host configured)");
        }
        if (body.length > MAX_BODY_BYTES) {
            return ApiResponse.error(413, "request body of " + body.length + " bytes is over the limit of " + MAX_BODY_BYTES);
        }
        try {
            return route(method, path, query, body);
        } catch (BadRequest e) {
            return ApiResponse.error(400, e.getMessage());
        } catch (CloudSyncException | IllegalArgumentException e) {
            ApiResponse r = ApiResponse.error(e);
            if (r.status() >= 500) {
                LOG.atWarn().setMessage("http.error").addKeyValue("path", path).addKeyValue("status", r.status())
                        .addKeyValue("error", e.getMessage()).log();
            }
            return r;
        }
    }

    private ApiResponse route(String method, String path, Map<String, String> query, byte[] body) {
        return switch (path) {
            case "/api/health" -> only("GET", method, () -> health());
            case "/api/sync/manifest" -> only("GET", method, () -> manifest(query));
            case "/api/sync/dry_run" -> only("POST", method, () -> sync(object(body), true));
            case "/api/sync/run" -> only("POST", method, () -> sync(object(body), false));
            case "/api/sync/versions" -> only("POST", method, () -> versions(object(body)));
            case "/api/sync/restore" -> only("POST", method, () -> restore(object(body)));
            case "/api/backup/list" -> only("GET", method, backups::list);
            case "/api/backup/create" -> only("POST", method, () -> backups.create(object(body)));
            case "/api/backup/restore" -> only("POST", method, () -> backups.restore(object(body)));
            case "/api/backup/prune" -> only("POST", method, () -> backups.prune(object(body)));
            case "/api/docs" -> only("GET", method, () -> ServedDocs.answer(query.get("path")));
            default -> ApiResponse.error(404, "no route " + path + "; see docs/CLOUD_SYNC.md for the routes");
        };
    }

    private static ApiResponse only(String expected, String method, java.util.function.Supplier<ApiResponse> route) {
        if (!expected.equals(method)) {
            return ApiResponse.error(405, "use " + expected + " for this route, not " + method);
        }
        return route.get();
    }

    /** Whether the Authorization header carries the token; constant-time in the token's content. */
    boolean authorized(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private ApiResponse health() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("status", "ok");
        o.put("version", version);
        ObjectNode flags = o.putObject("features");
        flags.put(CloudSyncConfig.MASTER_FLAG, cloudSync.config().enabled(CloudSyncConfig.MASTER_FLAG));
        cloudSync.config().features().forEach(flags::put);
        ArrayNode providers = o.putArray("providers");
        cloudSync.providers().ids().forEach(providers::add);
        ArrayNode problems = o.putArray("provider_problems");
        cloudSync.providers().problems().forEach(problems::add);
        ArrayNode services = o.putArray("services");
        cloudSync.config().services().forEach(services::add);
        return ApiResponse.ok(o);
    }

    private ApiResponse manifest(Map<String, String> query) {
        String snapshot = query.getOrDefault("snapshot", "manifest");
        List<String> include = csv(query.get("include"));
        List<String> exclude = csv(query.get("exclude"));
        ManifestBuilder.Result result = cloudSync.manifest(snapshot, include, exclude);
        ObjectNode o = Json.mapper().createObjectNode();
        o.set("manifest", ResultCodec.manifest(result.manifest()));
        ArrayNode inc = o.putArray("include");
        (include.isEmpty() ? cloudSync.config().include() : include).forEach(inc::add);
        ArrayNode exc = o.putArray("exclude");
        ManifestBuilder.DEFAULT_EXCLUDES.forEach(exc::add);
        cloudSync.config().exclude().forEach(exc::add);
        exclude.forEach(exc::add);
        o.put("checksum", result.manifest().checksum());
        ArrayNode skipped = o.putArray("skipped");
        result.skipped().forEach(skipped::add);
        return ApiResponse.ok(o);
    }

    private static List<String> csv(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private ApiResponse sync(ObjectNode body, boolean dryRun) {
        SyncRequest.Builder request = request(body, SYNC_FIELDS);
        request.commitManifest(bool(body, "commit_manifest", true));
        request.allowMassDelete(bool(body, "allow_mass_delete", false));
        String planId = text(body, "plan_id", false);
        if (planId != null) {
            ApprovedPlan approved = dryRunPlans.get(planId);
            try {
                request.approvedPlan(approved != null ? approved : ApprovedPlan.of(planId));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("field \"plan_id\": " + e.getMessage());
            }
        }
        bandwidth(body, "bwlimit").ifPresent(request::bandwidthLimit);
        SyncRequest built = request.build();
        if (dryRun) {
            SyncResult result = cloudSync.dryRun(built);
            PlanSummary plan = result.planSummary();
            dryRunPlans.put(plan.id(), ApprovedPlan.of(plan.id(), plan.localChecksum(), plan.remoteChecksum()));
            return ApiResponse.ok(ResultCodec.result(result));
        }
        return ApiResponse.ok(ResultCodec.result(cloudSync.run(built)));
    }

    private ApiResponse versions(ObjectNode body) {
        return ApiResponse.ok(ResultCodec.versions(cloudSync.versions(request(body, VERSIONS_FIELDS).build())));
    }

    /**
     * A restore into a folder of the project root: {@code target} is relative to it and may not leave
     * it, so a token holder cannot write elsewhere on the server's machine.
     */
    private ApiResponse restore(ObjectNode body) {
        SyncRequest built = request(body, RESTORE_FIELDS).build();
        String at = text(body, "at", true);
        java.time.Instant time;
        try {
            time = java.time.OffsetDateTime.parse(at).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRequest("field \"at\" must be an ISO-8601 date-time with an offset, such as"
                    + " 2026-12-03T14:05:00Z, found \"" + at + '"');
        }
        String target = text(body, "target", true);
        java.nio.file.Path base = cloudSync.root().toAbsolutePath().normalize();
        java.nio.file.Path into;
        try {
            into = base.resolve(target).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new BadRequest("field \"target\" is not a path: " + e.getMessage());
        }
        if (java.nio.file.Paths.get(target).isAbsolute() || !into.startsWith(base) || into.equals(base)) {
            throw new BadRequest("field \"target\" must be a folder inside the project root, relative to it (such as"
                    + " \"restored/nightly\"), found \"" + target + '"');
        }
        return ApiResponse.ok(ResultCodec.restore(cloudSync.restore(built, time, into, bool(body, "replace_existing", false))));
    }

    /** The fields every route on a snapshot shares: service, snapshot, paths, credentials key, service_config. */
    private SyncRequest.Builder request(ObjectNode body, Set<String> fields) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!fields.contains(field)) {
                throw new BadRequest("unknown field \"" + field + "\"; expected some of " + new TreeMap<>(
                        fields.stream().collect(java.util.stream.Collectors.toMap(f -> f, f -> 1))).keySet());
            }
        }
        String service = text(body, "service", true);
        String snapshot = text(body, "snapshot", true);
        // an unknown service is the engine's ConfigurationException (400), naming the configured ones
        SyncRequest.Builder request;
        try {
            request = SyncRequest.builder(service, snapshot);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        request.include(stringList(body, "paths"));
        String credentialsKey = text(body, "credentials_key", false);
        if (credentialsKey != null) {
            request.credentialsKey(credentialsKey);
        }
        JsonNode config = body.path("service_config");
        if (!config.isMissingNode() && !config.isNull()) {
            if (!config.isObject()) {
                throw new BadRequest("\"service_config\" must be an object of settings");
            }
            Map<String, String> settings = new TreeMap<>();
            config.properties().forEach(kv -> {
                if (!serviceConfigAllowed(service, kv.getKey())) {
                    throw new BadRequest("\"service_config." + kv.getKey() + "\" is not allowed by this server: it"
                            + " accepts " + (allowedServiceConfig.isEmpty() ? "no service_config keys"
                            : "only " + new java.util.TreeSet<>(allowedServiceConfig)) + "; the server's operator can"
                            + " allow a key with 'cloudsync serve --allow-service-config " + kv.getKey() + "' (or "
                            + service + '.' + kv.getKey() + " for this service only)");
                }
                if (!kv.getValue().isValueNode() || kv.getValue().isNull()) {
                    throw new BadRequest("\"service_config." + kv.getKey() + "\" must be a string, number or boolean");
                }
                settings.put(kv.getKey(), kv.getValue().asText());
            });
            request.serviceConfig(settings);
        }
        return request;
    }

    private boolean serviceConfigAllowed(String service, String key) {
        return allowedServiceConfig.contains(key) || allowedServiceConfig.contains(service + '.' + key);
    }

    static ObjectNode object(byte[] body) {
        if (body.length == 0) {
            throw new BadRequest("the request needs a JSON object body");
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequest("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequest("the body could not be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadRequest("the body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    static String text(ObjectNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequest("field \"" + field + "\" is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new BadRequest("field \"" + field + "\" must be a string, found " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return v.asText();
    }

    static boolean bool(ObjectNode body, String field, boolean fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new BadRequest("field \"" + field + "\" must be true or false");
        }
        return v.booleanValue();
    }

    static int integer(ObjectNode body, String field, int fallback, int min) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < min) {
            throw new BadRequest("field \"" + field + "\" must be a whole number of at least " + min);
        }
        return v.intValue();
    }

    /**
     * A rate in the RATE syntax of {@code --bwlimit} ({@link Bandwidth#parse}); absent or {@code null}
     * leaves the configuration's {@code sync.bwlimit}. A number is refused, as in the configuration:
     * {@code 8388608} meant as bytes would be read as KiB/s.
     */
    static java.util.OptionalLong bandwidth(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return java.util.OptionalLong.empty();
        }
        if (!v.isTextual()) {
            throw new BadRequest("field \"" + field + "\" must be a string with a rate such as \"8M\" or \"512k\""
                    + " (binary units per second; a bare number is KiB/s), or \"off\"; found "
                    + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        try {
            return java.util.OptionalLong.of(Bandwidth.parse(v.asText()));
        } catch (IllegalArgumentException e) {
            throw new BadRequest("field \"" + field + "\": " + e.getMessage());
        }
    }

    static List<String> stringList(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new BadRequest("field \"" + field + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw new BadRequest("field \"" + field + "\" must hold only strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A request the client must fix: answered with 400. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
