package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cloudsync serve --metrics-bind}: a real server process, a real run through the API (slowed by a
 * bandwidth limit so that it can be watched), and {@code /metrics} scraped during and after it, parsed
 * as the Prometheus text exposition format.
 */
class ServeMetricsIT {

    private static final Pattern API = Pattern.compile("serving .* at (http://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics at (http://127\\.0\\.0\\.1:\\d+/metrics)");
    private static final String TOKEN = "serve-metrics-token-0123456789";
    private static final int FILES = 8;
    private static final int SIZE = 96 * 1024;

    @TempDir
    Path tmp;
    final HttpClient http = HttpClient.newHttpClient();

    /** One sample: its metric name, labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** Parses the text format 0.0.4 strictly: every sample belongs to a family that a TYPE line declared before it. */
    static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertThat(parts).as(line).hasSize(4);
                assertThat(parts[3]).as(line).isIn("counter", "gauge", "histogram", "summary", "untyped");
                assertThat(types.put(parts[2], parts[3])).as("one TYPE line per family: " + line).isNull();
                continue;
            }
            assertThat(line).as("a comment other than HELP and TYPE").doesNotStartWith("#");
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: " + line).isTrue();
            String name = m.group(1);
            String family = types.keySet().stream().filter(f -> name.equals(f) || name.startsWith(f + "_")).findFirst().orElse(null);
            assertThat(family).as("a TYPE line before " + line).isNotNull();
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                int end = 0;
                while (l.find() && l.start() == end) {
                    labels.put(l.group(1), l.group(2));
                    end = l.end();
                }
                assertThat(end).as("labels of " + line).isEqualTo(m.group(3).length());
            }
            String value = m.group(4);
            double v = switch (value) {
                case "NaN" -> Double.NaN;
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value);
            };
            assertThat(seen.add(name + labels)).as("one sample per series: " + line).isTrue();
            samples.add(new Sample(name, labels, v));
        }
        return samples;
    }

    static double value(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).findFirst().orElse(Double.NaN);
    }

    @Test
    void metrics_duringAndAfterARealRun_sayWhatTheRunDid_inTheExpositionFormat() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/cloudsync.json"), "{\"features\": {\"enable_cloud_sync\": true,"
                + " \"enable_cloud_sync_local\": true}, \"sync\": {\"bwlimit\": \"192K\", \"include\": [\"data\"]},"
                + " \"services\": {\"local\": {\"directory\": \"" + tmp.resolve("mirror") + "\"}}}");
        Random random = new Random(22);
        for (int i = 0; i < FILES; i++) {
            byte[] bytes = new byte[SIZE];
            random.nextBytes(bytes);
            Files.write(Files.createDirectories(root.resolve("data")).resolve("f" + i + ".bin"), bytes);
        }
        Path tokenFile = Files.writeString(tmp.resolve("token"), TOKEN);
        Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Process server = new ProcessBuilder(Jar.JAVA.toString(), "-jar", Jar.JAR.toString(), "--root", root.toString(),
                "serve", "--port", "0", "--token-file", tokenFile.toString(), "--metrics-bind", "127.0.0.1:0")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8))) {
            String api = null;
            String metrics = null;
            StringBuilder printed = new StringBuilder();
            String line;
            while ((api == null || metrics == null) && (line = err.readLine()) != null) {
                printed.append(line).append('\n');
                Matcher a = API.matcher(line);
                Matcher m = METRICS.matcher(line);
                if (a.find()) {
                    api = a.group(1);
                }
                if (m.find()) {
                    metrics = m.group(1);
                }
            }
            assertThat(api).as(printed.toString()).isNotNull();
            assertThat(metrics).as(printed.toString()).isNotNull();
            URI scrape = URI.create(metrics);

            List<Sample> before = parse(get(scrape, null).body());
            assertThat(value(before, "cloudsync_vault_unlock_failures_total", Map.of())).isZero();
            assertThat(before).extracting(Sample::name).contains("jvm_memory_used_bytes", "process_uptime_seconds");

            String apiBase = api;
            CompletableFuture<HttpResponse<String>> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(apiBase + "/api/sync/run")).header("Authorization", "Bearer " + TOKEN)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"service\": \"local\", \"snapshot\": \"s\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Map<String, String> series = Map.of("service", "local", "snapshot", "s");
            double mostInFlight = 0;
            double mostInFlightBytes = 0;
            while (!run.isDone()) {
                List<Sample> during = parse(get(scrape, null).body());
                mostInFlight = Math.max(mostInFlight, orZero(value(during, "cloudsync_sync_inflight_files", series)));
                mostInFlightBytes = Math.max(mostInFlightBytes, orZero(value(during, "cloudsync_sync_inflight_bytes", series)));
                Thread.sleep(50);
            }
            HttpResponse<String> result = run.get(60, TimeUnit.SECONDS);
            assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
            assertThat(mostInFlight).as("files in flight seen during the run").isGreaterThanOrEqualTo(1.0);
            assertThat(mostInFlightBytes).as("bytes in flight seen during the run").isGreaterThanOrEqualTo(SIZE);

            List<Sample> after = parse(get(scrape, null).body());
            assertThat(value(after, "cloudsync_sync_files_total", with(series, "outcome", "uploaded"))).isEqualTo(FILES);
            assertThat(value(after, "cloudsync_sync_files_total", with(series, "outcome", "failed"))).isZero();
            assertThat(value(after, "cloudsync_sync_bytes_total", with(series, "outcome", "sent"))).isEqualTo((double) FILES * SIZE);
            assertThat(value(after, "cloudsync_sync_duration_seconds_count", with(series, "status", "success"))).isEqualTo(1);
            // 768 KiB at 192 KiB/s: the run took seconds, and the timer says so
            assertThat(value(after, "cloudsync_sync_duration_seconds_sum", with(series, "status", "success"))).isGreaterThan(2.0);
            assertThat(value(after, "cloudsync_sync_inflight_files", series)).isZero();
            assertThat(value(after, "cloudsync_sync_last_success_age_seconds", series)).isBetween(0.0, 60.0);

            // the API's own port serves the same route, behind the token
            URI onApi = URI.create(api + "/metrics");
            assertThat(get(onApi, null).statusCode()).isEqualTo(401);
            HttpResponse<String> withToken = get(onApi, TOKEN);
            assertThat(withToken.statusCode()).isEqualTo(200);
            assertThat(withToken.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(value(parse(withToken.body()), "cloudsync_sync_files_total", with(series, "outcome", "uploaded"))).isEqualTo(FILES);
        } finally {
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
        }
    }

    @Test
    void metricsBind_notLoopback_isRefusedWithAClearMessage() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Jar.Proc p = Jar.cloudsync(root, "--root", root.toString(), "serve", "--port", "0", "--metrics-bind", "0.0.0.0:9464");

        assertThat(p.code()).as(p.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(p.toString()).contains("0.0.0.0 is not a loopback address", "127.0.0.1:9464");

        Jar.Proc typo = Jar.cloudsync(root, "--root", root.toString(), "serve", "--port", "0", "--metrics-bind", "9464");
        assertThat(typo.code()).as(typo.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(typo.toString()).contains("--metrics-bind 9464 is not ADDRESS:PORT");
    }

    @Test
    void serveHelp_isHelp_andNamesTheMetricsOption() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Jar.Proc p = Jar.cloudsync(root, "serve", "--help");

        assertThat(p.code()).as(p.toString()).isZero();
        assertThat(p.toString()).contains("--metrics-bind", "/metrics");
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> out = new HashMap<>(labels);
        out.put(key, value);
        return out;
    }

    private HttpResponse<String> get(URI uri, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
