package io.cloudsync.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample application as a user starts it, on a real port, with its own application.yml: only the
 * folders and the cron (each second instead of each minute) are changed. Its first scheduled run mirrors
 * the files, Actuator's health says so, and the Prometheus endpoint counts them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTest {

    private static final Map<String, String> FILES = Map.of("docs/a.txt", "alpha", "docs/notes/b.md", "# bravo");
    /** One sample of the exposition format: name, labels and value. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( \\d+)?$");

    private static Path work;

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void folders(DynamicPropertyRegistry registry) throws IOException {
        work = Files.createTempDirectory("cloudsync-sample-");
        for (Map.Entry<String, String> f : FILES.entrySet()) {
            Path file = work.resolve("project").resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }
        registry.add("cloudsync.root", () -> work.resolve("project").toString());
        registry.add("cloudsync.services.local.directory", () -> work.resolve("mirror").toString());
        registry.add("cloudsync.schedule.local.cron", () -> "* * * * * *");
    }

    @Test
    void startsSyncsOnItsSchedule_andReportsHealthAndPrometheusMetrics() throws Exception {
        JsonNode cloudSync = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (cloudSync == null || !cloudSync.path("status").asText().equals("UP")) {
            assertThat(System.nanoTime()).as("cloudSync health UP within 90 s, last: %s", cloudSync).isLessThan(deadline);
            Thread.sleep(200);
            HttpResponse<String> health = get("/actuator/health");
            cloudSync = new ObjectMapper().readTree(health.body()).path("components").path("cloudSync");
        }
        JsonNode local = cloudSync.path("details").path("local");
        assertThat(local.path("snapshot").asText()).isEqualTo("sample");
        assertThat(local.path("lastRun").asText()).isEqualTo("success");

        try (Stream<Path> mirrored = Files.walk(work.resolve("mirror"))) {
            assertThat(mirrored.filter(Files::isRegularFile).count()).as("files in the mirror").isPositive();
        }

        HttpResponse<String> scrape = get("/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        List<String[]> samples = samples(scrape.body());
        assertThat(value(samples, "cloudsync_sync_files_total", "outcome=\"uploaded\"", "service=\"local\"",
                "snapshot=\"sample\"")).isEqualTo(FILES.size());
        assertThat(value(samples, "cloudsync_sync_duration_seconds_count", "status=\"success\"", "service=\"local\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "cloudsync_sync_last_success_age_seconds", "service=\"local\"")).isNotNegative();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every sample line as {name, labels, value}; fails on a line that is neither a sample nor a comment. */
    private static List<String[]> samples(String exposition) {
        List<String[]> out = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("an exposition-format sample: %s", line).isTrue();
            out.add(new String[] {m.group(1), m.group(3) == null ? "" : m.group(3), m.group(4)});
        }
        return out;
    }

    /** The one sample of {@code name} whose labels include each of {@code labels}. */
    private static double value(List<String[]> samples, String name, String... labels) {
        List<String[]> found = samples.stream().filter(s -> s[0].equals(name))
                .filter(s -> Stream.of(labels).allMatch(l -> s[1].contains(l))).toList();
        assertThat(found).as("samples of %s with %s", name, List.of(labels)).hasSize(1);
        return Double.parseDouble(found.get(0)[2]);
    }
}
