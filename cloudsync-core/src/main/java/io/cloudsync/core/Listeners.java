package io.cloudsync.core;

import io.cloudsync.SyncListener;
import io.cloudsync.SyncSummary;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one {@link CloudSync}: every event goes to each of them, and a listener that throws
 * is logged ({@code sync.listener}) and never fails the run. Thread-safe.
 */
final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(CloudSync.class);

    private final List<SyncListener> listeners;

    Listeners(List<SyncListener> initial) {
        this.listeners = new CopyOnWriteArrayList<>(initial);
    }

    void add(SyncListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(SyncListener listener) {
        listeners.remove(listener);
    }

    void plan(String service, String snapshot, PlanSummary plan, boolean dryRun) {
        SyncListener.PlanEvent event = new SyncListener.PlanEvent(service, snapshot, (int) plan.uploads(),
                (int) plan.deletes(), plan.uploadBytes(), dryRun);
        for (SyncListener l : listeners) {
            safely(() -> l.onPlan(event));
        }
    }

    void progress(SyncListener.ProgressEvent event) {
        for (SyncListener l : listeners) {
            safely(() -> l.onProgress(event));
        }
    }

    void transfer(SyncListener.TransferEvent event) {
        for (SyncListener l : listeners) {
            safely(() -> l.onTransfer(event));
        }
    }

    void start(SyncListener.StartEvent event) {
        for (SyncListener l : listeners) {
            safely(() -> l.onStart(event));
        }
    }

    void retry(SyncListener.RetryEvent event) {
        for (SyncListener l : listeners) {
            safely(() -> l.onRetry(event));
        }
    }

    void complete(String service, String snapshot, SyncSummary summary) {
        SyncListener.CompleteEvent event = new SyncListener.CompleteEvent(service, snapshot, summary);
        for (SyncListener l : listeners) {
            safely(() -> l.onComplete(event));
        }
    }

    void failed(String service, String snapshot, boolean dryRun, Throwable failure, java.time.Duration duration) {
        SyncListener.FailedEvent event = new SyncListener.FailedEvent(service, snapshot, dryRun,
                io.cloudsync.ErrorCategory.of(failure), failure, duration);
        for (SyncListener l : listeners) {
            safely(() -> l.onFailed(event));
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.atWarn().setMessage("sync.listener").addKeyValue("error", e.toString()).log();
        }
    }
}
