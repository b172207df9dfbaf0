package io.cloudsync.testkit;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Sizes, thread counts and waits used by {@link ProviderContract} and its families. Immutable; every {@code with...}
 * method returns a copy. The defaults suit an in-process provider; a provider over a real network
 * raises {@link #consistencyWait()} and {@link #operationTimeout()}, and a provider that uploads
 * large files in parts declares its {@link #multipartThresholdBytes()}.
 *
 * <p>Every value can be overridden from the command line with a system property named
 * {@code cloudsync.testkit.<name>}, which wins over what the contract subclass returns, e.g.
 * {@code -Dcloudsync.testkit.consistencyWait=PT5S -Dcloudsync.testkit.largeFileBytes=16777216}.
 * Durations use ISO-8601 ({@code PT2S}).
 *
 * @since 0.1.0
 */
public final class ContractSettings {

    /** Prefix of the system properties that override settings. */
    public static final String PROPERTY_PREFIX = "cloudsync.testkit.";

    private static final ContractSettings DEFAULTS = new ContractSettings(4 * 1024, 3 * 1024 * 1024, 0, 4,
            Duration.ZERO, Duration.ofMillis(100), Duration.ofSeconds(60), false, 0x5EEDL);

    private final int smallFileBytes;
    private final long largeFileBytes;
    private final long multipartThresholdBytes;
    private final int threads;
    private final Duration consistencyWait;
    private final Duration pollInterval;
    private final Duration operationTimeout;
    private final boolean listingReportsSha256;
    private final long seed;

    private ContractSettings(int smallFileBytes, long largeFileBytes, long multipartThresholdBytes, int threads,
            Duration consistencyWait, Duration pollInterval, Duration operationTimeout, boolean listingReportsSha256,
            long seed) {
        this.smallFileBytes = requireAtLeast("smallFileBytes", smallFileBytes, 2);
        this.largeFileBytes = requireAtLeast("largeFileBytes", largeFileBytes, 2);
        this.multipartThresholdBytes = requireAtLeast("multipartThresholdBytes", multipartThresholdBytes, 0);
        this.threads = requireAtLeast("threads", threads, 2);
        this.consistencyWait = requireNotNegative("consistencyWait", consistencyWait);
        this.pollInterval = requireNotNegative("pollInterval", pollInterval);
        this.operationTimeout = requireNotNegative("operationTimeout", operationTimeout);
        this.listingReportsSha256 = listingReportsSha256;
        this.seed = seed;
    }

    /**
     * The defaults: 4 KiB small files, 3 MiB large files, no multipart threshold, 4 threads, no
     * consistency wait, a 60 s timeout for concurrent steps, listings without digests, a fixed seed.
     *
     * @return the defaults, without system property overrides (the contract applies those itself)
     */
    public static ContractSettings defaults() {
        return DEFAULTS;
    }

    /**
     * Size of the files most rules upload.
     *
     * @return bytes, at least 2
     */
    public int smallFileBytes() {
        return smallFileBytes;
    }

    /**
     * Size of the "few megabytes" file of R2.04 and of the interrupted uploads of R6.*.
     *
     * @return bytes, at least 2
     */
    public long largeFileBytes() {
        return largeFileBytes;
    }

    /**
     * The size above which the provider uploads in parts or chunks, as the provider declares it.
     * R2.05 uploads a file of twice this size plus a few bytes, so that there are at least two full
     * parts and a short last one.
     *
     * @return the threshold, or empty when the provider uploads every file in one piece (R2.05 is then skipped)
     */
    public OptionalLong multipartThresholdBytes() {
        return multipartThresholdBytes == 0 ? OptionalLong.empty() : OptionalLong.of(multipartThresholdBytes);
    }

    /**
     * How many threads the concurrency rules use.
     *
     * @return at least 2
     */
    public int threads() {
        return threads;
    }

    /**
     * How long a change may take to become visible (eventually consistent backends). Checks that
     * follow a write are retried every {@link #pollInterval()} until they hold or this passes.
     *
     * @return never {@code null}; zero means one attempt
     */
    public Duration consistencyWait() {
        return consistencyWait;
    }

    /**
     * Pause between attempts while waiting for consistency.
     *
     * @return never {@code null}
     */
    public Duration pollInterval() {
        return pollInterval;
    }

    /**
     * Longest wait for the threads of a concurrency rule, so that a deadlocked provider fails the
     * rule instead of hanging the build.
     *
     * @return never {@code null}
     */
    public Duration operationTimeout() {
        return operationTimeout;
    }

    /**
     * Whether the provider's listing reports a SHA-256 for every file; R7.02 then requires it.
     * Digests a listing reports are checked either way.
     *
     * @return the declaration
     */
    public boolean listingReportsSha256() {
        return listingReportsSha256;
    }

    /**
     * Seed of the pseudo-random file contents, so a failure can be replayed.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * A copy with another small file size.
     *
     * @param bytes at least 2
     * @return the copy
     */
    public ContractSettings withSmallFileBytes(int bytes) {
        return new ContractSettings(bytes, largeFileBytes, multipartThresholdBytes, threads, consistencyWait,
                pollInterval, operationTimeout, listingReportsSha256, seed);
    }

    /**
     * A copy with another large file size.
     *
     * @param bytes at least 2
     * @return the copy
     */
    public ContractSettings withLargeFileBytes(long bytes) {
        return new ContractSettings(smallFileBytes, bytes, multipartThresholdBytes, threads, consistencyWait,
                pollInterval, operationTimeout, listingReportsSha256, seed);
    }

    /**
     * A copy declaring the provider's multipart or chunk threshold.
     *
     * @param bytes the threshold; 0 for none
     * @return the copy
     */
    public ContractSettings withMultipartThresholdBytes(long bytes) {
        return new ContractSettings(smallFileBytes, largeFileBytes, bytes, threads, consistencyWait,
                pollInterval, operationTimeout, listingReportsSha256, seed);
    }

    /**
     * A copy with another thread count.
     *
     * @param count at least 2
     * @return the copy
     */
    public ContractSettings withThreads(int count) {
        return new ContractSettings(smallFileBytes, largeFileBytes, multipartThresholdBytes, count, consistencyWait,
                pollInterval, operationTimeout, listingReportsSha256, seed);
    }

    /**
     * A copy with another consistency wait.
     *
     * @param wait not negative
     * @return the copy
     */
    public ContractSettings withConsistencyWait(Duration wait) {
        return new ContractSettings(smallFileBytes, largeFileBytes, multipartThresholdBytes, threads, wait,
                pollInterval, operationTimeout, listingReportsSha256, seed);
    }

    /**
     * A copy with another poll interval.
     *
     * @param interval not negative
     * @return the copy
     */
    public ContractSettings withPollInterval(Duration interval) {
        return new ContractSettings(smallFileBytes, largeFileBytes, multipartThresholdBytes, threads, consistencyWait,
                interval, operationTimeout, listingReportsSha256, seed);
    }

    /**
     * A copy with another timeout for concurrent steps.
     *
     * @param timeout not negative
     * @return the copy
     */
    public ContractSettings withOperationTimeout(Duration timeout) {
        return new ContractSettings(smallFileBytes, largeFileBytes, multipartThresholdBytes, threads, consistencyWait,
                pollInterval, timeout, listingReportsSha256, seed);
    }

    /**
     * A copy declaring whether listings carry digests.
     *
     * @param reports true when every listed file has its SHA-256
     * @return the copy
     */
    public ContractSettings withListingReportsSha256(boolean reports) {
        return new ContractSettings(smallFileBytes, largeFileBytes, multipartThresholdBytes, threads, consistencyWait,
                pollInterval, operationTimeout, reports, seed);
    }

    /**
     * A copy with another content seed.
     *
     * @param newSeed any value
     * @return the copy
     */
    public ContractSettings withSeed(long newSeed) {
        return new ContractSettings(smallFileBytes, largeFileBytes, multipartThresholdBytes, threads, consistencyWait,
                pollInterval, operationTimeout, listingReportsSha256, newSeed);
    }

    /**
     * A copy with every {@code cloudsync.testkit.<name>} property applied.
     *
     * @param properties usually {@link System#getProperties()}
     * @return the copy
     * @throws IllegalArgumentException naming a property whose value cannot be parsed
     */
    public ContractSettings withOverrides(Properties properties) {
        ContractSettings s = this;
        s = s.withSmallFileBytes((int) number(properties, "smallFileBytes", smallFileBytes));
        s = s.withLargeFileBytes(number(properties, "largeFileBytes", largeFileBytes));
        s = s.withMultipartThresholdBytes(number(properties, "multipartThresholdBytes", multipartThresholdBytes));
        s = s.withThreads((int) number(properties, "threads", threads));
        s = s.withConsistencyWait(duration(properties, "consistencyWait", consistencyWait));
        s = s.withPollInterval(duration(properties, "pollInterval", pollInterval));
        s = s.withOperationTimeout(duration(properties, "operationTimeout", operationTimeout));
        String reports = properties.getProperty(PROPERTY_PREFIX + "listingReportsSha256");
        if (reports != null) {
            if (!reports.equals("true") && !reports.equals("false")) {
                throw bad("listingReportsSha256", reports, "true or false");
            }
            s = s.withListingReportsSha256(Boolean.parseBoolean(reports));
        }
        return s.withSeed(number(properties, "seed", seed));
    }

    private static long number(Properties properties, String name, long fallback) {
        String value = properties.getProperty(PROPERTY_PREFIX + name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw bad(name, value, "a whole number");
        }
    }

    private static Duration duration(Properties properties, String name, Duration fallback) {
        String value = properties.getProperty(PROPERTY_PREFIX + name);
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw bad(name, value, "an ISO-8601 duration such as PT2S");
        }
    }

    private static IllegalArgumentException bad(String name, String value, String expected) {
        return new IllegalArgumentException("system property " + PROPERTY_PREFIX + name + " must be " + expected
                + ", was \"" + value + '"');
    }

    private static long requireAtLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    private static int requireAtLeast(String name, int value, int min) {
        return (int) requireAtLeast(name, (long) value, (long) min);
    }

    private static Duration requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "ContractSettings[smallFileBytes=" + smallFileBytes + ", largeFileBytes=" + largeFileBytes
                + ", multipartThresholdBytes=" + multipartThresholdBytes + ", threads=" + threads
                + ", consistencyWait=" + consistencyWait + ", pollInterval=" + pollInterval
                + ", operationTimeout=" + operationTimeout + ", listingReportsSha256=" + listingReportsSha256
                + ", seed=" + seed + ']';
    }
}
