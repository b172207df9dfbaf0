package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.support.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamed JSON of {@code plan} and {@code sync}, and their {@code --summary-only}. */
class SummaryOnlyTest {

    @TempDir
    Path tmp;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
    }

    /** What the tree-based printer printed: the parsed document pretty-printed, then a line separator. */
    private static String asTheTreePrinterPrintsIt(String out) throws Exception {
        JsonNode doc = Json.mapper().readTree(out);
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc) + System.lineSeparator();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A synced project, then an edit, a new file and a deletion, so the plan has every kind. */
    private void syncedThenChanged() throws Exception {
        assertThat(f.run("sync", "--snapshot", "nightly").code()).isZero();
        f.write("a.txt", "alpha, edited");
        f.write("new.txt", "new");
        f.write("newer.txt", "newer");
        Files.delete(f.root.resolve("docs/b.txt"));
    }

    @Test
    void streamedJson_isByteForByteWhatTheTreePrinterPrinted() throws Exception {
        syncedThenChanged();

        Fixture.Run plan = f.run("plan", "--snapshot", "nightly", "--json");
        Fixture.Run refused = f.run("sync", "--snapshot", "nightly", "--json", "--max-uploads", "1");
        Fixture.Run sync = f.run("sync", "--snapshot", "nightly", "--json");

        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.out()).isEqualTo(asTheTreePrinterPrintsIt(plan.out()));
        assertThat(refused.code()).as(refused.toString()).isEqualTo(4);
        assertThat(refused.out()).isEqualTo(asTheTreePrinterPrintsIt(refused.out()));
        assertThat(refused.json().get("plan").get("uploads")).hasSize(3);
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.out()).isEqualTo(asTheTreePrinterPrintsIt(sync.out()));
    }

    @Test
    void planSummaryOnlyJson_hasTheCountsOfTheWholePlan_andNoList() throws Exception {
        syncedThenChanged();
        JsonNode whole = f.run("plan", "--snapshot", "nightly", "--json").json();

        Fixture.Run run = f.run("plan", "--snapshot", "nightly", "--json", "--summary-only");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo(asTheTreePrinterPrintsIt(run.out()));
        JsonNode doc = run.json();
        assertThat(doc.get("summary_only").asBoolean()).isTrue();
        JsonNode plan = doc.get("plan");
        assertThat(names(plan)).containsExactly("id", "counts", "bytes");
        assertThat(plan.get("id").asText()).isEqualTo(whole.get("plan").get("id").asText());
        assertThat(plan.get("bytes").asLong()).isEqualTo(whole.get("plan").get("bytes").asLong());
        JsonNode counts = plan.get("counts");
        assertThat(counts.get("uploads").asInt()).isEqualTo(whole.get("plan").get("uploads").size()).isEqualTo(3);
        assertThat(counts.get("new").asInt()).isEqualTo(2);
        assertThat(counts.get("changed").asInt()).isEqualTo(1);
        assertThat(counts.get("deletes").asInt()).isEqualTo(whole.get("plan").get("deletes").size()).isEqualTo(1);
        assertThat(counts.get("skipped").asInt()).isEqualTo(whole.get("plan").get("skipped").size());
        for (String side : List.of("manifest", "remote_manifest")) {
            JsonNode m = doc.get(side);
            JsonNode entries = whole.get(side).get("entries");
            assertThat(names(m)).as(side).containsExactly("name", "root", "created_at", "files", "bytes", "checksum");
            assertThat(m.get("files").asInt()).as(side).isEqualTo(entries.size());
            long bytes = 0;
            for (JsonNode e : entries) {
                bytes += e.get("size").asLong();
            }
            assertThat(m.get("bytes").asLong()).as(side).isEqualTo(bytes);
            assertThat(m.get("checksum").asText()).isEqualTo(whole.get(side).get("checksum").asText());
        }
        assertThat(doc.get("summary").get("status").asText()).isEqualTo("dry_run");
    }

    @Test
    void syncSummaryOnlyJson_reportsTheRunWithoutTheLists() throws Exception {
        syncedThenChanged();

        Fixture.Run run = f.run("sync", "--snapshot", "nightly", "--json", "--summary-only");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode doc = run.json();
        assertThat(doc.get("summary").get("status").asText()).isEqualTo("success");
        assertThat(doc.get("summary").get("uploaded").asInt()).isEqualTo(3);
        assertThat(doc.get("summary").get("deleted").asInt()).isEqualTo(1);
        assertThat(doc.get("plan").has("uploads")).isFalse();
        assertThat(doc.get("manifest").has("entries")).isFalse();
        assertThat(doc.get("plan").get("counts").get("uploads").asInt()).isEqualTo(3);
        assertThat(Fixture.read(f.remote.resolve("nightly"))).containsKeys("new.txt", "newer.txt").doesNotContainKey("docs/b.txt");
    }

    @Test
    void summaryOnlyText_leavesOutTheScanReportButCountsIt() throws Exception {
        Files.createSymbolicLink(f.root.resolve("link"), f.root.resolve("a.txt"));

        Fixture.Run whole = f.run("plan", "--snapshot", "nightly");
        Fixture.Run plan = f.run("plan", "--snapshot", "nightly", "--summary-only");

        assertThat(whole.out()).contains("left out   link");
        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.out()).doesNotContain("left out   link").contains(", 1 left out.");
    }

    @Test
    void summaryOnlyText_printsTheCountsButNoLinePerFile() throws Exception {
        syncedThenChanged();

        Fixture.Run whole = f.run("plan", "--snapshot", "nightly");
        Fixture.Run plan = f.run("plan", "--snapshot", "nightly", "--summary-only");
        Fixture.Run dryRun = f.run("sync", "--snapshot", "nightly", "--dry-run", "--summary-only");

        assertThat(whole.out()).contains("+ new      new.txt", "~ changed  a.txt", "- delete   docs/b.txt");
        for (Fixture.Run run : List.of(plan, dryRun)) {
            assertThat(run.code()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Plan for service \"local\"", "3 to upload (", "1 to delete,")
                    .doesNotContain("new.txt", "a.txt", "docs/b.txt");
        }

        Fixture.Run sync = f.run("sync", "--snapshot", "nightly", "--summary-only");
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.out()).contains(": success. 3 uploaded").doesNotContain("new.txt");
    }
}
