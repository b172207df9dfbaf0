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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 item 10: GET /api/docs serves the documents packaged with this build, whatever the project holds. */
class ServedDocsTest {

    static final String TOKEN = "docs-test-token-0123456789abcdef";
    static final Path REPO = Path.of("..");

    @TempDir
    Path tmp;

    private static JsonNode get(CloudSyncHttpServer server, String path, int status) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.baseUri().resolve(path))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return new ObjectMapper().readTree(r.body());
    }

    @Test
    void docs_listsAndServesTheRepositoryDocs_inAProjectThatHasNone() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        CloudSync cs = CloudSync.builder().root(root).config(CloudSyncConfig.builder().build()).build();
        try (CloudSyncHttpServer server = CloudSyncHttpServer.builder(cs).token(Secret.of(TOKEN)).start()) {
            JsonNode list = get(server, "/api/docs", 200);

            assertThat(list.path("docs").findValuesAsText("path")).containsExactly("README.md", "docs/CLOUD_SYNC.md",
                    "docs/BACKUPS.md", "CHANGELOG.md");
            assertThat(list.path("missing").size()).isZero();
            for (JsonNode d : list.path("docs")) {
                byte[] expected = Files.readAllBytes(REPO.resolve(d.path("path").asText()));
                assertThat(d.path("bytes").asLong()).isEqualTo(expected.length);
                assertThat(d.path("sha256").asText()).isEqualTo(HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(expected)));
            }

            JsonNode one = get(server, "/api/docs?path=docs/CLOUD_SYNC.md", 200);
            assertThat(one.path("content").asText())
                    .isEqualTo(Files.readString(REPO.resolve("docs/CLOUD_SYNC.md"), StandardCharsets.UTF_8));
            assertThat(one.path("media_type").asText()).startsWith("text/markdown");

            JsonNode unknown = get(server, "/api/docs?path=../pom.xml", 404);
            assertThat(unknown.path("error").asText()).contains("no document \"../pom.xml\"", "docs/CLOUD_SYNC.md");
            for (String p : List.of("README.md", "CHANGELOG.md")) {
                assertThat(root.resolve(p)).doesNotExist();
            }
        }
    }
}
