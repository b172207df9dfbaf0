package io.cloudsync.core.internal.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** Runs one task per item on a small pool and waits for all of them. */
public final class Workers {

    /** Items a streaming {@link #forEach(Iterator, int, String, Consumer)} takes ahead of the workers, per thread. */
    static final int AHEAD_PER_THREAD = 64;

    private Workers() {
    }

    /**
     * Applies {@code task} to every item with up to {@code threads} in flight. Tasks report their
     * own failures; an unexpected exception of a task is rethrown after every task has finished.
     *
     * @param items the items; with one thread (or one item) they run on the caller's thread
     * @param threads how many tasks run at once
     * @param name the name of the pool's threads
     * @param task what is done with each item
     * @param <T> the item type
     */
    public static <T> void forEach(List<T> items, int threads, String name, Consumer<T> task) {
        if (items.isEmpty()) {
            return;
        }
        int n = Math.max(1, Math.min(threads, items.size()));
        if (n == 1) {
            items.forEach(task);
            return;
        }
        ExecutorService pool = pool(n, name);
        try {
            List<Future<?>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> task.accept(item)));
            }
            RuntimeException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + name + " tasks", e);
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Applies {@code task} to every item an iterator yields, with up to {@code threads} in flight,
     * taking at most {@code threads * AHEAD_PER_THREAD} items ahead of the workers: memory holds a
     * bounded window of items, never all of them. Tasks report their own failures; an unexpected
     * exception of a task, or one the iterator throws (then no further item is taken), is rethrown
     * after every task started has finished.
     *
     * @param items the items, taken as the workers free up
     * @param threads how many tasks run at once
     * @param name the name of the pool's threads
     * @param task what is done with each item
     * @param <T> the item type
     */
    public static <T> void forEach(Iterator<? extends T> items, int threads, String name, Consumer<T> task) {
        int n = Math.max(1, threads);
        if (n == 1) {
            items.forEachRemaining(task);
            return;
        }
        ExecutorService pool = pool(n, name);
        Semaphore window = new Semaphore(n * AHEAD_PER_THREAD);
        AtomicReference<RuntimeException> first = new AtomicReference<>();
        RuntimeException fromIterator = null;
        try {
            try {
                while (items.hasNext()) {
                    T item = items.next();
                    window.acquire();
                    pool.execute(() -> {
                        try {
                            task.accept(item);
                        } catch (RuntimeException e) {
                            first.compareAndSet(null, e);
                        } catch (Error e) {
                            first.compareAndSet(null, new IllegalStateException(e));
                        } finally {
                            window.release();
                        }
                    });
                }
            } catch (RuntimeException e) {
                fromIterator = e;
            }
            pool.shutdown();
            while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                // downloads may take long; keep waiting for the tasks started
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name + " tasks", e);
        } finally {
            pool.shutdownNow();
        }
        if (fromIterator != null) {
            throw fromIterator;
        }
        RuntimeException failed = first.get();
        if (failed != null) {
            throw failed;
        }
    }

    private static ExecutorService pool(int n, String name) {
        return Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
