package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.http.CloudSyncHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 item 10: {@code doctor --base} checks the server's own docs; the project's only with --require-docs. */
class DoctorBaseTest {

    @TempDir
    Path tmp;
    Fixture f;
    CloudSyncHttpServer server;

    @BeforeEach
    void serve() {
        f = new Fixture(tmp);
        // the server 'cloudsync serve' starts, on the fixture's project: token generated into <state>/http/token
        CloudSync cs = CloudSync.builder().root(f.root).config(CloudSyncConfig.load(f.root.resolve("config/cloudsync.json")))
                .build();
        server = CloudSyncHttpServer.builder(cs).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static List<String> failing(JsonNode checks) {
        List<String> out = new ArrayList<>();
        checks.forEach(c -> {
            if (!List.of("ok", "warn").contains(c.path("status").asText())) {
                out.add(c.path("name").asText() + ": " + c.path("detail").asText());
            }
        });
        return out;
    }

    @Test
    void base_onAProjectWithoutDocs_passes_andChecksTheDocsTheServerServes() {
        assertThat(f.root.resolve("README.md")).doesNotExist();
        assertThat(f.root.resolve("docs/CLOUD_SYNC.md")).doesNotExist();

        Fixture.Run doctor = f.run("--json", "doctor", "--base", server.baseUri().toString());

        JsonNode checks = doctor.json().path("doctor").path("checks");
        assertThat(failing(checks)).as(doctor.toString()).isEmpty();
        assertThat(doctor.code()).as(doctor.toString()).isZero();
        for (String doc : SmokeCheck.DOCS) {
            assertThat(checks.toString()).contains("\"name\":\"doc " + doc + "\",\"status\":\"ok\"");
        }
        assertThat(checks.toString()).contains("route /api/docs", "served by the server",
                "\"name\":\"route /api/modder/hooks (WebSocket)\",\"status\":\"ok\"",
                "\"name\":\"route /api/backup/prune\",\"status\":\"ok\"",
                "\"name\":\"route /api/sync/restore\",\"status\":\"ok\"").doesNotContain("root doc");
    }

    @Test
    void requireDocs_namesEachMissingFileOfTheProjectRoot_andExits2() throws Exception {
        Fixture.Run none = f.run("doctor", "--base", server.baseUri().toString(), "--require-docs");

        assertThat(none.code()).as(none.toString()).isEqualTo(ExitCodes.USAGE);
        for (String doc : SmokeCheck.DOCS) {
            assertThat(none.out()).contains(f.root.resolve(doc) + " does not exist");
        }

        f.write("README.md", "# my project");
        f.write("docs/CLOUD_SYNC.md", "sync");
        f.write("docs/BACKUPS.md", "backups");
        Fixture.Run some = f.run("--json", "doctor", "--require-docs");

        assertThat(some.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(failing(some.json().path("doctor").path("checks"))).singleElement().asString()
                .startsWith("root doc CHANGELOG.md: ").contains("CHANGELOG.md does not exist");

        Files.writeString(f.root.resolve("CHANGELOG.md"), "# Changelog");
        Fixture.Run all = f.run("doctor", "--base", server.baseUri().toString(), "--require-docs");
        assertThat(all.code()).as(all.toString()).isZero();
    }
}
