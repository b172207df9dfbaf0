package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Secret;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.http.ApiResponse;
import io.cloudsync.http.CloudSyncApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cloudsync --json} and the HTTP routes print one result the same way: the codec's JSON. */
class CliHttpSameJsonTest {

    private static final String TOKEN = "same-json-token-0123456789";

    @TempDir
    Path tmp;
    Fixture f;
    CloudSyncApi api;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
        CloudSync cs = CloudSync.builder().root(f.root)
                .config(CloudSyncConfig.load(f.root.resolve("config/cloudsync.json"))).build();
        api = new CloudSyncApi(cs, Secret.of(TOKEN));
    }

    private JsonNode http(String method, String path, String body) {
        ApiResponse r = api.handle(method, path, Map.of(), "Bearer " + TOKEN, body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        try {
            return Fixture.MAPPER.readTree(r.bytes()); // the bytes a client reads
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode cli(String... args) {
        Fixture.Run run = f.run(args);
        assertThat(run.code()).as(run.toString()).isZero();
        return run.json();
    }

    @Test
    void backupList_isTheSameDocument() {
        cli("backup", "create", "--label", "one", "--path", "a.txt", "--path", "docs", "--json");
        http("POST", "/api/backup/create", "{\"label\": \"two\", \"paths\": [\"docs\"]}");

        JsonNode fromCli = cli("backup", "list", "--json");

        assertThat(fromCli.path("backup").path("backups")).hasSize(2);
        assertThat(http("GET", "/api/backup/list", "")).isEqualTo(fromCli);
    }

    @Test
    void backupRestore_ofTheSameArchiveIntoTheSameTree_isTheSameDocument() {
        String name = cli("backup", "create", "--label", "one", "--path", "a.txt", "--path", "docs", "--json")
                .path("backup").path("name").asText();

        JsonNode fromCli = cli("backup", "restore", name, "--json");

        assertThat(fromCli.path("backup").path("skipped")).hasSize(3); // every file is already there
        assertThat(http("POST", "/api/backup/restore", "{\"name\": \"" + name + "\"}")).isEqualTo(fromCli);
    }

    @Test
    void backupPrune_dryRun_isTheSameDocument() {
        for (String t : new String[] {"2020-03-01T10:00:00Z", "2020-03-02T10:00:00Z", "2020-03-02T20:00:00Z"}) {
            io.cloudsync.core.Backups.of(f.root).clock(java.time.Clock.fixed(java.time.Instant.parse(t), java.time.ZoneOffset.UTC))
                    .create("old", java.util.List.of("a.txt"), Integer.MAX_VALUE);
        }

        JsonNode fromCli = cli("backup", "prune", "--keep-daily", "1", "--keep-last", "1", "--dry-run", "--json");

        assertThat(fromCli.path("backup").path("removed")).hasSize(2);
        assertThat(http("POST", "/api/backup/prune", "{\"keep_daily\": 1, \"keep_last\": 1, \"dry_run\": true}"))
                .isEqualTo(fromCli);
    }

    @Test
    void backupCreate_hasTheSameFields() {
        JsonNode fromCli = cli("backup", "create", "--label", "one", "--path", "a.txt", "--json");
        JsonNode fromHttp = http("POST", "/api/backup/create", "{\"label\": \"one\", \"paths\": [\"a.txt\"]}");

        // two archives: their names, paths and (by a few bytes of time and name) zip sizes differ
        for (JsonNode doc : new JsonNode[] {fromCli, fromHttp}) {
            ((ObjectNode) doc.path("backup")).remove(java.util.List.of("name", "archive", "archive_bytes", "size"));
        }
        assertThat(fromHttp).isEqualTo(fromCli);
    }

    @Test
    void dryRun_isTheSameDocument_butForTimes() {
        JsonNode fromCli = cli("plan", "--service", "local", "--snapshot", "nightly", "--json");
        JsonNode fromHttp = http("POST", "/api/sync/dry_run", "{\"service\": \"local\", \"snapshot\": \"nightly\"}");

        for (JsonNode doc : new JsonNode[] {fromCli, fromHttp}) {
            ((ObjectNode) doc.path("summary")).remove("duration_ms");
            ((ObjectNode) doc.path("manifest")).remove("created_at");
        }
        assertThat(fromCli.path("plan").path("uploads").toString()).contains("a.txt", "docs/deep/c.txt");
        assertThat(fromHttp).isEqualTo(fromCli);
    }
}
