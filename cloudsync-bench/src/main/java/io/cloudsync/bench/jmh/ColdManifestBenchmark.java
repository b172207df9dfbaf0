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
 * Manifest of a tree without a previous manifest (every byte read and hashed, on all cores) and
 * written to JSON, beside {@code find ROOT -type f -print0 | xargs -0 -P2 sha256sum}. "Cold" is
 * cold for cloudsync (no hash cache); both read from the page cache, which the tree fits in.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class ColdManifestBenchmark {

    /** The tree, e.g. the ~1 GB in 20,000 files {@code bench/manifest-bench.sh} generates. */
    @Param("")
    public String root;

    private Path tree;
    private Path out;

    /**
     * Checks the tree and picks the output file.
     *
     * @throws IOException when no temporary file can be made
     */
    @Setup(Level.Trial)
    public void output() throws IOException {
        tree = Reference.tree(root, "ColdManifestBenchmark");
        out = Files.createTempFile("cloudsync-cold-manifest", ".json");
    }

    /**
     * Deletes the output file.
     *
     * @throws IOException when it cannot be deleted
     */
    @TearDown(Level.Trial)
    public void deleteOutput() throws IOException {
        Files.deleteIfExists(out);
    }

    /**
     * cloudsync: {@code ManifestBuilder} with no previous manifest, then the manifest's JSON.
     *
     * @return the number of files hashed
     * @throws IOException when the JSON cannot be written
     */
    @Benchmark
    public long cloudsync() throws IOException {
        ManifestBuilder.Result result = ManifestBuilder.forRoot(tree).scan();
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            ManifestJson.write(result.manifest(), o);
        }
        return result.filesHashed();
    }

    /**
     * The reference: {@code find ROOT -type f -print0 | xargs -0 -P2 sha256sum > /dev/null}.
     *
     * @return the exit code
     * @throws IOException when bash cannot be started
     * @throws InterruptedException when interrupted
     */
    @Benchmark
    public int sha256sum() throws IOException, InterruptedException {
        return Reference.run(List.of("bash", "-c",
                "set -o pipefail; find \"$1\" -type f -print0 | xargs -0 -P2 sha256sum", "sha256sum-reference", tree.toString()));
    }
}
