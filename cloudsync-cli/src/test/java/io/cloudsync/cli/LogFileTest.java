package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 item 13: {@code --log-file}, {@code --log-format} and rotation, in-process. */
class LogFileTest {

    @TempDir
    Path tmp;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
    }

    @AfterEach
    void restore() {
        Logging.release();
    }

    static List<JsonNode> jsonLines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(Fixture.MAPPER.readTree(line));
        }
        return out;
    }

    /** The key-value pairs of a logback JSON line, {@code kvpList: [{"k": "v"}, ...]}, as one object. */
    static Map<String, String> kvp(JsonNode line) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        line.path("kvpList").forEach(pair -> pair.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText())));
        return out;
    }

    @Test
    void logFile_getsTheRunsEntriesAsJsonLines_andIsNotMirrored() throws Exception {
        Fixture.Run run = f.run("--log-file", "run.log", "sync", "--snapshot", "nightly");

        assertThat(run.code()).as(run.toString()).isZero();
        Path log = f.root.resolve("run.log");
        List<JsonNode> lines = jsonLines(log);
        assertThat(lines).filteredOn(l -> l.path("message").asText().equals("sync.run")).hasSize(1);
        JsonNode entry = lines.stream().filter(l -> l.path("message").asText().equals("sync.run")).findFirst().orElseThrow();
        assertThat(entry.path("level").asText()).isEqualTo("INFO");
        assertThat(entry.path("loggerName").asText()).isEqualTo("io.cloudsync.core.CloudSync");
        assertThat(entry.path("timestamp").asLong()).isPositive();
        assertThat(kvp(entry)).containsEntry("service", "local").containsEntry("snapshot", "nightly")
                .containsEntry("status", "success").containsKeys("uploaded", "bytes", "plan_id", "duration_ms");
        JsonNode scan = lines.stream().filter(l -> l.path("message").asText().startsWith("sync.manifest")).findFirst()
                .orElseThrow();
        assertThat(scan.path("formattedMessage").asText()).contains("root=" + f.root).doesNotContain("{}");
        // the log file sits in the root, but is not one of the project's files
        assertThat(Fixture.read(f.remote).keySet()).noneMatch(k -> k.contains("run.log"));
        assertThat(Fixture.read(f.remote).keySet()).anyMatch(k -> k.endsWith("a.txt"));
    }

    @Test
    void logFormatText_writesReadableLines() throws Exception {
        Path log = tmp.resolve("elsewhere/cloudsync.log");

        Fixture.Run run = f.run("--log-file", log.toString(), "--log-format", "text", "plan", "--snapshot", "nightly");

        assertThat(run.code()).as(run.toString()).isZero();
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(text).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT\\S+ INFO sync.dry_run .*service=local snapshot=nightly")
                .doesNotContain("{\"");
    }

    @Test
    void logFile_isRotatedAtTheSizeGiven_keepingWholeLines() throws Exception {
        Path log = tmp.resolve("logs/cli.log");
        for (int i = 0; i < 8; i++) {
            Fixture.Run run = f.run("--log-file", log.toString(), "--log-max-size", "1KiB", "plan", "--snapshot", "s" + i);
            assertThat(run.code()).as(run.toString()).isZero();
        }

        Path first = log.resolveSibling("cli.log.1");
        assertThat(first).exists();
        // a file is rotated before the line that would find it at or over the limit
        long longest = 0;
        for (Path p : List.of(log, first)) {
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                longest = Math.max(longest, line.length() + 1);
                assertThat(Fixture.MAPPER.readTree(line).path("message").asText()).startsWith("sync.");
            }
        }
        assertThat(Files.size(first)).isLessThan(1024 + longest);
        assertThat(log.resolveSibling("cli.log." + (Logging.KEEP + 1))).doesNotExist();
    }

    @Test
    void logFile_isAcceptedByACommandWithoutAProject_andOptionsMayFollowTheCommand() throws Exception {
        Fixture.Run providers = f.run("providers", "--log-file", "providers.log");

        assertThat(providers.code()).as(providers.toString()).isZero();
        assertThat(f.root.resolve("providers.log")).exists();

        Fixture.Run plan = f.run("plan", "--snapshot", "s", "--log-format", "text", "--log-file", "after.log");
        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(Files.readString(f.root.resolve("after.log"))).contains("INFO sync.dry_run service=local");
    }

    @Test
    void badLogOptions_exit2_sayingWhatToUse() {
        Fixture.Run format = f.run("--log-format", "xml", "plan", "--snapshot", "s");
        assertThat(format.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(format.err()).contains("--log-format", "JSON", "TEXT");

        Fixture.Run size = f.run("--log-file", "x.log", "--log-max-size", "12", "plan", "--snapshot", "s");
        assertThat(size.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(size.err()).contains("--log-max-size 12", "10MB");

        f.write("taken/file", "x");
        Fixture.Run folder = f.run("--log-file", "taken", "plan", "--snapshot", "s");
        assertThat(folder.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(folder.err()).contains("the log file " + f.root.resolve("taken") + " is a folder");
    }
}
