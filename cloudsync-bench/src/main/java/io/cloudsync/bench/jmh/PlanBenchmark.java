package io.cloudsync.bench.jmh;

import io.cloudsync.Manifest;
import io.cloudsync.Plan;
import io.cloudsync.bench.SyntheticManifests;
import io.cloudsync.core.Planner;
import java.time.Instant;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Planner.plan} on a local manifest against a remote one of the same size, one entry in a
 * hundred changed, in a JVM limited to 1 GB of heap ({@code -Xmx1g}): that the run finishes at all
 * shows both manifests and the plan fit in it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
// jvmArgs, not jvmArgsAppend: the script's -jvmArgsAppend would replace the heap limit
@Fork(value = 1, jvmArgs = "-Xmx1g")
public class PlanBenchmark {

    /** Entries on each side. */
    @Param("1000000")
    public int entries;

    private Manifest local;
    private Manifest remote;

    /** Builds both manifests. */
    @Setup(Level.Trial)
    public void manifests() {
        local = Manifest.of("local", "/bench", Instant.EPOCH, SyntheticManifests.entries(entries, 0, 1));
        remote = Manifest.of("remote", "/bench", Instant.EPOCH, SyntheticManifests.entries(entries, 10, 2));
    }

    /**
     * Plans local against remote.
     *
     * @return the plan
     */
    @Benchmark
    public Plan plan() {
        Plan plan = Planner.plan(local, remote);
        if (plan.uploads().size() != entries / 100) {
            throw new IllegalStateException("expected " + entries / 100 + " uploads, planned " + plan.uploads().size());
        }
        return plan;
    }
}
