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

/** POST /api/sync/dry_run answers a broken service configuration with 400 and its message, not with a plan. */
class DryRunConfigErrorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path tmp;
    CloudSyncHttpServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(root.resolve("a.txt"), "alpha");
        CloudSyncConfig config = CloudSyncConfig.builder().enable("typo", "missing", "local")
                .service("typo", Map.of("provider", "local", "directroy", tmp.resolve("remote").toString()))
                .service("missing", Map.of("provider", "local"))
                .service("local", Map.of("directory", tmp.resolve("remote").toString()))
                .build();
        server = CloudSyncHttpServer.builder(CloudSync.builder().root(root).config(config).build())
                .token(Secret.of(TOKEN)).start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private HttpResponse<String> dryRun(String service) throws Exception {
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve("/api/sync/dry_run"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"" + service + "\",\"snapshot\":\"nightly\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void dryRun_misspeltOrMissingSetting_is400WithTheMessageAndNoPlan() throws Exception {
        HttpResponse<String> typo = dryRun("typo");
        JsonNode body = JSON.readTree(typo.body());
        assertThat(typo.statusCode()).as(typo.body()).isEqualTo(400);
        assertThat(body.path("error").asText()).contains("missing required setting(s) [directory]",
                "unknown setting(s) [directroy]");
        assertThat(body.has("plan")).isFalse();

        HttpResponse<String> missing = dryRun("missing");
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).path("error").asText()).contains("missing required setting(s) [directory]");

        assertThat(dryRun("local").statusCode()).isEqualTo(200);
    }
}
