package io.cloudsync.core.result;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncSummary;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.PlanSink;
import io.cloudsync.core.PlanSource;
import io.cloudsync.core.PlanSummary;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a dry-run or run of {@link io.cloudsync.core.CloudSync} produced. Immutable.
 *
 * <p>The result of a {@link io.cloudsync.SyncRequest#summaryOnly()} request holds the figures
 * ({@link #summary()}, {@link #planSummary()}, {@link #localHeader()}, {@link #remoteHeader()}) but
 * not the entries: {@link #localManifest()}, {@link #plan()} and {@link #remoteManifest()} then read
 * them from the state folder's chunk cache when first called, which takes memory in proportion to
 * the tree, and fail with {@link IllegalStateException} once the cache no longer holds them (a run
 * that committed keeps only the committed manifest's chunks).
 *
 * <p>{@link #forEachLocalEntry}, {@link #forEachPlanned} and {@link #forEachRemoteEntry} hand the
 * entries on one at a time. On the result of a dry run they read them from the chunk cache on each
 * call and never hold them all, so a dry run of any size can be written out in bounded memory; on
 * other results they walk what {@link #localManifest()}, {@link #plan()} and
 * {@link #remoteManifest()} hold.
 */
public final class SyncResult {

    private final String service;
    private final String snapshot;
    private final Supplier<Manifest> localManifest;
    private final Supplier<Plan> plan;
    private final PlanSummary planSummary;
    private final Header localHeader;
    private final Header remoteHeader;
    private final SyncSummary summary;
    private final Supplier<Optional<Manifest>> remoteManifest;
    private final PlanSource planSource;
    private final String planSourceNote;
    private final ManifestBuilder.Report scanReport;
    private final Supplier<ManifestBuilder.Result> scan;
    private final List<String> scope;
    private final PlanRefusedException refusal;
    private final Streams streams;

    /**
     * Creates a result of a run or dry run that goes ahead.
     *
     * @param service the service
     * @param snapshot the snapshot, with the configured prefix applied
     * @param localManifest see {@link #localManifest()}
     * @param plan the plan
     * @param summary the outcome
     * @param remoteManifest see {@link #remoteManifest()}; {@code null} when the plan assumed an empty remote
     * @param planSource where the remote side came from
     * @param planSourceNote why that source was used
     * @param scan the report of the local scan
     * @param scope see {@link #scope()}
     */
    public SyncResult(String service, String snapshot, Manifest localManifest, Plan plan, SyncSummary summary,
               Manifest remoteManifest, PlanSource planSource, String planSourceNote, ManifestBuilder.Result scan,
               List<String> scope) {
        this(service, snapshot, localManifest, plan, summary, remoteManifest, planSource, planSourceNote, scan, scope, null);
    }

    /**
     * Creates a result, with the refusal a dry run reports.
     *
     * @param service the service
     * @param snapshot the snapshot, with the configured prefix applied
     * @param localManifest see {@link #localManifest()}
     * @param plan the plan
     * @param summary the outcome
     * @param remoteManifest see {@link #remoteManifest()}; {@code null} when the plan assumed an empty remote
     * @param planSource where the remote side came from
     * @param planSourceNote why that source was used
     * @param scan the report of the local scan
     * @param scope see {@link #scope()}
     * @param refusal see {@link #refusal()}; {@code null} for none
     */
    public SyncResult(String service, String snapshot, Manifest localManifest, Plan plan, SyncSummary summary,
               Manifest remoteManifest, PlanSource planSource, String planSourceNote, ManifestBuilder.Result scan,
               List<String> scope, PlanRefusedException refusal) {
        this(service, snapshot, Header.of(Objects.requireNonNull(localManifest)), () -> localManifest,
                PlanSummary.of(Objects.requireNonNull(plan)), () -> plan, summary,
                remoteManifest == null ? null : Header.of(remoteManifest), () -> Optional.ofNullable(remoteManifest),
                planSource, planSourceNote, ManifestBuilder.Report.of(Objects.requireNonNull(scan)), () -> scan, scope, refusal);
    }

    /**
     * Creates a result whose manifests and plan are made when first asked for: the result of a
     * {@link io.cloudsync.SyncRequest#summaryOnly()} request. Each supplier is called at most once;
     * one that fails with an {@link IllegalStateException} fails the accessor each time it is called.
     *
     * @param service the service
     * @param snapshot the snapshot, with the configured prefix applied
     * @param localHeader the figures of {@link #localManifest()}
     * @param localManifest makes {@link #localManifest()}
     * @param planSummary the figures of {@link #plan()}
     * @param plan makes {@link #plan()}
     * @param summary the outcome
     * @param remoteHeader the figures of {@link #remoteManifest()}; {@code null} when the plan assumed an empty remote
     * @param remoteManifest makes {@link #remoteManifest()}
     * @param planSource where the remote side came from
     * @param planSourceNote why that source was used
     * @param scanReport the report of the local scan
     * @param scan makes {@link #scan()}, the report with the scan's entries
     * @param scope see {@link #scope()}
     * @param refusal see {@link #refusal()}; {@code null} for none
     */
    public SyncResult(String service, String snapshot, Header localHeader, Supplier<Manifest> localManifest,
                      PlanSummary planSummary, Supplier<Plan> plan, SyncSummary summary, Header remoteHeader,
                      Supplier<Optional<Manifest>> remoteManifest, PlanSource planSource, String planSourceNote,
                      ManifestBuilder.Report scanReport, Supplier<ManifestBuilder.Result> scan, List<String> scope,
                      PlanRefusedException refusal) {
        this(service, snapshot, localHeader, localManifest, planSummary, plan, summary, remoteHeader, remoteManifest,
                planSource, planSourceNote, scanReport, scan, scope, refusal, null);
    }

    /**
     * Creates a result whose manifests and plan are made when first asked for, and whose entries
     * {@code streams} hand on one at a time without holding them ({@link #forEachLocalEntry},
     * {@link #forEachPlanned}, {@link #forEachRemoteEntry}).
     *
     * @param service the service
     * @param snapshot the snapshot, with the configured prefix applied
     * @param localHeader the figures of {@link #localManifest()}
     * @param localManifest makes {@link #localManifest()}
     * @param planSummary the figures of {@link #plan()}
     * @param plan makes {@link #plan()}
     * @param summary the outcome
     * @param remoteHeader the figures of {@link #remoteManifest()}; {@code null} when the plan assumed an empty remote
     * @param remoteManifest makes {@link #remoteManifest()}
     * @param planSource where the remote side came from
     * @param planSourceNote why that source was used
     * @param scanReport the report of the local scan
     * @param scan makes {@link #scan()}, the report with the scan's entries
     * @param scope see {@link #scope()}
     * @param refusal see {@link #refusal()}; {@code null} for none
     * @param streams the same entries as the suppliers make, one at a time; {@code null} to walk what those make
     */
    public SyncResult(String service, String snapshot, Header localHeader, Supplier<Manifest> localManifest,
                      PlanSummary planSummary, Supplier<Plan> plan, SyncSummary summary, Header remoteHeader,
                      Supplier<Optional<Manifest>> remoteManifest, PlanSource planSource, String planSourceNote,
                      ManifestBuilder.Report scanReport, Supplier<ManifestBuilder.Result> scan, List<String> scope,
                      PlanRefusedException refusal, Streams streams) {
        this.service = Objects.requireNonNull(service);
        this.snapshot = Objects.requireNonNull(snapshot);
        this.localHeader = Objects.requireNonNull(localHeader);
        this.localManifest = once(localManifest);
        this.planSummary = Objects.requireNonNull(planSummary);
        this.plan = once(plan);
        this.summary = Objects.requireNonNull(summary);
        this.remoteHeader = remoteHeader;
        this.remoteManifest = once(remoteManifest);
        this.planSource = Objects.requireNonNull(planSource);
        this.planSourceNote = Objects.requireNonNull(planSourceNote);
        this.scanReport = Objects.requireNonNull(scanReport);
        this.scan = once(scan);
        this.scope = List.copyOf(scope);
        this.refusal = refusal;
        this.streams = streams;
    }

    /**
     * Entries handed on one at a time, in manifest order; each call reads them again.
     */
    @FunctionalInterface
    public interface EntrySource {
        /**
         * Hands every entry to {@code action}, in manifest order.
         *
         * @param action receives each entry
         */
        void forEach(Consumer<? super ManifestEntry> action);
    }

    /**
     * A plan's actions handed on one at a time, in path order (see {@link PlanSink}); each call decides
     * them again.
     */
    @FunctionalInterface
    public interface ActionSource {
        /**
         * Hands every action of the plan to {@code sink}.
         *
         * @param sink receives each upload, delete and skipped file
         */
        void forEach(PlanSink sink);
    }

    /**
     * A result's entries as streams: the local manifest's, the plan's actions, and the remote manifest's.
     *
     * @param local the entries of {@link #localManifest()}
     * @param plan the actions of {@link #plan()}
     * @param remote the entries of {@link #remoteManifest()}, empty when the plan assumed an empty remote
     */
    public record Streams(EntrySource local, ActionSource plan, Optional<EntrySource> remote) {
        /**
         * Checks the parts.
         *
         * @param local the entries of the local manifest
         * @param plan the actions of the plan
         * @param remote the entries of the remote manifest, if any
         */
        public Streams {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(remote, "remote");
        }
    }

    /**
     * Hands each entry of {@link #localManifest()} to {@code action}, in manifest order, without holding
     * them all when the result streams (a dry run's).
     *
     * @param action receives each entry
     */
    public void forEachLocalEntry(Consumer<? super ManifestEntry> action) {
        if (streams != null) {
            streams.local().forEach(action);
        } else {
            localManifest().entries().forEach(action);
        }
    }

    /**
     * Hands each entry of {@link #remoteManifest()} to {@code action}, in manifest order (nothing when
     * the plan assumed an empty remote), without holding them all when the result streams.
     *
     * @param action receives each entry
     */
    public void forEachRemoteEntry(Consumer<? super ManifestEntry> action) {
        if (streams != null) {
            streams.remote().ifPresent(r -> r.forEach(action));
        } else {
            remoteManifest().ifPresent(m -> m.entries().forEach(action));
        }
    }

    /**
     * Hands each action of {@link #plan()} to {@code sink}: every upload, delete and skipped file once,
     * each kind in path order. A streaming result (a dry run's) decides them again, interleaved in
     * path order, and holds none; otherwise they come kind by kind from the plan in memory.
     *
     * @param sink receives the actions
     */
    public void forEachPlanned(PlanSink sink) {
        if (streams != null) {
            streams.plan().forEach(sink);
            return;
        }
        Plan p = plan();
        for (PlannedUpload u : p.uploads()) {
            sink.upload(u);
        }
        for (ManifestEntry e : p.deletes()) {
            sink.delete(e);
        }
        for (ManifestEntry e : p.skipped()) {
            sink.skip(e);
        }
    }

    /**
     * The figures of a manifest, without its entries.
     *
     * @param name its name
     * @param root the root its entries are relative to
     * @param createdAt when it was made
     * @param files how many entries
     * @param bytes the sum of their sizes
     * @param checksum its manifest checksum
     */
    public record Header(String name, String root, Instant createdAt, long files, long bytes, String checksum) {
        /**
         * The figures of a manifest in memory.
         *
         * @param m the manifest
         * @return its header
         */
        public static Header of(Manifest m) {
            return new Header(m.name(), m.root(), m.createdAt(), m.entries().size(), m.totalBytes(), m.checksum());
        }
    }

    /** A supplier that calls {@code s} once and keeps its value. */
    private static <T> Supplier<T> once(Supplier<T> s) {
        Objects.requireNonNull(s);
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = Objects.requireNonNull(s.get());
                }
                return value;
            }
        };
    }

    /**
     * For a dry run: how a run of the same request would refuse this plan before moving anything (a
     * {@code maxUploads}/{@code maxDeletes}/{@code maxBytes} limit, or a delete guard unless
     * {@code allowMassDelete}), so that the dry run shows what the run would do. Empty when the run
     * would go ahead, and always for a run (which throws the refusal instead).
     *
     * @return the refusal the run would meet, if any
     */
    public Optional<PlanRefusedException> refusal() {
        return Optional.ofNullable(refusal);
    }

    /**
     * The service.
     *
     * @return the service name
     */
    public String service() {
        return service;
    }

    /**
     * The snapshot, with the configured prefix applied.
     *
     * @return the snapshot name
     */
    public String snapshot() {
        return snapshot;
    }

    /**
     * The manifest the plan brings the remote to: the local tree's, plus the remote's entries under
     * every path the scan could not read ({@link #scan()}) and, for a narrowed run, outside its
     * {@link #scope()}, which the run leaves as they are.
     *
     * @return never {@code null}
     * @throws IllegalStateException for a summary-only result whose entries the cache no longer holds
     */
    public Manifest localManifest() {
        return localManifest.get();
    }

    /**
     * The figures of {@link #localManifest()}, without reading it.
     *
     * @return never {@code null}
     */
    public Header localHeader() {
        return localHeader;
    }

    /**
     * The plan.
     *
     * @return never {@code null}
     * @throws IllegalStateException for a summary-only result whose entries the cache no longer holds
     */
    public Plan plan() {
        return plan.get();
    }

    /**
     * The figures of {@link #plan()}, without its lists.
     *
     * @return never {@code null}
     */
    public PlanSummary planSummary() {
        return planSummary;
    }

    /**
     * The outcome.
     *
     * @return never {@code null}
     */
    public SyncSummary summary() {
        return summary;
    }

    /**
     * The remote side the plan was computed against: the remote's manifest, or the cached one.
     *
     * @return the manifest, or empty when the plan assumed an empty remote
     * @throws IllegalStateException for a summary-only result whose entries the cache no longer holds
     */
    public Optional<Manifest> remoteManifest() {
        return remoteManifest.get();
    }

    /**
     * The figures of {@link #remoteManifest()}, without reading it.
     *
     * @return empty when the plan assumed an empty remote
     */
    public Optional<Header> remoteHeader() {
        return Optional.ofNullable(remoteHeader);
    }

    /**
     * Where the remote side came from.
     *
     * @return never {@code null}
     */
    public PlanSource planSource() {
        return planSource;
    }

    /**
     * Why that source was used, for people (for example the error that made the remote unreadable).
     *
     * @return never {@code null}
     */
    public String planSourceNote() {
        return planSourceNote;
    }

    /**
     * The report of the local scan: what was left out and why (symbolic links, special files, names
     * that are not valid UTF-8), the paths that could not be read, and warnings, with the scanned
     * entries.
     *
     * @return never {@code null}
     * @throws IllegalStateException for a summary-only result whose entries the cache no longer holds
     */
    public ManifestBuilder.Result scan() {
        return scan.get();
    }

    /**
     * The report of the local scan without its entries: what {@link #scan()} says besides them.
     *
     * @return never {@code null}
     */
    public ManifestBuilder.Report scanReport() {
        return scanReport;
    }

    /**
     * The paths the run was narrowed to ({@link io.cloudsync.SyncRequest#include()}), normalised
     * (no {@code ./}, no trailing slash), sorted, none under another. The plan covers only files under
     * them; the remote keeps everything else, and so does the committed manifest.
     *
     * @return empty when the run covered the whole mirror; never {@code null}
     */
    public List<String> scope() {
        return scope;
    }

    @Override
    public String toString() {
        return "SyncResult[" + service + '/' + snapshot + ", " + summary.status() + ", " + planSummary + ", source=" + planSource
                + (scope.isEmpty() ? "" : ", scope=" + scope) + ']';
    }
}
