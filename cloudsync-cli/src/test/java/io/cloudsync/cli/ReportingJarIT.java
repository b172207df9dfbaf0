package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar as a subprocess: a rerun after a real SIGKILL reports resumed and sent work apart,
 * left-out paths are named, and file names cannot forge lines or reach the terminal raw.
 */
class ReportingJarIT {

    private static final int FILES = 1500;

    @TempDir
    Path tmp;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
    }

    @Test
    void rerunAfterSigkill_reportsTheJournalsFilesAsResumed_andSendsOnlyTheRest() throws Exception {
        for (int i = 0; i < FILES; i++) {
            f.write("data/d" + (i % 10) + "/f" + i + ".txt", "content of file " + i + " ".repeat(100));
        }
        Path journal = f.root.resolve("cache/cloud/journal/local/nightly.journal");
        List<String> command = new ArrayList<>(List.of(Jar.JAVA.toString(), "-jar", Jar.JAR.toString(), "sync",
                "--snapshot", "nightly"));
        Process child = new ProcessBuilder(command).directory(f.root.toFile())
                .redirectOutput(tmp.resolve("killed.out").toFile()).redirectError(tmp.resolve("killed.err").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (uploadsIn(journal) < 20 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(child.isAlive()).as("the sync must still run to be killed; raise FILES if the machine is faster").isTrue();
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no final manifest
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int journaled = uploadsIn(journal);
        assertThat(journaled).isBetween(20, FILES);

        Jar.Proc rerun = Jar.cloudsync(f.root, "sync", "--snapshot", "nightly", "--json");

        assertThat(rerun.code()).as(rerun.toString()).isZero();
        JsonNode s = rerun.json().get("summary");
        int total = s.get("uploaded").asInt();
        assertThat(total).isGreaterThanOrEqualTo(FILES);
        assertThat(s.get("resumed").asInt()).isEqualTo(journaled);
        assertThat(s.get("resumed_bytes").asLong()).isPositive();
        assertThat(s.get("bytes_sent").asLong()).isEqualTo(s.get("bytes").asLong() - s.get("resumed_bytes").asLong());
        assertThat(s.get("bytes").asLong()).isEqualTo(rerun.json().get("plan").get("bytes").asLong());
    }

    /** Complete {@code U} records: what the killed run had uploaded and verified. */
    private static int uploadsIn(Path journal) throws IOException {
        if (!Files.exists(journal)) {
            return 0;
        }
        String text = Files.readString(journal, StandardCharsets.UTF_8);
        int n = 0;
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (line.startsWith("U\t")) {
                n++;
            }
        }
        return n;
    }

    @Test
    void logLinesOnStderr_escapeThePathsTheyQuote() {
        f.write("caf\u00e9\u001b[2J.txt", "nfc");
        f.write("cafe\u0301\u001b[2J.txt", "nfd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Fixture.read(f.root).size() == 6, "file system keeps names as bytes");

        Jar.Proc plan = Jar.cloudsync(f.root, "plan", "--snapshot", "nightly");

        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.err()).contains("sync.manifest unreadable path=caf\u00e9\\x1b[2J.txt");
        assertThat(plan.out()).contains("! unreadable caf\u00e9\\x1b[2J.txt");
        CliReportingTest.assertRaw(new Fixture.Run(plan.code(), plan.out(), plan.err()));
    }

    @Test
    void resumedTextLine_andLeftOutPaths_andEscapedNames_inTheJarsOutput() throws Exception {
        Files.createSymbolicLink(f.root.resolve("link"), f.root.resolve("a.txt"));
        f.write("evil\n  - delete   important.txt", "x");
        f.write("esc\u001b[31m.txt", "x");
        f.interruptedRun("nightly", "a.txt");

        Jar.Proc plan = Jar.cloudsync(f.root, "plan", "--snapshot", "nightly");
        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("+ new      evil\\n  - delete   important.txt (1 B)", "+ new      esc\\x1b[31m.txt",
                "  left out   link: symbolic link, not followed", ", 1 left out.");
        assertThat(plan.out().lines()).noneMatch(l -> l.startsWith("  - delete"));
        CliReportingTest.assertRaw(new Fixture.Run(plan.code(), plan.out(), plan.err()));

        Jar.Proc sync = Jar.cloudsync(f.root, "sync", "--snapshot", "nightly", "-v");
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.out()).contains("; 1 resumed from an interrupted run (5 B already stored), ",
                "  left out   link: symbolic link, not followed");
        assertThat(sync.err()).contains("uploaded esc\\x1b[31m.txt");
        CliReportingTest.assertRaw(new Fixture.Run(sync.code(), sync.out(), sync.err()));

        JsonNode doc = Jar.cloudsync(f.root, "plan", "--snapshot", "nightly", "--json").json();
        assertThat(doc.get("skipped_paths").findValuesAsText("path")).containsExactly("link");
        assertThat(doc.get("plan").get("skipped").findValuesAsText("path")).contains("evil\n  - delete   important.txt",
                "esc\u001b[31m.txt");
    }
}
