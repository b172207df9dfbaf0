package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.core.Backups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup prune} and {@code backup create --keep-*}, run in-process over real archives. */
class BackupPruneCommandTest {

    @TempDir
    Path tmp;
    Fixture f;
    Path folder;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
        folder = f.root.resolve("backups/cloud");
    }

    /** Archives made at fixed times in the past (oldest first), as the library would have made them. */
    private List<String> seed(String... isoOldestFirst) {
        return Stream.of(isoOldestFirst).map(t -> Backups.of(f.root).clock(Clock.fixed(Instant.parse(t), ZoneOffset.UTC))
                .create("old", List.of("a.txt"), Integer.MAX_VALUE).name()).toList();
    }

    private List<String> listed() {
        JsonNode list = f.run("backup", "list", "--json").json().get("backup").get("backups");
        return Stream.of(list).flatMap(l -> java.util.stream.StreamSupport.stream(l.spliterator(), false))
                .map(b -> b.get("name").asText()).toList();
    }

    private void configWithBackups(String backupsSection) {
        f.write("config/cloudsync.json", "{\"features\": {\"enable_cloud_sync\": true}, \"backups\": " + backupsSection + "}");
    }

    @Test
    void prune_dryRun_showsWhatGoesAndWhyTheRestStays_andDeletesNothing() throws Exception {
        List<String> n = seed("2020-03-01T10:00:00Z", "2020-03-02T09:00:00Z", "2020-03-02T21:00:00Z", "2020-03-03T10:00:00Z");

        Fixture.Run run = f.run("backup", "prune", "--keep-daily", "2", "--dry-run");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Policy: keep-daily 2", "UTC", "Would remove 2 of 4 backups (dry run: nothing deleted):",
                "  remove " + n.get(1), "  remove " + n.get(0),
                "  keep   " + n.get(3) + "  2020-03-03T10:00:00Z  daily 2020-03-03",
                "  keep   " + n.get(2) + "  2020-03-02T21:00:00Z  daily 2020-03-02");
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(n);
        }

        JsonNode b = f.run("backup", "prune", "--keep-daily", "2", "--dry-run", "--json").json().get("backup");
        assertThat(b.get("action").asText()).isEqualTo("prune");
        assertThat(b.get("dry_run").asBoolean()).isTrue();
        assertThat(b.get("removed")).hasSize(2);
        assertThat(b.get("kept").get(0).get("reasons").toString()).isEqualTo("[\"daily 2020-03-03\"]");
        assertThat(listed()).hasSize(4);
    }

    @Test
    void prune_deletesWhatThePolicyDoesNotKeep() {
        List<String> n = seed("2020-01-15T10:00:00Z", "2020-02-10T10:00:00Z", "2020-02-20T10:00:00Z", "2020-03-01T10:00:00Z");

        Fixture.Run run = f.run("backup", "prune", "--keep-last", "1", "--keep-monthly", "2", "--json");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode b = run.json().get("backup");
        assertThat(b.get("dry_run").asBoolean()).isFalse();
        assertThat(b.get("removed").findValuesAsText("name")).containsExactly(n.get(1), n.get(0));
        assertThat(b.get("kept").get(0).get("reasons").toString()).isEqualTo("[\"last\",\"monthly 2020-03\"]");
        assertThat(listed()).containsExactly(n.get(3), n.get(2));
        assertThat(folder.resolve(n.get(0))).doesNotExist();
    }

    @Test
    void prune_takesThePolicyFromTheConfigFile_whenNoOptionIsGiven() {
        List<String> n = seed("2020-03-01T10:00:00Z", "2020-03-02T10:00:00Z", "2020-03-03T10:00:00Z");
        configWithBackups("{\"keep_last\": 2}");

        Fixture.Run run = f.run("backup", "prune");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Policy: keep-last 2 (from ", "cloudsync.json", "Removed 1 of 3 backups:", "  remove " + n.get(0));
        assertThat(listed()).containsExactly(n.get(2), n.get(1));
    }

    @Test
    void prune_withNoPolicyAtAll_isAUsageError_andDeletesNothing() {
        List<String> n = seed("2020-03-01T10:00:00Z", "2020-03-02T10:00:00Z");

        Fixture.Run run = f.run("backup", "prune");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("no retention policy", "--keep-daily", "\"backups\"");

        Fixture.Run json = f.run("backup", "prune", "--dry-run", "--json");
        assertThat(json.code()).isEqualTo(2);
        assertThat(json.json().get("error").get("category").asText()).isEqualTo("configuration");

        assertThat(f.run("backup", "prune", "--keep-last", "0").code()).isEqualTo(2);
        Fixture.Run negative = f.run("backup", "prune", "--keep-weekly", "-1");
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("--keep-weekly must be 0 (off) or more, was -1");
        assertThat(listed()).containsExactlyInAnyOrderElementsOf(n);
    }

    @Test
    void prune_aMalformedConfigValue_isAUsageErrorNamingTheKey() {
        seed("2020-03-01T10:00:00Z");
        configWithBackups("{\"keep_daily\": \"seven\"}");

        Fixture.Run run = f.run("backup", "prune", "--dry-run");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("\"backups.keep_daily\"", "\"keep_daily\": 7");
    }

    @Test
    void prune_aDeleteThatFails_isExit3_andTheOthersAreDeleted() throws Exception {
        List<String> n = seed("2020-03-01T10:00:00Z", "2020-03-02T10:00:00Z", "2020-03-03T10:00:00Z");
        Path stuck = folder.resolve(n.get(1));
        org.junit.jupiter.api.Assumptions.assumeTrue(chattr("+i", stuck),
                "cannot make a file undeletable here (chattr +i needs root on ext4, xfs or btrfs); run as root to test a failed delete");
        try {
            Fixture.Run run = f.run("backup", "prune", "--keep-last", "1");

            assertThat(run.code()).as(run.toString()).isEqualTo(3);
            assertThat(run.err()).contains("could not delete " + n.get(1));
            assertThat(run.out()).contains("Removed 1 of 3 backups:", "  remove " + n.get(0));
        } finally {
            chattr("-i", stuck);
        }
        assertThat(listed()).containsExactly(n.get(2), n.get(1));
    }

    private static boolean chattr(String flag, Path file) throws Exception {
        try {
            Process p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void create_withKeepOptions_prunesAfterTheCreate_andNeverTheNewArchive() {
        List<String> n = seed("2020-03-01T10:00:00Z", "2020-03-02T10:00:00Z", "2020-03-03T10:00:00Z");

        Fixture.Run run = f.run("backup", "create", "--label", "new", "--path", "a.txt", "--keep-last", "2", "--json");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode b = run.json().get("backup");
        String made = b.get("name").asText();
        assertThat(b.get("rotated").toString()).isEqualTo("[\"" + n.get(0) + "\",\"" + n.get(1) + "\"]");
        assertThat(b.get("retention").get("policy").get("keep_last").asInt()).isEqualTo(2);
        assertThat(listed()).containsExactly(made, n.get(2));

        Fixture.Run human = f.run("backup", "create", "--label", "again", "--path", "a.txt", "--keep-daily", "1");
        assertThat(human.code()).as(human.toString()).isZero();
        assertThat(human.out()).contains("deleted the older backup " + n.get(2) + " (keep-daily 1)");
    }

    @Test
    void create_withoutOptions_usesTheConfigPolicy_elseKeepsFive() {
        List<String> n = seed("2020-03-01T10:00:00Z", "2020-03-02T10:00:00Z");
        Fixture.Run plain = f.run("backup", "create", "--path", "a.txt", "--json");
        assertThat(plain.json().get("backup").get("rotated")).isEmpty();
        assertThat(plain.json().get("backup").get("retention").isNull()).isTrue();

        configWithBackups("{\"keep_last\": 1}");
        Fixture.Run run = f.run("backup", "create", "--path", "a.txt", "--json");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(listed()).containsExactly(run.json().get("backup").get("name").asText());
        assertThat(folder.resolve(n.get(0))).doesNotExist();
    }

    @Test
    void create_keepTogetherWithKeepOptions_isRefused() {
        Fixture.Run run = f.run("backup", "create", "--path", "a.txt", "--keep", "3", "--keep-daily", "7");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("either --keep N", "not both");
        assertThat(folder).doesNotExist();
        assertThat(f.run("backup", "create", "--keep-daily", "0").code()).isEqualTo(2);
    }
}
