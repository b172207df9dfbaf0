package io.cloudsync.testkit.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Runs a provider's work on a thread of a group of its own, so that the threads the provider starts
 * (which join their creator's group) can be found after {@code close()} (R9.07).
 */
public final class ThreadGroups {

    private ThreadGroups() {
    }

    /**
     * Runs {@code step} on a new thread of {@code group} and waits for it, within the operation timeout.
     *
     * @param r the rule's run
     * @param group the group the thread, and every thread it starts, belongs to
     * @param step the work
     * @throws Exception what the step threw
     */
    public static void cycle(RuleRun r, ThreadGroup group, RuleRun.Step step) throws Exception {
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(group, () -> {
            try {
                step.run();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, group.getName() + "-work");
        t.start();
        t.join(r.settings.operationTimeout().toMillis());
        if (t.isAlive()) {
            t.interrupt();
            throw r.failure("opening, using and closing the provider did not finish within %s (settings operationTimeout)",
                    r.settings.operationTimeout());
        }
        Throwable e = thrown[0];
        if (e instanceof Exception ex) {
            throw ex;
        }
        if (e instanceof Error err) {
            throw err;
        }
    }

    /**
     * Waits until no thread of {@code group} is alive but the common fork-join pool's workers (which the JVM
     * keeps for everyone), running the garbage collector now and then, and says which are left when the wait is over.
     *
     * @param group the group
     * @param wait how long to wait
     * @return the threads still running, each with its state and the frame it is in; empty when none
     * @throws InterruptedException when the wait is interrupted
     */
    public static List<String> awaitNoneAlive(ThreadGroup group, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (int poll = 0; ; poll++) {
            if (poll % 25 == 0) {
                // a thread that ends once the closed provider is collected is not a leak: Java 17's HttpClient has
                // no close(), and its selector thread ends when the client becomes unreachable
                System.gc();
            }
            List<Thread> alive = alive(group);
            if (alive.isEmpty()) {
                return List.of();
            }
            if (System.nanoTime() - deadline >= 0) {
                List<String> described = new ArrayList<>();
                for (Thread t : alive) {
                    StackTraceElement[] stack = t.getStackTrace();
                    described.add("'" + t.getName() + "' (" + t.getState() + (t.isDaemon() ? ", daemon" : "")
                            + (stack.length == 0 ? "" : ", in " + stack[0]) + ")");
                }
                return described;
            }
            Thread.sleep(20);
        }
    }

    private static List<Thread> alive(ThreadGroup group) {
        Thread[] threads = new Thread[group.activeCount() + 16];
        int n = group.enumerate(threads, true);
        return Arrays.stream(threads, 0, n)
                .filter(Thread::isAlive)
                .filter(t -> !(t instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool()))
                .toList();
    }
}
