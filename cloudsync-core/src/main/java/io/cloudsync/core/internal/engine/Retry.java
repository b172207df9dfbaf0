package io.cloudsync.core.internal.engine;

import io.cloudsync.core.EngineSettings;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RetryPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The engine's one retry policy: exponential backoff honouring a server's Retry-After. With the
 * engine's settings alone the jitter is full (a wait from zero to the step); for a provider that
 * declares a {@link RetryPolicy} each value is the larger of the policy's and the settings', and
 * the jitter is equal (from half the step to all of it), as {@link RetryPolicy} documents.
 */
public final class Retry {

    /** Waits between attempts; replaceable in tests. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Waits.
         *
         * @param delay how long
         * @throws InterruptedException when interrupted
         */
        void sleep(Duration delay) throws InterruptedException;
    }

    /** Hears of each retryable failure before the wait that follows it. */
    @FunctionalInterface
    public interface Observer {
        /**
         * A retryable failure that will be tried again.
         *
         * @param failure what failed
         * @param attempt the attempt that failed, 1 for the first
         * @param delay the wait before the next attempt
         */
        void retrying(ProviderException failure, int attempt, Duration delay);
    }

    /** The real clock. */
    public static final Sleeper THREAD_SLEEP = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);

    private final int attempts;
    private final long initialMillis;
    private final long maxMillis;
    private final boolean equalJitter;
    private final Sleeper sleeper;
    private final Observer observer;

    /**
     * Creates the policy from the engine's settings alone.
     *
     * @param settings attempts and delays
     * @param sleeper how to wait
     */
    public Retry(EngineSettings settings, Sleeper sleeper) {
        this(settings, Optional.empty(), sleeper);
    }

    /**
     * Creates the policy for one provider's operations.
     *
     * @param settings the engine's attempts and delays: the least patience
     * @param policy what the provider declared, or empty
     * @param sleeper how to wait
     */
    public Retry(EngineSettings settings, Optional<RetryPolicy> policy, Sleeper sleeper) {
        int n = settings.retryAttempts();
        long initial = settings.retryInitialDelay().toMillis();
        long max = settings.retryMaxDelay().toMillis();
        if (policy.isPresent()) {
            RetryPolicy p = policy.get();
            n = Math.max(n, p.attempts());
            initial = Math.max(initial, p.initialDelay().toMillis());
            max = Math.max(max, p.maxDelay().toMillis());
        }
        this.attempts = n;
        this.initialMillis = initial;
        this.maxMillis = max;
        this.equalJitter = policy.isPresent();
        this.sleeper = sleeper;
        this.observer = (e, attempt, delay) -> { };
    }

    private Retry(Retry base, Observer observer) {
        this.attempts = base.attempts;
        this.initialMillis = base.initialMillis;
        this.maxMillis = base.maxMillis;
        this.equalJitter = base.equalJitter;
        this.sleeper = base.sleeper;
        this.observer = observer;
    }

    /**
     * The same policy, telling {@code observer} of each retry.
     *
     * @param observer hears of each retryable failure that is tried again; must be quick and not throw
     * @return a new policy
     */
    public Retry observed(Observer observer) {
        return new Retry(this, observer);
    }

    /**
     * The policy for {@code provider}'s operations: the engine's settings, made more patient by the
     * provider's {@link Provider#retryPolicy()} when it declares one.
     *
     * @param settings the engine's attempts and delays
     * @param provider the open provider
     * @param sleeper how to wait
     * @return the policy
     */
    public static Retry forProvider(EngineSettings settings, Provider provider, Sleeper sleeper) {
        Optional<RetryPolicy> declared = provider.retryPolicy();
        return new Retry(settings, declared == null ? Optional.empty() : declared, sleeper);
    }

    /**
     * Attempts per operation, the first included.
     *
     * @return at least 1
     */
    public int attempts() {
        return attempts;
    }

    /**
     * Runs {@code op}, retrying retryable {@link ProviderException}s.
     *
     * @param op the operation
     * @param <T> its result
     * @return its result
     * @throws ProviderException the last failure, when not retryable or attempts are used up
     */
    public <T> T call(Supplier<T> op) {
        int attempt = 1;
        while (true) {
            try {
                return op.get();
            } catch (ProviderException e) {
                if (!e.retryable() || attempt >= attempts) {
                    throw e;
                }
                Duration delay = delay(attempt, e);
                observer.retrying(e, attempt, delay);
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                attempt++;
            }
        }
    }

    /**
     * Like {@link #call} for operations without a result.
     *
     * @param op the operation
     */
    public void run(Runnable op) {
        call(() -> {
            op.run();
            return null;
        });
    }

    Duration delay(int attempt, ProviderException e) {
        long ceiling = initialMillis;
        for (int i = 1; i < attempt && ceiling < maxMillis; i++) {
            ceiling = Math.min(maxMillis, ceiling * 2);
        }
        ceiling = Math.min(ceiling, maxMillis);
        long least = equalJitter ? ceiling / 2 : 0;
        long jittered = ceiling <= least ? ceiling : least + ThreadLocalRandom.current().nextLong(ceiling - least + 1);
        long floor = e.retryAfter().map(Duration::toMillis).orElse(0L);
        return Duration.ofMillis(Math.max(jittered, floor));
    }
}
