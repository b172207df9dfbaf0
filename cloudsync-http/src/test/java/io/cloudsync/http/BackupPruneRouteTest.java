package io.cloudsync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.Secret;
import io.cloudsync.core.Backups;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.RetentionPolicy;
import io.cloudsync.support.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/backup/prune} and the retention fields of {@code POST /api/backup/create}, over a real server and real archives. */
class BackupPruneRouteTest {

    static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path tmp;
    Path root;
    Path folder;
    final List<CloudSyncHttpServer> servers = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/a.txt"), "alpha");
        folder = root.resolve(Backups.FOLDER);
    }

    @AfterEach
    void tearDown() {
        servers.forEach(CloudSyncHttpServer::close);
    }

    private CloudSyncHttpServer server(RetentionPolicy configured) {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local").retention(configured).build();
        CloudSyncHttpServer s = CloudSyncHttpServer.builder(CloudSync.builder().root(root).config(config).build())
                .token(Secret.of(TOKEN)).start();
        servers.add(s);
        return s;
    }

    private HttpResponse<String> post(CloudSyncHttpServer s, String path, String json, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.baseUri().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    private List<String> seed(String... isoOldestFirst) {
        return Stream.of(isoOldestFirst).map(t -> Backups.of(root).clock(Clock.fixed(Instant.parse(t), ZoneOffset.UTC))
                .create("old", List.of("data"), Integer.MAX_VALUE).name()).toList();
    }

    private List<String> onDisk() throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void prune_dryRun_answersWhatWouldGoWithReasons_andDeletesNothing() throws Exception {
        CloudSyncHttpServer s = server(RetentionPolicy.none());
        List<String> n = seed("2020-03-01T10:00:00Z", "2020-03-02T10:00:00Z", "2020-03-09T10:00:00Z");

        HttpResponse<String> r = post(s, "/api/backup/prune", "{\"keep_weekly\": 1, \"dry_run\": true}", TOKEN);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode b = json(r).get("backup");
        assertThat(b.get("action").asText()).isEqualTo("prune");
        assertThat(b.get("dry_run").asBoolean()).isTrue();
        assertThat(b.get("kept").get(0).get("name").asText()).isEqualTo(n.get(2));
        assertThat(b.get("kept").get(0).get("reasons").toString()).isEqualTo("[\"weekly 2020-W11\"]");
        assertThat(b.get("removed").findValuesAsText("name")).containsExactly(n.get(1), n.get(0));
        assertThat(onDisk()).containsExactlyElementsOf(n);
    }

    @Test
    void prune_deletes_withThePolicyOfTheBody_orElseOfTheConfig() throws Exception {
        CloudSyncHttpServer s = server(RetentionPolicy.builder().keepLast(1).build());
        List<String> n = seed("2020-03-01T10:00:00Z", "2020-03-02T10:00:00Z", "2020-03-03T10:00:00Z", "2020-03-04T10:00:00Z");

        HttpResponse<String> byBody = post(s, "/api/backup/prune", "{\"keep_last\": 3}", TOKEN);
        assertThat(byBody.statusCode()).as(byBody.body()).isEqualTo(200);
        assertThat(json(byBody).get("backup").get("removed").findValuesAsText("name")).containsExactly(n.get(0));
        assertThat(onDisk()).containsExactly(n.get(1), n.get(2), n.get(3));

        HttpResponse<String> byConfig = post(s, "/api/backup/prune", "{}", TOKEN);
        assertThat(byConfig.statusCode()).as(byConfig.body()).isEqualTo(200);
        assertThat(json(byConfig).get("backup").get("policy").get("keep_last").asInt()).isEqualTo(1);
        assertThat(onDisk()).containsExactly(n.get(3));
    }

    @Test
    void prune_refusesMissingPolicyBadFieldsAndNoToken_deletingNothing() throws Exception {
        CloudSyncHttpServer s = server(RetentionPolicy.none());
        List<String> n = seed("2020-03-01T10:00:00Z", "2020-03-02T10:00:00Z");

        HttpResponse<String> none = post(s, "/api/backup/prune", "{\"dry_run\": false}", TOKEN);
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).get("error").asText()).contains("no retention policy", "keep_daily", "\"backups\"");
        assertThat(post(s, "/api/backup/prune", "{\"keep_last\": 0}", TOKEN).statusCode()).isEqualTo(400);
        assertThat(post(s, "/api/backup/prune", "{\"keep_daily\": -1}", TOKEN).statusCode()).isEqualTo(400);
        assertThat(post(s, "/api/backup/prune", "{\"keep_daily\": \"7\"}", TOKEN).statusCode()).isEqualTo(400);
        assertThat(post(s, "/api/backup/prune", "{\"keep_yearly\": 1}", TOKEN).statusCode()).isEqualTo(400);
        assertThat(post(s, "/api/backup/prune", "{\"keep_last\": 1}", null).statusCode()).isEqualTo(401);
        assertThat(post(s, "/api/backup/prune", "{\"keep_last\": 1}", "wrong-token-0123456789").statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(s.baseUri().resolve("/api/backup/prune"))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(405);
        assertThat(onDisk()).containsExactlyElementsOf(n);
    }

    @Test
    void create_withKeepFields_prunesAfterTheCreate_andRefusesMaxBackupsWithThem() throws Exception {
        CloudSyncHttpServer s = server(RetentionPolicy.none());
        List<String> n = seed("2020-03-01T10:00:00Z", "2020-03-02T10:00:00Z");

        HttpResponse<String> both = post(s, "/api/backup/create", "{\"max_backups\": 3, \"keep_daily\": 7}", TOKEN);
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(json(both).get("error").asText()).contains("not both");
        assertThat(onDisk()).containsExactlyElementsOf(n);

        HttpResponse<String> r = post(s, "/api/backup/create", "{\"label\": \"new\", \"paths\": [\"data\"], \"keep_last\": 2}", TOKEN);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode b = json(r).get("backup");
        assertThat(b.get("rotated").toString()).isEqualTo("[\"" + n.get(0) + "\"]");
        assertThat(b.get("retention").get("kept").findValuesAsText("name")).containsExactly(b.get("name").asText(), n.get(1));
        assertThat(onDisk()).containsExactlyInAnyOrder(b.get("name").asText(), n.get(1));
    }

    @Test
    void create_withoutCountOrPolicy_usesTheConfigPolicy() throws Exception {
        CloudSyncHttpServer s = server(RetentionPolicy.builder().keepLast(1).build());
        seed("2020-03-01T10:00:00Z", "2020-03-02T10:00:00Z");

        HttpResponse<String> r = post(s, "/api/backup/create", "{\"paths\": [\"data\"]}", TOKEN);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("backup").get("rotated")).hasSize(2);
        assertThat(onDisk()).containsExactly(json(r).get("backup").get("name").asText());

        // an explicit count still rotates by count, whatever the config says
        HttpResponse<String> counted = post(s, "/api/backup/create", "{\"paths\": [\"data\"], \"max_backups\": 5}", TOKEN);
        assertThat(json(counted).get("backup").get("retention").isNull()).isTrue();
        assertThat(onDisk()).hasSize(2);
    }
}
