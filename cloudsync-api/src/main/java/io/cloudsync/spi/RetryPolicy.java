package io.cloudsync.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How patiently the engine retries one provider's operations that fail with a retryable
 * {@link ProviderException} ({@link ProviderException.Kind#THROTTLED},
 * {@link ProviderException.Kind#UNAVAILABLE}): a provider declares it from
 * {@link Provider#retryPolicy()} when its backend documents a backoff that the engine's generic
 * settings do not fit (Google Drive, for one, asks for exponential backoff up to 32 or 64 seconds).
 *
 * <p>The schedule: before retry {@code n} ({@code n = 1} is the first retry, after the first
 * attempt failed) the engine waits a random time from half to all of
 * {@code step(n) = min(maxDelay, initialDelay * 2^(n-1))} ("equal jitter"), or the server's
 * {@link ProviderException#retryAfter() Retry-After} when that is longer. The waits grow
 * exponentially, are spread so that parallel operations do not retry in step, and never add up to
 * less than {@link #minimumTotalWait()}: the length of an outage that a policy is sure to ride out.
 *
 * <p>The engine never retries less patiently than its own settings: for each of the three values it
 * takes the larger of the policy's and the engine's ({@code sync.retry_attempts},
 * {@code sync.retry_initial_delay_ms}, {@code sync.retry_max_delay_ms}). See {@code docs/PROVIDERS.md}.
 *
 * @param attempts attempts per operation, the first included; from 1 to 100
 * @param initialDelay the longest wait before the first retry; from zero to one hour
 * @param maxDelay the longest wait between two attempts (a Retry-After may ask for more); from
 *     {@code initialDelay} to one hour
 */
public record RetryPolicy(int attempts, Duration initialDelay, Duration maxDelay) {

    /** The longest delay a policy may name. */
    public static final Duration LONGEST_DELAY = Duration.ofHours(1);

    /** The most attempts a policy may name. */
    public static final int MOST_ATTEMPTS = 100;

    /**
     * Validates the policy.
     *
     * @param attempts see the record component
     * @param initialDelay see the record component
     * @param maxDelay see the record component
     * @throws IllegalArgumentException naming the value out of range
     */
    public RetryPolicy {
        if (attempts < 1 || attempts > MOST_ATTEMPTS) {
            throw new IllegalArgumentException("attempts must be from 1 to " + MOST_ATTEMPTS + ", was " + attempts);
        }
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || initialDelay.compareTo(LONGEST_DELAY) > 0) {
            throw new IllegalArgumentException("initialDelay must be from 0 to " + LONGEST_DELAY + ", was " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0 || maxDelay.compareTo(LONGEST_DELAY) > 0) {
            throw new IllegalArgumentException("maxDelay must be from initialDelay (" + initialDelay + ") to "
                    + LONGEST_DELAY + ", was " + maxDelay);
        }
    }

    /**
     * The longest wait before retry {@code n}, before jitter: {@code min(maxDelay, initialDelay * 2^(n-1))}.
     * The engine waits from half of it to all of it.
     *
     * @param retry the retry, 1 for the first
     * @return the step
     * @throws IllegalArgumentException when {@code retry} is less than 1
     */
    public Duration step(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be at least 1, was " + retry);
        }
        long max = maxDelay.toMillis();
        long step = initialDelay.toMillis();
        for (int i = 1; i < retry && step < max; i++) {
            step = Math.min(max, step * 2);
        }
        return Duration.ofMillis(Math.min(step, max));
    }

    /**
     * The least time the engine waits in all, over every retry of one operation, when no server
     * asks for more: the sum of half of each {@link #step(int) step}. An operation that keeps failing
     * for less than this long is sure to be retried once it would succeed.
     *
     * @return the least total wait
     */
    public Duration minimumTotalWait() {
        long total = 0;
        for (int retry = 1; retry < attempts; retry++) {
            total += step(retry).toMillis() / 2;
        }
        return Duration.ofMillis(total);
    }
}
