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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 item 13: {@code cloudsync serve} (the jar) logs its runs to logs/server.log as JSON lines, no secret in them. */
class ServeLogIT {

    private static final Pattern URL = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+)");
    private static final String TOKEN = "serve-log-canary-token-0123456789";
    private static final String PASSPHRASE = "serve log canary passphrase 77";
    private static final String VAULT_VALUE = "CanaryVaultValueNeverLogged4242";

    @TempDir
    Path tmp;

    @Test
    void serve_writesTheRunsStructuredEntriesToLogsServerLog_asJsonLines_withoutSecrets() throws Exception {
        Fixture f = new Fixture(tmp);
        Path tokenFile = Files.writeString(tmp.resolve("token"), TOKEN);
        Map<String, String> env = Map.of("CLOUDSYNC_SECRETS_KEY", PASSPHRASE);
        Jar.Proc vault = Jar.cloudsync(f.root, env, VAULT_VALUE + "\n", "vault", "set", "canary.key");
        assertThat(vault.code()).as(vault.toString()).isZero();
        List<String> command = new ArrayList<>(List.of(Jar.JAVA.toString(), "-jar", Jar.JAR.toString(),
                "--root", f.root.toString(), "serve", "--port", "0", "--token-file", tokenFile.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process server = pb.start();
        Path log = f.root.resolve("logs/server.log");
        try (BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8))) {
            String base = null;
            String line;
            while (base == null && (line = err.readLine()) != null) {
                Matcher m = URL.matcher(line);
                if (m.find()) {
                    base = m.group(1);
                    assertThat(line).contains("log in " + log);
                }
            }
            assertThat(base).as("serve prints where it listens").isNotNull();
            HttpClient http = HttpClient.newHttpClient();
            for (String[] call : List.of(new String[] {"/api/sync/dry_run", "{\"service\": \"local\", \"snapshot\": \"s\"}"},
                    new String[] {"/api/sync/run", "{\"service\": \"local\", \"snapshot\": \"s\"}"},
                    new String[] {"/api/backup/create", "{\"label\": \"before\"}"})) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + call[0]))
                        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(call[1])).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(call[0] + ": " + r.body()).isEqualTo(200);
                assertThat(r.body()).doesNotContain("server.log");
            }
        } finally {
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
        }

        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain(TOKEN, PASSPHRASE, VAULT_VALUE);
        List<String> messages = new ArrayList<>();
        for (String line : text.split("\n")) {
            JsonNode entry = Fixture.MAPPER.readTree(line);
            assertThat(entry.isObject()).as(line).isTrue();
            assertThat(entry.has("timestamp") && entry.has("level") && entry.has("loggerName") && entry.has("message"))
                    .as(line).isTrue();
            messages.add(entry.path("message").asText());
            if (entry.path("message").asText().equals("sync.run")) {
                assertThat(LogFileTest.kvp(entry)).containsEntry("service", "local").containsEntry("status", "success")
                        // a.txt, docs/b.txt, docs/deep/c.txt, config/cloudsync.json; not logs/server.log
                        .containsEntry("uploaded", "4");
            }
        }
        assertThat(messages).contains("http.start", "sync.dry_run", "sync.run", "backup.create");
        assertThat(Set.copyOf(messages)).noneMatch(m -> m.contains(TOKEN));
        // the log is not mirrored, nor archived
        assertThat(Fixture.read(f.remote).keySet()).noneMatch(k -> k.contains("logs/")).anyMatch(k -> k.endsWith("a.txt"));
    }

    @Test
    void logFormatJson_makesTheStderrLogLinesJson_andLogFileWorksForAnyCommand() throws Exception {
        Fixture f = new Fixture(tmp);

        Jar.Proc plan = Jar.cloudsync(f.root, "-v", "--log-format", "json", "--log-file", "out/plan.log", "plan",
                "--snapshot", "s");

        assertThat(plan.code()).as(plan.toString()).isZero();
        List<String> jsonOnStderr = plan.err().lines().filter(l -> l.startsWith("{")).toList();
        assertThat(jsonOnStderr).as(plan.err()).isNotEmpty();
        assertThat(jsonOnStderr).anyMatch(l -> l.contains("\"message\":\"sync.dry_run\""));
        for (String line : jsonOnStderr) {
            assertThat(Fixture.MAPPER.readTree(line).path("level").asText()).isIn("INFO", "WARN", "ERROR");
        }
        assertThat(Files.readString(f.root.resolve("out/plan.log"))).contains("\"message\":\"sync.dry_run\"");
    }
}
