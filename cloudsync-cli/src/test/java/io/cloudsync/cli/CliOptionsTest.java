package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 16, items 1, 2, 3, 8 and 14: configuration errors exit 2 on every command, plan gates, the
 * same options on pull and verify, sync --dry-run, typo suggestions, help summaries, small wording.
 */
class CliOptionsTest {

    private static final Map<String, String> PASSPHRASE = Map.of("CLOUDSYNC_SECRETS_KEY", "options test passphrase");

    @TempDir
    Path tmp;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
    }

    private Fixture.Run run(Map<String, String> env, String stdin, String... args) {
        return Fixture.runIn(f.root, env, stdin, args);
    }

    /** local as in the fixture, plus s3 on a port nothing listens on; flags on for local, s3 and s4. */
    private void configWithS3() {
        f.write("config/cloudsync.json", "{\"features\": {\"enable_cloud_sync\": true, \"enable_cloud_sync_local\": true,"
                + " \"enable_cloud_sync_s3\": true, \"enable_cloud_sync_s4\": true}, \"sync\": {\"retry_attempts\": 1},"
                + " \"services\": {\"local\": {\"directory\": " + Fixture.quote(f.remote.toString()) + "},"
                + " \"s3\": {\"bucket\": \"my-bucket\", \"endpoint_url\": \"http://127.0.0.1:1\", \"region\": \"us-east-1\"}}}");
    }

    // ---- item 1: configuration errors exit 2, the cache fallback stays for unreadable remotes

    @Test
    void plan_misspeltSetting_exits2NamingItAndPrintsNoPlan() {
        configWithS3();
        for (String[] args : new String[][] {
            {"plan", "--service", "local", "--snapshot", "nightly", "--set", "directroy=/x"},
            {"plan", "--service", "s3", "--snapshot", "nightly", "--set", "aws_sesion_token=x"},
            {"sync", "--dry-run", "--service", "s3", "--snapshot", "nightly", "--set", "bukcet=x"},
        }) {
            Fixture.Run run = f.run(args);

            assertThat(run.code()).as(String.join(" ", args) + "\n" + run).isEqualTo(2);
            assertThat(run.err()).contains("unknown setting(s) [" + args[args.length - 1].replaceAll("=.*", "") + "]")
                    .doesNotContain("\tat ");
            assertThat(run.out()).isEmpty();
        }
        Fixture.Run json = f.run("plan", "--service", "local", "--snapshot", "nightly", "--set", "directroy=/x", "--json");
        assertThat(json.code()).isEqualTo(2);
        assertThat(json.json().get("error").get("exit_code").asInt()).isEqualTo(2);
        assertThat(json.json().get("error").get("type").asText()).isEqualTo("configuration");
        assertThat(json.json().has("plan")).isFalse();
    }

    @Test
    void plan_sessionTokenAsAPlainSetting_exits2PointingAtTheVault() {
        configWithS3();

        Fixture.Run run = f.run("plan", "--service", "s3", "--snapshot", "nightly", "--set", "aws_session_token=hunter2");

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("'aws_session_token' is a credential", "cloudsync vault set cloud_sync.s3")
                .doesNotContain("hunter2");
    }

    @Test
    void plan_missingRequiredSetting_exits2() {
        f.write("config/cloudsync.json", "{\"features\": {\"enable_cloud_sync\": true, \"enable_cloud_sync_local\": true},"
                + " \"services\": {\"local\": {}}}");

        Fixture.Run run = f.run("plan", "--snapshot", "nightly");

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("missing required setting(s) [directory]");
    }

    @Test
    void plan_misspeltVaultField_exits2NamingTheFieldNotTheValue() {
        configWithS3();
        Fixture.Run set = run(PASSPHRASE, "{\"access_key_id\": \"AKIAEXAMPLE\", \"secret_acces_key\": \"very-secret\"}\n",
                "vault", "set", "cloud_sync.s3");
        assertThat(set.code()).as(set.toString()).isZero();

        Fixture.Run plan = run(PASSPHRASE, "", "plan", "--service", "s3", "--snapshot", "nightly");

        assertThat(plan.code()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.err()).contains("unknown field \"secret_acces_key\"").doesNotContain("very-secret");
        assertThat(plan.out()).isEmpty();
    }

    @Test
    void plan_vaultFieldAwsSessionToken_isAccepted_andTheUnreachableRemoteFallsBack() {
        configWithS3();
        assertThat(run(PASSPHRASE, "{\"access_key_id\": \"a\", \"secret_access_key\": \"b\", \"aws_session_token\": \"t\"}\n",
                "vault", "set", "cloud_sync.s3").code()).isZero();

        Fixture.Run plan = run(PASSPHRASE, "", "plan", "--service", "s3", "--snapshot", "nightly", "--json");

        assertThat(plan.code()).as(plan.toString()).isZero();
        assertThat(plan.json().get("plan_source").asText()).isEqualTo("none");
        assertThat(plan.err()).contains("the remote manifest was not read");
    }

    @Test
    void everyCommand_unknownService_exits2ListingTheConfiguredOnes_andNeverAdvisesAFlag() {
        configWithS3();
        for (String[] args : new String[][] {
            {"plan", "--service", "s4", "--snapshot", "nightly"},
            {"sync", "--service", "s4", "--snapshot", "nightly"},
            {"pull", "--service", "s4", "--snapshot", "nightly", "--target", tmp.resolve("r").toString()},
            {"verify", "--service", "s4", "--snapshot", "nightly"},
            {"plan", "--service", "nope", "--snapshot", "nightly"}, // flag off as well
        }) {
            Fixture.Run run = f.run(args);

            assertThat(run.code()).as(String.join(" ", args) + "\n" + run).isEqualTo(2);
            assertThat(run.err()).contains("unknown service \"" + args[2] + "\"", "configures [local, s3]")
                    .doesNotContain("\"features\"").doesNotContain("feature flag");
            assertThat(run.out()).isEmpty();
        }
    }

    // ---- item 2: plan gates

    @Test
    void plan_maxThresholds_exit4NamingTheLimitAndStillPrintThePlan() {
        Fixture.Run text = f.run("plan", "--snapshot", "nightly", "--max-uploads", "1");
        assertThat(text.code()).as(text.toString()).isEqualTo(4);
        assertThat(text.out()).contains("+ new      a.txt").doesNotContain("Dry run: nothing was transferred");
        assertThat(text.err()).contains("more than the limit of 1", "over; --max-uploads");

        Fixture.Run json = f.run("plan", "--snapshot", "nightly", "--max-bytes", "10B", "--json");
        assertThat(json.code()).isEqualTo(4);
        JsonNode doc = json.json();
        assertThat(doc.get("plan").get("uploads")).isNotEmpty();
        assertThat(doc.get("summary").get("status").asText()).isEqualTo("dry_run");
        assertThat(doc.get("error").get("exit_code").asInt()).isEqualTo(4);
        assertThat(doc.get("error").get("type").asText()).isEqualTo("limit");
        assertThat(doc.get("error").get("message").asText()).contains("--max-bytes", "bytes over");
        assertThat(f.remote).doesNotExist();

        assertThat(f.run("plan", "--snapshot", "nightly", "--max-uploads", "100", "--max-bytes", "1MB").code()).isZero();

        assertThat(f.run("sync", "--snapshot", "nightly").code()).isZero();
        deleteQuietly(f.root.resolve("a.txt"));
        Fixture.Run deletes = f.run("plan", "--snapshot", "nightly", "--max-deletes", "0");
        assertThat(deletes.code()).as(deletes.toString()).isEqualTo(4);
        assertThat(deletes.err()).contains("deletes 1 file, more than the limit of 0 (1 over; --max-deletes");
        assertThat(f.run("plan", "--snapshot", "nightly", "--max-deletes", "-1").code()).isEqualTo(2);
    }

    @Test
    void plan_thatADeleteGuardWouldRefuse_exits5LikeTheRun_unlessMassDeleteIsAllowed() {
        for (int i = 0; i < 12; i++) {
            f.write("bulk/f" + i + ".txt", "file " + i);
        }
        assertThat(f.run("sync", "--snapshot", "nightly").code()).isZero();
        for (int i = 0; i < 12; i++) {
            deleteQuietly(f.root.resolve("bulk/f" + i + ".txt"));
        }

        Fixture.Run plan = f.run("plan", "--snapshot", "nightly");
        assertThat(plan.code()).as(plan.toString()).isEqualTo(5);
        assertThat(plan.out()).contains("- delete   bulk/f0.txt").doesNotContain("Dry run: nothing was transferred");
        assertThat(plan.err()).containsOnlyOnce("refusing to delete 12 of").contains("--allow-mass-delete");

        Fixture.Run json = f.run("sync", "--dry-run", "--snapshot", "nightly", "--json");
        assertThat(json.code()).isEqualTo(5);
        assertThat(json.json().get("error").get("type").asText()).isEqualTo("delete_guard");
        assertThat(json.json().get("refusal").get("reason").asText()).isEqualTo("delete_guard");
        assertThat(f.run("sync", "--snapshot", "nightly").code()).isEqualTo(5);
        assertThat(Fixture.read(f.remote.resolve("nightly"))).containsKey("bulk/f0.txt");

        Fixture.Run allowed = f.run("plan", "--snapshot", "nightly", "--allow-mass-delete", "--json");
        assertThat(allowed.code()).as(allowed.toString()).isZero();
        assertThat(allowed.json().get("refusal").isNull()).isTrue();
    }

    // ---- item 3: sync --dry-run, pull and verify options

    @Test
    void syncDryRun_printsWhatPlanPrints_withTheSameExitCodes() {
        Fixture.Run plan = f.run("plan", "--snapshot", "nightly", "--include", "docs");
        Fixture.Run dry = f.run("sync", "--dry-run", "--snapshot", "nightly", "--include", "docs");
        assertThat(dry.code()).isEqualTo(plan.code()).isZero();
        assertThat(dry.out()).isEqualTo(plan.out()).contains("Dry run: nothing was transferred");
        assertThat(f.remote).doesNotExist();

        ObjectNode planJson = (ObjectNode) f.run("plan", "--snapshot", "nightly", "--max-uploads", "1", "--json").json();
        Fixture.Run dryJson = f.run("sync", "-n", "--snapshot", "nightly", "--max-uploads", "1", "--json");
        assertThat(dryJson.code()).isEqualTo(4);
        assertThat(dryJson.json().get("plan")).isEqualTo(planJson.get("plan"));
        assertThat(dryJson.json().get("error")).isEqualTo(planJson.get("error"));
        assertThat(f.remote).doesNotExist();
    }

    @Test
    void pull_includeAndSet_restoreOnlyThosePathsFromThatRemote() {
        Path other = tmp.resolve("other");
        assertThat(f.run("sync", "--snapshot", "nightly", "--set", "directory=" + other).code()).isZero();
        Path restore = tmp.resolve("restore");

        Fixture.Run pull = f.run("pull", "--snapshot", "nightly", "--set", "directory=" + other, "--include", "docs/deep",
                "--include", "a.txt", "--target", restore.toString());

        assertThat(pull.code()).as(pull.toString()).isZero();
        assertThat(Fixture.read(restore).keySet()).containsExactly("a.txt", "docs/deep/c.txt");
        assertThat(pull.out()).contains("2 written");

        Fixture.Run none = f.run("pull", "--snapshot", "nightly", "--set", "directory=" + other, "--include", "doc",
                "--target", restore.toString());
        assertThat(none.code()).as(none.toString()).isEqualTo(2);
        assertThat(none.err()).contains("cannot pull \"doc\"", "no file at or under that path");
        Fixture.Run typo = f.run("pull", "--snapshot", "nightly", "--set", "directroy=" + other, "--target", restore.toString());
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown setting(s) [directroy]");
    }

    @Test
    void syncAndPull_bwlimit_limitTheRun_offLiftsTheConfigsLimit_andABadRateExits2NamingIt() {
        // over 300 bytes at 200 B/s (the bucket holds 20): at least 1.4 s, a busy machine only adds to it
        f.write("data.bin", "d".repeat(300));
        long start = System.nanoTime();
        Fixture.Run sync = f.run("sync", "--snapshot", "nightly", "--bwlimit", "200B");
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat((System.nanoTime() - start) / 1e9).as("sync seconds").isGreaterThanOrEqualTo(1.2);

        start = System.nanoTime();
        Fixture.Run pull = f.run("pull", "--snapshot", "nightly", "--bwlimit", "200B", "--target", tmp.resolve("restore").toString());
        assertThat(pull.code()).as(pull.toString()).isZero();
        assertThat((System.nanoTime() - start) / 1e9).as("pull seconds").isGreaterThanOrEqualTo(1.2);

        // sync.bwlimit of 1 B/s would hold 4 KiB for over an hour; --bwlimit off lifts it for this run
        f.write("big.bin", "x".repeat(4096));
        f.write("config/cloudsync.json", "{\"features\": {\"enable_cloud_sync\": true, \"enable_cloud_sync_local\": true},"
                + " \"sync\": {\"bwlimit\": \"1B\"}, \"services\": {\"local\": {\"directory\": " + Fixture.quote(f.remote.toString())
                + "}}}");
        Fixture.Run lifted = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> f.run("sync", "--snapshot", "nightly", "--bwlimit", "off"));
        assertThat(lifted.code()).as(lifted.toString()).isZero();

        Fixture.Run decimal = f.run("sync", "--snapshot", "nightly", "--bwlimit", "8MB");
        assertThat(decimal.code()).as(decimal.toString()).isEqualTo(2);
        assertThat(decimal.err()).contains("--bwlimit", "\"8MB\"", "binary");
        Fixture.Run malformed = f.run("pull", "--snapshot", "nightly", "--bwlimit", "fast", "--target", "x");
        assertThat(malformed.code()).as(malformed.toString()).isEqualTo(2);
        assertThat(malformed.err()).contains("--bwlimit", "\"fast\"", "512k, 8M, 1.5M or 1G", "0 or off");
    }

    @Test
    void verify_includeAndSet_checkOnlyThosePathsOnThatRemote() {
        Path other = tmp.resolve("other");
        assertThat(f.run("sync", "--snapshot", "nightly", "--set", "directory=" + other).code()).isZero();
        Fixture.write(other.resolve("nightly"), "a.txt", "ALPHA");

        Fixture.Run docs = f.run("verify", "--snapshot", "nightly", "--set", "directory=" + other, "--include", "docs",
                "--sample", "100");
        assertThat(docs.code()).as(docs.toString()).isZero();
        assertThat(docs.out()).contains(": ok. 2 files:");

        Fixture.Run a = f.run("verify", "--snapshot", "nightly", "--set", "directory=" + other, "--include", "a.txt",
                "--sample", "100");
        assertThat(a.code()).as(a.toString()).isEqualTo(1);
        assertThat(a.out()).contains("digest_mismatch a.txt", "1 problem. 1 file:");

        Fixture.Run here = f.run("verify", "--snapshot", "nightly");
        assertThat(here.code()).as("the configured remote has nothing").isEqualTo(1);
        assertThat(here.err()).contains("no manifest for snapshot");
    }

    // ---- item 8: typos, help

    @Test
    void typos_exit2WithADidYouMean() {
        Fixture.Run command = f.run("snyc", "--snapshot", "nightly");
        assertThat(command.code()).isEqualTo(2);
        assertThat(command.err()).contains("Unknown command 'snyc'; did you mean `sync`?", "cloudsync --help");

        Fixture.Run option = f.run("plan", "--servce", "local", "--snapshot", "nightly");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).contains("'--servce'", "did you mean `--service`?", "cloudsync plan --help");

        Fixture.Run joined = f.run("sync", "--snapshot", "nightly", "--max-upload=3");
        assertThat(joined.err()).contains("did you mean `--max-uploads`?");

        Fixture.Run sub = f.run("backup", "restor", "latest");
        assertThat(sub.code()).isEqualTo(2);
        assertThat(sub.err()).contains("did you mean `restore`?");

        Fixture.Run json = f.run("snyc", "--json");
        assertThat(json.json().get("error").get("message").asText()).contains("did you mean `sync`?");

        assertThat(f.run("zzzzzz").err()).doesNotContain("did you mean");
    }

    @Test
    void editDistance_countsASwapAsOneEdit() {
        assertThat(Cli.editDistance("snyc", "sync")).isEqualTo(1);
        assertThat(Cli.editDistance("--servce", "--service")).isEqualTo(1);
        assertThat(Cli.editDistance("plan", "pull")).isEqualTo(3);
        assertThat(Cli.editDistance("", "abc")).isEqualTo(3);
    }

    @Test
    void help_listsEveryCommandWithItsWholeSummarySentence() {
        List<String> problems = new ArrayList<>();
        checkSummaries(Cli.commandLine(new RootCommand(new Terminal(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), java.io.InputStream.nullInputStream(), Map.of(), tmp, null))), problems);
        assertThat(problems).isEmpty();
    }

    private void checkSummaries(CommandLine parent, List<String> problems) {
        if (parent.getSubcommands().isEmpty()) {
            return;
        }
        String[] words = parent.getCommandSpec().qualifiedName().split(" ");
        String[] args = new String[words.length];
        System.arraycopy(words, 1, args, 0, words.length - 1);
        args[words.length - 1] = "--help";
        String help = f.run(args).out().replaceAll("\\s+", " ");
        for (CommandLine sub : parent.getSubcommands().values()) {
            if (sub.getCommandSpec().usageMessage().hidden()) {
                continue;
            }
            String[] description = sub.getCommandSpec().usageMessage().description();
            String summary = description.length == 0 ? "" : description[0];
            if (!summary.endsWith(".") && !summary.endsWith(")")) {
                problems.add(sub.getCommandSpec().qualifiedName() + ": the summary does not end a sentence: " + summary);
            }
            if (!help.contains(summary.replaceAll("\\s+", " "))) {
                problems.add(parent.getCommandSpec().qualifiedName() + " --help cuts the summary of " + sub.getCommandName());
            }
            checkSummaries(sub, problems);
        }
    }

    // ---- item 14

    @Test
    void textOutput_saysOneFileNotOneFiles() {
        f.write("config/cloudsync.json", "{\"features\": {\"enable_cloud_sync\": true}}");
        deleteQuietly(f.root.resolve("docs/b.txt"));
        deleteQuietly(f.root.resolve("docs/deep/c.txt"));
        deleteQuietly(f.root.resolve("a.txt"));

        Fixture.Run manifest = f.run("manifest");

        assertThat(manifest.out()).contains("1 file, ").doesNotContain("1 files");
        assertThat(Units.count(0, "file")).isEqualTo("0 files");
        assertThat(Units.count(2, "problem")).isEqualTo("2 problems");
    }

    @Test
    void backup_createNamesItsPaths_restoreAndVerifyTakeLatest() {
        Fixture.Run none = f.run("backup", "restore", "latest");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("no backup", "cloudsync backup create");

        Fixture.Run made = f.run("backup", "create", "--path", "docs", "--path", "a.txt", "--path", "missing");
        assertThat(made.code()).as(made.toString()).isZero();
        assertThat(made.out()).contains("3 files (", "from docs, a.txt,");
        assertThat(made.err()).contains("path not found, not archived: missing");
        // the same label: within one second the second archive gets a sequence number, so it is the newest either way
        Fixture.Run json = f.run("backup", "create", "--json");
        assertThat(json.json().get("backup").get("paths").toString()).isEqualTo("[\"config\"]");
        String newest = json.json().get("backup").get("name").asText();

        Fixture.Run verify = f.run("backup", "verify", "latest");
        assertThat(verify.code()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("Backup " + newest + " is intact: 1 file (");

        Path target = tmp.resolve("restored");
        Fixture.Run restore = f.run("backup", "restore", "latest", "--target", target.toString());
        assertThat(restore.code()).as(restore.toString()).isZero();
        assertThat(Fixture.read(target).keySet()).containsExactly("config/cloudsync.json");
    }

    @Test
    void backup_unknownArchive_pointsAtTheBackupListCommand() {
        Fixture.Run run = f.run("backup", "verify", "nope.zip");

        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("\"cloudsync backup list\"").doesNotContain("; list()");
        assertThat(f.run("backup", "restore", "../x.zip").err()).contains("\"cloudsync backup list\"");
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
