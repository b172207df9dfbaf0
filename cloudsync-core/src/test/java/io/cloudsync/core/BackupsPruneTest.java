package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.BackupException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.core.json.ResultCodec;
import io.cloudsync.core.result.BackupCreateResult;
import io.cloudsync.core.result.BackupInfo;
import io.cloudsync.core.result.BackupPruneResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention on real archives: {@link Backups#prune} and {@link Backups#create(String, List, RetentionPolicy)}. */
class BackupsPruneTest {

    @TempDir
    Path dir;
    Path root;
    Path folder;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(dir.resolve("project"));
        Trees.write(root, "data/a.txt", "alpha");
        folder = root.resolve(Backups.FOLDER);
    }

    private Backups at(String iso) {
        return Backups.of(root).clock(Clock.fixed(Instant.parse(iso), ZoneOffset.UTC));
    }

    /** Makes archives at the given times (oldest first), keeping them all. */
    private List<String> make(String... isoOldestFirst) {
        return Stream.of(isoOldestFirst).map(t -> at(t).create("n", List.of(), Integer.MAX_VALUE).name()).toList();
    }

    private Map<String, byte[]> folderBytes() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(folder).sorted()) {
            for (Path p : (Iterable<Path>) files::iterator) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    private static List<String> names(List<BackupPruneResult.Item> items) {
        return items.stream().map(BackupPruneResult.Item::name).toList();
    }

    @Test
    void prune_dryRun_reportsWhatWouldGo_andDeletesNothing() throws IOException {
        List<String> n = make("2026-11-28T10:00:00Z", "2026-11-30T10:00:00Z", "2026-12-01T08:00:00Z",
                "2026-12-01T20:00:00Z", "2026-12-02T10:00:00Z");
        Map<String, byte[]> before = folderBytes();

        BackupPruneResult r = Backups.of(root).prune(RetentionPolicy.builder().keepDaily(2).build(), true);

        assertThat(r.dryRun()).isTrue();
        assertThat(names(r.kept())).containsExactly(n.get(4), n.get(3));
        assertThat(r.kept().get(0).reasons()).containsExactly("daily 2026-12-02");
        assertThat(r.kept().get(1).reasons()).containsExactly("daily 2026-12-01");
        assertThat(names(r.removed())).containsExactly(n.get(2), n.get(1), n.get(0));
        assertThat(r.failed()).isEmpty();
        assertThat(folderBytes()).containsOnlyKeys(before.keySet());
        before.forEach((name, bytes) -> assertThat(folder.resolve(name)).hasBinaryContent(bytes));
    }

    @Test
    void prune_deletesWhatNoRuleKeeps_andLeavesForeignFilesAlone() throws IOException {
        List<String> n = make("2026-10-15T10:00:00Z", "2026-11-10T10:00:00Z", "2026-11-20T10:00:00Z",
                "2026-12-01T10:00:00Z", "2026-12-02T10:00:00Z");
        Path foreign = folder.resolve("20000101T000000Z-mine.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(foreign))) {
            z.putNextEntry(new ZipEntry("photo.jpg"));
            z.write(new byte[] {1, 2, 3});
        }
        Path notes = Files.writeString(folder.resolve("notes.txt"), "mine");

        BackupPruneResult r = Backups.of(root).prune(RetentionPolicy.builder().keepLast(1).keepMonthly(2).build(), false);

        assertThat(r.dryRun()).isFalse();
        assertThat(names(r.kept())).containsExactly(n.get(4), n.get(2));
        assertThat(r.kept().get(0).reasons()).containsExactly("last", "monthly 2026-12");
        assertThat(r.kept().get(1).reasons()).containsExactly("monthly 2026-11");
        assertThat(names(r.removed())).containsExactly(n.get(3), n.get(1), n.get(0));
        assertThat(Backups.of(root).list()).extracting(BackupInfo::name).containsExactly(n.get(4), n.get(2));
        n.subList(0, 2).forEach(x -> assertThat(folder.resolve(x)).doesNotExist());
        assertThat(folder.resolve(n.get(3))).doesNotExist();
        assertThat(foreign).exists();
        assertThat(notes).hasContent("mine");
        // the kept archives are still whole
        Backups.of(root).verify(n.get(2));

        // a second run finds nothing more to do
        BackupPruneResult again = Backups.of(root).prune(RetentionPolicy.builder().keepLast(1).keepMonthly(2).build(), false);
        assertThat(again.removed()).isEmpty();
    }

    @Test
    void prune_emptyPolicy_keepsEverything_andAnEmptyFolderIsFine() {
        assertThat(Backups.of(root).prune(RetentionPolicy.builder().keepLast(1).build(), false).kept()).isEmpty();
        List<String> n = make("2026-12-01T10:00:00Z", "2026-12-02T10:00:00Z");

        BackupPruneResult r = Backups.of(root).prune(RetentionPolicy.none(), false);

        assertThat(r.removed()).isEmpty();
        assertThat(r.kept()).extracting(BackupPruneResult.Item::reasons).containsOnly(List.of("no policy"));
        n.forEach(x -> assertThat(folder.resolve(x)).exists());
    }

    @Test
    void createWithPolicy_prunesAfterTheCreate() {
        List<String> n = make("2026-11-28T10:00:00Z", "2026-11-29T10:00:00Z", "2026-11-30T10:00:00Z");

        BackupCreateResult made = at("2026-12-01T10:00:00Z").create("new", List.of(), RetentionPolicy.builder().keepDaily(2).build());

        assertThat(made.archive()).exists();
        assertThat(made.rotated()).containsExactly(n.get(0), n.get(1));
        assertThat(made.retention()).isNotNull();
        assertThat(names(made.retention().kept())).containsExactly(made.name(), n.get(2));
        assertThat(made.retention().kept().get(0).reasons()).containsExactly("daily 2026-12-01");
        assertThat(Backups.of(root).list()).extracting(BackupInfo::name).containsExactly(made.name(), n.get(2));

        JsonNode json = ResultCodec.backupCreate(made).get("backup");
        assertThat(json.get("rotated")).hasSize(2);
        assertThat(json.get("retention").get("policy").get("keep_daily").asInt()).isEqualTo(2);
        assertThat(json.get("retention").get("kept").get(0).get("reasons").get(0).asText()).isEqualTo("daily 2026-12-01");
    }

    @Test
    void createWithPolicy_whenTheClockWentBack_neverDeletesTheNewArchive() {
        make("2026-12-02T10:00:00Z");

        BackupCreateResult made = at("2026-12-01T10:00:00Z").create("earlier", List.of(), RetentionPolicy.builder().keepLast(1).build());

        assertThat(made.archive()).exists();
        assertThat(made.rotated()).isEmpty();
        assertThat(made.retention().kept()).extracting(BackupPruneResult.Item::name, BackupPruneResult.Item::reasons)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("20261202T100000Z-n.zip", List.of("last")),
                        org.assertj.core.groups.Tuple.tuple(made.name(), List.of("just created")));
    }

    @Test
    void createWithCount_isUnchanged_andHasNoRetention() {
        make("2026-11-30T10:00:00Z", "2026-12-01T10:00:00Z");

        BackupCreateResult made = at("2026-12-02T10:00:00Z").create("new", List.of(), 2);

        assertThat(made.rotated()).containsExactly("20261130T100000Z-n.zip");
        assertThat(made.retention()).isNull();
        assertThat(ResultCodec.backupCreate(made).get("backup").get("retention").isNull()).isTrue();
    }

    @Test
    void pruneJson_listsKeptWithReasons_removedAndTheDryRunFlag() {
        make("2026-12-01T10:00:00Z", "2026-12-02T10:00:00Z");

        JsonNode b = ResultCodec.backupPrune(Backups.of(root).prune(RetentionPolicy.builder().keepLast(1).build(), true))
                .get("backup");

        assertThat(b.get("action").asText()).isEqualTo("prune");
        assertThat(b.get("dry_run").asBoolean()).isTrue();
        assertThat(b.get("policy").toString()).isEqualTo("{\"keep_last\":1,\"keep_daily\":0,\"keep_weekly\":0,\"keep_monthly\":0}");
        assertThat(b.get("kept").get(0).get("name").asText()).isEqualTo("20261202T100000Z-n.zip");
        assertThat(b.get("kept").get(0).get("created_at").asText()).isEqualTo("2026-12-02T10:00:00Z");
        assertThat(b.get("kept").get(0).get("reasons").toString()).isEqualTo("[\"last\"]");
        assertThat(b.get("removed").get(0).get("name").asText()).isEqualTo("20261201T100000Z-n.zip");
        assertThat(b.get("failed")).isEmpty();
    }

    @Test
    void config_backupsSection_givesThePolicy_oldConfigsStayValid_andBadValuesAreNamed() throws IOException {
        Path file = dir.resolve("cloudsync.json");
        Files.writeString(file, "{\"features\": {}}");
        assertThat(CloudSyncConfig.load(file).retention()).isEqualTo(RetentionPolicy.none());

        Files.writeString(file, "{\"backups\": {\"keep_last\": 3, \"keep_daily\": 7, \"keep_weekly\": 4, \"keep_monthly\": 12}}");
        assertThat(CloudSyncConfig.load(file).retention())
                .isEqualTo(RetentionPolicy.builder().keepLast(3).keepDaily(7).keepWeekly(4).keepMonthly(12).build());

        Files.writeString(file, "{\"backups\": {\"keep_daily\": \"7\"}}");
        assertThatThrownBy(() -> CloudSyncConfig.load(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("\"backups.keep_daily\"").hasMessageContaining("string \"7\"")
                .hasMessageContaining("\"keep_daily\": 7");
        Files.writeString(file, "{\"backups\": {\"keep_weekly\": -1}}");
        assertThatThrownBy(() -> CloudSyncConfig.load(file)).hasMessageContaining("\"backups.keep_weekly\"")
                .hasMessageContaining("0 (off) or more");
        Files.writeString(file, "{\"backups\": {\"keep_yearly\": 2}}");
        assertThatThrownBy(() -> CloudSyncConfig.load(file)).hasMessageContaining("\"backups.keep_yearly\"")
                .hasMessageContaining("keep_last, keep_daily, keep_weekly, keep_monthly");
        Files.writeString(file, "{\"backups\": 5}");
        assertThatThrownBy(() -> CloudSyncConfig.load(file)).hasMessageContaining("\"backups\" must be a JSON object");
    }

    @Test
    void theWorkedExampleOfTheDocs_keepsWhatDocsBackupsMdSays() {
        List<String> n = Stream.of("2026-10-31T22:00:00Z", "2026-11-20T22:00:00Z", "2026-11-30T22:00:00Z",
                "2026-12-01T22:00:00Z", "2026-12-04T22:00:00Z", "2026-12-05T22:00:00Z", "2026-12-08T22:00:00Z",
                "2026-12-09T03:00:00Z", "2026-12-09T22:00:00Z")
                .map(t -> at(t).create("nightly", List.of(), Integer.MAX_VALUE).name()).toList();
        RetentionPolicy p = RetentionPolicy.builder().keepLast(2).keepDaily(3).keepWeekly(2).keepMonthly(2).build();

        BackupPruneResult r = Backups.of(root).prune(p, true);

        assertThat(r.kept()).extracting(BackupPruneResult.Item::name, BackupPruneResult.Item::reasons).containsExactly(
                org.assertj.core.groups.Tuple.tuple(n.get(8), List.of("last", "daily 2026-12-09", "weekly 2026-W50", "monthly 2026-12")),
                org.assertj.core.groups.Tuple.tuple(n.get(7), List.of("last")),
                org.assertj.core.groups.Tuple.tuple(n.get(6), List.of("daily 2026-12-08")),
                org.assertj.core.groups.Tuple.tuple(n.get(5), List.of("daily 2026-12-05", "weekly 2026-W49")),
                org.assertj.core.groups.Tuple.tuple(n.get(2), List.of("monthly 2026-11")));
        assertThat(names(r.removed())).containsExactly(n.get(4), n.get(3), n.get(1), n.get(0))
                .containsExactly("20261204T220000Z-nightly.zip", "20261201T220000Z-nightly.zip",
                        "20261120T220000Z-nightly.zip", "20261031T220000Z-nightly.zip");
        n.forEach(x -> assertThat(folder.resolve(x)).exists());
    }

    /** Makes a file undeletable for real ({@code chattr +i}, which needs root and ext4/xfs/btrfs); false when that is not possible here. */
    static boolean immutable(Path file, boolean on) throws Exception {
        try {
            Process p = new ProcessBuilder("chattr", on ? "+i" : "-i", file.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void prune_whenADeleteFails_reportsIt_deletesTheOthers_andTheArchiveStaysWhole() throws Exception {
        List<String> n = make("2026-12-01T10:00:00Z", "2026-12-02T10:00:00Z", "2026-12-03T10:00:00Z");
        Path stuck = folder.resolve(n.get(1));
        byte[] before = Files.readAllBytes(stuck);
        org.junit.jupiter.api.Assumptions.assumeTrue(immutable(stuck, true),
                "cannot make a file undeletable here (chattr +i needs root on ext4, xfs or btrfs); run as root to test a failed delete");
        try {
            BackupPruneResult r = Backups.of(root).prune(RetentionPolicy.builder().keepLast(1).build(), false);

            assertThat(names(r.kept())).containsExactly(n.get(2));
            assertThat(names(r.removed())).containsExactly(n.get(0));
            assertThat(r.failed()).singleElement().asString().startsWith(n.get(1) + ": ");
            assertThat(folder.resolve(n.get(0))).doesNotExist();
            assertThat(stuck).hasBinaryContent(before);
            assertThat(ResultCodec.backupPrune(r).get("backup").get("failed").get(0).asText()).startsWith(n.get(1));
        } finally {
            immutable(stuck, false);
        }
        Backups.of(root).verify(n.get(1));
    }

    @Test
    void negativeRule_isAnInvalidArgument() {
        assertThatThrownBy(() -> RetentionPolicy.builder().keepMonthly(-2).build()).isInstanceOf(BackupException.class)
                .hasMessageContaining("keep_monthly must be 0 (off) or more, was -2");
    }
}
