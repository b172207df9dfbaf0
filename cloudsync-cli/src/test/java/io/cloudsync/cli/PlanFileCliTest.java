package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan --out FILE} and {@code sync --plan FILE}: the reviewed-change workflow, and its refusals. */
class PlanFileCliTest {

    @TempDir
    Path tmp;
    Fixture f;
    Path plan;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
        assertThat(f.run("sync", "--service", "local", "--snapshot", "nightly").code()).isZero();
        f.write("a.txt", "alpha, changed");
        f.write("docs/new.txt", "new");
        plan = tmp.resolve("PLAN.json");
    }

    @Test
    void planOut_thenSyncPlan_runsExactlyThatPlan() throws Exception {
        Fixture.Run planned = f.run("plan", "--service", "local", "--snapshot", "nightly", "--out", plan.toString());
        assertThat(planned.code()).as(planned.toString()).isZero();
        assertThat(planned.err()).contains("written to " + plan, "--plan " + plan);
        JsonNode doc = Fixture.MAPPER.readTree(plan.toFile());
        assertThat(doc.path("format").asText()).isEqualTo("cloudsync-plan");
        assertThat(doc.path("uploads")).hasSize(2);

        Fixture.Run run = f.run("sync", "--service", "local", "--snapshot", "nightly", "--plan", plan.toString(), "--json");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.json().path("plan").path("id").asText()).isEqualTo(doc.path("plan_id").asText());
        assertThat(run.json().path("summary").path("uploaded").asInt()).isEqualTo(2);
        assertThat(Fixture.read(f.remote.resolve("nightly"))).containsEntry("a.txt", "alpha, changed");
    }

    @Test
    void aChangeAfterThePlan_exits8_sayingWhatChanged_andMovesNothing() {
        assertThat(f.run("plan", "--service", "local", "--snapshot", "nightly", "--out", plan.toString()).code()).isZero();
        f.write("docs/b.txt", "bravo, changed after the review");

        Fixture.Run run = f.run("sync", "--service", "local", "--snapshot", "nightly", "--plan", plan.toString());

        assertThat(run.code()).as(run.toString()).isEqualTo(8);
        assertThat(run.err()).contains("the local tree changed", "nothing was transferred", "now also uploads docs/b.txt (changed)");
        assertThat(Fixture.read(f.remote.resolve("nightly"))).containsEntry("a.txt", "alpha")
                .doesNotContainKey("docs/new.txt");

        Fixture.Run json = f.run("sync", "--service", "local", "--snapshot", "nightly", "--plan", plan.toString(), "--json");
        assertThat(json.code()).isEqualTo(8);
        assertThat(json.json().path("error").path("type").asText()).isEqualTo("plan_changed");
        assertThat(json.json().path("error").path("category").asText()).isEqualTo("plan_changed");
        assertThat(json.json().path("error").path("exit_code").asInt()).isEqualTo(8);
    }

    @Test
    void syncDryRunWithAPlan_showsTheRefusalToo() {
        assertThat(f.run("plan", "--service", "local", "--snapshot", "nightly", "--out", plan.toString()).code()).isZero();
        assertThat(f.run("sync", "--dry-run", "--service", "local", "--snapshot", "nightly", "--plan", plan.toString()).code())
                .isZero();
        f.write("docs/b.txt", "changed");

        Fixture.Run dry = f.run("sync", "--dry-run", "--service", "local", "--snapshot", "nightly", "--plan", plan.toString());

        assertThat(dry.code()).as(dry.toString()).isEqualTo(8);
        assertThat(dry.err()).contains("the local tree changed");
    }

    @Test
    void aPlanForAnotherSnapshot_orOtherIncludes_isAUsageError() {
        assertThat(f.run("plan", "--service", "local", "--snapshot", "nightly", "--include", "docs", "--out", plan.toString())
                .code()).isZero();

        Fixture.Run other = f.run("sync", "--service", "local", "--snapshot", "weekly", "--plan", plan.toString());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("is for service \"local\" snapshot \"nightly\"");

        Fixture.Run includes = f.run("sync", "--service", "local", "--snapshot", "nightly", "--include", "a.txt", "--plan",
                plan.toString());
        assertThat(includes.code()).isEqualTo(2);
        assertThat(includes.err()).contains("was made with --include [docs]");

        // without --include, the file's include applies: only docs/new.txt goes, a.txt stays as it was
        Fixture.Run run = f.run("sync", "--service", "local", "--snapshot", "nightly", "--plan", plan.toString());
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(Fixture.read(f.remote.resolve("nightly"))).containsEntry("docs/new.txt", "new").containsEntry("a.txt", "alpha");
    }

    @Test
    void aDamagedOrMissingPlanFile_isAUsageError_namingTheFile() throws Exception {
        Fixture.Run missing = f.run("sync", "--service", "local", "--snapshot", "nightly", "--plan", plan.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("there is no plan file " + plan);

        assertThat(f.run("plan", "--service", "local", "--snapshot", "nightly", "--out", plan.toString()).code()).isZero();
        Files.writeString(plan, Files.readString(plan).replace("docs/new.txt", "docs/evil.txt"));
        Fixture.Run edited = f.run("sync", "--service", "local", "--snapshot", "nightly", "--plan", plan.toString());
        assertThat(edited.code()).isEqualTo(2);
        assertThat(edited.err()).contains("actions_sha256 does not match");
        assertThat(Fixture.read(f.remote.resolve("nightly"))).doesNotContainKey("docs/new.txt");
    }

    @Test
    void aRefusedPlan_isNotWritten() {
        Fixture.Run run = f.run("plan", "--service", "local", "--snapshot", "nightly", "--max-uploads", "1", "--out",
                plan.toString());

        assertThat(run.code()).isEqualTo(4);
        assertThat(run.err()).contains("the plan was not written to " + plan);
        assertThat(plan).doesNotExist();
    }
}
