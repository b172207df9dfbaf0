package io.cloudsync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.Secret;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.support.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/sync/versions} and {@code POST /api/sync/restore} over a real server and the local provider. */
class TrashRoutesTest {

    static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path tmp;
    Path root;
    CloudSyncHttpServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/a.txt"), "first a");
        Files.writeString(root.resolve("data/b.txt"), "first b");
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .include(java.util.List.of("data"))
                .service("local", Map.of("directory", tmp.resolve("remote").toString())).build();
        server = CloudSyncHttpServer.builder(CloudSync.builder().root(root).config(config).build()).token(Secret.of(TOKEN))
                .start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private HttpResponse<String> post(String route, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve(route)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aDeletedFile_isListed_andRestoredIntoAFolderOfTheRoot() throws Exception {
        assertThat(post("/api/sync/run", "{\"service\": \"local\", \"snapshot\": \"nightly\"}").statusCode()).isEqualTo(200);
        Thread.sleep(20);
        Instant before = Instant.now();
        Thread.sleep(20);
        Files.delete(root.resolve("data/b.txt"));
        Files.writeString(root.resolve("data/a.txt"), "second a");
        assertThat(post("/api/sync/run", "{\"service\": \"local\", \"snapshot\": \"nightly\"}").statusCode()).isEqualTo(200);

        HttpResponse<String> versions = post("/api/sync/versions", "{\"service\": \"local\", \"snapshot\": \"nightly\","
                + " \"paths\": [\"data/b.txt\"]}");
        assertThat(versions.statusCode()).as(versions.body()).isEqualTo(200);
        JsonNode list = Json.mapper().readTree(versions.body()).path("versions").path("versions");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("path").asText()).isEqualTo("data/b.txt");
        assertThat(list.get(0).path("change").asText()).isEqualTo("deleted");
        assertThat(list.get(0).path("available").asBoolean()).isTrue();

        HttpResponse<String> restored = post("/api/sync/restore", "{\"service\": \"local\", \"snapshot\": \"nightly\", \"at\": \""
                + before + "\", \"target\": \"restored/nightly\"}");

        assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
        JsonNode r = Json.mapper().readTree(restored.body()).path("restore");
        assertThat(r.path("status").asText()).isEqualTo("success");
        assertThat(r.path("history_complete").asBoolean()).isTrue();
        assertThat(r.path("written").asInt()).isEqualTo(2);
        assertThat(Files.readString(root.resolve("restored/nightly/data/b.txt"))).isEqualTo("first b");
        assertThat(Files.readString(root.resolve("restored/nightly/data/a.txt"))).isEqualTo("first a");
    }

    @Test
    void aRestoreTarget_outsideTheRoot_orABadTime_isRefusedAndWritesNothing() throws Exception {
        assertThat(post("/api/sync/run", "{\"service\": \"local\", \"snapshot\": \"nightly\"}").statusCode()).isEqualTo(200);
        Path outside = tmp.resolve("outside");
        for (String target : new String[] {outside.toString(), "../outside", "."}) {
            HttpResponse<String> r = post("/api/sync/restore", "{\"service\": \"local\", \"snapshot\": \"nightly\","
                    + " \"at\": \"2030-01-01T00:00:00Z\", \"target\": " + Json.mapper().writeValueAsString(target) + "}");
            assertThat(r.statusCode()).as(target).isEqualTo(400);
            assertThat(r.body()).contains("inside the project root");
        }
        assertThat(outside).doesNotExist();
        HttpResponse<String> badTime = post("/api/sync/restore", "{\"service\": \"local\", \"snapshot\": \"nightly\","
                + " \"at\": \"yesterday\", \"target\": \"restored\"}");
        assertThat(badTime.statusCode()).isEqualTo(400);
        assertThat(badTime.body()).contains("ISO-8601").contains("yesterday");
        HttpResponse<String> unknown = post("/api/sync/versions", "{\"service\": \"local\", \"snapshot\": \"nightly\","
                + " \"at\": \"2030-01-01T00:00:00Z\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown field \\\"at\\\"");
        assertThat(root.resolve("restored")).doesNotExist();
    }
}
