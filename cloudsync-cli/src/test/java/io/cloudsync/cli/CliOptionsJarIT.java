package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16, items 1, 2, 3, 8 and 14, through the built jar as a subprocess. */
class CliOptionsJarIT {

    @TempDir
    Path tmp;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
    }

    private Jar.Proc run(String... args) {
        return Jar.cloudsync(f.root, args);
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void plan_configurationErrorsExit2_butAnUnreadableRemoteStillPlansFromTheCache() {
        f.write("config/cloudsync.json", "{\"features\": {\"enable_cloud_sync\": true, \"enable_cloud_sync_local\": true,"
                + " \"enable_cloud_sync_s4\": true}, \"services\": {\"local\": {\"directory\": "
                + Fixture.quote(f.remote.toString()) + "}}}");

        Jar.Proc typo = run("plan", "--snapshot", "nightly", "--set", "directroy=/x", "--json");
        assertThat(typo.code()).as(typo.toString()).isEqualTo(2);
        assertThat(typo.json().get("error").get("message").asText()).contains("unknown setting(s) [directroy]");
        assertThat(typo.json().has("plan")).isFalse();

        Jar.Proc unknown = run("plan", "--service", "s4", "--snapshot", "nightly");
        assertThat(unknown.code()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown service \"s4\"", "configures [local]").doesNotContain("\"features\"");
        assertThat(unknown.out()).isEmpty();

        assertThat(run("sync", "--snapshot", "nightly").code()).isZero();
        Fixture.write(f.remote, ".cloudsync/manifests/nightly.json", "{ damaged");
        Jar.Proc cached = run("plan", "--snapshot", "nightly", "--json");
        assertThat(cached.code()).as(cached.toString()).isZero();
        assertThat(cached.json().get("plan_source").asText()).isEqualTo("cache");
        assertThat(cached.err()).contains("the remote manifest was not read");
    }

    @Test
    void planAndSyncDryRun_gateOnTheLimitsWithExit4_printingThePlanAndTheRefusalOnce() {
        Jar.Proc plan = run("plan", "--snapshot", "nightly", "--max-uploads", "1", "--json");
        assertThat(plan.code()).as(plan.toString()).isEqualTo(4);
        JsonNode doc = plan.json();
        assertThat(doc.get("plan").get("uploads")).hasSizeGreaterThan(1);
        assertThat(doc.get("error").get("type").asText()).isEqualTo("limit");
        assertThat(occurrences(plan.err(), "more than the limit of 1")).as(plan.err()).isEqualTo(1);

        Jar.Proc dry = run("sync", "--dry-run", "--snapshot", "nightly", "--max-uploads", "1", "--json");
        assertThat(dry.code()).isEqualTo(4);
        assertThat(dry.json().get("plan")).isEqualTo(doc.get("plan"));
        assertThat(f.remote).doesNotExist();

        Jar.Proc sync = run("sync", "--snapshot", "nightly", "--max-uploads", "1");
        assertThat(sync.code()).isEqualTo(4);
        assertThat(occurrences(sync.err(), "more than the limit of 1")).as("printed once, not logged as well:\n" + sync.err())
                .isEqualTo(1);
        assertThat(run("plan", "--snapshot", "nightly", "--max-uploads", "10").code()).isZero();
    }

    @Test
    void pullAndVerify_takeIncludeAndSet() {
        Path other = tmp.resolve("other");
        assertThat(run("sync", "--snapshot", "nightly", "--set", "directory=" + other).code()).isZero();
        Path restore = tmp.resolve("restore");

        Jar.Proc pull = run("pull", "--snapshot", "nightly", "--set", "directory=" + other, "--include", "docs",
                "--target", restore.toString());
        assertThat(pull.code()).as(pull.toString()).isZero();
        assertThat(Fixture.read(restore).keySet()).containsExactly("docs/b.txt", "docs/deep/c.txt");

        Jar.Proc verify = run("verify", "--snapshot", "nightly", "--set", "directory=" + other, "--include", "a.txt",
                "--sample", "100", "--json");
        assertThat(verify.code()).as(verify.toString()).isZero();
        assertThat(verify.json().get("verify").get("files").asInt()).isEqualTo(1);
    }

    @Test
    void typos_getADidYouMean_andTheHelpKeepsWholeSentences() {
        Jar.Proc command = run("snyc");
        assertThat(command.code()).isEqualTo(2);
        assertThat(command.err()).contains("did you mean `sync`?");
        Jar.Proc option = run("plan", "--servce", "local", "--snapshot", "nightly");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).contains("did you mean `--service`?");

        Jar.Proc help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("sync Bring the remote in line with the project root.",
                "pull Restore a snapshot from the remote into a folder.",
                "doctor Check the setup and say what is missing.");
    }
}
