package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.core.internal.lock.RunLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar, run as a real subprocess. */
class CloudsyncJarIT {

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

    @Test
    void session_onLocal_manifestPlanSyncChangePlanSyncPullGivesTheSameTree() throws Exception {
        Jar.Proc manifest = run("manifest", "--json");
        assertThat(manifest.code()).as(manifest.toString()).isZero();
        assertThat(manifest.json().get("manifest").get("entries").findValuesAsText("path")).contains("a.txt", "docs/b.txt");

        Jar.Proc plan = run("plan", "--service", "local", "--snapshot", "nightly");
        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("+ new      a.txt");

        Jar.Proc sync = run("sync", "--service", "local", "--snapshot", "nightly");
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.out()).contains(": success.");

        f.write("a.txt", "alpha, edited");
        f.write("docs/new.txt", "new");
        Files.delete(f.root.resolve("docs/deep/c.txt"));
        Jar.Proc plan2 = run("plan", "--snapshot", "nightly", "--json");
        JsonNode p = plan2.json().get("plan");
        assertThat(p.get("uploads").findValuesAsText("path")).containsExactly("a.txt", "docs/new.txt");
        assertThat(p.get("deletes").findValuesAsText("path")).containsExactly("docs/deep/c.txt");
        assertThat(plan2.json().get("summary").get("status").asText()).isEqualTo("dry_run");

        Jar.Proc sync2 = run("sync", "--snapshot", "nightly", "--json");
        assertThat(sync2.code()).as(sync2.toString()).isZero();
        assertThat(sync2.json().get("summary").get("uploaded").asInt()).isEqualTo(2);
        assertThat(sync2.json().get("summary").get("deleted").asInt()).isEqualTo(1);

        Path restore = tmp.resolve("restore");
        Jar.Proc pull = run("pull", "--snapshot", "nightly", "--target", restore.toString());
        assertThat(pull.code()).as(pull.toString()).isZero();
        Map<String, String> expected = new java.util.TreeMap<>(f.projectFiles());
        Fixture.read(f.root.resolve("config")).forEach((k, v) -> expected.put("config/" + k, v));
        assertThat(Fixture.read(restore)).isEqualTo(expected);

