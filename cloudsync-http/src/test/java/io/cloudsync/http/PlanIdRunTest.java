package io.cloudsync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudsync.Secret;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan_id} on /api/sync/run: the run executes the plan a dry run answered, or refuses with 409 when something changed. */
class PlanIdRunTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    CloudSyncHttpServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("project"));
        remote = tmp.resolve("remote");
        Files.writeString(root.resolve("a.txt"), "alpha");
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", remote.toString())).build();
        server = CloudSyncHttpServer.builder(CloudSync.builder().root(root).config(config).build())
                .token(Secret.of(TOKEN)).start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private HttpResponse<String> post(String route, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve(route))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDryRunsPlanId_runsThatPlan() throws Exception {
        HttpResponse<String> dry = post("/api/sync/dry_run", "{\"service\":\"local\",\"snapshot\":\"nightly\"}");
        String id = JSON.readTree(dry.body()).path("plan").path("id").asText();

        HttpResponse<String> run = post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"nightly\",\"plan_id\":\"" + id + "\"}");

        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(run.body());
        assertThat(body.path("plan").path("id").asText()).isEqualTo(id);
        assertThat(body.path("summary").path("uploaded").asInt()).isEqualTo(1);
        assertThat(remote.resolve("nightly/a.txt")).hasContent("alpha");
    }

    @Test
    void aChangeAfterTheDryRun_is409PlanChanged_sayingWhichSide_andMovesNothing() throws Exception {
        HttpResponse<String> dry = post("/api/sync/dry_run", "{\"service\":\"local\",\"snapshot\":\"nightly\"}");
        String id = JSON.readTree(dry.body()).path("plan").path("id").asText();
        Files.writeString(root.resolve("b.txt"), "bravo");

        HttpResponse<String> run = post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"nightly\",\"plan_id\":\"" + id + "\"}");

        assertThat(run.statusCode()).as(run.body()).isEqualTo(409);
        JsonNode body = JSON.readTree(run.body());
        assertThat(body.path("category").asText()).isEqualTo("plan_changed");
        assertThat(body.path("type").asText()).isEqualTo("plan_changed");
        assertThat(body.path("reason").asText()).isEqualTo("changed");
        assertThat(body.path("error").asText()).contains(id, "the local tree changed");
        assertThat(remote.resolve("nightly/a.txt")).doesNotExist();
    }

    @Test
    void anUnknownOrMalformedPlanId_isRefused() throws Exception {
        HttpResponse<String> unknown = post("/api/sync/run",
                "{\"service\":\"local\",\"snapshot\":\"nightly\",\"plan_id\":\"" + "0".repeat(32) + "\"}");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(409);
        assertThat(JSON.readTree(unknown.body()).path("error").asText()).contains("the local tree or the remote changed");

        HttpResponse<String> malformed = post("/api/sync/run", "{\"service\":\"local\",\"snapshot\":\"nightly\",\"plan_id\":\"abc\"}");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).path("error").asText()).contains("plan_id", "32 lower-case hex digits");
        assertThat(remote.resolve("nightly/a.txt")).doesNotExist();
    }
}
