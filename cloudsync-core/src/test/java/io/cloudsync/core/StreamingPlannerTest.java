package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.Plan;
import io.cloudsync.PlannedUpload;
import io.cloudsync.UploadReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Planner#plan(Iterator, Iterator, PlanSink)}: the streaming planner. */
class StreamingPlannerTest {

    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    private static String sha(String content) {
        return Digests.hex(Digests.sha256().digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static ManifestEntry entry(String path, String content) {
        return new ManifestEntry(path, content.length(), T, sha(content));
    }

    /** Every action in the order the sink got it, as text. */
    private static final class Recorder implements PlanSink {
        final List<String> actions = new ArrayList<>();
        final List<PlannedUpload> uploads = new ArrayList<>();
        final List<ManifestEntry> deletes = new ArrayList<>();
        final List<ManifestEntry> skipped = new ArrayList<>();

        @Override
        public void upload(PlannedUpload upload) {
            uploads.add(upload);
            actions.add(upload.path());
        }

        @Override
        public void delete(ManifestEntry remote) {
            deletes.add(remote);
            actions.add(remote.path());
        }

        @Override
        public void skip(ManifestEntry local) {
            skipped.add(local);
            actions.add(local.path());
        }
    }

    /** A random pair of trees: shared paths (some changed, with mtimes that differ), local-only, remote-only. */
    private static Manifest[] randomPair(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, ManifestEntry> local = new TreeMap<>(PathRules.ORDER);
        Map<String, ManifestEntry> remote = new TreeMap<>(PathRules.ORDER);
        int n = 1 + random.nextInt(3_000);
        for (int i = 0; i < n; i++) {
            String path = "d" + random.nextInt(20) + "/" + (random.nextBoolean() ? "\u00e9" : "") + "f" + random.nextInt(100_000);
            String content = "c" + random.nextInt(1_000);
            int kind = random.nextInt(10);
            if (kind < 6) { // on both sides; one in three with other content, some with another mtime only
                local.put(path, entry(path, content));
                ManifestEntry r = kind < 2 ? entry(path, content + "x")
                        : new ManifestEntry(path, content.length(), T.plusSeconds(kind), sha(content));
                remote.put(path, r);
            } else if (kind < 8) {
                local.put(path, entry(path, content));
            } else {
                remote.put(path, entry(path, content));
            }
        }
        return new Manifest[] {
            Manifest.of("local", "/l", T, new ArrayList<>(local.values())),
            Manifest.of("remote", "/r", T, new ArrayList<>(remote.values()))};
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void randomTrees_giveTheInMemoryPlansActionsAndFigures(long seed) {
        Manifest[] pair = randomPair(seed);
        Plan expected = Planner.plan(pair[0], pair[1]);
        Recorder sink = new Recorder();

        PlanSummary summary = Planner.plan(pair[0].entries().iterator(), pair[1].entries().iterator(), sink);

        assertThat(sink.uploads).isEqualTo(expected.uploads());
        assertThat(sink.deletes).isEqualTo(expected.deletes());
        assertThat(sink.skipped).isEqualTo(expected.skipped());
        assertThat(summary).isEqualTo(PlanSummary.of(expected));
        assertThat(summary.id()).isEqualTo(expected.id());
        assertThat(summary.localChecksum()).isEqualTo(pair[0].checksum());
        assertThat(summary.remoteChecksum()).isEqualTo(pair[1].checksum());
        assertThat(summary.localEntries()).isEqualTo(pair[0].entries().size());
        assertThat(summary.remoteEntries()).isEqualTo(pair[1].entries().size());
        assertThat(summary.uploadBytes()).isEqualTo(expected.uploadBytes());
        assertThat(sink.actions).as("one action per path, in path order across the three kinds")
                .isSortedAccordingTo(PathRules.ORDER).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void randomTrees_matchTheRulesWrittenOutByHand(long seed) {
        Manifest[] pair = randomPair(seed);
        Map<String, ManifestEntry> remote = new TreeMap<>(PathRules.ORDER);
        pair[1].entries().forEach(e -> remote.put(e.path(), e));
        List<String> uploads = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (ManifestEntry l : pair[0].entries()) {
            ManifestEntry r = remote.remove(l.path());
            if (r == null || !r.sameContent(l)) {
                uploads.add(l.path());
                if (r != null) {
                    changed.add(l.path());
                }
            }
        }
        Recorder sink = new Recorder();

        PlanSummary summary = Planner.plan(pair[0].entries().iterator(), pair[1].entries().iterator(), sink);

        assertThat(sink.uploads).extracting(PlannedUpload::path).containsExactlyElementsOf(uploads);
        assertThat(sink.uploads).filteredOn(u -> u.reason() == UploadReason.CHANGED).extracting(PlannedUpload::path)
                .containsExactlyElementsOf(changed);
        assertThat(sink.deletes).extracting(ManifestEntry::path).containsExactlyElementsOf(remote.keySet());
        assertThat(summary.changed()).isEqualTo(changed.size());
        assertThat(summary.newFiles()).isEqualTo(uploads.size() - changed.size());
    }

    @Test
    void actionsReachTheSinkAsTheyAreDecided_notAfterTheWholeStreamIsRead() {
        AtomicInteger pulled = new AtomicInteger();
        Iterator<ManifestEntry> local = new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < 10_000;
            }

            @Override
            public ManifestEntry next() {
                pulled.incrementAndGet();
                return entry(String.format("f%05d", i++), "x");
            }
        };
        List<Integer> pulledAtAction = new ArrayList<>();

        Planner.plan(local, Collections.emptyIterator(), new PlanSink() {
            @Override
            public void upload(PlannedUpload upload) {
                pulledAtAction.add(pulled.get());
            }
        });

        assertThat(pulledAtAction).hasSize(10_000);
        assertThat(pulledAtAction.get(0)).as("entries read when the first action was handed over").isLessThanOrEqualTo(2);
        for (int i = 0; i < pulledAtAction.size(); i++) {
            assertThat(pulledAtAction.get(i)).isLessThanOrEqualTo(i + 2);
        }
    }

    @Test
    void emptySides_planNothing_uploadEverything_orDeleteEverything() {
        List<ManifestEntry> some = List.of(entry("a", "1"), entry("b/c", "22"));
        Manifest empty = Manifest.empty("e");

        Recorder none = new Recorder();
        PlanSummary nothing = Planner.plan(Collections.emptyIterator(), Collections.emptyIterator(), none);
        assertThat(none.actions).isEmpty();
        assertThat(nothing.isEmpty()).isTrue();
        assertThat(nothing.localChecksum()).isEqualTo(empty.checksum()).isEqualTo(Digests.EMPTY_SHA256);
        assertThat(nothing.id()).isEqualTo(Planner.plan(empty, empty).id());

        Recorder up = new Recorder();
        PlanSummary uploads = Planner.plan(some.iterator(), Collections.emptyIterator(), up);
        assertThat(up.uploads).extracting(PlannedUpload::reason).containsExactly(UploadReason.NEW, UploadReason.NEW);
        assertThat(uploads.uploadBytes()).isEqualTo(3);
        assertThat(uploads.deletes()).isZero();

        Recorder down = new Recorder();
        PlanSummary deletes = Planner.plan(Collections.emptyIterator(), some.iterator(), down);
        assertThat(down.deletes).isEqualTo(some);
        assertThat(deletes.uploads()).isZero();
        assertThat(deletes.remoteChecksum()).isEqualTo(Manifest.checksumOf(some));
    }

    @Test
    void anUnsortedLocalSide_isRefusedNamingTheSideAndBothPaths() {
        List<ManifestEntry> unsorted = List.of(entry("a", "1"), entry("c", "3"), entry("b", "2"));

        assertThatThrownBy(() -> Planner.plan(unsorted.iterator(), Collections.emptyIterator(), new PlanSink() { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the local entries is not sorted: \"c\" comes before \"b\"");
    }

    @Test
    void aRepeatedRemotePath_isRefusedNamingTheSideAndThePath() {
        List<ManifestEntry> twice = List.of(entry("a", "1"), entry("b", "2"), entry("b", "2"));
        Recorder sink = new Recorder();

        assertThatThrownBy(() -> Planner.plan(List.of(entry("a", "1")).iterator(), twice.iterator(), sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the remote entries lists \"b\" twice");
        assertThat(sink.actions).as("the actions decided before the error").containsExactly("a", "b");
    }

    @Test
    void aNullEntry_isRefused() {
        List<ManifestEntry> withNull = new ArrayList<>();
        withNull.add(null);

        assertThatThrownBy(() -> Planner.plan(withNull.iterator(), Collections.emptyIterator(), new PlanSink() { }))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("returned null");
    }

    @Test
    void summaryCountsThatDoNotAddUp_areRefused() {
        String c = Digests.EMPTY_SHA256;

        assertThatThrownBy(() -> new PlanSummary(Plan.idOf(c, c), c, c, 2, 0, 1, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not add up");
        assertThatThrownBy(() -> new PlanSummary("x", c, c, 0, 0, 0, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");
    }
}
