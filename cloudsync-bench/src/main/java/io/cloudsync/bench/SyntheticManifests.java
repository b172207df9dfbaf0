package io.cloudsync.bench;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Manifest entries made up for the planning benchmarks: no files behind them. */
public final class SyntheticManifests {

    private static final Instant MTIME = Instant.parse("2023-03-28T10:40:00.123456789Z");

    private SyntheticManifests() {
    }

    /**
     * Entries {@code dNNN/sNN/fileNNNNNNN.txt} in path order; when {@code changedPerMille > 0}, every
     * {@code (1000 / changedPerMille)}-th one gets other content (size and sha256) than with
     * {@code changedPerMille == 0}.
     *
     * @param count how many entries
     * @param changedPerMille how many in a thousand differ
     * @param variant what the changed ones get, so two variants differ from each other too
     * @return the entries, sorted
     */
    public static List<ManifestEntry> entries(int count, int changedPerMille, int variant) {
        List<ManifestEntry> out = new ArrayList<>(count);
        int every = changedPerMille == 0 ? Integer.MAX_VALUE : 1000 / changedPerMille;
        for (int i = 0; i < count; i++) {
            boolean changed = changedPerMille > 0 && i % every == 0;
            String path = String.format(Locale.ROOT, "d%03d/s%02d/file%07d.txt", i / 10_000, (i / 100) % 100, i);
            long size = 1000 + i % 50_000 + (changed ? variant : 0);
            String content = path + (changed ? "#" + variant : "");
            out.add(new ManifestEntry(path, size, MTIME.plusSeconds(i),
                    Digests.hex(Digests.sha256().digest(content.getBytes(StandardCharsets.UTF_8)))));
        }
        return out;
    }
}
