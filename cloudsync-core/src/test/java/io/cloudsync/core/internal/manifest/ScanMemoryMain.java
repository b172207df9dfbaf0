package io.cloudsync.core.internal.manifest;

import io.cloudsync.core.ManifestBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams the scan of a synthetic tree of empty files into a counting sink, to be run under a small
 * heap ({@code -Xmx64m}): {@code ScanMemoryMain <dir> <files> <folders> [threads] [collect]}. Makes the
 * tree when {@code dir} does not exist yet; with {@code collect}, calls {@code scan()} instead (the
 * whole manifest in memory) for comparison. Prints {@code files=N peak_heap_mib=M ms=T}.
 */
public final class ScanMemoryMain {

    private ScanMemoryMain() {
    }

    /**
     * Runs it.
     *
     * @param args see the class comment
     * @throws IOException when the tree cannot be made
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int files = Integer.parseInt(args[1]);
        int folders = Integer.parseInt(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        boolean collect = args.length > 4 && args[4].equals("collect");
        if (!Files.exists(dir)) {
            make(dir, files, folders);
        }
        long started = System.nanoTime();
        AtomicLong count = new AtomicLong();
        ManifestBuilder builder = ManifestBuilder.forRoot(dir).parallelism(threads);
        long n;
        if (collect) {
            n = builder.scan().manifest().entries().size();
        } else {
            builder.scanTo(e -> count.incrementAndGet());
            n = count.get();
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("files=" + n + " peak_heap_mib=" + peak / (1024 * 1024) + " ms=" + ms);
    }

    /** Empty files spread over {@code folders} folders, two levels deep. */
    static void make(Path dir, int files, int folders) throws IOException {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".making");
        for (int i = 0; i < files; i++) {
            int f = i % folders;
            Path folder = tmp.resolve("g" + f % 16).resolve("f" + f);
            if (i < folders) {
                Files.createDirectories(folder);
            }
            Files.createFile(folder.resolve("file-" + i + ".dat"));
        }
        Files.move(tmp, dir);
    }
}
