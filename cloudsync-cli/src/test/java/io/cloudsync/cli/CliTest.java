package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.Manifest;
import io.cloudsync.core.internal.lock.RunLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path tmp;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
    }

    @Test
    void session_manifestPlanSyncChangePullOnLocal_mirrorsAndRestoresTheProject() throws Exception {
        Fixture.Run manifest = f.run("manifest");
        assertThat(manifest.code()).as(manifest.toString()).isZero();
        assertThat(manifest.out()).contains("a.txt", "docs/deep/c.txt", "files,");

        Fixture.Run plan = f.run("plan", "--service", "local", "--snapshot", "nightly");
        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("+ new      a.txt", "Dry run: nothing was transferred");
        assertThat(f.remote).doesNotExist();

        Fixture.Run sync = f.run("sync", "--snapshot", "nightly");
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.out()).contains(": success.", "uploaded");
        assertThat(Fixture.read(f.remote.resolve("nightly"))).containsAllEntriesOf(f.projectFiles());

        f.write("a.txt", "alpha, edited");
        Files.delete(f.root.resolve("docs/b.txt"));
        f.write("new.txt", "new");
        Fixture.Run plan2 = f.run("plan", "--snapshot", "nightly", "--json");
        JsonNode p = plan2.json().get("plan");
        assertThat(p.get("uploads").findValuesAsText("path")).containsExactly("a.txt", "new.txt");
        assertThat(p.get("uploads").findValuesAsText("reason")).containsExactly("changed", "new");
        assertThat(p.get("deletes").findValuesAsText("path")).containsExactly("docs/b.txt");

        Fixture.Run sync2 = f.run("sync", "--snapshot", "nightly", "--json");
        assertThat(sync2.code()).as(sync2.toString()).isZero();
        JsonNode summary = sync2.json().get("summary");
        assertThat(summary.get("status").asText()).isEqualTo("success");
        assertThat(summary.get("uploaded").asInt()).isEqualTo(2);
        assertThat(summary.get("deleted").asInt()).isEqualTo(1);

        Path restore = tmp.resolve("restore");
        Fixture.Run pull = f.run("pull", "--snapshot", "nightly", "--target", restore.toString());
        assertThat(pull.code()).as(pull.toString()).isZero();
        assertThat(Fixture.read(restore)).isEqualTo(withConfig(f.projectFiles()));
    }

    private Map<String, String> withConfig(Map<String, String> files) {
        Map<String, String> all = new java.util.TreeMap<>(files);
        all.putAll(Fixture.read(f.root.resolve("config")).entrySet().stream().collect(java.util.stream.Collectors.toMap(
                e -> "config/" + e.getKey(), Map.Entry::getValue)));
        return all;
    }

    @Test
    void plan_json_hasTheOriginalDesignsShape() {
        Fixture.Run run = f.run("plan", "--snapshot", "nightly", "--json");

        assertThat(run.code()).isZero();
        JsonNode doc = run.json();
        assertThat(doc.fieldNames()).toIterable().contains("manifest", "plan", "summary", "remote_manifest", "plan_source");
        assertThat(doc.get("manifest").fieldNames()).toIterable().contains("name", "root", "created_at", "entries", "checksum");
        assertThat(doc.get("manifest").get("entries").get(0).fieldNames()).toIterable()
                .containsExactly("path", "size", "mtime", "sha256");
        assertThat(doc.get("plan").fieldNames()).toIterable().contains("uploads", "deletes", "skipped", "bytes");
        assertThat(doc.get("plan").get("uploads").get(0).fieldNames()).toIterable()
                .containsExactly("path", "size", "sha256", "reason");
        assertThat(doc.get("plan").get("bytes").asLong()).isEqualTo(5 + 5 + 7 + Fixture.read(f.root.resolve("config"))
                .values().stream().mapToLong(v -> v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum());
        JsonNode summary = doc.get("summary");
        assertThat(summary.fieldNames()).toIterable()
                .contains("status", "uploaded", "deleted", "skipped", "failed", "bytes", "errors");
        assertThat(summary.get("status").asText()).isEqualTo("dry_run");
        assertThat(doc.get("remote_manifest").isNull()).isTrue();
        assertThat(doc.get("plan_source").asText()).isEqualTo("remote");
    }

    @Test
    void sync_json_afterAFirstSyncReportsTheRemoteManifest() {
        assertThat(f.run("sync", "--snapshot", "nightly").code()).isZero();

        JsonNode doc = f.run("sync", "--snapshot", "nightly", "--json").json();

        assertThat(doc.get("remote_manifest").get("checksum").asText()).isEqualTo(doc.get("manifest").get("checksum").asText());
        assertThat(doc.get("plan").get("skipped").get(0).get("reason").asText()).isEqualTo("unchanged");
        assertThat(doc.get("summary").get("errors")).isEmpty();
    }

    @Test
    void sync_maxThresholds_refuseThePlanWithExit4AndTransferNothing() {
        Fixture.Run uploads = f.run("sync", "--snapshot", "nightly", "--max-uploads", "1");
        assertThat(uploads.code()).as(uploads.toString()).isEqualTo(4);
        assertThat(uploads.err()).contains("more than the limit of 1", "--max-uploads");
        assertThat(f.remote).doesNotExist();

        Fixture.Run bytes = f.run("sync", "--snapshot", "nightly", "--max-bytes", "10B", "--json");
        assertThat(bytes.code()).isEqualTo(4);
        assertThat(bytes.json().get("error").get("type").asText()).isEqualTo("limit");
        assertThat(bytes.json().get("plan").get("uploads")).isNotEmpty();

        assertThat(f.run("sync", "--snapshot", "nightly").code()).isZero();
        f.write("docs/b.txt", "bravo");
        deleteQuietly(f.root.resolve("a.txt"));
        Fixture.Run deletes = f.run("sync", "--snapshot", "nightly", "--max-deletes", "0");
        assertThat(deletes.code()).as(deletes.toString()).isEqualTo(4);
        assertThat(deletes.err()).contains("--max-deletes");
    }

    @Test
    void sync_localSideEmptied_isRefusedByTheDeleteGuardWithExit5UnlessAllowed() throws Exception {
        assertThat(f.run("sync", "--snapshot", "nightly", "--include", "docs").code()).isZero();
        Fixture.Run guarded = f.run("sync", "--snapshot", "nightly", "--include", "docs", "--exclude", "**");

        assertThat(guarded.code()).as(guarded.toString()).isEqualTo(5);
        assertThat(guarded.err()).contains("refusing to delete", "--allow-mass-delete");
        assertThat(Fixture.read(f.remote.resolve("nightly"))).containsKeys("docs/b.txt");

        Fixture.Run allowed = f.run("sync", "--snapshot", "nightly", "--include", "docs", "--exclude", "**",
                "--allow-mass-delete");
        assertThat(allowed.code()).as(allowed.toString()).isZero();
        assertThat(Fixture.read(f.remote.resolve("nightly"))).isEmpty();
    }

    @Test
    void include_narrowsPlanAndSync_andTheRemoteKeepsEverythingOutsideIt() throws Exception {
        assertThat(f.run("sync", "--snapshot", "nightly").code()).isZero();
        Manifest before = committed(f.remote);
        f.write("a.txt", "alpha, edited outside the scope");
        Files.delete(f.root.resolve("docs/b.txt"));
        f.write("docs/new.txt", "new");
        f.write("docs2/other.txt", "docs2 is not docs");

        Fixture.Run plan = f.run("plan", "--snapshot", "nightly", "--include", "./docs/", "--json");
        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.json().get("scope").toString()).isEqualTo("[\"docs\"]");
        assertThat(plan.json().get("plan").get("uploads").findValuesAsText("path")).containsExactly("docs/new.txt");
        assertThat(plan.json().get("plan").get("deletes").findValuesAsText("path")).containsExactly("docs/b.txt");
        assertThat(f.run("plan", "--snapshot", "nightly", "--json").json().get("scope").toString()).isEqualTo("[]");

        Fixture.Run text = f.run("plan", "--snapshot", "nightly", "--include", "docs");
        assertThat(text.out()).contains("scope: docs (narrowed by --include", "+ new      docs/new.txt", "delete   docs/b.txt")
                .doesNotContain("a.txt", "docs2");

        Fixture.Run sync = f.run("sync", "--snapshot", "nightly", "--include", "docs");
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.out()).contains("scope: docs", "1 uploaded", "1 deleted");
        Map<String, String> remote = Fixture.read(f.remote.resolve("nightly"));
        assertThat(remote).containsEntry("a.txt", "alpha").containsEntry("docs/new.txt", "new")
                .doesNotContainKeys("docs/b.txt", "docs2/other.txt");
        Manifest after = committed(f.remote);
        assertThat(entry(after, "a.txt")).isEqualTo(entry(before, "a.txt")).isNotNull();
        assertThat(entry(after, "docs/b.txt")).isNull();
        assertThat(entry(after, "docs/new.txt")).isNotNull();
    }

    private static io.cloudsync.ManifestEntry entry(Manifest manifest, String path) {
        return manifest.find(path).orElse(null);
    }

    /** The manifest committed in a {@code local} remote, read as the engine reads it (format 1 or 2). */
    private static Manifest committed(Path remote) {
        try (io.cloudsync.spi.Provider p = io.cloudsync.core.Providers.load().require("local").open(
                io.cloudsync.spi.ProviderConfig.builder().put("directory", remote.toString()).build(),
                io.cloudsync.spi.Secrets.none())) {
            return io.cloudsync.core.SnapshotManifests.read(p, "nightly").orElseThrow();
        }
    }

    @Test
    void include_withAControlCharacter_isEscapedInTheScopeLine() {
        Fixture.Run plan = f.run("plan", "--snapshot", "nightly", "--include", "docs\n  + new      forged.txt");

        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("scope: docs\\n  + new      forged.txt").doesNotContain("\n  + new      forged.txt");
    }

    @Test
    void include_absoluteOrLeavingTheRoot_exits2AndTransfersNothing() {
        for (String bad : new String[] {"../elsewhere", "/etc"}) {
            Fixture.Run sync = f.run("sync", "--snapshot", "nightly", "--include", bad);
            assertThat(sync.code()).as(sync.toString()).isEqualTo(2);
            assertThat(sync.err()).contains("cannot narrow the run to \"" + bad + "\"", "relative to the project root");
            Fixture.Run plan = f.run("plan", "--snapshot", "nightly", "--include", bad);
            assertThat(plan.code()).as(plan.toString()).isEqualTo(2);
        }
        assertThat(f.remote).doesNotExist();
    }

    @Test
    void sync_lockHeldByAnotherRun_exits6EvenAfterWaiting() {
        Path state = f.root.resolve("cache/cloud");
        try (RunLock ignored = RunLock.acquire(state, "local", "nightly", Duration.ZERO)) {
            Fixture.Run run = f.run("sync", "--snapshot", "nightly", "--wait-lock", "200ms");

            assertThat(run.code()).as(run.toString()).isEqualTo(6);
            assertThat(run.err()).contains("--wait-lock");
        }
        assertThat(f.run("sync", "--snapshot", "nightly").code()).isZero();
    }

    @Test
    void sync_oneUploadBlocked_isPartialWithExit3AndTheErrorListed() throws Exception {
        Files.createDirectories(f.remote.resolve("nightly/a.txt/blocker"));

        Fixture.Run run = f.run("sync", "--snapshot", "nightly", "--json");

        assertThat(run.code()).as(run.toString()).isEqualTo(3);
        JsonNode summary = run.json().get("summary");
        assertThat(summary.get("status").asText()).isEqualTo("partial");
        assertThat(summary.get("errors").get(0).get("action").asText()).isEqualTo("upload");
        assertThat(summary.get("errors").get(0).get("path").asText()).isEqualTo("a.txt");
    }

    @Test
    void planAndSync_nameWhatTheScanLeftOut_inTextAndJson() throws Exception {
        Files.createSymbolicLink(f.root.resolve("link-to-a"), f.root.resolve("a.txt"));

        Fixture.Run plan = f.run("plan", "--snapshot", "nightly");
        assertThat(plan.out()).as(plan.toString()).contains("left out   link-to-a: symbolic link, not followed")
                .contains("1 left out.");
        Fixture.Run sync = f.run("sync", "--snapshot", "nightly", "--json");
        assertThat(sync.code()).as(sync.toString()).isZero();
        JsonNode scan = sync.json().get("scan");
        assertThat(scan.get("skipped").get(0).asText()).isEqualTo("link-to-a: symbolic link, not followed");
        assertThat(scan.get("unreadable")).isEmpty();
        assertThat(scan.get("invalid_names").asInt()).isZero();
    }

    @Test
    void sync_theVault_isNeverMirroredByDefault() throws Exception {
        f.write("config/cloudsync.secrets.json", "{\"not\": \"really a vault\"}");

        assertThat(f.run("sync", "--snapshot", "nightly").code()).isZero();

        assertThat(Fixture.read(f.remote.resolve("nightly")).keySet()).contains("a.txt")
                .noneMatch(p -> p.contains("secrets"));
    }

    @Test
    void sync_damagedRemoteManifest_failsWithExit1() throws Exception {
        Fixture.write(f.remote, ".cloudsync/manifests/nightly.json", "{ not json");

        Fixture.Run run = f.run("sync", "--snapshot", "nightly");

        assertThat(run.code()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains(": failed.", "cannot read the remote manifest");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void sync_featureFlagOff_exits2NamingTheFlagAndTheFile() {
        f.config(true, false);

        Fixture.Run run = f.run("sync", "--snapshot", "nightly");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("enable_cloud_sync_local", "config/cloudsync.json", "cloudsync doctor");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void errors_withVerbose_showTheStackTrace() {
        f.config(false, false);

        Fixture.Run quiet = f.run("plan", "--snapshot", "nightly");
        Fixture.Run verbose = f.run("plan", "--snapshot", "nightly", "-v");

        assertThat(quiet.err()).doesNotContain("\tat ");
        assertThat(verbose.code()).isEqualTo(2);
        assertThat(verbose.err()).contains("FeatureDisabledException", "\tat io.cloudsync.");
    }

    @Test
    void badArguments_exit2WithAMessageAndAHint() {
        String[][] cases = {
            {"sync", "--snapshot", "nightly", "--max-bytes", "lots"},
            {"sync", "--snapshot", "nightly", "--wait-lock", "soon"},
            {"sync", "--snapshot", "nightly", "--max-uploads", "-1"},
            {"sync", "--snapshot", "nightly", "--set", "novalue"},
            {"sync", "--snapshot", "bad name"},
            {"sync"},
            {"verify", "--snapshot", "nightly", "--sample", "101"},
            {"pull", "--snapshot", "nightly"},
            {"frobnicate"},
            {},
            {"--root", "does-not-exist", "plan", "--snapshot", "nightly"},
            {"--config", "missing.json", "plan", "--snapshot", "nightly"},
        };
        for (String[] args : cases) {
            Fixture.Run run = f.run(args);
            assertThat(run.code()).as(String.join(" ", args) + "\n" + run).isEqualTo(2);
            assertThat(run.err()).as(String.join(" ", args)).startsWith("cloudsync: ").doesNotContain("\tat ");
            assertThat(run.out()).as(String.join(" ", args)).isEmpty();
        }
    }

    @Test
    void badArguments_withJson_printOneJsonErrorDocument() {
        Fixture.Run run = f.run("sync", "--snapshot", "nightly", "--max-bytes", "lots", "--json");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.json().get("error").get("exit_code").asInt()).isEqualTo(2);
        assertThat(run.json().get("error").get("message").asText()).contains("--max-bytes");
    }

    @Test
    void serviceOmitted_withSeveralServices_asksWhichOne() {
        f.write("config/cloudsync.json", "{\"features\": {\"enable_cloud_sync\": true}, \"services\": {"
                + "\"a\": {\"provider\": \"local\", \"directory\": \"x\"}, \"b\": {\"provider\": \"local\", \"directory\": \"y\"}}}");

        Fixture.Run run = f.run("plan", "--snapshot", "nightly");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Missing --service", "[a, b]");
    }

    @Test
    void unknownProvider_exits2ListingWhatIsThere() {
        f.write("config/cloudsync.json", "{\"features\": {\"enable_cloud_sync\": true, \"enable_cloud_sync_x\": true},"
                + " \"services\": {\"x\": {\"provider\": \"nope\"}}}");

        Fixture.Run run = f.run("sync", "--snapshot", "nightly");

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("No cloudsync provider with id \"nope\"", "local");
    }

    @Test
    void setOption_overridesTheConfiguredDirectory() {
        Path other = tmp.resolve("other");

        Fixture.Run run = f.run("sync", "--snapshot", "nightly", "--set", "directory=" + other);

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(Fixture.read(other.resolve("nightly"))).containsKey("a.txt");
        assertThat(f.remote).doesNotExist();
    }

    @Test
    void noCommitManifest_transfersButLeavesTheRemoteManifestAlone() {
        Fixture.Run run = f.run("sync", "--snapshot", "nightly", "--no-commit-manifest");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("--no-commit-manifest");
        assertThat(Fixture.read(f.remote.resolve("nightly"))).containsKey("a.txt");
        assertThat(f.remote.resolve(".cloudsync/manifests/nightly.json")).doesNotExist();
    }

    @Test
    void plan_remoteUnreadable_plansFromTheCacheAndSaysSo() throws Exception {
        assertThat(f.run("sync", "--snapshot", "nightly").code()).isZero();
        Fixture.write(f.remote, ".cloudsync/manifests/nightly.json", "{ damaged");

        Fixture.Run run = f.run("plan", "--snapshot", "nightly", "--json");

        assertThat(run.code()).isZero();
        assertThat(run.json().get("plan_source").asText()).isEqualTo("cache");
        assertThat(run.err()).contains("the remote manifest was not read");
    }

    @Test
    void pull_existingFilesAndJson_skipThenReplace() {
        assertThat(f.run("sync", "--snapshot", "nightly").code()).isZero();
        Path restore = tmp.resolve("restore");
        Fixture.write(restore, "a.txt", "mine");

        Fixture.Run kept = f.run("pull", "--snapshot", "nightly", "--target", restore.toString(), "--json");
        JsonNode pull = kept.json().get("pull");
        assertThat(pull.get("status").asText()).isEqualTo("success");
        assertThat(pull.get("skipped_existing").asInt()).isEqualTo(1);
        assertThat(kept.json().get("remote_manifest").get("entries")).isNotEmpty();
        assertThat(Fixture.read(restore)).containsEntry("a.txt", "mine");

        Fixture.Run replaced = f.run("pull", "--snapshot", "nightly", "--target", restore.toString(), "--replace-existing");
        assertThat(replaced.code()).isZero();
        assertThat(Fixture.read(restore)).containsEntry("a.txt", "alpha");
    }

    @Test
    void pull_unknownSnapshot_exits1SayingThereIsNothingToPull() {
        Fixture.Run run = f.run("pull", "--snapshot", "weekly", "--target", tmp.resolve("r").toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("no manifest for snapshot \"weekly\"");
    }

    @Test
    void verify_intactThenDamaged_exits0Then1() throws Exception {
        assertThat(f.run("sync", "--snapshot", "nightly").code()).isZero();

        Fixture.Run ok = f.run("verify", "--snapshot", "nightly", "--sample", "100", "--json");
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.json().get("verify").get("ok").asBoolean()).isTrue();
        assertThat(ok.json().get("verify").get("verified_by_download").asInt()).isEqualTo(ok.json().get("verify").get("files").asInt());

        Fixture.write(f.remote.resolve("nightly"), "a.txt", "ALPHA");
        Fixture.Run bad = f.run("verify", "--snapshot", "nightly", "--sample", "100");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("digest_mismatch a.txt", "Run \"cloudsync sync\"");
    }

    @Test
    void providers_listsLocalWithItsCapabilitiesAndKeys() {
        Fixture.Run text = f.run("providers");
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("local - ", "listing", "directory");

        JsonNode json = f.run("providers", "--json").json();
        JsonNode local = json.get("providers").findParents("id").stream().filter(n -> n.get("id").asText().equals("local"))
                .findFirst().orElseThrow();
        assertThat(local.get("capabilities").toString()).contains("listing");
        assertThat(local.get("config_keys").get(0).get("name").asText()).isEqualTo("directory");
    }

    @Test
    void doctor_goodSetupExits0_missingConfigExits2() throws Exception {
        Fixture.Run good = f.run("doctor");
        assertThat(good.code()).as(good.toString()).isZero();
        assertThat(good.out()).contains("Nothing is missing", "service local");

        Files.delete(f.root.resolve("config/cloudsync.json"));
        Fixture.Run bad = f.run("doctor", "--json");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.json().get("doctor").get("ok").asBoolean()).isFalse();
        assertThat(bad.json().get("doctor").get("checks").toString()).contains("does not exist");
    }

    @Test
    void doctor_checksAServiceAgainstTheProviderItsProviderSettingNames() {
        f.write("config/cloudsync.json", "{\"features\": {\"enable_cloud_sync\": true, \"enable_cloud_sync_mirror\": true,"
                + " \"enable_cloud_sync_elsewhere\": true}, \"services\": {\"mirror\": {\"provider\": \"local\"},"
                + " \"elsewhere\": {\"provider\": \"nosuch\", \"directory\": \"/x\"}}}");

        Fixture.Run run = f.run("doctor");

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        // the same resolution as a run: "provider" chooses the provider and is not a setting of it
        assertThat(run.out()).contains("service mirror", "provider local, missing required setting(s) [directory]")
                .contains("provider \"nosuch\" is not on the class path");
    }

    @Test
    void demo_inAFolder_runsTwoSyncsAndShowsTheDelta() {
        Path dir = tmp.resolve("demo");

        Fixture.Run run = Fixture.runIn(tmp, Map.of(), "", "demo", "--dir", dir.toString());

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("1/4 Plan", "~ changed  data/notes.txt", "1 uploaded", dir.resolve("mirror/demo").toString());
        assertThat(Fixture.read(dir.resolve("mirror/demo"))).containsKeys("README.md", "data/notes.txt")
                .doesNotContainKey("logs/app.log");

        Fixture.Run again = Fixture.runIn(tmp, Map.of(), "", "demo", "--dir", dir.toString(), "--json");
        assertThat(again.code()).isZero();
        JsonNode steps = again.json().get("steps");
        assertThat(steps).hasSize(4);
        assertThat(steps.get(3).get("summary").get("uploaded").asInt()).isEqualTo(1);
        assertThat(Fixture.read(dir.resolve("mirror/demo")).get("data/notes.txt"))
                .isEqualTo(Fixture.read(dir.resolve("project")).get("data/notes.txt"));
    }

    @Test
    void helpAndVersion_exit0() {
        Fixture.Run help = f.run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("demo", "sync", "Exit codes");
        assertThat(f.run("sync", "--help").out()).contains("--max-bytes", "--allow-mass-delete", "--wait-lock");
        assertThat(f.run("--version").out()).startsWith("cloudsync ");
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