        Jar.Proc verify = run("verify", "--snapshot", "nightly", "--sample", "100");
        assertThat(verify.code()).as(verify.toString()).isZero();
    }

    @Test
    void syncInclude_changesOnlyUnderThePath_andRefusesOneLeavingTheRoot() throws Exception {
        assertThat(run("sync", "--snapshot", "nightly").code()).isZero();
        f.write("a.txt", "alpha, edited outside the scope");
        Files.delete(f.root.resolve("docs/b.txt"));
        f.write("docs/new.txt", "new");

        Jar.Proc sync = run("sync", "--snapshot", "nightly", "--include", "docs/", "--json");

        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.json().get("scope").toString()).isEqualTo("[\"docs\"]");
        assertThat(sync.json().get("summary").get("uploaded").asInt()).isEqualTo(1);
        assertThat(sync.json().get("summary").get("deleted").asInt()).isEqualTo(1);
        assertThat(sync.json().get("manifest").get("entries").findValuesAsText("path")).contains("a.txt", "docs/new.txt")
                .doesNotContain("docs/b.txt");
        assertThat(Fixture.read(f.remote.resolve("nightly"))).containsEntry("a.txt", "alpha")
                .containsEntry("docs/new.txt", "new").doesNotContainKey("docs/b.txt");

        Jar.Proc text = run("plan", "--snapshot", "nightly", "--include", "docs");
        assertThat(text.out()).contains("scope: docs", "nothing to do");

        Jar.Proc bad = run("sync", "--snapshot", "nightly", "--include", "../outside");
        assertThat(bad.code()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err()).contains("cannot narrow the run to \"../outside\"").doesNotContain("\tat ");
    }

    @Test
    void exitCodes_zeroToSix_eachForItsOutcome() throws Exception {
        assertThat(run("plan", "--snapshot", "nightly").code()).as("0 dry run").isZero();
        assertThat(run("sync", "--snapshot", "nightly", "--bogus").code()).as("2 usage").isEqualTo(2);
        Jar.Proc limit = run("sync", "--snapshot", "nightly", "--max-bytes", "1B");
        assertThat(limit.code()).as(limit.toString()).isEqualTo(4);

        assertThat(run("sync", "--snapshot", "nightly", "--include", "docs").code()).as("0 success").isZero();
        Jar.Proc guard = run("sync", "--snapshot", "nightly", "--include", "docs", "--exclude", "**");
        assertThat(guard.code()).as(guard.toString()).isEqualTo(5);

        try (RunLock ignored = RunLock.acquire(f.root.resolve("cache/cloud"), "local", "nightly", Duration.ZERO)) {
            Jar.Proc locked = run("sync", "--snapshot", "nightly");
            assertThat(locked.code()).as(locked.toString()).isEqualTo(6);
            assertThat(locked.err()).contains("--wait-lock");
        }

        Files.createDirectories(f.remote.resolve("partial/a.txt/blocker"));
        Jar.Proc partial = run("sync", "--snapshot", "partial");
        assertThat(partial.code()).as(partial.toString()).isEqualTo(3);

        Fixture.write(f.remote, ".cloudsync/manifests/broken.json", "{ not json");
        Jar.Proc failed = run("sync", "--snapshot", "broken");
        assertThat(failed.code()).as(failed.toString()).isEqualTo(1);

        for (Jar.Proc p : List.of(limit, guard, partial, failed)) {
            assertThat(p.err()).doesNotContain("\tat ");
        }
    }

    @Test
    void json_stdoutHoldsOneDocument_whileProgressGoesToStderr() {
        Jar.Proc sync = run("sync", "--snapshot", "nightly", "--json");

        assertThat(sync.code()).isZero();
        JsonNode doc = sync.json();
        assertThat(doc.fieldNames()).toIterable().contains("manifest", "plan", "summary", "remote_manifest", "plan_source");
        assertThat(doc.get("summary").get("status").asText()).isEqualTo("success");
        assertThat(doc.get("summary").get("errors").isArray()).isTrue();
        assertThat(doc.get("plan").get("uploads").get(0).fieldNames()).toIterable()
                .containsExactly("path", "size", "sha256", "reason");
        assertThat(sync.err()).contains("progress:");

        Jar.Proc refused = run("sync", "--snapshot", "nightly", "--max-deletes", "0", "--json",
                "--exclude", "a.txt");
        assertThat(refused.code()).isEqualTo(4);
        assertThat(refused.json().get("error").get("type").asText()).isEqualTo("limit");
    }

    @Test
    void outOfHeap_saysWhatTheCapIsAndHowToRaiseIt_exit1_withoutAStackTrace() throws Exception {
        // a real exhausted heap: a configuration file of millions of numbers is read whole, as JSON nodes
        StringBuilder padding = new StringBuilder(16_000_000).append("[0");
        for (int i = 0; i < 8_000_000; i++) {
            padding.append(",0");
        }
        String config = Files.readString(f.root.resolve("config/cloudsync.json"));
        Files.writeString(f.root.resolve("config/cloudsync.json"),
                config.substring(0, config.lastIndexOf('}')) + ", \"padding\": " + padding.append("]}"));

        Jar.Proc plan = Jar.exec(f.root, Map.of(), "", List.of(Jar.JAVA.toString(), "-Xmx48m", "-jar", Jar.JAR.toString(),
                "--json", "plan", "--snapshot", "nightly"));

        assertThat(plan.code()).as(plan.toString()).isEqualTo(1);
        assertThat(plan.err()).as(plan.toString())
                .contains("cloudsync: out of memory: the Java heap is capped at ", " MiB", "CLOUDSYNC_JAVA_OPTS=-Xmx1g")
                .doesNotContain("\tat ", "OutOfMemoryError");
        JsonNode error = plan.json().get("error");
        assertThat(error.get("type").asText()).isEqualTo("out_of_memory");
        assertThat(error.get("category").asText()).isEqualTo("failed");
        assertThat(error.get("exit_code").asInt()).isEqualTo(1);
    }

    @Test
    void badArguments_exit2WithAHintAndNoStackTrace() {
        for (String[] args : new String[][] {
            {"sync", "--snapshot", "nightly", "--max-bytes", "lots"},
            {"sync", "--snapshot", "nightly", "--wait-lock", "later"},
            {"sync"},
            {"explode"},
        }) {
            Jar.Proc p = run(args);
            assertThat(p.code()).as(Arrays.toString(args) + "\n" + p).isEqualTo(2);
            assertThat(p.err()).contains("cloudsync: ", "--help").doesNotContain("\tat ");
            assertThat(p.out()).isEmpty();
        }
        Jar.Proc help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Exit codes");
    }

    @Test
    void launcherTraining_syncsLocallyAndThroughTheS3ProviderIntoItsInMemoryS3() {
        Jar.Proc p = Jar.cloudsync(f.root, "cds-training");
        assertThat(p.code()).as(p.toString()).isZero();
        assertThat(p.out()).as(p.toString()).contains("local: success 50 uploaded 0 deleted, then success 0 uploaded 0 deleted",
                "s3: success 50 uploaded 0 deleted, then success 0 uploaded 0 deleted, then success 1 uploaded 1 deleted, verify ok");
    }

    @Test
    void vault_valueFromStdin_isStoredAndOnlyRevealedOnRequest() {
        Map<String, String> env = Map.of("CLOUDSYNC_SECRETS_KEY", "jar it passphrase");
        Jar.Proc set = Jar.cloudsync(f.root, env, "value-from-stdin\n", "vault", "set", "cloud_sync.local.token");
        assertThat(set.code()).as(set.toString()).isZero();

        Jar.Proc get = Jar.cloudsync(f.root, env, "", "vault", "get", "cloud_sync.local.token");
        assertThat(get.out()).contains("is set").doesNotContain("value-from-stdin");
        Jar.Proc reveal = Jar.cloudsync(f.root, env, "", "vault", "get", "cloud_sync.local.token", "--reveal");
        assertThat(reveal.out().trim()).isEqualTo("value-from-stdin");
    }

    @Test
    void providers_listEveryFactoryMergedIntoTheShadedJar() throws Exception {
        TreeSet<String> declared;
        try (JarFile jar = new JarFile(Jar.JAR.toFile())) {
            String services = new String(jar.getInputStream(jar.getEntry("META-INF/services/io.cloudsync.spi.ProviderFactory"))
                    .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            declared = Arrays.stream(services.split("\n")).map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(declared).contains("io.cloudsync.core.internal.local.LocalProviderFactory");

        Jar.Proc providers = run("providers", "--json");

        assertThat(providers.code()).isZero();
        assertThat(providers.json().get("providers").findValuesAsText("id")).contains("local").hasSize(declared.size());
        assertThat(providers.json().get("problems")).isEmpty();
    }
}
