package io.cloudsync.micrometer;

import io.cloudsync.SyncError;
import io.cloudsync.SyncListener;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Records the dry runs and runs of a {@code CloudSync} in a Micrometer {@link MeterRegistry}: add it as
 * a listener ({@code CloudSync.builder().listener(metrics)} or {@code cloudSync.addListener(metrics)}).
 * Every meter but the vault's is tagged with {@code service} and {@code snapshot}, never with a file
 * path, so the number of series grows with the snapshots a host syncs, not with its files.
 *
 * <table>
 * <caption>The meters</caption>
 * <tr><th>name</th><th>type</th><th>more tags</th><th>what it says</th></tr>
 * <tr><td>{@value #DURATION}</td><td>timer</td><td>{@code status}: dry_run, success, partial, failed</td>
 *     <td>how long each dry run and run took</td></tr>
 * <tr><td>{@value #FILES}</td><td>counter</td><td>{@code outcome}: uploaded, resumed, copied, deleted, failed</td>
 *     <td>files of finished runs; resumed and copied files are also counted as uploaded</td></tr>
 * <tr><td>{@value #BYTES}</td><td>counter (bytes)</td><td>{@code outcome}: uploaded, resumed, sent</td>
 *     <td>bytes of the uploaded files; those an interrupted run had stored; those sent over the wire</td></tr>
 * <tr><td>{@value #ERRORS}</td><td>counter</td><td>{@code kind}: throttled, unavailable, ...</td>
 *     <td>the errors of finished runs, by {@link SyncError.Kind}</td></tr>
 * <tr><td>{@value #FAILURES}</td><td>counter</td><td>{@code category}: locked, delete_guard, limit, configuration,
 *     transient, ...</td><td>runs (not dry runs) that ended with an exception instead of a result
 *     ({@link #onFailed}), by {@link io.cloudsync.ErrorCategory}; such runs are not in {@value #DURATION}</td></tr>
 * <tr><td>{@value #RETRIES}</td><td>counter</td><td>{@code kind}: throttled (a throttle), unavailable, ...</td>
 *     <td>calls to the remote that failed and were tried again</td></tr>
 * <tr><td>{@value #IN_FLIGHT_FILES}</td><td>gauge</td><td></td><td>operations begun and not finished</td></tr>
 * <tr><td>{@value #IN_FLIGHT_BYTES}</td><td>gauge (bytes)</td><td></td><td>the sizes of the uploads in flight</td></tr>
 * <tr><td>{@value #PLAN_UPLOADS}, {@value #PLAN_DELETES}, {@value #PLAN_BYTES}</td><td>gauges</td><td></td>
 *     <td>the plan of the last dry run: files to upload, files to delete, bytes to upload</td></tr>
 * <tr><td>{@value #LAST_SUCCESS_AGE}</td><td>time gauge (seconds)</td><td></td>
 *     <td>time since the last successful run; NaN until one succeeded</td></tr>
 * <tr><td>{@value #VAULT_UNLOCK_FAILURES}</td><td>counter</td><td>none</td>
 *     <td>vaults that could not be opened, as told by {@link #vaultUnlockFailed()}</td></tr>
 * </table>
 *
 * <p>File and byte counters move when a run ends (from its {@code SyncSummary}, so they agree with what
 * the run reports); the gauges of files in flight move while it runs. Thread-safe; every method is quick.
 */
public final class CloudSyncMetrics implements SyncListener {

    /** Timer of dry runs and runs. */
    public static final String DURATION = "cloudsync.sync.duration";
    /** Counter of runs that ended with an exception, by category. */
    public static final String FAILURES = "cloudsync.sync.failures";
    /** Counter of files of finished runs, by outcome. */
    public static final String FILES = "cloudsync.sync.files";
    /** Counter of bytes of finished runs, by outcome. */
    public static final String BYTES = "cloudsync.sync.bytes";
    /** Counter of the errors of finished runs, by kind. */
    public static final String ERRORS = "cloudsync.sync.errors";
    /** Counter of retried calls to the remote, by kind. */
    public static final String RETRIES = "cloudsync.sync.retries";
    /** Gauge of operations in flight. */
    public static final String IN_FLIGHT_FILES = "cloudsync.sync.inflight.files";
    /** Gauge of the bytes of uploads in flight. */
    public static final String IN_FLIGHT_BYTES = "cloudsync.sync.inflight.bytes";
    /** Gauge of the files the last dry run's plan uploads. */
    public static final String PLAN_UPLOADS = "cloudsync.plan.uploads";
    /** Gauge of the files the last dry run's plan deletes. */
    public static final String PLAN_DELETES = "cloudsync.plan.deletes";
    /** Gauge of the bytes the last dry run's plan uploads. */
    public static final String PLAN_BYTES = "cloudsync.plan.bytes";
    /** Time gauge of the time since the last successful run. */
    public static final String LAST_SUCCESS_AGE = "cloudsync.sync.last.success.age";
    /** Counter of vaults that could not be unlocked. */
    public static final String VAULT_UNLOCK_FAILURES = "cloudsync.vault.unlock.failures";

    private final MeterRegistry registry;
    private final Map<Key, Series> series = new ConcurrentHashMap<>();
    private final Counter vaultUnlockFailures;

    /**
     * Creates the meters' home; series of a snapshot are registered when its first event arrives.
     *
     * @param registry where the meters go
     */
    public CloudSyncMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.vaultUnlockFailures = Counter.builder(VAULT_UNLOCK_FAILURES)
                .description("Vaults that could not be unlocked (wrong passphrase, damaged file)").register(registry);
    }

    /**
     * Counts a vault that could not be unlocked. The engine never opens a vault itself (the host does,
     * before it builds the {@code CloudSync}), so the host calls this when opening one fails; the
     * Spring Boot starter does.
     */
    public void vaultUnlockFailed() {
        vaultUnlockFailures.increment();
    }

    @Override
    public void onPlan(PlanEvent event) {
        if (event.dryRun()) {
            Series s = series(event.service(), event.snapshot());
            s.planUploads.set(event.uploads());
            s.planDeletes.set(event.deletes());
            s.planBytes.set(event.bytes());
        }
    }

    @Override
    public void onStart(StartEvent event) {
        Series s = series(event.service(), event.snapshot());
        if (s.inFlight.put(event.action() + " " + event.path(), event.bytes()) == null) {
            s.inFlightFiles.incrementAndGet();
            s.inFlightBytes.addAndGet(event.bytes());
        }
    }

    @Override
    public void onProgress(ProgressEvent event) {
        Series s = series(event.service(), event.snapshot());
        Long bytes = s.inFlight.remove(event.action() + " " + event.path());
        if (bytes != null) { // an operation the journal had done already never started
            s.inFlightFiles.decrementAndGet();
            s.inFlightBytes.addAndGet(-bytes);
        }
    }

    @Override
    public void onRetry(RetryEvent event) {
        Counter.builder(RETRIES).description("Calls to the remote that failed and were tried again (kind throttled: throttles)")
                .tags(tags(event.service(), event.snapshot())).tag("kind", event.kind().jsonName())
                .register(registry).increment();
    }

    @Override
    public void onComplete(CompleteEvent event) {
        Series s = series(event.service(), event.snapshot());
        SyncSummary summary = event.summary();
        Timer.builder(DURATION).description("How long dry runs and runs took, by how they ended")
                .tags(s.tags).tag("status", summary.status().jsonName()).register(registry).record(summary.duration());
        s.nothingInFlight();
        if (summary.status() == SyncStatus.DRY_RUN) {
            return;
        }
        files(s, "uploaded", summary.uploaded());
        files(s, "resumed", summary.resumed());
        files(s, "copied", summary.copied());
        files(s, "deleted", summary.deleted());
        files(s, "failed", summary.failed());
        bytes(s, "uploaded", summary.bytes());
        bytes(s, "resumed", summary.resumedBytes());
        bytes(s, "sent", summary.bytesSent());
        for (SyncError e : summary.errors()) {
            Counter.builder(ERRORS).description("Errors of finished runs, by kind").tags(s.tags)
                    .tag("kind", e.kind().jsonName()).register(registry).increment();
        }
        if (summary.status() == SyncStatus.SUCCESS) {
            s.lastSuccessMillis.set(registry.config().clock().wallTime());
        }
    }

    /**
     * Counts a run that threw instead of ending with a result, by its category; a dry run is not
     * counted. Either way nothing of it is in flight any more.
     */
    @Override
    public void onFailed(FailedEvent event) {
        Series s = series(event.service(), event.snapshot());
        s.nothingInFlight();
        if (event.dryRun()) {
            return;
        }
        Counter.builder(FAILURES).description("Runs that ended with an exception instead of a result, by category")
                .tags(s.tags).tag("category", event.category().jsonName()).register(registry).increment();
    }

    private void files(Series s, String outcome, long n) {
        Counter.builder(FILES).description("Files of finished runs (resumed and copied ones count as uploaded too)")
                .tags(s.tags).tag("outcome", outcome).register(registry).increment(n);
    }

    private void bytes(Series s, String outcome, long n) {
        Counter.builder(BYTES).description("Bytes of finished runs: of the uploaded files, resumed, sent").baseUnit(BaseUnits.BYTES)
                .tags(s.tags).tag("outcome", outcome).register(registry).increment(n);
    }

    private static Tags tags(String service, String snapshot) {
        return Tags.of("service", service, "snapshot", snapshot);
    }

    private Series series(String service, String snapshot) {
        return series.computeIfAbsent(new Key(service, snapshot), k -> new Series(registry, tags(service, snapshot)));
    }

    private record Key(String service, String snapshot) {
    }

    /** The gauges' state of one snapshot of one service; the gauges hold it strongly. */
    private static final class Series {
        final Tags tags;
        /** The operations in flight: action and path to bytes. */
        final Map<String, Long> inFlight = new ConcurrentHashMap<>();
        final AtomicLong inFlightFiles = new AtomicLong();
        final AtomicLong inFlightBytes = new AtomicLong();
        final AtomicLong planUploads = new AtomicLong();
        final AtomicLong planDeletes = new AtomicLong();
        final AtomicLong planBytes = new AtomicLong();
        /** Wall time of the last success in milliseconds, or -1. */
        final AtomicLong lastSuccessMillis = new AtomicLong(-1);

        Series(MeterRegistry registry, Tags tags) {
            this.tags = tags;
            gauge(registry, IN_FLIGHT_FILES, "Operations of a run begun and not finished", null, inFlightFiles);
            gauge(registry, IN_FLIGHT_BYTES, "Sizes of the uploads in flight", BaseUnits.BYTES, inFlightBytes);
            gauge(registry, PLAN_UPLOADS, "Files the last dry run's plan uploads", null, planUploads);
            gauge(registry, PLAN_DELETES, "Files the last dry run's plan deletes", null, planDeletes);
            gauge(registry, PLAN_BYTES, "Bytes the last dry run's plan uploads", BaseUnits.BYTES, planBytes);
            TimeGauge.builder(LAST_SUCCESS_AGE, this, TimeUnit.MILLISECONDS, s -> s.ageMillis(registry))
                    .description("Time since the last successful run; NaN until one succeeded").tags(tags)
                    .strongReference(true).register(registry);
        }

        /** A run ended, however: none of its operations is in flight any more. */
        void nothingInFlight() {
            inFlight.clear();
            inFlightFiles.set(0);
            inFlightBytes.set(0);
        }

        private void gauge(MeterRegistry registry, String name, String description, @Nullable String unit, AtomicLong value) {
            Gauge.Builder<AtomicLong> b = Gauge.builder(name, value, AtomicLong::doubleValue).description(description)
                    .tags(tags).strongReference(true);
            if (unit != null) {
                b.baseUnit(unit);
            }
            b.register(registry);
        }

        double ageMillis(MeterRegistry registry) {
            long at = lastSuccessMillis.get();
            return at < 0 ? Double.NaN : Math.max(0, registry.config().clock().wallTime() - at);
        }
    }

    @Override
    public String toString() {
        return "CloudSyncMetrics[" + registry.getClass().getSimpleName() + ", " + series.size() + " snapshots]";
    }
}
