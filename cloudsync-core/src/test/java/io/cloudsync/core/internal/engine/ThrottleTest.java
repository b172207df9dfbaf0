package io.cloudsync.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The token bucket on a fake clock: every wait is computed, none is slept, so the figures are
 * exact and the test cannot flake.
 */
class ThrottleTest {

    private static final long MIB = 1 << 20;
    private static final long SECOND = 1_000_000_000L;

    /** The fake clock, moved by {@link #sleeps} only (and by a test that lets time pass). */
    long now = 5 * SECOND;
    final List<Long> sleeps = new ArrayList<>();
    boolean sleepMovesClock = true;

    private Throttle throttle(long bytesPerSecond) {
        return new Throttle(bytesPerSecond, () -> now, nanos -> {
            sleeps.add(nanos);
            if (sleepMovesClock) {
                now += nanos;
            }
        });
    }

    /** The waits, each to the microsecond (the bucket counts in doubles). */
    private void assertSleeps(double... seconds) {
        assertThat(sleeps).hasSize(seconds.length);
        for (int i = 0; i < seconds.length; i++) {
            assertThat(sleeps.get(i) / 1e9).as("wait %d", i).isCloseTo(seconds[i], within(1e-6));
        }
    }

    @Test
    void none_neverWaits() {
        Throttle none = throttle(0);
        none.acquire(Long.MAX_VALUE);
        Throttle.NONE.acquire(Long.MAX_VALUE);

        assertThat(sleeps).isEmpty();
        assertThat(none.limits()).isFalse();
        assertThat(Throttle.of(0)).isSameAs(Throttle.NONE);
        assertThat(Throttle.of(1024).limits()).isTrue();
    }

    @Test
    void theBucketStartsWithATenthOfASecond_andThenChargesAtTheRate() {
        Throttle t = throttle(1000);

        t.acquire(100);
        assertThat(sleeps).isEmpty();
        t.acquire(100);
        assertSleeps(0.1);
        t.acquire(250);
        assertSleeps(0.1, 0.25);
    }

    @Test
    void aChargeLargerThanTheBucket_isWaitedOffWhole() {
        Throttle t = throttle(MIB);

        t.acquire(8 * MIB); // a provider that reports a whole file at its end

        assertSleeps(7.9); // 8 MiB less the tenth of a second the bucket held
    }

    @Test
    void thirtySecondsOfSmallCharges_averageTheRate_withinOnePercent() {
        long rate = 8 * MIB;
        Throttle t = throttle(rate);
        long start = now;
        long total = 30 * rate;

        for (long sent = 0; sent < total; sent += 64 * 1024) {
            t.acquire(64 * 1024);
        }

        double seconds = (now - start) / 1e9;
        assertThat(total / seconds / rate).isCloseTo(1.0, within(0.01));
    }

    @Test
    void anIdleRun_doesNotSaveUpABurst() {
        Throttle t = throttle(MIB);
        now += 60 * SECOND;

        t.acquire(MIB);

        assertSleeps(0.9);
    }

    @Test
    void concurrentCallers_queueBehindEachOthersDebt_soTheRateIsTheRunsNotEachWorkers() {
        sleepMovesClock = false; // both charge at the same instant, as two workers would
        Throttle t = throttle(MIB);

        t.acquire(MIB);
        t.acquire(MIB);

        assertSleeps(0.9, 1.9);
    }

    @Test
    void timePassingWhileWaiting_paysTheDebtOff() {
        sleepMovesClock = false;
        Throttle t = throttle(MIB);
        t.acquire(MIB);       // owes 0.9 s
        now += 2 * SECOND;    // the caller waited, and more time passed before the next charge

        t.acquire(MIB / 20);  // the bucket is full again (a tenth of a second), so this goes at once

        assertSleeps(0.9);
    }

    @Test
    void anInterruptedWait_endsAndKeepsTheInterrupt() {
        Throttle t = new Throttle(1, () -> now, nanos -> {
            throw new InterruptedException("stop");
        });
        try {
            t.acquire(1000);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void nothingOrLessIsFree() {
        Throttle t = throttle(1);
        t.acquire(0);
        t.acquire(-5);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aNegativeRate_isRefused() {
        assertThatThrownBy(() -> throttle(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}
