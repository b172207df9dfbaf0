package io.cloudsync.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The streaming form of {@link Workers#forEach}: a bounded window ahead of the workers, every item once, failures after the rest. */
class WorkersTest {

    /** Yields 0 .. n-1 and counts how many were taken. */
    private static final class Counting implements Iterator<Integer> {
        final AtomicInteger taken = new AtomicInteger();
        private final int n;

        Counting(int n) {
            this.n = n;
        }

        @Override
        public boolean hasNext() {
            return taken.get() < n;
        }

        @Override
        public Integer next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return taken.getAndIncrement();
        }
    }

    @Test
    void iterator_isTakenAtMostAWindowAheadOfBlockedWorkers() throws Exception {
        int threads = 3;
        Counting items = new Counting(100_000);
        CountDownLatch release = new CountDownLatch(1);
        Set<Integer> done = ConcurrentHashMap.newKeySet();
        Thread runner = new Thread(() -> Workers.forEach(items, threads, "test-workers", i -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.add(i);
        }));
        runner.start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (items.taken.get() < threads * Workers.AHEAD_PER_THREAD && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        Thread.sleep(100); // would the runner take more? it must not
        assertThat(items.taken.get()).isBetween(threads * Workers.AHEAD_PER_THREAD, threads * Workers.AHEAD_PER_THREAD + 1);

        release.countDown();
        runner.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(runner.isAlive()).isFalse();
        assertThat(done).hasSize(100_000);
    }

    @Test
    void failingTask_isRethrownAfterEveryOtherItemRan() {
        Counting items = new Counting(1_000);
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> Workers.forEach(items, 4, "test-workers", i -> {
            if (i == 10) {
                throw new IllegalStateException("task 10 broke");
            }
            ran.incrementAndGet();
        })).isInstanceOf(IllegalStateException.class).hasMessage("task 10 broke");
        assertThat(ran.get()).isEqualTo(999);
    }

    @Test
    void failingIterator_stopsTakingAndIsRethrownAfterTheStartedTasks() {
        AtomicInteger ran = new AtomicInteger();
        Iterator<Integer> broken = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next == 500) {
                    throw new IllegalArgumentException("chunk missing at 500");
                }
                return true;
            }

            @Override
            public Integer next() {
                return next++;
            }
        };

        assertThatThrownBy(() -> Workers.forEach(broken, 4, "test-workers", i -> ran.incrementAndGet()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("chunk missing at 500");
        assertThat(ran.get()).isEqualTo(500);
    }
}
