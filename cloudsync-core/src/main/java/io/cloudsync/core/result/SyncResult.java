package io.cloudsync.core.result;

import io.cloudsync.Manifest;
import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.SyncSummary;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.PlanSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a dry-run or run of {@link io.cloudsync.core.CloudSync} produced. Immutable. */
public final class SyncResult {

    private final String service;
    private final String snapshot;
    private final Manifest localManifest;
    private final Plan plan;
    private final SyncSummary summary;
    private final Manifest remoteManifest;
    private final PlanSource planSource;
    private final String planSourceNote;
    private final ManifestBuilder.Result scan;
    private final List<String> scope;
    private final PlanRefusedException refusal;

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
        this.service = Objects.requireNonNull(service);
        this.snapshot = Objects.requireNonNull(snapshot);
        this.localManifest = Objects.requireNonNull(localManifest);
        this.plan = Objects.requireNonNull(plan);
        this.summary = Objects.requireNonNull(summary);
        this.remoteManifest = remoteManifest;
        this.planSource = Objects.requireNonNull(planSource);
        this.planSourceNote = Objects.requireNonNull(planSourceNote);
        this.scan = Objects.requireNonNull(scan);
        this.scope = List.copyOf(scope);
        this.refusal = refusal;
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
     */
    public Manifest localManifest() {
        return localManifest;
    }

    /**
     * The plan.
     *
     * @return never {@code null}
     */
    public Plan plan() {
        return plan;
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
     */
    public Optional<Manifest> remoteManifest() {
        return Optional.ofNullable(remoteManifest);
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
     * that are not valid UTF-8), the paths that could not be read, and warnings.
     *
     * @return never {@code null}
     */
    public ManifestBuilder.Result scan() {
        return scan;
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
        return "SyncResult[" + service + '/' + snapshot + ", " + summary.status() + ", " + plan + ", source=" + planSource
                + (scope.isEmpty() ? "" : ", scope=" + scope) + ']';
    }
}
