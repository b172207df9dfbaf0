package io.cloudsync.core.internal.engine;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket for one run's bandwidth limit, shared by every worker of the run: each transfer
 * {@linkplain #acquire charges} the bytes it has sent or received, and the caller sleeps for as long
 * as the run is ahead of the rate. Bytes are charged whole, even beyond what the bucket holds: the
 * bucket goes into debt and the caller waits it off, so a provider that reports a whole file or part
 * at once is held to the rate on average (over any window longer than that unit) rather than let
 * through. Concurrent callers queue up behind each other's debt, so the rate is the run's, not each
 * worker's.
 *
 * <p>The bucket starts full and holds at most a tenth of a second of the rate: an idle run does not
 * save up a burst for later. Thread-safe.
 */
public final class Throttle {

    /** No limit: {@link #acquire} returns at once. */
    public static final Throttle NONE = new Throttle(0, System::nanoTime, Throttle::sleep);

    /** How the bucket waits; tests pass one that moves a fake clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Waits.
         *
         * @param nanos how long, more than 0
         * @throws InterruptedException when interrupted
         */
        void sleep(long nanos) throws InterruptedException;
    }

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long bytesPerSecond;
    private final double capacity;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    /** Bytes that may go without waiting; negative while callers wait off a debt. Guarded by this. */
    private double tokens;
    private long last;

    /**
     * A bucket on the system clock.
     *
     * @param bytesPerSecond the rate; 0 for no limit
     * @return {@link #NONE} for 0, else a new bucket
     */
    public static Throttle of(long bytesPerSecond) {
        return bytesPerSecond == 0 ? NONE : new Throttle(bytesPerSecond, System::nanoTime, Throttle::sleep);
    }

    /**
     * A bucket on a given clock, for tests.
     *
     * @param bytesPerSecond the rate; 0 for no limit
     * @param nanoTime a clock of nanoseconds, as {@link System#nanoTime()}
     * @param sleeper how to wait
     */
    public Throttle(long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bandwidth limit must not be negative, was " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.capacity = Math.max(1, bytesPerSecond / 10.0);
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.tokens = capacity;
        this.last = nanoTime.getAsLong();
    }

    /**
     * The rate.
     *
     * @return bytes per second, 0 for no limit
     */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /**
     * Whether this bucket limits anything.
     *
     * @return false for {@link #NONE}
     */
    public boolean limits() {
        return bytesPerSecond > 0;
    }

    /**
     * Charges bytes that were (or are about to be) transferred, and waits until the rate allows them.
     * An interrupt ends the wait early and is kept on the thread: the run is being stopped.
     *
     * @param bytes bytes; 0 or less charges nothing
     */
    public void acquire(long bytes) {
        if (bytesPerSecond == 0 || bytes <= 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            tokens = Math.min(capacity, tokens + (double) (now - last) * bytesPerSecond / NANOS_PER_SECOND);
            last = now;
            tokens -= bytes;
            wait = tokens >= 0 ? 0 : (long) Math.ceil(-tokens * NANOS_PER_SECOND / bytesPerSecond);
        }
        if (wait > 0) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long nanos) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(nanos);
    }

    @Override
    public String toString() {
        return bytesPerSecond == 0 ? "Throttle[none]" : "Throttle[" + bytesPerSecond + " B/s]";
    }
}
