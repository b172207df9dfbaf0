package io.cloudsync.spring;

import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Actuator health of the services: per service, its last run's status. A success is up, a partial run
 * is {@link #DEGRADED}, a failed run is down, and so is a service whose last success is older than its
 * stale age; a scheduled service that has not run yet is unknown. The whole is the worst of them.
 * Spring's default status order does not know {@code DEGRADED}: add it
 * ({@code management.endpoint.health.status.order: down,out-of-service,degraded,up,unknown}), as
 * docs/SPRING.md shows.
 */
public final class CloudSyncHealthIndicator implements HealthIndicator {

    /** A service whose last run was partial: some files did not arrive, the snapshot is the one before. */
    public static final Status DEGRADED = new Status("DEGRADED", "the last run was partial");

    private static final List<Status> WORST_FIRST = List.of(Status.DOWN, DEGRADED, Status.UNKNOWN, Status.UP);

    private final CloudSyncRuns runs;
    private final Set<String> scheduled;
    private final Function<String, @Nullable Duration> staleAfter;

    /**
     * Creates the indicator.
     *
     * @param runs the last runs
     * @param scheduled the services that sync on a schedule: listed even before their first run
     * @param staleAfter for a service, the age of its last success past which it is stale, or {@code null} for never
     */
    public CloudSyncHealthIndicator(CloudSyncRuns runs, Set<String> scheduled, Function<String, @Nullable Duration> staleAfter) {
        this.runs = runs;
        this.scheduled = Set.copyOf(scheduled);
        this.staleAfter = staleAfter;
    }

    @Override
    public Health health() {
        Map<String, CloudSyncRuns.LastRun> all = runs.all();
        TreeSet<String> services = new TreeSet<>(scheduled);
        services.addAll(all.keySet());
        Instant now = runs.clock().instant();
        Status worst = Status.UP;
        Map<String, Object> details = new LinkedHashMap<>();
        for (String service : services) {
            Map<String, Object> d = new LinkedHashMap<>();
            CloudSyncRuns.LastRun last = all.get(service);
            Status status = last == null ? Status.UNKNOWN : status(service, last, now, d);
            if (last == null) {
                d.put("reason", "no run since the application started");
            }
            d.put("status", status.getCode());
            details.put(service, d);
            if (WORST_FIRST.indexOf(status) < WORST_FIRST.indexOf(worst)) {
                worst = status;
            }
        }
        return Health.status(worst).withDetails(details).build();
    }

    /** The status of a service that ran, with its details put into {@code d}. */
    private Status status(String service, CloudSyncRuns.LastRun last, Instant now, Map<String, Object> d) {
        Status status = switch (last.status()) {
            case SUCCESS -> Status.UP;
            case PARTIAL -> DEGRADED;
            case FAILED, DRY_RUN -> Status.DOWN;
        };
        d.put("snapshot", last.snapshot());
        d.put("lastRun", last.status().jsonName());
        d.put("finishedAt", last.finishedAt().toString());
        SyncSummary summary = last.summary();
        if (summary != null) {
            d.put("uploaded", summary.uploaded());
            d.put("deleted", summary.deleted());
            d.put("failed", summary.failed());
        }
        if (last.error() != null) {
            d.put("error", last.error());
        }
        Instant since = last.lastSuccessAt();
        if (since != null) {
            d.put("lastSuccessAt", since.toString());
        }
        Duration stale = staleAfter.apply(service);
        if (stale != null && since != null && last.status() != SyncStatus.FAILED
                && Duration.between(since, now).compareTo(stale) > 0) {
            d.put("reason", "stale: the last successful run is older than " + stale);
            return Status.DOWN;
        }
        return status;
    }
}
