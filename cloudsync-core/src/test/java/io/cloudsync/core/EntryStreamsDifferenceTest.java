package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PlannedUpload;
import io.cloudsync.core.internal.manifest2.ChunkFolder;
import io.cloudsync.core.internal.manifest2.Chunked;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Planning from the chunks two manifests do not share gives what planning every entry gives. */
class EntryStreamsDifferenceTest {

    private static final Instant T0 = Instant.parse("2024-05-06T07:08:09Z");

    @TempDir
    Path dir;

    private static ManifestEntry entry(String path, long size) {
        return new ManifestEntry(path, size, T0, String.format("%064x", size));
    }

    private static List<ManifestEntry> tree(int n) {
        List<ManifestEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(entry(String.format("d%03d/f%06d.txt", i % 97, i), i));
        }
        out.sort((a, b) -> io.cloudsync.PathRules.compare(a.path(), b.path()));
        return out;
    }

    /** A copy with {@code edits} random changes: a file changed, removed or added (or a long run removed). */
    private static List<ManifestEntry> edited(List<ManifestEntry> in, int edits, Random random) {
        List<ManifestEntry> out = new ArrayList<>(in);
        for (int k = 0; k < edits; k++) {
            int at = random.nextInt(out.size());
            switch (random.nextInt(4)) {
                case 0 -> out.set(at, entry(out.get(at).path(), 1_000_000 + random.nextInt(1000)));
                case 1 -> out.remove(at);
                case 2 -> out.add(entry(out.get(at).path() + ".new" + k, 7));
                default -> out.subList(at, Math.min(out.size(), at + 3_000)).clear();
            }
        }
        out.sort((a, b) -> io.cloudsync.PathRules.compare(a.path(), b.path()));
        return out;
    }

    /** Every action a sink receives, as text, in order (skips left out: the difference does not hand them on). */
    private static final class Actions implements PlanSink {
        final List<String> seen = new ArrayList<>();

        @Override
        public void upload(PlannedUpload u) {
            seen.add("upload " + u.reason() + " " + u.entry().path());
        }

        @Override
        public void delete(ManifestEntry r) {
            seen.add("delete " + r.path());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 5, 40})
    void theDifferencePlansWhatTheWholeMergePlans_readingOnlyChunksTheSidesDoNotShare(int edits) {
        Random random = new Random(edits * 31L + 7);
        List<ManifestEntry> remoteEntries = tree(30_000);
        List<ManifestEntry> localEntries = edited(remoteEntries, edits, random);
        ChunkFolder folder = new ChunkFolder(dir);
        Chunked remote = Chunked.of(Manifest.of("s", "/r", T0, remoteEntries), folder);
        Chunked local = Chunked.of(Manifest.of("s", "/r", T0, localEntries), folder);

        Actions whole = new Actions();
        PlanSummary expected = Planner.plan(localEntries.iterator(), remoteEntries.iterator(), whole);
        Actions part = new Actions();
        EntryStreams.Difference d = EntryStreams.Difference.of(local, remote);
        PlanSummary actual = d.plan(part);

        assertThat(actual).isEqualTo(expected);
        assertThat(part.seen).isEqualTo(whole.seen);
        long localRead = d.ranges().stream().mapToLong(r -> entriesOf(local, r[0], r[1])).sum();
        assertThat(d.shared() + localRead).isEqualTo(local.entries());
        if (edits <= 5) {
            assertThat(localRead).as("only the chunks around each edit are read").isLessThanOrEqualTo(edits * 2L * 2048 + 3_000L * edits);
        }
        if (edits == 0) {
            assertThat(d.ranges()).isEmpty();
        }

        List<String> visited = new ArrayList<>();
        d.eachRemote((r, same) -> visited.add(r.path() + " " + (same == null ? "-" : same.size())));
        List<String> naive = new ArrayList<>();
        java.util.Map<String, ManifestEntry> byPath = new java.util.HashMap<>();
        localEntries.forEach(e -> byPath.put(e.path(), e));
        for (ManifestEntry r : remoteEntries) {
            ManifestEntry l = byPath.get(r.path());
            naive.add(r.path() + " " + (l == null ? "-" : l.size()));
        }
        assertThat(visited).isEqualTo(naive);
    }

    private static long entriesOf(Chunked m, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            n += m.refs().get(i).entries();
        }
        return n;
    }
}
