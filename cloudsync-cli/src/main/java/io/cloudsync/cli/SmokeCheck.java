package io.cloudsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code cloudsync doctor --base URL}: the original design's smoke check of a running server. The flags
 * are off unless configured, every route answers (without running anything), requests without the token
 * are refused, and the server serves the documentation that describes it ({@code GET /api/docs}: the
 * design's README.md, docs/CLOUD_SYNC.md, docs/BACKUPS.md and CHANGELOG.md, packaged with the server).
 * The same documents in the user's project root are checked only on request ({@link #rootDocs}).
 */
final class SmokeCheck {

    /** The original design's documentation profile. */
    static final List<String> DOCS = List.of("README.md", "docs/CLOUD_SYNC.md", "docs/BACKUPS.md", "CHANGELOG.md");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    SmokeCheck(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** A route, how to call it so that it runs nothing, and the statuses that mean "it answers". */
    private record Probe(String method, String path, String body, Set<Integer> expected) {
    }

    List<DoctorCommand.Check> run(CloudSyncConfig config) {
        List<DoctorCommand.Check> checks = new ArrayList<>();
        try {
            int unauthenticated = send("GET", "/api/health", null, false).statusCode();
            checks.add(check("http token", unauthenticated == 401, "a request without the token got " + unauthenticated
                    + (unauthenticated == 401 ? " (refused, as it must be)" : "; it must be 401")));
            HttpResponse<String> health = send("GET", "/api/health", null, true);
            if (health.statusCode() != 200) {
                checks.add(new DoctorCommand.Check("http health", DoctorCommand.Status.ERROR, "GET /api/health answered "
                        + health.statusCode() + ": " + health.body().trim() + " (is the token right? see --token-file)"));
                return checks;
            }
            JsonNode body = Json.mapper().readTree(health.body());
            checks.add(new DoctorCommand.Check("http health", DoctorCommand.Status.OK, "version "
                    + body.path("version").asText() + ", providers " + body.path("providers")));
            body.path("features").properties().forEach(f -> {
                boolean on = f.getValue().asBoolean();
                boolean configured = config.enabled(f.getKey());
                checks.add(check("flag " + f.getKey(), !on || configured, on == configured
                        ? (on ? "on, as configured" : "off")
                        : "the server says " + (on ? "on" : "off") + " but " + config.source() + " says "
                                + (configured ? "on" : "off (flags are off unless configured)")));
            });
            for (Probe p : List.of(
                    new Probe("GET", "/api/sync/manifest?snapshot=doctor", null, Set.of(200, 403)),
                    new Probe("POST", "/api/sync/dry_run", "{}", Set.of(400)),
                    new Probe("POST", "/api/sync/run", "{}", Set.of(400)),
                    new Probe("POST", "/api/sync/versions", "{}", Set.of(400)),
                    new Probe("POST", "/api/sync/restore", "{}", Set.of(400)),
                    new Probe("GET", "/api/backup/list", null, Set.of(200)),
                    new Probe("POST", "/api/backup/create", "{\"max_backups\": 0}", Set.of(400)),
                    // a policy of zeros is refused before anything is read or deleted
                    new Probe("POST", "/api/backup/prune", "{\"keep_last\": 0, \"dry_run\": true}", Set.of(400)),
                    new Probe("POST", "/api/backup/restore", "{}", Set.of(400)))) {
                int status = send(p.method(), p.path(), p.body(), true).statusCode();
                checks.add(check("route " + p.path().replaceAll("\\?.*", ""), p.expected().contains(status),
                        p.method() + " answered " + status + (p.expected().contains(status) ? "" : ", expected " + p.expected())));
            }
            checks.add(hooks());
            checks.add(hooksWebSocket());
            checks.addAll(servedDocs());
        } catch (IOException e) {
            checks.add(new DoctorCommand.Check("http", DoctorCommand.Status.ERROR, "cannot reach " + base + ": " + e
                    + "; is 'cloudsync serve' running there?"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return checks;
    }

    /** {@code doctor --require-docs}: the documentation profile in the user's own project root. */
    static List<DoctorCommand.Check> rootDocs(Path root) {
        List<DoctorCommand.Check> checks = new ArrayList<>();
        for (String doc : DOCS) {
            boolean exists = Files.isRegularFile(root.resolve(doc));
            checks.add(new DoctorCommand.Check("root doc " + doc, exists ? DoctorCommand.Status.OK : DoctorCommand.Status.MISSING,
                    root.resolve(doc) + (exists ? "" : " does not exist; write it, or drop --require-docs")));
        }
        return checks;
    }

    /** The documents the server serves about itself, each listed and non-empty. */
    private List<DoctorCommand.Check> servedDocs() throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", "/api/docs", null, true);
        if (r.statusCode() != 200) {
            return List.of(new DoctorCommand.Check("route /api/docs", DoctorCommand.Status.ERROR, "GET answered "
                    + r.statusCode() + ", expected 200; a server older than this doctor does not serve its docs"));
        }
        List<DoctorCommand.Check> checks = new ArrayList<>();
        checks.add(check("route /api/docs", true, "GET answered 200"));
        JsonNode listed = Json.mapper().readTree(r.body()).path("docs");
        for (String doc : DOCS) {
            JsonNode entry = null;
            for (JsonNode d : listed) {
                if (d.path("path").asText().equals(doc)) {
                    entry = d;
                }
            }
            boolean ok = entry != null && entry.path("bytes").asLong() > 0;
            checks.add(check("doc " + doc, ok, ok ? "served by the server (" + entry.path("bytes").asLong() + " bytes)"
                    : "not served by the server (GET /api/docs lists " + listed.findValuesAsText("path")
                            + "); it was built without its docs"));
        }
        return checks;
    }

    private DoctorCommand.Check hooks() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/modder/hooks")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            String type = r.headers().firstValue("Content-Type").orElse("");
            boolean ok = r.statusCode() == 200 && type.startsWith("text/event-stream");
            return check("route /api/modder/hooks", ok, "GET answered " + r.statusCode() + " " + type);
        }
    }

    /** The WebSocket variant of the hooks stream: the handshake with the token succeeds; then it is closed. */
    private DoctorCommand.Check hooksWebSocket() throws InterruptedException {
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws")).resolve("/api/modder/hooks");
        try {
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token).buildAsync(ws, new WebSocket.Listener() { })
                    .get(15, TimeUnit.SECONDS);
            socket.abort();
            return check("route /api/modder/hooks (WebSocket)", true, "the upgrade succeeded");
        } catch (ExecutionException e) {
            String detail = e.getCause() instanceof WebSocketHandshakeException h
                    ? "the upgrade was answered " + h.getResponse().statusCode() : "the upgrade failed: " + e.getCause();
            return check("route /api/modder/hooks (WebSocket)", false, detail + "; expected 101 Switching Protocols");
        } catch (TimeoutException e) {
            return check("route /api/modder/hooks (WebSocket)", false, "no answer to the upgrade within 15 s");
        }
    }

    private HttpResponse<String> send(String method, String path, String body, boolean withToken)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (withToken) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static DoctorCommand.Check check(String name, boolean ok, String detail) {
        return new DoctorCommand.Check(name, ok ? DoctorCommand.Status.OK : DoctorCommand.Status.ERROR, detail);
    }
}
