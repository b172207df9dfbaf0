package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI tells people and machines, in-process (the jar as a subprocess: ReportingJarIT):
 * resumed versus sent work, truthful progress, every left-out path named, and no control character
 * from a file name reaching the terminal.
 */
class CliReportingTest {

    /** A name that would forge a plan line and paint the terminal red if printed raw. */
    static final String FORGED = "evil\n  - delete   important.txt";
    static final String ESCAPES = "esc\u001b[31m.txt";
    static final String BIDI = "invoice\u202Etxt.exe";

    @TempDir
    Path tmp;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
    }

    /** The files a sync mirrors: the project without its state folder. */
    private static java.util.Map<String, String> synced(Fixture fixture) {
        return Fixture.read(fixture.root, k -> !k.startsWith("cache/"));
    }

    private static long totalBytes(Fixture fixture) {
        return synced(fixture).values().stream()
                .mapToLong(v -> v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
    }

    @Test
    void syncAfterAKilledRun_saysWhatWasResumedAndWhatWasSent_inTextAndJson() {
        int files = synced(f).size();
        long bytes = totalBytes(f);
        f.interruptedRun("nightly", "a.txt", "docs/b.txt");

        Fixture.Run sync = f.run("sync", "--snapshot", "nightly");

        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.out()).contains(files + " uploaded (" + Units.bytes(bytes) + "; 2 resumed from an interrupted run"
                + " (10 B already stored), " + Units.bytes(bytes - 10) + " sent)");
        // the plain progress lines end with every file and every byte, the resumed ones included
        List<String> progress = sync.err().lines().filter(l -> l.startsWith("  progress: ")).toList();
        assertThat(progress).last().asString().startsWith("  progress: " + files + "/" + files + " files, "
                + Units.bytes(bytes) + " of " + Units.bytes(bytes));

        Fixture g = new Fixture(tmp.resolve("json"));
        int gFiles = synced(g).size();
        long gBytes = totalBytes(g);
        g.interruptedRun("nightly", "docs/deep/c.txt");
        JsonNode summary = g.run("sync", "--snapshot", "nightly", "--json").json().get("summary");
        assertThat(summary.get("uploaded").asInt()).isEqualTo(gFiles);
        assertThat(summary.get("bytes").asLong()).isEqualTo(gBytes);
        assertThat(summary.get("resumed").asInt()).isEqualTo(1);
        assertThat(summary.get("resumed_bytes").asLong()).isEqualTo(7);
        assertThat(summary.get("bytes_sent").asLong()).isEqualTo(gBytes - 7);

        JsonNode noResume = g.run("sync", "--snapshot", "nightly", "--json").json().get("summary");
        assertThat(noResume.get("resumed").asInt()).isZero();
        assertThat(noResume.get("bytes_sent").asLong()).isZero();
        assertThat(g.run("sync", "--snapshot", "nightly").out()).contains("0 uploaded (0 B), ");
    }

    @Test
    void planAndSync_nameEveryLeftOutPathAndWhy_inTextAndJson() throws Exception {
        Files.createSymbolicLink(f.root.resolve("link"), f.root.resolve("a.txt"));
        f.write("back\\slash.txt", "x");

        Fixture.Run plan = f.run("plan", "--snapshot", "nightly");
        assertThat(plan.out()).contains("  left out   back\\slash.txt: name cannot be recorded",
                "  left out   link: symbolic link, not followed", ", 2 left out.");

        JsonNode doc = f.run("plan", "--snapshot", "nightly", "--json").json();
        assertThat(doc.get("skipped_paths").findValuesAsText("path")).containsExactly("back\\slash.txt", "link");
        assertThat(doc.get("skipped_paths").get(1).get("reason").asText()).isEqualTo("symbolic link, not followed");

        Fixture.Run sync = f.run("sync", "--snapshot", "nightly");
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.out()).contains("  left out   link: symbolic link, not followed", ", 2 left out, in ");
        assertThat(f.run("sync", "--snapshot", "nightly", "--json").json().get("skipped_paths")).hasSize(2);
        assertThat(f.run("manifest", "--json").json().get("skipped_paths")).hasSize(2);
    }

    @Test
    void moreThan50LeftOut_textShows50AndACount_verboseShowsAll_jsonHasAll() throws Exception {
        for (int i = 0; i < 55; i++) {
            Files.createSymbolicLink(f.root.resolve(String.format("link-%02d", i)), f.root.resolve("a.txt"));
        }

        Fixture.Run plan = f.run("plan", "--snapshot", "nightly");
        assertThat(plan.out().lines().filter(l -> l.startsWith("  left out   "))).hasSize(50);
        assertThat(plan.out()).contains("  ... and 5 more left out (-v lists them all", ", 55 left out.");
        assertThat(f.run("plan", "--snapshot", "nightly", "-v").out().lines().filter(l -> l.startsWith("  left out   ")))
                .hasSize(55);
        assertThat(f.run("sync", "--snapshot", "nightly", "-v").out().lines().filter(l -> l.startsWith("  left out   ")))
                .hasSize(55);
        assertThat(f.run("plan", "--snapshot", "nightly", "--json").json().get("skipped_paths")).hasSize(55);
    }

    @Test
    void nfcNfdTwins_areNamedOnceAsUnreadable_notAlsoAsLeftOut() {
        f.write("caf\u00e9.txt", "nfc");
        f.write("cafe\u0301.txt", "nfd");
        assumeThat(Fixture.read(f.root)).as("file system keeps names as bytes").containsKeys("caf\u00e9.txt", "cafe\u0301.txt");

        Fixture.Run plan = f.run("plan", "--snapshot", "nightly");

        assertThat(plan.out().lines().filter(l -> l.contains("caf"))).singleElement().asString()
                .startsWith("  ! unreadable caf\u00e9.txt: two files have this name once normalised");
        JsonNode doc = f.run("plan", "--snapshot", "nightly", "--json").json();
        assertThat(doc.get("skipped_paths")).isEmpty();
        assertThat(doc.get("scan").get("unreadable").findValuesAsText("path")).containsExactly("caf\u00e9.txt");
    }

    @Test
    void namesWithControlCharacters_areEscapedForPeople_andExactInJson() throws Exception {
        f.write(FORGED, "x");
        f.write(ESCAPES, "x");
        f.write(BIDI, "x");

        Fixture.Run plan = f.run("plan", "--snapshot", "nightly");
        assertThat(plan.out()).contains("+ new      evil\\n  - delete   important.txt (1 B)", "+ new      esc\\x1b[31m.txt",
                "+ new      invoice\\u202etxt.exe");
        assertRaw(plan);
        assertThat(plan.out().lines()).noneMatch(l -> l.startsWith("  - delete"));
        JsonNode doc = f.run("plan", "--snapshot", "nightly", "--json").json();
        assertThat(doc.get("plan").get("uploads").findValuesAsText("path")).contains(FORGED, ESCAPES, BIDI);

        Fixture.Run manifest = f.run("manifest");
        assertThat(manifest.out()).contains("  evil\\n  - delete   important.txt");
        assertRaw(manifest);

        Fixture.Run sync = f.run("sync", "--snapshot", "nightly", "-v");
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.err()).contains("uploaded esc\\x1b[31m.txt");
        assertRaw(sync);

        Files.delete(f.remote.resolve("nightly").resolve(ESCAPES));
        Fixture.Run verify = f.run("verify", "--snapshot", "nightly", "--sample", "100");
        assertThat(verify.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(verify.out()).contains("missing esc\\x1b[31m.txt");
        assertRaw(verify);

        Fixture.Run pull = f.run("pull", "--snapshot", "nightly", "--target", tmp.resolve("restore\u001b]0;x").toString());
        assertThat(pull.out()).contains("restore\\x1b]0;x");
        assertRaw(pull);

        Fixture.Run badConfig = f.run("plan", "--snapshot", "nightly", "--config", "conf\u001b[2J.json");
        assertThat(badConfig.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badConfig.err()).contains("conf\\x1b[2J.json");
        assertRaw(badConfig);
    }

    /** Neither output stream carries a control or bidi character, only the newlines between lines. */
    static void assertRaw(Fixture.Run run) {
        List<String> bad = new ArrayList<>();
        for (String stream : List.of(run.out(), run.err())) {
            stream.lines().forEach(l -> l.chars().filter(c -> Text.needsEscape((char) c) && c != '\r')
                    .forEach(c -> bad.add(String.format("U+%04X in %s", c, l))));
        }
        assertThat(bad).as(run.toString()).isEmpty();
    }
}
