package io.cloudsync.bench.jmh;

import io.cloudsync.ManifestEntry;
import io.cloudsync.PlannedUpload;
import io.cloudsync.bench.SyntheticStreams;
import io.cloudsync.core.PlanSink;
import io.cloudsync.core.PlanSummary;
import io.cloudsync.core.Planner;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Iterator;
import java.util.Locale;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The streaming planner, {@link Planner#plan(Iterator, Iterator, PlanSink)}, on two synthetic sides
 * of 10,000,000 entries each ({@link SyntheticStreams}: 1% changed, 0.5% new, 0.5% deleted), generated
 * lazily and never held, in a JVM limited to 256 MB of heap ({@code -Xmx256m}): the in-memory planner
 * needs several GB for this, so that the run completes at all is the target. {@code plan} counts every
 * action the sink gets; {@code generate} only drains both streams, the cost of making up the entries,
 * so that {@code plan - generate} is the planner's own share. Each iteration prints its time, the
 * entries per second (both sides counted) and the peak heap so far.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
// jvmArgs, not jvmArgsAppend: a -jvmArgsAppend on JMH's command line (the script passes one) replaces
// the annotation's jvmArgsAppend, and the heap limit with it
@Fork(value = 1, jvmArgs = "-Xmx256m")
public class StreamPlanBenchmark {

    /** Entries on each side. */
    @Param("10000000")
    public long entries;

    /** The seed of both sides. */
    @Param("18")
    public long seed;

    /** The heap limit the fork must run under, MiB: the trial refuses to start with more. */
    @Param("256")
    public long heapMib;

    private long started;

    /** Refuses a fork with more heap than {@link #heapMib}: the target is completing within it. */
    @Setup(Level.Trial)
    public void checkHeap() {
        long max = Runtime.getRuntime().maxMemory() >> 20;
        if (max > heapMib) {
            throw new IllegalStateException("this JVM may use " + max + " MiB of heap, more than the " + heapMib
                    + " MiB the benchmark is about; fork it with -Xmx" + heapMib + "m (or set -p heapMib=...)");
        }
    }

    /** Notes the start of an iteration. */
    @Setup(Level.Iteration)
    public void start() {
        started = System.nanoTime();
    }

    /** Prints the iteration's figures. */
    @TearDown(Level.Iteration)
    public void report() {
        long ms = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "%n  %,d + %,d entries in %,d ms: %,d entries/s; peak heap %d MiB (max %d MiB)%n",
                entries, entries, ms, 2 * entries * 1000 / ms, peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
    }

    /** Counts the actions and checks them against the summary. */
    private static final class Counting implements PlanSink {
        long uploads;
        long deletes;
        long skipped;

        @Override
        public void upload(PlannedUpload upload) {
            uploads++;
        }

        @Override
        public void delete(ManifestEntry remote) {
            deletes++;
        }

        @Override
        public void skip(ManifestEntry local) {
            skipped++;
        }
    }

    /**
     * Plans the local stream against the remote one.
     *
     * @return the summary
     */
    @Benchmark
    public PlanSummary plan() {
        Counting sink = new Counting();
        PlanSummary s = Planner.plan(SyntheticStreams.local(entries, seed), SyntheticStreams.remote(entries, seed), sink);
        if (s.localEntries() != entries || s.remoteEntries() != entries || s.uploads() != sink.uploads
                || s.deletes() != sink.deletes || s.skipped() != sink.skipped
                || s.changed() < entries / 200 || s.changed() > entries / 50) {
            throw new IllegalStateException("unexpected plan " + s);
        }
        return s;
    }

    /**
     * Only makes up the entries of both sides: the share of {@link #plan()} that is not planning.
     *
     * @param bh consumes the entries
     */
    @Benchmark
    public void generate(Blackhole bh) {
        for (Iterator<ManifestEntry> it = SyntheticStreams.local(entries, seed); it.hasNext(); ) {
            bh.consume(it.next());
        }
        for (Iterator<ManifestEntry> it = SyntheticStreams.remote(entries, seed); it.hasNext(); ) {
            bh.consume(it.next());
        }
    }
}
