package io.cloudsync.bench.jmh;

import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.ManifestJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rescan of an unchanged tree with its previous manifest, beside {@code find ROOT -type f -printf
 * '%s %T@\n'}: both list every file with its size and mtime, and neither reads file contents. The
 * previous manifest is made once per trial and handed over as its file, as the engine does with its
 * cache, so reading it is part of every measured rescan. Each call is timed on its own
 * ({@link Mode#SingleShotTime}) after warm-up calls in the same JVM, as in a host application that
 * syncs more than once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(1)
public class RescanBenchmark {

    /** The unchanged tree, e.g. the 100,000 files {@code bench/manifest-bench.sh} generates. */
    @Param("")
    public String root;

    private Path tree;
    private Path previous;

    /**
     * Scans the tree once, hashing every file, and keeps that manifest in a file.
     *
     * @throws IOException when the manifest cannot be written
     */
    @Setup(Level.Trial)
    public void previousManifest() throws IOException {
        tree = Reference.tree(root, "RescanBenchmark");
        previous = Files.createTempFile("cloudsync-rescan-previous", ".json");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(previous), 1 << 16)) {
            ManifestJson.write(ManifestBuilder.forRoot(tree).build(), out);
        }
    }

    /**
     * Deletes the previous manifest's file.
     *
     * @throws IOException when it cannot be deleted
     */
    @TearDown(Level.Trial)
    public void deletePrevious() throws IOException {
        Files.deleteIfExists(previous);
    }

    /**
     * cloudsync: {@code ManifestBuilder} with the previous manifest's file.
     *
     * @return the scan's result
     */
    @Benchmark
    public ManifestBuilder.Result cloudsync() {
        ManifestBuilder.Result result = ManifestBuilder.forRoot(tree).previousFile(previous).scan();
        if (result.filesHashed() != 0) {
            throw new IllegalStateException("the tree changed during the benchmark: " + result.filesHashed()
                    + " files were hashed again; a rescan of an unchanged tree reads no content");
        }
        return result;
    }

    /**
     * The reference: {@code find ROOT -type f -printf '%s %T@\n' > /dev/null}.
     *
     * @return the exit code
     * @throws IOException when find cannot be started
     * @throws InterruptedException when interrupted
     */
    @Benchmark
    public int find() throws IOException, InterruptedException {
        return Reference.run(List.of("find", tree.toString(), "-type", "f", "-printf", "%s %T@\\n"));
    }
}
