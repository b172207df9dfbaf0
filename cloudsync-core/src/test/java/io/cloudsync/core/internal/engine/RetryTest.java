package io.cloudsync.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.core.EngineSettings;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import io.cloudsync.spi.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {

    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final Retry.Sleeper recording = waits::add;

    /** Fails retryably {@code failures} times, then answers "ok"; counts the calls. */
    private static java.util.function.Supplier<String> failing(int failures, AtomicInteger calls, Duration retryAfter) {
        return () -> {
            if (calls.incrementAndGet() <= failures) {
                throw new ProviderException(Kind.THROTTLED, "slow down", null, retryAfter, null);
            }
            return "ok";
        };
    }

    @Test
    void engineSettingsAlone_keepTheirAttemptsAndFullJitter() {
        EngineSettings settings = EngineSettings.defaults(); // 5 attempts, 200 ms up to 10 s
        AtomicInteger calls = new AtomicInteger();
        Retry retry = new Retry(settings, recording);
        assertThatThrownBy(() -> retry.call(failing(100, calls, null))).isInstanceOf(ProviderException.class);
        assertThat(calls).hasValue(5);
        assertThat(waits).hasSize(4);
        for (int i = 0; i < waits.size(); i++) {
            assertThat(waits.get(i)).isBetween(Duration.ZERO, Duration.ofMillis(200L << i));
        }
    }

    @Test
    void providerPolicy_raisesTheBudgetAndNeverWaitsLessThanHalfEachStep() {
        RetryPolicy drive = new RetryPolicy(8, Duration.ofSeconds(2), Duration.ofSeconds(64));
        AtomicInteger calls = new AtomicInteger();
        Retry retry = new Retry(EngineSettings.defaults(), Optional.of(drive), recording);
        assertThat(retry.attempts()).isEqualTo(8);
        assertThatThrownBy(() -> retry.call(failing(100, calls, null))).isInstanceOf(ProviderException.class);
        assertThat(calls).hasValue(8);
        assertThat(waits).hasSize(7);
        long total = 0;
        for (int i = 0; i < waits.size(); i++) {
            Duration step = drive.step(i + 1);
            assertThat(waits.get(i)).isBetween(step.dividedBy(2), step);
            total += waits.get(i).toMillis();
        }
        assertThat(step(drive, 1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(step(drive, 6)).isEqualTo(Duration.ofSeconds(64));
        assertThat(step(drive, 7)).isEqualTo(Duration.ofSeconds(64));
        assertThat(Duration.ofMillis(total)).isGreaterThanOrEqualTo(drive.minimumTotalWait());
        assertThat(drive.minimumTotalWait()).isEqualTo(Duration.ofSeconds(1 + 2 + 4 + 8 + 16 + 32 + 32));
    }

    @Test
    void providerPolicy_neverMakesTheEngineLessPatientThanItsSettings() {
        EngineSettings patient = EngineSettings.builder().retryAttempts(20).retryInitialDelay(Duration.ofSeconds(5))
                .retryMaxDelay(Duration.ofSeconds(100)).build();
        RetryPolicy quick = new RetryPolicy(3, Duration.ZERO, Duration.ofMillis(10));
        AtomicInteger calls = new AtomicInteger();
        Retry retry = new Retry(patient, Optional.of(quick), recording);
        assertThat(retry.call(failing(19, calls, null))).isEqualTo("ok");
        assertThat(calls).hasValue(20);
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
        assertThat(waits.get(18)).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(100));
    }

    @Test
    void retryAfter_isHonouredEvenAboveTheMaximum() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20));
        AtomicInteger calls = new AtomicInteger();
        Retry retry = new Retry(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build(),
                Optional.of(policy), recording);
        assertThat(retry.call(failing(2, calls, Duration.ofSeconds(30)))).isEqualTo("ok");
        assertThat(waits).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    @Test
    void notRetryable_isThrownAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        Retry retry = new Retry(EngineSettings.defaults(), Optional.of(new RetryPolicy(8, Duration.ofSeconds(1),
                Duration.ofSeconds(2))), recording);
        assertThatThrownBy(() -> retry.call(() -> {
            calls.incrementAndGet();
            throw new ProviderException(Kind.PERMANENT, "no");
        })).isInstanceOf(ProviderException.class);
        assertThat(calls).hasValue(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void policy_outOfRange_isRefusedNamingTheValue() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).hasMessageContaining("attempts");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(-1), Duration.ofSeconds(1))).hasMessageContaining("initialDelay");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, Duration.ofHours(2))).hasMessageContaining("maxDelay");
    }

    private static Duration step(RetryPolicy p, int retry) {
        return p.step(retry);
    }
}
