package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cloudsync serve} as a real process, smoke-checked by {@code cloudsync doctor --base}. */
class ServeIT {

    private static final Pattern URL = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+)");

    @TempDir
    Path tmp;

    @Test
    void serve_warnsOfAReadableTokenFile_andRefusesServiceConfigKeysItWasNotGiven() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/cloudsync.json"), "{\"features\": {\"enable_cloud_sync\": true,"
                + " \"enable_cloud_sync_local\": true}, \"services\": {\"local\": {\"directory\": \""
                + tmp.resolve("mirror") + "\"}}}");
        String token = "serve-it-token-0123456789abcdef";
        // inside the project root: the token file must never be mirrored
        Path tokenFile = Files.writeString(Files.createDirectories(root.resolve("run")).resolve("token"), token);
        Files.writeString(root.resolve("a.txt"), "alpha");
        Assumptions.assumeTrue(tokenFile.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> command = new ArrayList<>(List.of(Jar.JAVA.toString(), "-jar", Jar.JAR.toString(),
                "--root", root.toString(), "serve", "--port", "0", "--token-file", tokenFile.toString(),
                "--allow-service-config", "local.include_hidden"));
        Process server = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8))) {
            StringBuilder printed = new StringBuilder();
            String base = null;
            String line;
            while (base == null && (line = err.readLine()) != null) {
                printed.append(line).append('\n');
                Matcher m = URL.matcher(line);
                if (m.find()) {
                    base = m.group(1);
                }
            }
            assertThat(base).as(printed.toString()).isNotNull();
            assertThat(printed.toString()).contains("warning: the HTTP token file " + tokenFile, "readable by every user",
                    "chmod 600").doesNotContain(token);

            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/sync/dry_run"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"service\": \"local\", \"snapshot\": \"s\", \"service_config\": {\"directory\": \"/tmp/x\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("service_config.directory", "local.include_hidden");

            HttpResponse<String> plan = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/sync/dry_run"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"service\": \"local\", \"snapshot\": \"s\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
            assertThat(plan.body()).contains("\"path\":\"a.txt\"").doesNotContain("run/token");
        } finally {
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
        }
    }

    @Test
    void serve_thenDoctorBase_passesTheSmokeCheck() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/a.txt"), "alpha");
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/cloudsync.json"), "{\"features\": {\"enable_cloud_sync\": true,"
                + " \"enable_cloud_sync_local\": true}, \"services\": {\"local\": {\"directory\": \""
                + tmp.resolve("mirror") + "\"}}}");
        // a user's project: none of the design's docs in it; the server serves its own
        List<String> command = new ArrayList<>(List.of(Jar.JAVA.toString(), "-jar", Jar.JAR.toString(),
                "--root", root.toString(), "serve", "--port", "0"));
        Process server = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String base = null;
            try (BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while (base == null && (line = err.readLine()) != null) {
                    Matcher m = URL.matcher(line);
                    if (m.find()) {
                        base = m.group(1);
                    }
                }
                assertThat(base).as("serve prints where it listens").isNotNull();
                assertThat(root.resolve("cache/cloud/http/token")).exists();

                Jar.Proc doctor = Jar.cloudsync(root, "--root", root.toString(), "--json", "doctor", "--base", base);

                JsonNode checks = doctor.json().path("doctor").path("checks");
                List<String> failing = new ArrayList<>();
                checks.forEach(c -> {
                    if (!c.path("status").asText().equals("ok") && !c.path("status").asText().equals("warn")) {
                        failing.add(c.toString());
                    }
                });
                assertThat(failing).as(doctor.toString()).isEmpty();
                assertThat(checks.toString()).contains("route /api/modder/hooks", "route /api/modder/hooks (WebSocket)", "route /api/backup/restore",
                        "http token", "doc docs/CLOUD_SYNC.md", "served by the server", "route /api/docs", "flag enable_cloud_sync");
                assertThat(doctor.code()).isZero();

                Jar.Proc strict = Jar.cloudsync(root, "--root", root.toString(), "doctor", "--base", base, "--require-docs");
                assertThat(strict.code()).as(strict.toString()).isEqualTo(2);
                for (String doc : List.of("README.md", "docs/CLOUD_SYNC.md", "docs/BACKUPS.md", "CHANGELOG.md")) {
                    assertThat(strict.toString()).contains(root.resolve(doc) + " does not exist");
                }
            }
        } finally {
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
        }
    }
}
