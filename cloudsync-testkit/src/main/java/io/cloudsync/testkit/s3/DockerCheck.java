package io.cloudsync.testkit.s3;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.testcontainers.DockerClientFactory;

/**
 * Asks Testcontainers once per JVM whether a Docker engine is reachable, on a daemon thread, so
 * that a test class never waits longer than the given time for the answer (with no engine at all
 * the answer takes about a second). Touches Testcontainers classes only on that thread, so a
 * missing library shows up as {@link Outcome#LIBRARY_MISSING} instead of a linkage error.
 */
final class DockerCheck {

    enum Outcome { AVAILABLE, ABSENT, TIMED_OUT, LIBRARY_MISSING }

    private static CompletableFuture<Boolean> result;

    private DockerCheck() {
    }

    static Outcome await(Duration timeout) {
        try {
            return start().get(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Outcome.AVAILABLE : Outcome.ABSENT;
        } catch (TimeoutException e) {
            return Outcome.TIMED_OUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.TIMED_OUT;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LinkageError) {
                return Outcome.LIBRARY_MISSING;
            }
            // isDockerAvailable() reports problems as false; anything else still means no usable engine
            return Outcome.ABSENT;
        }
    }

    private static synchronized CompletableFuture<Boolean> start() {
        if (result == null) {
            CompletableFuture<Boolean> future = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    future.complete(DockerClientFactory.instance().isDockerAvailable());
                } catch (Throwable e) {
                    future.completeExceptionally(e);
                }
            }, "cloudsync-docker-check");
            t.setDaemon(true);
            t.start();
            result = future;
        }
        return result;
    }
}
