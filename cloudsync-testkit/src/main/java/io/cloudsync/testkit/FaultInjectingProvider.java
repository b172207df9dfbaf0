package io.cloudsync.testkit;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Provider} wrapper that fails, slows down or "crashes" chosen or random operations, for
 * tests of the engine's retries, partial runs and resume. Deterministic given a seed: whether a
 * random fault hits depends only on the seed, the operation, the snapshot, the path and how many
 * times that operation was called for that path before, never on thread timing.
 *
 * <pre>{@code
 * Provider remote = FaultInjectingProvider.wrap(memory)
 *         .seed(42)
 *         .fail(Operation.UPLOAD, "big.bin", Kind.UNAVAILABLE, 2)      // two retryable failures, then success
 *         .failRandomly(Operation.DOWNLOAD, 0.1, Kind.THROTTLED)
 *         .tear("video.mp4")                                           // the process dies halfway through this upload
 *         .build();
 * }</pre>
 *
 * <p>Effects, checked in the order they were added (the first one that hits wins; slowness adds to
 * any other):
 * <ul>
 *   <li>{@code fail}: the call throws {@link ProviderException} of the given kind before reaching the
 *       delegate (retryable for {@code THROTTLED} and {@code UNAVAILABLE}).</li>
 *   <li>{@code failAfter}: the delegate does the work, then the call throws anyway, as when a
 *       response is lost; a retry must be harmless.</li>
 *   <li>{@code slow}: the call sleeps first.</li>
 *   <li>{@code tear}: an upload reads half of the local file, then the process "dies": the call throws
 *       {@link SimulatedCrash} and the delegate never sees the upload, which is what a crash halfway
 *       leaves on an atomic provider.</li>
 *   <li>{@code crashAfter}: the delegate completes the operation, then the process dies.</li>
 * </ul>
 * After a crash every call (except {@link #close()}) throws {@link SimulatedCrash}: the process is
 * dead. A test then opens a new provider on the same remote, as a restarted process would.
 * {@link SimulatedCrash} is an {@link Error} so that code which handles provider failures does not
 * swallow it, just as it cannot handle {@code kill -9}.
 *
 * <p>Thread-safe when the delegate is. Every injected fault is logged (event {@code testkit.fault})
 * and recorded in {@link #injected()}.
 *
 * @since 0.1.0
 */
public final class FaultInjectingProvider extends ForwardingProvider {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjectingProvider.class);

    /**
     * The operations a fault can target. A fault's {@code path} is the file's manifest path for the
     * file operations, the target path for {@link #COPY}, the metadata name for the metadata
     * operations and the prefix for {@link #LIST_METADATA}.
     */
    public enum Operation {
        /** {@link Provider#getMetadata}; the path is the metadata name. */
        GET_METADATA,
        /** {@link Provider#putMetadata}; the path is the metadata name. */
        PUT_METADATA,
        /** {@link Provider#deleteMetadata}; the path is the metadata name. */
        DELETE_METADATA,
        /** {@link Provider#listMetadata}; the path is the prefix. */
        LIST_METADATA,
        /** {@link Provider#upload}. */
        UPLOAD,
        /** {@link Provider#copy}; the path is the target's path. */
        COPY,
        /** {@link Provider#download}. */
        DOWNLOAD,
        /** {@link Provider#delete}. */
        DELETE,
        /** {@link Provider#list}. */
        LIST,
        /** {@link Provider#flush()}; the path is {@code null}, so only a rule for any path matches. */
        FLUSH
    }

    /**
     * One fault that was injected.
     *
     * @param operation the operation
     * @param snapshot the snapshot, or {@code null} for metadata operations
     * @param path the path or metadata name (see {@link Operation}), or {@code null} for listings of a snapshot
     * @param effect what happened, such as {@code fail UNAVAILABLE}
     */
    public record Fault(Operation operation, String snapshot, String path, String effect) {
    }

    /** Thrown when the simulated process dies; every later call on the provider throws it again. */
    public static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String message) {
            super(message);
        }
    }

    private enum Effect { FAIL, FAIL_AFTER, SLOW, TEAR, CRASH_AFTER }

    private record Rule(Operation operation, String path, Effect effect, ProviderException.Kind kind, int times,
            double probability, Duration delay, AtomicInteger hits) {

        boolean matches(Operation op, String p) {
            return operation == op && (path == null || path.equals(p));
        }
    }

    private final long seed;
    private final List<Rule> rules;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<Fault> injected = new CopyOnWriteArrayList<>();
    private volatile String crash;

    private FaultInjectingProvider(Builder b) {
        super(b.delegate);
        this.seed = b.seed;
        this.rules = List.copyOf(b.rules);
    }

    /**
     * Starts wrapping a provider.
     *
     * @param delegate the provider that does the real work
     * @return a builder with seed 0 and no faults
     */
    public static Builder wrap(Provider delegate) {
        return new Builder(delegate);
    }

    /**
     * Every fault injected so far, in order.
     *
     * @return an immutable copy
     */
    public List<Fault> injected() {
        return List.copyOf(injected);
    }

    /**
     * Whether the simulated process has died.
     *
     * @return true after a {@code tear} or {@code crashAfter} hit
     */
    public boolean crashed() {
        return crash != null;
    }

    @Override
    public Optional<MetadataObject> getMetadata(String name) {
        Rule after = before(Operation.GET_METADATA, null, name, null);
        Optional<MetadataObject> result = delegate().getMetadata(name);
        afterwards(after, Operation.GET_METADATA, null, name);
        return result;
    }

    @Override
    public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
        Rule after = before(Operation.PUT_METADATA, null, name, null);
        String version = delegate().putMetadata(name, bytes, precondition);
        afterwards(after, Operation.PUT_METADATA, null, name);
        return version;
    }

    @Override
    public void deleteMetadata(String name) {
        Rule after = before(Operation.DELETE_METADATA, null, name, null);
        delegate().deleteMetadata(name);
        afterwards(after, Operation.DELETE_METADATA, null, name);
    }

    @Override
    public Stream<String> listMetadata(String prefix) {
        Rule after = before(Operation.LIST_METADATA, null, prefix, null);
        Stream<String> result = delegate().listMetadata(prefix);
        if (after != null) {
            result.close();
        }
        afterwards(after, Operation.LIST_METADATA, null, prefix);
        return result;
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        return upload(snapshot, entry, localFile, n -> { });
    }

    /** Forwards the progress callback, so the delegate's progress reaches the engine through the faults. */
    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, java.util.function.LongConsumer sent) {
        Rule after = before(Operation.UPLOAD, snapshot, entry.path(), localFile);
        UploadReceipt receipt = delegate().upload(snapshot, entry, localFile, sent);
        afterwards(after, Operation.UPLOAD, snapshot, entry.path());
        return receipt;
    }

    @Override
    public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
        Rule after = before(Operation.COPY, snapshot, target.path(), null);
        UploadReceipt receipt = delegate().copy(snapshot, sourcePath, target);
        afterwards(after, Operation.COPY, snapshot, target.path());
        return receipt;
    }

    @Override
    public void download(String snapshot, String path, Path target) {
        Rule after = before(Operation.DOWNLOAD, snapshot, path, null);
        delegate().download(snapshot, path, target);
        afterwards(after, Operation.DOWNLOAD, snapshot, path);
    }

    @Override
    public void delete(String snapshot, String path) {
        Rule after = before(Operation.DELETE, snapshot, path, null);
        delegate().delete(snapshot, path);
        afterwards(after, Operation.DELETE, snapshot, path);
    }

    @Override
    public Stream<RemoteEntry> list(String snapshot) {
        Rule after = before(Operation.LIST, snapshot, null, null);
        Stream<RemoteEntry> result = delegate().list(snapshot);
        if (after != null) {
            result.close();
        }
        afterwards(after, Operation.LIST, snapshot, null);
        return result;
    }

    /**
     * Forwards the flush; a {@code fail} rule makes it throw before the delegate syncs anything, a
     * {@code crashAfter} rule lets it complete first.
     */
    @Override
    public void flush() {
        Rule after = before(Operation.FLUSH, null, null, null);
        delegate().flush();
        afterwards(after, Operation.FLUSH, null, null);
    }

    /** Applies the effects that act before the delegate; returns a rule to apply afterwards, if any. */
    private Rule before(Operation op, String snapshot, String path, Path localFile) {
        requireAlive();
        int attempt = calls.computeIfAbsent(op + "\u0000" + snapshot + "\u0000" + path, k -> new AtomicInteger()).getAndIncrement();
        Rule after = null;
        boolean decided = false;
        for (Rule rule : rules) {
            if (!rule.matches(op, path) || !hits(rule, op, snapshot, path, attempt)) {
                continue;
            }
            if (rule.effect == Effect.SLOW) {
                record(op, snapshot, path, "slow " + rule.delay);
                sleep(rule.delay);
                continue;
            }
            if (decided) {
                continue;
            }
            decided = true;
            switch (rule.effect) {
                case FAIL -> {
                    record(op, snapshot, path, "fail " + rule.kind);
                    throw failure(rule.kind, op, snapshot, path, "");
                }
                case TEAR -> {
                    readHalf(localFile);
                    crash(op, snapshot, path, "tear");
                }
                case FAIL_AFTER, CRASH_AFTER -> after = rule;
                default -> throw new IllegalStateException("unexpected effect " + rule.effect);
            }
        }
        return after;
    }

    private void afterwards(Rule rule, Operation op, String snapshot, String path) {
        if (rule == null) {
            return;
        }
        if (rule.effect == Effect.CRASH_AFTER) {
            crash(op, snapshot, path, "crash after completion");
        }
        record(op, snapshot, path, "fail after completion " + rule.kind);
        throw failure(rule.kind, op, snapshot, path, " (after the operation completed)");
    }

    private boolean hits(Rule rule, Operation op, String snapshot, String path, int attempt) {
        if (rule.probability >= 0) {
            long mixed = mix(seed ^ mix((op + "\u0000" + snapshot + "\u0000" + path).hashCode() + 0x9E3779B97F4A7C15L * (attempt + 1)));
            return (mixed >>> 11) * 0x1.0p-53 < rule.probability;
        }
        return rule.hits.incrementAndGet() <= rule.times;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void crash(Operation op, String snapshot, String path, String effect) {
        record(op, snapshot, path, effect);
        crash = "simulated crash during " + op + " of " + where(snapshot, path);
        throw new SimulatedCrash(crash);
    }

    private void requireAlive() {
        String c = crash;
        if (c != null) {
            throw new SimulatedCrash("the simulated process is dead (" + c + "); open a new provider");
        }
    }

    private void record(Operation op, String snapshot, String path, String effect) {
        injected.add(new Fault(op, snapshot, path, effect));
        LOG.debug("testkit.fault operation={} snapshot={} path={} effect={}", op, snapshot, path, effect);
    }

    private static ProviderException failure(ProviderException.Kind kind, Operation op, String snapshot, String path, String when) {
        return new ProviderException(kind, "injected " + kind + " fault in " + op + " of " + where(snapshot, path) + when,
                snapshot == null ? null : path, null);
    }

    private static String where(String snapshot, String path) {
        if (snapshot == null && path == null) {
            return "every operation that has returned"; // a flush
        }
        if (snapshot == null) {
            return "metadata " + (path == null || path.isEmpty() ? "(all)" : path);
        }
        return snapshot + (path == null ? "" : "/" + path);
    }

    private static void readHalf(Path localFile) {
        try (InputStream in = Files.newInputStream(localFile)) {
            in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, Files.size(localFile) / 2));
        } catch (IOException e) {
            // the crash happens either way
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FaultInjectingProvider[" + delegate() + ", seed=" + seed + ", " + rules.size() + " rules"
                + (crash == null ? "" : ", crashed") + ']';
    }

    /** Configures a {@link FaultInjectingProvider}. Not thread-safe. */
    public static final class Builder {
        private final Provider delegate;
        private final List<Rule> rules = new ArrayList<>();
        private long seed;

        private Builder(Provider delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /**
         * Sets the seed of the random faults.
         *
         * @param value any value
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * The first {@code times} matching calls fail before reaching the delegate.
         *
         * @param operation the operation
         * @param path the path or metadata name (see {@link Operation}), or {@code null} for any
         * @param kind the failure kind
         * @param times how many calls fail
         * @return this builder
         */
        public Builder fail(Operation operation, String path, ProviderException.Kind kind, int times) {
            return add(operation, path, Effect.FAIL, kind, times, -1, Duration.ZERO);
        }

        /**
         * The first {@code times} matching calls reach the delegate, succeed there, and then fail.
         *
         * @param operation the operation
         * @param path the path, or {@code null} for any
         * @param kind the failure kind
         * @param times how many calls fail
         * @return this builder
         */
        public Builder failAfter(Operation operation, String path, ProviderException.Kind kind, int times) {
            return add(operation, path, Effect.FAIL_AFTER, kind, times, -1, Duration.ZERO);
        }

        /**
         * Each call of {@code operation} fails before the delegate with the given probability.
         *
         * @param operation the operation
         * @param probability from 0 to 1
         * @param kind the failure kind
         * @return this builder
         */
        public Builder failRandomly(Operation operation, double probability, ProviderException.Kind kind) {
            return add(operation, null, Effect.FAIL, kind, 0, requireProbability(probability), Duration.ZERO);
        }

        /**
         * Every call of {@code operation} sleeps {@code delay} first.
         *
         * @param operation the operation
         * @param delay the pause
         * @return this builder
         */
        public Builder slow(Operation operation, Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, was " + delay);
            }
            return add(operation, null, Effect.SLOW, null, Integer.MAX_VALUE, -1, delay);
        }

        /**
         * The first upload of {@code path} dies halfway (see the class comment).
         *
         * @param path the path, or {@code null} for the first upload of any path
         * @return this builder
         */
        public Builder tear(String path) {
            return add(Operation.UPLOAD, path, Effect.TEAR, null, 1, -1, Duration.ZERO);
        }

        /**
         * Each upload dies halfway with the given probability.
         *
         * @param probability from 0 to 1
         * @return this builder
         */
        public Builder tearRandomly(double probability) {
            return add(Operation.UPLOAD, null, Effect.TEAR, null, 0, requireProbability(probability), Duration.ZERO);
        }

        /**
         * The first matching call completes in the delegate, then the process dies.
         *
         * @param operation the operation
         * @param path the path, or {@code null} for any
         * @return this builder
         */
        public Builder crashAfter(Operation operation, String path) {
            return add(operation, path, Effect.CRASH_AFTER, null, 1, -1, Duration.ZERO);
        }

        /**
         * Builds the wrapper.
         *
         * @return the provider
         */
        public FaultInjectingProvider build() {
            return new FaultInjectingProvider(this);
        }

        private Builder add(Operation operation, String path, Effect effect, ProviderException.Kind kind, int times,
                double probability, Duration delay) {
            Objects.requireNonNull(operation, "operation");
            if (times < 0) {
                throw new IllegalArgumentException("times must not be negative, was " + times);
            }
            if ((effect == Effect.FAIL || effect == Effect.FAIL_AFTER) && kind == null) {
                throw new IllegalArgumentException("a failure needs a ProviderException.Kind");
            }
            rules.add(new Rule(operation, path, effect, kind, times, probability, delay, new AtomicInteger()));
            return this;
        }

        private static double requireProbability(double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probability must be between 0 and 1, was " + p);
            }
            return p;
        }
    }
}
