package io.cloudsync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudsync.Secret;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every {@code curl} example in docs/CLOUD_SYNC.md runs, as written, against a real server. */
class DocsCurlExamplesTest {

    private static final Path DOC = Path.of("..", "docs", "CLOUD_SYNC.md");
    private static final Pattern SH_BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path tmp;

    static List<String> examples() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        Matcher m = SH_BLOCK.matcher(doc);
        while (m.find()) {
            out.add(m.group(1).trim());
        }
        return out;
    }

    @Test
    void docs_documentEveryRoute() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        for (String route : List.of("/api/health", "/api/sync/manifest", "/api/sync/dry_run", "/api/sync/run",
                "/api/sync/versions", "/api/sync/restore", "/api/modder/hooks", "/api/backup/create", "/api/backup/list", "/api/backup/restore", "/api/backup/prune",
                "/api/docs", "/metrics")) {
            assertThat(doc).as("docs/CLOUD_SYNC.md documents " + route).contains(" " + route);
            assertThat(examples()).as("a curl example for " + route).anyMatch(e -> e.contains(route));
        }
    }

    @Test
    void everyCurlExample_succeedsAgainstARealServer() throws Exception {
        assumeTrue(new File("/usr/bin/curl").canExecute() || new File("/bin/curl").canExecute(),
                "curl is not installed; install it (apt-get install curl) to run the documented examples");
        Path root = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/a.txt"), "alpha");
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", tmp.resolve("remote").toString())).build();
        CloudSync cs = CloudSync.builder().root(root).config(config).build();
        String token = "docs-example-token-0123456789";
        MetricsSource metrics = new MetricsSource("text/plain; version=0.0.4; charset=utf-8",
                () -> "# TYPE cloudsync_sync_files_total counter\ncloudsync_sync_files_total{outcome=\"uploaded\"} 1.0\n");
        try (CloudSyncHttpServer server = CloudSyncHttpServer.builder(cs).token(Secret.of(token)).metrics(metrics).start()) {
            List<String> examples = examples();
            assertThat(examples).isNotEmpty();
            for (String example : examples) {
                ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", example)
                        .redirectErrorStream(true);
                pb.environment().put("CLOUDSYNC_URL", server.baseUri().toString());
                pb.environment().put("CLOUDSYNC_TOKEN", token);
                Process p = pb.start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as("example failed:\n%s\noutput:\n%s", example, output).isZero();
                if (example.contains("/metrics")) {
                    assertThat(output).as(example).contains("cloudsync_sync_files_total{outcome=\"uploaded\"} 1.0");
                } else if (!example.contains("/api/modder/hooks")) {
                    assertThat(output.trim()).as(example).startsWith("{").doesNotContain("\"error\"");
                }
            }
        }
    }
}
