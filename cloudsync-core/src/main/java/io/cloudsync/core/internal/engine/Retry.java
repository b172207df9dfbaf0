package io.cloudsync.core.internal.engine;

import io.cloudsync.core.EngineSettings;
import io.cloudsync.spi.ProviderException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/** The engine's one retry policy: exponential backoff with full jitter, honouring a server's Retry-After. */
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

    /** The real clock. */
    public static final Sleeper THREAD_SLEEP = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);

    private final EngineSettings settings;
    private final Sleeper sleeper;

    /**
     * Creates the policy.
     *
     * @param settings attempts and delays
     * @param sleeper how to wait
     */
    public Retry(EngineSettings settings, Sleeper sleeper) {
        this.settings = settings;
        this.sleeper = sleeper;
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
                if (!e.retryable() || attempt >= settings.retryAttempts()) {
                    throw e;
                }
                Duration delay = delay(attempt, e);
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
        long initial = settings.retryInitialDelay().toMillis();
        long max = settings.retryMaxDelay().toMillis();
        long ceiling = Math.min(max, initial << Math.min(attempt - 1, 30));
        long jittered = ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
        long floor = e.retryAfter().map(Duration::toMillis).orElse(0L);
        return Duration.ofMillis(Math.max(jittered, Math.min(floor, Math.max(max, floor))));
    }
}
