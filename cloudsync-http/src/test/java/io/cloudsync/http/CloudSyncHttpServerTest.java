package io.cloudsync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.Secret;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import io.cloudsync.support.Json;
import io.cloudsync.testkit.FaultInjectingProvider;
import io.cloudsync.testkit.FaultInjectingProvider.Operation;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudSyncHttpServerTest {

    static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    CloudSyncHttpServer server;
    CloudSync cloudSync;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static volatile long uploadDelayMillis;

    @BeforeEach
    void setUp() throws Exception {
        uploadDelayMillis = 0;
        root = Files.createDirectories(tmp.resolve("project"));
        remote = tmp.resolve("remote");
        write("data/a.txt", "alpha");
        write("data/b.txt", "bravo");
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local", "flaky")
                .service("local", Map.of("directory", remote.toString()))
                .service("flaky", Map.of("directory", tmp.resolve("flaky-remote").toString()))
                .service("disabled", Map.of("provider", "local", "directory", remote.toString()))
                .engine(EngineSettings.builder().retryAttempts(1).build())
                .build();
        CloudSync cs = CloudSync.builder().root(root).config(config).provider(new FlakyFactory()).build();
        cloudSync = cs;
        server = CloudSyncHttpServer.builder(cs).token(Secret.of(TOKEN)).allowServiceConfig(List.of("flaky.fail_read"))
                .start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private void write(String path, String content) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.baseUri().resolve(path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve(path))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    @Test
    void everyRoute_withoutToken_is401AndRunsNothing() throws Exception {
        for (String path : List.of("/api/health", "/api/sync/manifest", "/api/modder/hooks", "/api/backup/list", "/api/docs")) {
            assertThat(get(path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(get(path, "wrong-token-wrong-token").statusCode()).as(path).isEqualTo(401);
        }
        HttpResponse<String> run = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/api/sync/run"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"local\",\"snapshot\":\"s\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(run.statusCode()).isEqualTo(401);
        assertThat(remote).doesNotExist();
    }

    @Test
    void server_bindsToLoopbackByDefault() {
        assertThat(server.baseUri().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void health_reportsFlagsProvidersAndVersion() throws Exception {
        JsonNode body = json(get("/api/health", TOKEN));

        assertThat(body.path("status").asText()).isEqualTo("ok");
        assertThat(body.path("features").path("enable_cloud_sync").asBoolean()).isTrue();
        assertThat(body.path("features").path("enable_cloud_sync_disabled").asBoolean()).isFalse();
        assertThat(body.path("providers").toString()).contains("\"local\"", "\"flaky\"");
    }

    @Test
    void manifest_returnsTheOriginalShape() throws Exception {
        HttpResponse<String> r = get("/api/sync/manifest?snapshot=nightly&include=data", TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("manifest").path("name").asText()).isEqualTo("nightly");
        assertThat(body.path("manifest").path("entries")).hasSize(2);
        assertThat(body.path("include").toString()).isEqualTo("[\"data\"]");
        assertThat(body.path("checksum").asText()).isEqualTo(body.path("manifest").path("checksum").asText());
    }

    @Test
    void dryRunThenRun_succeedAndWriteOnlyOnRun() throws Exception {
        HttpResponse<String> dry = post("/api/sync/dry_run", "{\"service\":\"local\",\"snapshot\":\"nightly\"}");
        assertThat(dry.statusCode()).isEqualTo(200);
        assertThat(json(dry).path("summary").path("status").asText()).isEqualTo("dry_run");
        assertThat(json(dry).path("plan").path("uploads").get(0).path("reason").asText()).isEqualTo("new");
        assertThat(remote).doesNotExist();

        HttpResponse<String> run = post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"nightly\"}");
        JsonNode body = json(run);
        assertThat(run.statusCode()).isEqualTo(200);
        assertThat(body.path("summary").path("status").asText()).isEqualTo("success");
        assertThat(body.path("summary").path("uploaded").asInt()).isEqualTo(2);
        assertThat(remote.resolve("nightly/data/a.txt")).hasContent("alpha");
    }

    /** The seed's own example request: {@code "paths": ["assets","config"]} narrows the run, deleting nothing outside. */
    @Test
    void dryRunAndRun_withTheSeedsPaths_changeNothingOutsideThem() throws Exception {
        write("assets/logo.png", "logo v1");
        write("config/app.json", "{}");
        assertThat(json(post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"nightly\"}"))
                .path("summary").path("uploaded").asInt()).isEqualTo(4);
        write("assets/logo.png", "logo v2, longer");
        write("data/b.txt", "bravo, changed outside the paths");
        Files.delete(root.resolve("data/a.txt"));
        String narrowed = "{\"service\":\"local\",\"snapshot\":\"nightly\",\"paths\":[\"assets\",\"config\"]}";

        HttpResponse<String> dry = post("/api/sync/dry_run", narrowed);

        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        JsonNode plan = json(dry);
        assertThat(plan.path("scope").toString()).isEqualTo("[\"assets\",\"config\"]");
        assertThat(plan.path("plan").path("deletes")).isEmpty();
        assertThat(plan.path("plan").path("uploads").findValuesAsText("path")).containsExactly("assets/logo.png");
        assertThat(plan.path("plan").path("skipped").findValuesAsText("path")).containsExactly("config/app.json");
        assertThat(plan.path("manifest").path("entries").findValuesAsText("path"))
                .containsExactly("assets/logo.png", "config/app.json", "data/a.txt", "data/b.txt");

        HttpResponse<String> run = post("/api/sync/run", narrowed);

        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        assertThat(json(run).path("summary").path("status").asText()).isEqualTo("success");
        assertThat(json(run).path("summary").path("deleted").asInt()).isZero();
        assertThat(remote.resolve("nightly/assets/logo.png")).hasContent("logo v2, longer");
        assertThat(remote.resolve("nightly/data/a.txt")).hasContent("alpha");
        assertThat(remote.resolve("nightly/data/b.txt")).hasContent("bravo");
        JsonNode whole = json(post("/api/sync/dry_run", "{\"service\":\"local\",\"snapshot\":\"nightly\"}"));
        assertThat(whole.path("scope")).isEmpty();
        assertThat(whole.path("plan").path("deletes").findValuesAsText("path")).containsExactly("data/a.txt");
    }

    @Test
    void dryRun_withAPathLeavingTheRoot_is400AndNamesIt() throws Exception {
        for (String bad : List.of("../etc", "/etc/passwd")) {
            HttpResponse<String> r = post("/api/sync/dry_run",
                    "{\"service\":\"local\",\"snapshot\":\"nightly\",\"paths\":[\"data\"," + Json.mapper().writeValueAsString(bad) + "]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(json(r).path("error").asText()).contains("cannot narrow the run to \"" + bad + "\"",
                    "relative to the project root");
        }
        assertThat(remote).doesNotExist();
    }

    @Test
    void dryRun_whenRemoteUnreadable_plansFromCache() throws Exception {
        post("/api/sync/run", "{\"service\":\"flaky\",\"snapshot\":\"nightly\"}");
        write("data/c.txt", "charlie");

        JsonNode body = json(post("/api/sync/dry_run", "{\"service\":\"flaky\",\"snapshot\":\"nightly\","
                + "\"service_config\":{\"fail_read\":\"true\"}}"));

        assertThat(body.path("plan_source").asText()).isEqualTo("cache");
        assertThat(body.path("plan").path("uploads")).hasSize(1);
        assertThat(body.path("plan").path("uploads").get(0).path("path").asText()).isEqualTo("data/c.txt");
    }

    @Test
    void run_partialFailure_reportsErrorsAsActionPathError() throws Exception {
        write("data/fail-me.txt", "x");

        JsonNode body = json(post("/api/sync/run", "{\"service\":\"flaky\",\"snapshot\":\"nightly\"}"));

        assertThat(body.path("summary").path("status").asText()).isEqualTo("partial");
        JsonNode error = body.path("summary").path("errors").get(0);
        assertThat(error.path("action").asText()).isEqualTo("upload");
        assertThat(error.path("path").asText()).isEqualTo("data/fail-me.txt");
        assertThat(error.path("error").asText()).contains("injected PERMANENT fault in UPLOAD");
    }

    @Test
    void run_bwlimit_limitsTheRun_andABadRateIs400NamingItAndRunsNothing() throws Exception {
        HttpResponse<String> decimal = post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"nightly\",\"bwlimit\":\"8MB\"}");
        assertThat(decimal.statusCode()).isEqualTo(400);
        assertThat(json(decimal).path("error").asText()).contains("\"bwlimit\"", "\"8MB\"", "binary");
        HttpResponse<String> number = post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"nightly\",\"bwlimit\":1024}");
        assertThat(number.statusCode()).isEqualTo(400);
        assertThat(json(number).path("error").asText()).contains("\"bwlimit\" must be a string", "\"8M\"");
        assertThat(remote).doesNotExist();

        // 10 bytes at 10 B/s (the bucket holds one byte): at least 0.9 s; a busy machine only adds to it
        long start = System.nanoTime();
        HttpResponse<String> run = post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"nightly\",\"bwlimit\":\"10B\"}");

        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        assertThat(json(run).path("summary").path("status").asText()).isEqualTo("success");
        assertThat((System.nanoTime() - start) / 1e9).as("run seconds").isGreaterThanOrEqualTo(0.8);
        assertThat(remote.resolve("nightly/data/a.txt")).hasContent("alpha");
    }

    @Test
    void badRequests_are400WithAMessage() throws Exception {
        assertThat(post("/api/sync/run", "{not json").statusCode()).isEqualTo(400);
        assertThat(json(post("/api/sync/run", "{\"service\":\"local\"}")).path("error").asText())
                .contains("\"snapshot\" is required");
        assertThat(json(post("/api/sync/run", "{\"service\":42,\"snapshot\":\"s\"}")).path("error").asText())
                .contains("\"service\" must be a string");
        assertThat(json(post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"s\",\"bogus\":1}"))
                .path("error").asText()).contains("unknown field \"bogus\"");
        HttpResponse<String> unknown = post("/api/sync/dry_run", "{\"service\":\"nope\",\"snapshot\":\"s\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).path("error").asText()).contains("unknown service \"nope\"", "configures [")
                .doesNotContain("enable_cloud_sync");
        assertThat(post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"../x\"}").statusCode()).isEqualTo(400);
        assertThat(post("/api/sync/run", "[1]").statusCode()).isEqualTo(400);
    }

    @Test
    void disabledService_is403NamingTheFlag() throws Exception {
        HttpResponse<String> r = post("/api/sync/run", "{\"service\":\"disabled\",\"snapshot\":\"s\"}");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).path("error").asText()).contains("enable_cloud_sync_disabled");
    }

    @Test
    void oversizedBody_is413() throws Exception {
        String big = "{\"service\":\"local\",\"snapshot\":\"s\",\"paths\":[\"" + "x".repeat(CloudSyncApi.MAX_BODY_BYTES) + "\"]}";
        assertThat(post("/api/sync/run", big).statusCode()).isEqualTo(413);
    }

    @Test
    void runAlreadyInProgress_is409() throws Exception {
        uploadDelayMillis = 1500;
        try (HookStream.Subscription events = server.hooks().subscribe()) {
            CompletableFuture<HttpResponse<String>> first = http.sendAsync(HttpRequest.newBuilder(server.baseUri()
                            .resolve("/api/sync/run")).header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"flaky\",\"snapshot\":\"nightly\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HookStream.Hook planned = events.poll(10_000);
            assertThat(planned).isNotNull();
            assertThat(planned.name()).isEqualTo("on_cloud_sync_plan");

            HttpResponse<String> second = post("/api/sync/run", "{\"service\":\"flaky\",\"snapshot\":\"nightly\"}");

            assertThat(second.statusCode()).isEqualTo(409);
            assertThat(json(second).path("error").asText()).contains("another run");
            assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void hooks_streamPlanProgressAndCompleteInOrder() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.baseUri().resolve("/api/modder/hooks"))
                .header("Authorization", "Bearer " + TOKEN).GET().build();
        HttpResponse<java.io.InputStream> stream = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        CountDownLatch complete = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("event: ")) {
                        events.add(line.substring(7));
                        if (line.endsWith("on_cloud_sync_complete")) {
                            complete.countDown();
                            return;
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // stream closed
            }
        });
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.hooks().subscribers() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"nightly\"}");

        assertThat(complete.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(events).containsExactly("on_cloud_sync_plan", "on_cloud_sync_progress", "on_cloud_sync_progress",
                "on_cloud_sync_complete");
    }

    @Test
    void backups_createListRestore_andRefuseNamesWithAPath() throws Exception {
        HttpResponse<String> created = post("/api/backup/create", "{\"label\":\"before upgrade\",\"paths\":[\"data\"]}");
        assertThat(created.statusCode()).isEqualTo(200);
        String name = json(created).path("backup").path("name").asText();
        assertThat(name).endsWith("-before_upgrade.zip");
        assertThat(json(created).path("backup").path("files").asInt()).isEqualTo(2);

        JsonNode list = json(get("/api/backup/list", TOKEN));
        assertThat(list.path("backup").path("action").asText()).isEqualTo("list");
        assertThat(list.path("backup").path("backups").get(0).path("name").asText()).isEqualTo(name);

        Files.delete(root.resolve("data/a.txt"));
        JsonNode restored = json(post("/api/backup/restore", "{\"name\":\"" + name + "\"}"));
        assertThat(restored.path("backup").path("restored").toString()).contains("data/a.txt");
        assertThat(restored.path("backup").path("skipped").toString()).contains("data/b.txt");
        assertThat(root.resolve("data/a.txt")).hasContent("alpha");

        assertThat(post("/api/backup/restore", "{\"name\":\"../" + name + "\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> missing = post("/api/backup/restore", "{\"name\":\"nope.zip\"}");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).path("category").asText()).isEqualTo("not_found");
        assertThat(json(missing).path("reason").asText()).isEqualTo("not_found");
        assertThat(post("/api/backup/create", "{\"max_backups\":0}").statusCode()).isEqualTo(400);
    }

    @Test
    void serviceConfig_keyTheServerDoesNotAllow_is400NamingItAndRunsNothing() throws Exception {
        Path elsewhere = tmp.resolve("elsewhere");

        HttpResponse<String> r = post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"nightly\","
                + "\"service_config\":{\"directory\":\"" + elsewhere.toString().replace("\\", "\\\\") + "\"}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("error").asText()).contains("\"service_config.directory\"", "--allow-service-config");
        assertThat(elsewhere).doesNotExist();
        assertThat(remote).doesNotExist();
        // allowed for one service only: the same key on another service is still refused
        HttpResponse<String> other = post("/api/sync/dry_run", "{\"service\":\"local\",\"snapshot\":\"nightly\","
                + "\"service_config\":{\"fail_read\":\"true\"}}");
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(json(other).path("error").asText()).contains("\"service_config.fail_read\"");
    }

    @Test
    void serviceConfig_byDefault_noKeyIsAllowed() throws Exception {
        try (CloudSyncHttpServer plain = CloudSyncHttpServer.builder(cloudSync).token(Secret.of(TOKEN)).start()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(plain.baseUri().resolve("/api/sync/dry_run"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"service\":\"flaky\",\"snapshot\":\"nightly\",\"service_config\":{\"fail_read\":\"true\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json(r).path("error").asText()).contains("\"service_config.fail_read\"", "no service_config keys");
        }
    }

    @Test
    void slowClientsWithoutToken_doNotStarveAnAuthenticatedRequest() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            // 200 clients that send half a request and then nothing: on the JDK server with 24 threads
            // they held every thread and a real request waited past 8 s
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
                s.getOutputStream().write(("POST /api/sync/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s);
            }
            // and some that send whole headers without a token but never the body they announce
            for (int i = 0; i < 50; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
                s.getOutputStream().write(("POST /api/sync/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s);
            }

            long start = System.nanoTime();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/api/health"))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(millis).as("answered well under the 8 s it took before").isLessThan(5_000);
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void clientWithoutToken_isAnswered401WithoutTheServerWaitingForItsBody() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("POST /api/sync/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();

            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();

            assertThat(status).isEqualTo("HTTP/1.1 401 Unauthorized");
        }
    }

    @Test
    void clientThatNeverFinishesItsHeaders_isCutAfterTheRequestTimeout() throws Exception {
        try (CloudSyncHttpServer quick = CloudSyncHttpServer.builder(cloudSync).token(Secret.of(TOKEN))
                .requestTimeout(Duration.ofMillis(300)).start();
             Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), quick.port()), 5_000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();

            byte[] answer = s.getInputStream().readAllBytes(); // returns once the server closes the connection

            assertThat(new String(answer, StandardCharsets.US_ASCII)).doesNotContain("\"ok\"");
        }
    }

    @Test
    void unauthenticatedConnectionsOverTheCap_dropTheOldest() throws Exception {
        try (CloudSyncHttpServer capped = CloudSyncHttpServer.builder(cloudSync).token(Secret.of(TOKEN))
                .maxUnauthenticatedConnections(2).start()) {
            Socket first = new Socket();
            first.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), capped.port()), 5_000);
            first.setSoTimeout(20_000);
            first.getOutputStream().write("GET /api/health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            try (first; Socket second = new Socket(); Socket third = new Socket()) {
                second.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), capped.port()), 5_000);
                third.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), capped.port()), 5_000);

                assertThat(first.getInputStream().read()).as("the oldest connection was closed").isEqualTo(-1);
            }
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(capped.baseUri().resolve("/api/health"))
                    .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void chunkedRequestBody_isRead() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
            s.setSoTimeout(20_000);
            String json = "{\"service\":\"local\",\"snapshot\":\"nightly\"}";
            s.getOutputStream().write(("POST /api/sync/dry_run HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(json.length()) + "\r\n" + json
                    + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();

            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 200 OK").contains("\"dry_run\"");
        }
    }

    @Test
    void tokenFileWarning_whenGroupOrOthersCanRead_namesTheFileNotTheToken() throws Exception {
        Path file = tmp.resolve("token");
        Files.writeString(file, TOKEN);
        assumeTrue(file.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(CloudSyncHttpServer.tokenFileWarning(file)).isEmpty();

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(CloudSyncHttpServer.tokenFileWarning(file)).get().asString()
                .contains(file.toString(), "its group", "chmod 600").doesNotContain(TOKEN);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(CloudSyncHttpServer.tokenFileWarning(file)).get().asString().contains("every user");
    }

    /** The local provider behind the kit's faults: uploads of data/fail-me.txt are refused, reads can fail, uploads can be slow. */
    public static final class FlakyFactory implements ProviderFactory {
        private final LocalProviderFactory local = new LocalProviderFactory();

        @Override
        public String id() {
            return "flaky";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public Set<Capability> capabilities() {
            return local.capabilities();
        }

        @Override
        public List<ConfigKey> configKeys() {
            return List.of(LocalProviderFactory.DIRECTORY, ConfigKey.optional("fail_read", "test switch"));
        }

        @Override
        public Provider open(ProviderConfig config, Secrets secrets) {
            config.requireValid(configKeys());
            boolean failRead = config.getBoolean("fail_read", false);
            Provider delegate = local.open(ProviderConfig.builder().service(config.service())
                    .put("directory", config.require("directory")).build(), secrets);
            FaultInjectingProvider.Builder faults = FaultInjectingProvider.wrap(delegate)
                    .fail(Operation.UPLOAD, "data/fail-me.txt", ProviderException.Kind.PERMANENT, Integer.MAX_VALUE);
            if (failRead) {
                faults.fail(Operation.GET_METADATA, null, ProviderException.Kind.UNAVAILABLE, Integer.MAX_VALUE);
            }
            if (uploadDelayMillis > 0) {
                faults.slow(Operation.UPLOAD, Duration.ofMillis(uploadDelayMillis));
            }
            return faults.build();
        }
    }
}
