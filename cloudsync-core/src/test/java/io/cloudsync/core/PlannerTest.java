package io.cloudsync.core;

import static io.cloudsync.core.TestManifests.entry;
import static io.cloudsync.core.TestManifests.manifest;
import static io.cloudsync.core.TestManifests.sha;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlannedUpload;
import io.cloudsync.UploadReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PlannerTest {

    @Test
    void plan_whenRemoteIsEmpty_uploadsEverythingAsNew() {
        Manifest local = manifest(entry("b.txt", "b"), entry("a.txt", "a"));

        Plan plan = Planner.plan(local, Manifest.empty("remote"));

        assertThat(plan.uploads()).extracting(PlannedUpload::path).containsExactly("a.txt", "b.txt");
        assertThat(plan.uploads()).extracting(PlannedUpload::reason).containsOnly(UploadReason.NEW);
        assertThat(plan.deletes()).isEmpty();
        assertThat(plan.skipped()).isEmpty();
        assertThat(plan.uploadBytes()).isEqualTo(2);
    }

    @Test
    void plan_whenRemoteHasExtraFile_deletesIt() {
        Manifest local = manifest(entry("a.txt", "a"));
        Manifest remote = manifest(entry("a.txt", "a"), entry("gone.txt", "old"));

        Plan plan = Planner.plan(local, remote);

        assertThat(plan.deletes()).extracting(ManifestEntry::path).containsExactly("gone.txt");
        assertThat(plan.uploads()).isEmpty();
        assertThat(plan.skipped()).extracting(ManifestEntry::path).containsExactly("a.txt");
    }

    @Test
    void plan_whenSha256Differs_uploadsAsChanged() {
        Manifest local = manifest(entry("a.txt", "new"));
        Manifest remote = manifest(entry("a.txt", "old"));

        Plan plan = Planner.plan(local, remote);

        assertThat(plan.uploads()).singleElement().satisfies(u -> {
            assertThat(u.reason()).isEqualTo(UploadReason.CHANGED);
            assertThat(u.sha256()).isEqualTo(sha("new"));
        });
    }

    @Test
    void plan_whenOnlySizeDiffers_uploadsAsChanged() {
        ManifestEntry l = new ManifestEntry("a.bin", 10, TestManifests.T0, sha("x"));
        ManifestEntry r = new ManifestEntry("a.bin", 11, TestManifests.T0, sha("x"));

        Plan plan = Planner.plan(manifest(l), manifest(r));

        assertThat(plan.uploads()).extracting(PlannedUpload::reason).containsExactly(UploadReason.CHANGED);
    }

    @Test
    void plan_whenOnlyMtimeDiffers_skipsTheFile() {
        Manifest local = manifest(entry("a.txt", "same", Instant.parse("2030-01-01T00:00:00Z")));
        Manifest remote = manifest(entry("a.txt", "same", Instant.parse("2020-01-01T00:00:00Z")));

        Plan plan = Planner.plan(local, remote);

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.skipped()).containsExactly(local.entries().get(0));
    }

    @Test
    void plan_whenManifestsAreEqual_isEmptyAndIdDerivesFromChecksums() {
        Manifest m = manifest(entry("a", "1"), entry("b/c", "2"));

        Plan plan = Planner.plan(m, m);

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.id()).isEqualTo(Plan.idOf(m.checksum(), m.checksum()));
        assertThat(plan.localChecksum()).isEqualTo(m.checksum());
    }

    @Test
    void plan_whenCalledTwice_givesIdenticalPlans() {
        Manifest local = manifest(entry("x", "1"), entry("y", "2"), entry("é", "3"));
        Manifest remote = manifest(entry("y", "22"), entry("z", "3"));

        assertThat(Planner.plan(local, remote)).usingRecursiveComparison().isEqualTo(Planner.plan(local, remote));
        assertThat(Planner.plan(local, remote).id()).isNotEqualTo(Planner.plan(remote, local).id());
    }

    @Test
    void plan_withUnicodeAndSpaces_ordersByUtf8Bytes() {
        Manifest local = manifest(entry("z", "z"), entry("a b.txt", "1"), entry("\u00e9t\u00e9.txt", "2"),
                entry("\ud83d\ude00.txt", "3"), entry("\uff41.txt", "4"), entry("A", "5"));

        Plan plan = Planner.plan(local, Manifest.empty("r"));

        // U+FF41 is 3 UTF-8 bytes (EF BD 81) and the emoji is 4 (F0 9F 98 80): the emoji sorts last,
        // although its UTF-16 form (D83D) sorts before FF41.
        assertThat(plan.uploads()).extracting(PlannedUpload::path)
                .containsExactly("A", "a b.txt", "z", "\u00e9t\u00e9.txt", "\uff41.txt", "\ud83d\ude00.txt");
    }

    @Test
    void plan_onRandomTrees_appliedToRemoteYieldsLocal() {
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            Manifest local = randomManifest(random, "local");
            Manifest remote = random.nextInt(10) == 0 ? Manifest.empty("remote") : mutate(random, local);

            Plan plan = Planner.plan(local, remote);

            Map<String, ManifestEntry> applied = new TreeMap<>();
            remote.entries().forEach(e -> applied.put(e.path(), e));
            plan.deletes().forEach(e -> applied.remove(e.path()));
            plan.uploads().forEach(u -> applied.put(u.path(), u.entry()));
            Manifest result = Manifest.of("applied", "", Instant.EPOCH, new ArrayList<>(applied.values()));
            assertThat(result.checksum()).as("seed %d", seed).isEqualTo(local.checksum());
            assertThat(plan.uploads().size() + plan.skipped().size()).as("seed %d", seed)
                    .isEqualTo(local.entries().size());
            for (PlannedUpload u : plan.uploads()) {
                assertThat(u.reason()).as("seed %d %s", seed, u.path())
                        .isEqualTo(remote.find(u.path()).isPresent() ? UploadReason.CHANGED : UploadReason.NEW);
            }
            for (ManifestEntry s : plan.skipped()) {
                assertThat(remote.find(s.path())).as("seed %d", seed).hasValueSatisfying(r -> assertThat(r.sameContent(s)).isTrue());
            }
            assertThat(Planner.plan(local, remote)).usingRecursiveComparison().isEqualTo(plan);
        }
    }

    private static Manifest randomManifest(Random random, String name) {
        String[] segments = {"a", "b", "src", "Docs", "read me", "\u00e9", "z\u00fc", "x.txt", "y.bin", "\ud83d\ude00"};
        Map<String, ManifestEntry> entries = new TreeMap<>();
        int count = random.nextInt(60);
        for (int i = 0; i < count; i++) {
            int depth = 1 + random.nextInt(3);
            StringBuilder path = new StringBuilder();
            for (int d = 0; d < depth; d++) {
                if (d > 0) {
                    path.append('/');
                }
                path.append(segments[random.nextInt(segments.length)]);
            }
            path.append(i % 3 == 0 ? "" : "." + i);
            String content = "c" + random.nextInt(5);
            entries.put(path.toString(), entry(path.toString(), content));
        }
        List<ManifestEntry> list = new ArrayList<>(entries.values());
        // a file and a folder of the same name cannot both exist, but the planner does not care
        return Manifest.of(name, "", Instant.EPOCH, list);
    }

    private static Manifest mutate(Random random, Manifest local) {
        List<ManifestEntry> out = new ArrayList<>();
        for (ManifestEntry e : local.entries()) {
            switch (random.nextInt(6)) {
                case 0 -> { } // missing remotely: NEW
                case 1 -> out.add(entry(e.path(), "other" + random.nextInt(3)));
                case 2 -> out.add(new ManifestEntry(e.path(), e.size() + 1, e.mtime(), e.sha256()));
                case 3 -> out.add(new ManifestEntry(e.path(), e.size(), Instant.EPOCH, e.sha256()));
                default -> out.add(e);
            }
        }
        int extra = random.nextInt(5);
        for (int i = 0; i < extra; i++) {
            String path = "remote-only/" + random.nextInt(1000);
            if (out.stream().noneMatch(e -> e.path().equals(path))) {
                out.add(entry(path, "r"));
            }
        }
        return Manifest.of("remote", "", Instant.EPOCH, out);
    }
}
