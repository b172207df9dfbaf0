package io.cloudsync.bench;

import io.cloudsync.Manifest;
import io.cloudsync.Plan;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.ManifestJson;
import io.cloudsync.core.Planner;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Benchmark mains, one per sub-command; every figure is printed as {@code key=value} on one line so
 * that the script can collect it.
 *
 * <pre>
 *   gen ROOT FILES BIG_FILES BIG_MIB MIN_KIB MAX_KIB SEED   deterministic tree (content, names, mtimes)
 *   scan ROOT [OUT.json [PREVIOUS.json]]                    manifest of ROOT, optionally with a hash cache
 *   plan ENTRIES CHANGED_PER_MILLE                          Planner on two synthetic manifests
 * </pre>
 */
public final class ManifestBench {

    /** Every generated file gets this mtime, well in the past, so no file is racily clean. */
    private static final Instant MTIME = Instant.parse("2023-03-28T10:40:00.123456789Z");

    private ManifestBench() {
    }

    /**
     * Runs one sub-command.
     *
     * @param args see the class comment
     * @throws IOException when a file cannot be written or read
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            usage();
            return;
        }
        switch (args[0]) {
            case "gen" -> gen(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]), Long.parseLong(args[7]));
            case "scan" -> scan(Path.of(args[1]), optionalPath(args, 2), optionalPath(args, 3));
            case "plan" -> plan(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> usage();
        }
    }

    private static Path optionalPath(String[] args, int index) {
        return args.length > index && !args[index].isEmpty() ? Path.of(args[index]) : null;
    }

    private static void usage() {
        System.err.println("usage: gen ROOT FILES BIG_FILES BIG_MIB MIN_KIB MAX_KIB SEED | scan ROOT [OUT [PREVIOUS]]"
                + " | plan ENTRIES CHANGED_PER_MILLE");
        System.exit(2);
    }

    /** Writes FILES small files (MIN..MAX KiB) and BIG_FILES files of BIG_MIB MiB, 100 per folder. */
    private static void gen(Path root, int files, int bigFiles, int bigMib, int minKib, int maxKib, long seed)
            throws IOException {
        long started = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buffer = new byte[1 << 20];
        long bytes = 0;
        int total = files + bigFiles;
        int stride = bigFiles == 0 ? Integer.MAX_VALUE : total / bigFiles;
        for (int i = 0; i < total; i++) {
            boolean big = bigFiles > 0 && i % stride == 0 && i / stride < bigFiles;
            long size = big ? (long) bigMib << 20 : (minKib << 10) + random.nextInt(((maxKib - minKib) << 10) + 1);
            Path file = root.resolve(String.format(Locale.ROOT, "d%03d/s%02d/%s%06d.%s",
                    i / 1000, (i / 100) % 10, big ? "asset" : "src", i, big ? "bin" : "txt"));
            if (i % 100 == 0 || !Files.isDirectory(file.getParent())) {
                Files.createDirectories(file.getParent());
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                long left = size;
                while (left > 0) {
                    int n = (int) Math.min(left, buffer.length);
                    byte[] chunk = n == buffer.length ? buffer : new byte[n];
                    random.nextBytes(chunk);
                    out.write(chunk, 0, n);
                    left -= n;
                }
            }
            Files.setLastModifiedTime(file, FileTime.from(MTIME.plusSeconds(i)));
            bytes += size;
        }
        System.out.printf(Locale.ROOT, "gen files=%d bytes=%d ms=%d%n", total, bytes, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The previous manifest is handed over as its file ({@code ManifestBuilder.previousFile}), so
     * it is read while the tree is walked; {@code read_previous_ms} is then included in
     * {@code scan_ms}. With {@code -Dbench.sequential=true} it is read first, as before.
     */
    private static void scan(Path root, Path out, Path previousFile) throws IOException {
        long started = System.nanoTime();
        ManifestBuilder builder = ManifestBuilder.forRoot(root);
        boolean sequential = Boolean.getBoolean("bench.sequential");
        if (previousFile != null && sequential) {
            builder.previous(ManifestJson.read(previousFile));
        } else if (previousFile != null) {
            builder.previousFile(previousFile);
        }
        long read = System.nanoTime();
        ManifestBuilder.Result result = builder.scan();
        long scanned = System.nanoTime();
        if (out != null) {
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
                ManifestJson.write(result.manifest(), o);
            }
        }
        long written = System.nanoTime();
        System.out.printf(Locale.ROOT, "scan files=%d bytes=%d hashed=%d reused=%d skipped=%d read_previous_ms=%s"
                        + " scan_ms=%d write_ms=%d in_process_ms=%d%n",
                result.manifest().entries().size(), result.manifest().totalBytes(), result.filesHashed(),
                result.filesReused(), result.skipped().size(),
                previousFile == null || sequential ? String.valueOf((read - started) / 1_000_000) : "during_scan",
                (scanned - read) / 1_000_000, (written - scanned) / 1_000_000, (written - started) / 1_000_000);
    }

    private static void plan(int count, int changedPerMille) throws IOException {
        long t0 = System.nanoTime();
        Manifest local = Manifest.of("local", "/bench", Instant.EPOCH, SyntheticManifests.entries(count, 0, 1));
        Manifest remote = Manifest.of("remote", "/bench", Instant.EPOCH, SyntheticManifests.entries(count, changedPerMille, 2));
        long built = System.nanoTime();
        Path json = Files.createTempFile("cloudsync-plan-bench", ".json");
        try {
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(json), 1 << 16)) {
                ManifestJson.write(remote, o);
            }
            long writtenAt = System.nanoTime();
            remote = null; // the remote is read back from its file, as from a provider or the cache
            remote = ManifestJson.read(json);
            long readAt = System.nanoTime();
            System.gc();
            long inputs = heapUsed();
            List<MemoryPoolMXBean> pools = heapPools();
            pools.forEach(MemoryPoolMXBean::resetPeakUsage);
            long p0 = System.nanoTime();
            Plan plan = Planner.plan(local, remote);
            long p1 = System.nanoTime();
            long peak = pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            long best = p1 - p0;
            for (int i = 0; i < 4; i++) {
                long s = System.nanoTime();
                Planner.plan(local, remote);
                best = Math.min(best, System.nanoTime() - s);
            }
            System.out.printf(Locale.ROOT, "plan entries=%d changed=%d uploads=%d deletes=%d skipped=%d build_inputs_ms=%d"
                            + " json_bytes=%d json_write_ms=%d json_read_ms=%d plan_first_ms=%d plan_best_of_5_ms=%d"
                            + " heap_inputs_mib=%d heap_peak_mib=%d heap_max_mib=%d%n",
                    count, count * (long) changedPerMille / 1000, plan.uploads().size(), plan.deletes().size(),
                    plan.skipped().size(), (built - t0) / 1_000_000, Files.size(json), (writtenAt - built) / 1_000_000,
                    (readAt - writtenAt) / 1_000_000, (p1 - p0) / 1_000_000, best / 1_000_000, inputs >> 20, peak >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
        } finally {
            Files.deleteIfExists(json);
        }
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    private static long heapUsed() {
        return heapPools().stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }
}
