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

/** The dry run and run answers carry skipped_paths and the resumed/sent counts, like the CLI's JSON. */
class HttpReportingTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path tmp;
    CloudSyncHttpServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project/data"));
        Files.writeString(root.resolve("a.txt"), "alpha");
        Files.createSymbolicLink(root.resolve("link"), root.resolve("a.txt"));
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", tmp.resolve("remote").toString())).build();
        CloudSync cs = CloudSync.builder().root(tmp.resolve("project")).config(config).build();
        server = CloudSyncHttpServer.builder(cs).token(Secret.of(TOKEN)).start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private JsonNode post(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.baseUri().resolve(path))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"local\",\"snapshot\":\"nightly\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void dryRunAndRun_nameLeftOutPaths_andTellResumedFromSent() throws Exception {
        JsonNode dry = post("/api/sync/dry_run");
        assertThat(dry.get("skipped_paths")).singleElement().satisfies(s -> {
            assertThat(s.get("path").asText()).isEqualTo("data/link");
            assertThat(s.get("reason").asText()).isEqualTo("symbolic link, not followed");
        });
        assertThat(dry.get("summary").get("bytes_sent").asLong()).isZero();

        JsonNode run = post("/api/sync/run");
        assertThat(run.get("skipped_paths").findValuesAsText("path")).containsExactly("data/link");
        JsonNode s = run.get("summary");
        assertThat(s.get("bytes").asLong()).isEqualTo(5);
        assertThat(s.get("bytes_sent").asLong()).isEqualTo(5);
        assertThat(s.get("resumed").asInt()).isZero();
        assertThat(s.get("resumed_bytes").asLong()).isZero();
    }
}
