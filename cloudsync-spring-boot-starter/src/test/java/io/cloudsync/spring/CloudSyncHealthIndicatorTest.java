package io.cloudsync.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.ErrorCategory;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncListener;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** How the indicator judges the runs the engine reports. */
class CloudSyncHealthIndicatorTest {

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-04T02:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    private final CloudSyncRuns runs = new CloudSyncRuns(clock);

    private void complete(String service, SyncStatus status, List<SyncError> errors) {
        int failed = errors.size();
        runs.onComplete(new SyncListener.CompleteEvent(service, "nightly",
                new SyncSummary(status, 3, 1, 0, failed, 300, Duration.ofSeconds(2), errors)));
    }

    @Test
    void eachStatus_andTheWorstIsTheWhole() {
        CloudSyncHealthIndicator indicator = new CloudSyncHealthIndicator(runs, Set.of("a", "b", "c", "d"), s -> null);
        assertThat(indicator.health().getStatus()).as("nothing ran yet").isEqualTo(Status.UNKNOWN);
        complete("a", SyncStatus.SUCCESS, List.of());
        complete("b", SyncStatus.SUCCESS, List.of());
        complete("c", SyncStatus.SUCCESS, List.of());
        complete("d", SyncStatus.SUCCESS, List.of());
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

        complete("b", SyncStatus.PARTIAL, List.of(new SyncError(SyncAction.UPLOAD, "docs/x", SyncError.Kind.LOCAL_IO, "unreadable")));
        Health partial = indicator.health();
        assertThat(partial.getStatus()).isEqualTo(CloudSyncHealthIndicator.DEGRADED);
        assertThat(detail(partial, "b")).containsEntry("status", "DEGRADED").containsEntry("lastRun", "partial")
                .containsEntry("failed", 1).containsEntry("error", "local_io: unreadable")
                .containsEntry("lastSuccessAt", "2026-12-04T02:00:00Z");
        assertThat(detail(partial, "a")).containsEntry("status", "UP").doesNotContainKey("error");

        runs.onFailed(new SyncListener.FailedEvent("c", "nightly", false, ErrorCategory.LOCKED,
                new IllegalStateException("another run holds the lock"), Duration.ofMillis(3)));
        runs.onFailed(new SyncListener.FailedEvent("c", "nightly", true, ErrorCategory.CONFIGURATION,
                new IllegalArgumentException("a dry run with a bad include"), Duration.ofMillis(3)));
        assertThat(detail(indicator.health(), "c")).as("a skipped run and a dry run change nothing")
                .containsEntry("status", "UP").containsEntry("lastRun", "success");

        runs.onFailed(new SyncListener.FailedEvent("c", "nightly", false, ErrorCategory.DELETE_GUARD,
                new IllegalStateException("the plan deletes 90% of the remote's files"), Duration.ofMillis(40)));
        Health down = indicator.health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(detail(down, "c")).containsEntry("lastRun", "failed").doesNotContainKey("uploaded")
                .containsEntry("error", "IllegalStateException: the plan deletes 90% of the remote's files");

        complete("c", SyncStatus.SUCCESS, List.of());
        complete("b", SyncStatus.SUCCESS, List.of());
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aLastSuccessOlderThanTheStaleAge_isDown_untilTheNextSuccess() {
        CloudSyncHealthIndicator indicator = new CloudSyncHealthIndicator(runs, Set.of("s3"),
                s -> s.equals("s3") ? Duration.ofHours(48) : null);
        complete("s3", SyncStatus.SUCCESS, List.of());
        clock.advance(Duration.ofHours(47));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        complete("s3", SyncStatus.PARTIAL, List.of(new SyncError(SyncAction.UPLOAD, "a", SyncError.Kind.THROTTLED, "slow down")));
        clock.advance(Duration.ofHours(2));
        Health stale = indicator.health();
        assertThat(stale.getStatus()).isEqualTo(Status.DOWN);
        assertThat(detail(stale, "s3").get("reason").toString()).startsWith("stale: the last successful run is older than PT48H");
        complete("s3", SyncStatus.SUCCESS, List.of());
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        // a service that is not scheduled has no stale age, and is listed once it ran
        complete("other", SyncStatus.SUCCESS, List.of());
        clock.advance(Duration.ofDays(365));
        assertThat(detail(indicator.health(), "other")).containsEntry("status", "UP");
    }

    @Test
    void dryRuns_areNotRuns() {
        CloudSyncHealthIndicator indicator = new CloudSyncHealthIndicator(runs, Set.of(), s -> null);
        complete("a", SyncStatus.DRY_RUN, List.of());
        assertThat(runs.all()).isEmpty();
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(Health h, String service) {
        return (Map<String, Object>) h.getDetails().get(service);
    }
}
