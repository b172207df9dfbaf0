package io.cloudsync.spring;

import io.cloudsync.ErrorCategory;
import io.cloudsync.SyncError;
import io.cloudsync.SyncListener;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The last run of each service and when one last succeeded, as the application's {@code CloudSync}
 * reported them (dry runs aside), runs that ended with an exception (a refused plan, a remote that could
 * not be opened) included, whoever started them, for the health indicator. Kept in memory: after a
 * restart a service has no run until its next one.
 */
public final class CloudSyncRuns implements SyncListener {

    /**
     * A service's last run.
     *
     * @param snapshot the snapshot it synced
     * @param status how it ended: {@link SyncStatus#SUCCESS}, {@link SyncStatus#PARTIAL} or {@link SyncStatus#FAILED}
     * @param summary its summary, or {@code null} for a run that stopped before it began
     * @param error what went wrong first, or {@code null} when nothing did
     * @param finishedAt when it ended
     * @param lastSuccessAt when a run of the service last succeeded, or {@code null}
     */
    public record LastRun(String snapshot, SyncStatus status, @Nullable SyncSummary summary, @Nullable String error,
                          Instant finishedAt, @Nullable Instant lastSuccessAt) {
    }

    private final Clock clock;
    private final Map<String, LastRun> last = new ConcurrentHashMap<>();

    /**
     * Starts with no run.
     *
     * @param clock when runs end
     */
    public CloudSyncRuns(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onComplete(CompleteEvent event) {
        SyncSummary summary = event.summary();
        if (summary.status() == SyncStatus.DRY_RUN) {
            return;
        }
        String error = null;
        if (!summary.errors().isEmpty()) {
            SyncError first = summary.errors().get(0);
            error = first.kind().jsonName() + ": " + first.message();
        }
        record(event.service(), event.snapshot(), summary.status(), summary, error);
    }

    /**
     * Records a run that ended with an exception rather than a summary, as failed: a refused plan, a
     * remote that could not be opened, a setting or flag that refused it, a failure of the engine.
     * Dry runs are not recorded, nor a run that found another run of the same service and snapshot
     * holding the lock ({@link ErrorCategory#LOCKED}): that one was skipped, and the other run reports.
     */
    @Override
    public void onFailed(FailedEvent event) {
        if (event.dryRun() || event.category() == ErrorCategory.LOCKED) {
            return;
        }
        Throwable e = event.failure();
        record(event.service(), event.snapshot(), SyncStatus.FAILED, null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    private void record(String service, String snapshot, SyncStatus status, @Nullable SyncSummary summary,
                        @Nullable String error) {
        Instant now = clock.instant();
        last.compute(service, (s, before) -> new LastRun(snapshot, status, summary, error, now,
                status == SyncStatus.SUCCESS ? now : before == null ? null : before.lastSuccessAt()));
    }

    /**
     * The last run of a service.
     *
     * @param service the service
     * @return its last run since the application started, if any
     */
    public Optional<LastRun> last(String service) {
        return Optional.ofNullable(last.get(service));
    }

    /**
     * Every service that ran.
     *
     * @return service to its last run
     */
    public Map<String, LastRun> all() {
        return Map.copyOf(last);
    }

    /**
     * The clock runs are timed by.
     *
     * @return the clock
     */
    Clock clock() {
        return clock;
    }
}
