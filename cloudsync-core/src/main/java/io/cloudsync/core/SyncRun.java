package io.cloudsync.core;

import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import io.cloudsync.core.internal.engine.Execution;
import io.cloudsync.core.internal.engine.Guards;
import io.cloudsync.core.internal.engine.Guards.Planned;
import io.cloudsync.core.internal.engine.Pull;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.core.internal.engine.Scope;
import io.cloudsync.core.internal.engine.SyncErrors;
import io.cloudsync.core.internal.engine.Throttle;
import io.cloudsync.core.internal.engine.Verify;
import io.cloudsync.core.internal.journal.Journal;
import io.cloudsync.core.internal.journal.PlanRuns;
import io.cloudsync.core.internal.lock.RunLock;
import io.cloudsync.core.internal.manifest2.ChunkFolder;
import io.cloudsync.core.internal.manifest2.Chunked;
import io.cloudsync.core.internal.remote.RemoteLease;
import io.cloudsync.core.internal.remote.RemoteManifests;
import io.cloudsync.core.internal.trash.Trash;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operation on one snapshot of one remote: a dry run, a sync run, a pull or a verify. It admits
 * the request (snapshot name, flags, scope), resolves the remote once, and for a sync owns the rest:
 * the plan and its guards, the run lock, the journal's lifecycle, the execution, the manifest
 * withdrawal and commit ({@link ManifestCommit}), the status, the log line and the complete event.
 * One instance per operation; not thread-safe.
 */
final class SyncRun {

    private static final Logger LOG = LoggerFactory.getLogger(CloudSync.class);
    /** The least time between two transfer events of a run (SyncListener#onTransfer). */
    private static final Duration TRANSFER_INTERVAL = Duration.ofMillis(100);

    private final RunContext ctx;
    private final SyncRequest request;
    private final long started = System.nanoTime();
    private final String service;
    private final String snapshot;
    private final Scope scope;
    /** The metadata requests of the dry run's remote read, for its log event. */
    private volatile RemoteManifests.Counts dryRunMetadata = RemoteManifests.Counts.NONE;
    /** The run's remote lease while it changes the remote, else {@link RemoteLease#none()}. */
    private volatile RemoteLease lease = RemoteLease.none();
    /** Whether the listeners have had this run's complete event. */
    private boolean completed;

    /**
     * Admits a request.
     *
     * @param what what is refused when a flag is off, such as {@code "run a sync"}
     * @throws ConfigurationException when the snapshot name, the service or an include path is not valid
     * @throws io.cloudsync.FeatureDisabledException when a flag is off
     */
    SyncRun(RunContext ctx, SyncRequest request, String what) {
        this.ctx = ctx;
        this.request = request;
        this.service = request.service();
        this.snapshot = ctx.targets().snapshotName(request);
        ctx.targets().requireEnabled(service, what);
        this.scope = Scope.of(request.include(), ctx.root());
    }

    /**
     * Admits and runs a dry-run or run; when it throws instead of returning a result, the listeners
     * hear of it ({@link SyncListener#onFailed}) before the exception goes on to the caller.
     *
     * @param ctx the context
     * @param request what to sync
     * @param dryRun whether to plan only
     * @return the result
     */
    static SyncResult observed(RunContext ctx, SyncRequest request, boolean dryRun) {
        long start = System.nanoTime();
        SyncRun run = null;
        try {
            run = new SyncRun(ctx, request, dryRun ? "plan a sync" : "run a sync");
            return dryRun ? run.dryRun() : run.run();
        } catch (RuntimeException | Error e) {
            if (run == null || !run.completed) {
                ctx.listeners().failed(request.service(), run == null ? request.snapshot() : run.snapshot, dryRun, e,
                        Duration.ofNanos(System.nanoTime() - start));
            }
            throw e;
        }
    }

    /** Tells the listeners how the run ended. */
    private void complete(SyncSummary summary) {
        completed = true;
        ctx.listeners().complete(service, snapshot, summary);
    }

    /** What the dry run planned against: the remote manifest, or where it came from instead. */
    private record Remote(Optional<Chunked> manifest, PlanSource source, String note,
                          java.util.Set<io.cloudsync.spi.Capability> capabilities) {
    }

    /** Plans without writing to the remote; see {@link CloudSync#dryRun}. */
    SyncResult dryRun() {
        List<String> includes = scanIncludes();
        ChunkFolder folder = chunks();
        // the remote manifest is read while the tree is walked; the scan awaits it before hashing
        CompletableFuture<Remote> reading = inBackground("cloudsync-read-manifest", () -> readRemoteForDryRun(folder));
        Scanned scanned = scan(includes, reading.thenApply(Remote::manifest), folder);
        Remote remote = join(reading);
        Sides sides = sides(scanned, remote.manifest, folder);
        Planned planned = plan(sides);
        // what the run's guards would say of this plan, so the dry run shows the refusal too
        Optional<PlanRefusedException> refusal = changed(planned, remote.manifest).or(() -> Guards.refusal(request, ctx.config().engine(),
                planned, !Files.isDirectory(ctx.root()), service, snapshot));
        PlanSummary plan = planned.summary();
        ctx.listeners().plan(service, snapshot, plan, true);
        // the uploads a run would make as server-side copies: only a remote that was read can hold their sources
        int copies = remote.source == PlanSource.REMOTE ? wouldCopy(sides, plan, remote.manifest, remote.capabilities) : 0;
        SyncSummary summary = new SyncSummary(SyncStatus.DRY_RUN, (int) plan.uploads(), (int) plan.deletes(),
                (int) plan.skipped(), 0, plan.uploadBytes(), elapsed(), LocalScan.scanErrors(scanned.report.unreadable()),
                0, 0, 0, copies);
        LOG.atInfo().setMessage("sync.dry_run").addKeyValue("service", service).addKeyValue("snapshot", snapshot)
                .addKeyValue("source", remote.source.jsonName()).addKeyValue("scope", scope.paths())
                .addKeyValue("uploads", plan.uploads())
                .addKeyValue("deletes", plan.deletes()).addKeyValue("bytes", plan.uploadBytes())
                .addKeyValue("plan_id", plan.id())
                .addKeyValue("refused", refusal.map(r -> r.reason().name().toLowerCase(java.util.Locale.ROOT)).orElse("none"))
                .addKeyValue("metadata_requests", dryRunMetadata.requests())
                .addKeyValue("metadata_bytes_read", dryRunMetadata.bytesRead())
                .addKeyValue("metadata_bytes_written", dryRunMetadata.bytesWritten())
                .log();
        complete(summary);
        Entries entries = entries(EntryStreams.merge(scope, sides.scannedLocal, sides.stored), planned, remote.manifest, scanned,
                false);
        return result(entries, plan, summary, remote.source, remote.note, refusal.orElse(null));
    }

    /** The local scan's entries, as chunks, and its report. */
    private record Scanned(Chunked entries, ManifestBuilder.Report report) {
    }

    /**
     * Scans the tree into chunks in {@code folder}: the entries go to a chunk writer as the scan
     * hands them on, with the remote manifest (perhaps still being read) as the hash cache, read
     * in path order alongside the walk.
     */
    private Scanned scan(List<String> includes, CompletableFuture<Optional<Chunked>> previous, ChunkFolder folder) {
        Chunked.Writer writer = Chunked.writer(folder);
        previous.thenAccept(p -> p.ifPresent(writer::reusing)); // the hash cache: its unchanged chunks are taken as they are
        ManifestBuilder.Report report = ctx.scanner().scanTo(snapshot, includes, request.exclude(),
                previous.thenApply(p -> p.map(EntryStreams::previous)), writer::add);
        return new Scanned(writer.finish(snapshot, report.root(), report.createdAt()), report);
    }

    /** The two sides of a plan and what they were made from, as streams. */
    private record Sides(Chunked stored, Chunked scannedLocal, Chunked local, Chunked remote) {
    }

    /**
     * The sides of the plan: the scan (plus the remote's entries under paths it could not read),
     * and the remote manifest (plus the journal's orphans), each narrowed to the run's scope.
     */
    private Sides sides(Scanned scanned, Optional<Chunked> remoteManifest, ChunkFolder folder) {
        Chunked stored = remoteManifest.orElseGet(() -> EntryStreams.empty(folder, snapshot));
        java.util.Set<String> unreadable = LocalScan.unreadablePaths(scanned.report.unreadable());
        Chunked scannedLocal = EntryStreams.keepUnreadable(scanned.entries, unreadable, stored);
        // a narrowed run plans inside its scope only; outside it, the remote and its manifest stay as they are
        Chunked local = EntryStreams.inside(scope, scannedLocal);
        Chunked remote = EntryStreams.inside(scope, EntryStreams.withOrphans(stored, scannedLocal,
                Journal.fileOf(ctx.stateDirectory(), service, snapshot), unreadable));
        return new Sides(stored, scannedLocal, local, remote);
    }

    /**
     * The plan's figures, in one pass over the chunks the sides do not share (none when they hold
     * the same chunks: then every file is skipped), and the plan itself made on demand.
     */
    private static Planned plan(Sides sides) {
        Chunked local = sides.local;
        Chunked remote = sides.remote;
        List<String> firstDeletes = new ArrayList<>();
        PlanSummary summary = EntryStreams.Difference.of(local, remote).plan(new PlanSink() {
            @Override
            public void delete(ManifestEntry r) {
                if (firstDeletes.size() < Planned.SAMPLE) {
                    firstDeletes.add(r.path());
                }
            }
        });
        return new Planned(summary, firstDeletes, () -> Planner.plan(local.toManifest(), remote.toManifest()),
                sink -> Planner.plan(local.iterator(), remote.iterator(), sink));
    }

    /** Hands each upload of the plan to {@code action}, in order: one pass over what the sides do not share. */
    private static void uploads(Sides sides, PlanSummary summary, java.util.function.Consumer<PlannedUpload> action) {
        if (summary.uploads() > 0) {
            EntryStreams.Difference.of(sides.local, sides.remote).plan(new PlanSink() {
                @Override
                public void upload(PlannedUpload u) {
                    action.accept(u);
                }
            });
        }
    }

    /** Hands each delete of the plan to {@code action}, in order: one pass over what the sides do not share. */
    private static void deletes(Sides sides, PlanSummary summary, java.util.function.Consumer<ManifestEntry> action) {
        if (summary.deletes() > 0) {
            EntryStreams.Difference.of(sides.local, sides.remote).plan(new PlanSink() {
                @Override
                public void delete(ManifestEntry r) {
                    action.accept(r);
                }
            });
        }
    }

    /**
     * What a result holds of the entries: in memory, or their figures only, the entries read from the
     * chunk cache if they are asked for (a summary-only request; a dry run, whose entries also stream).
     */
    private record Entries(SyncResult.Header localHeader, Supplier<Manifest> local, Supplier<Plan> plan,
                           SyncResult.Header remoteHeader, Supplier<Optional<Manifest>> remote,
                           ManifestBuilder.Report scanReport, Supplier<ManifestBuilder.Result> scan,
                           SyncResult.Streams streams) {
    }

    /**
     * The entries of the result. {@code commits}: whether the run may commit, and so sweep the chunks
     * planned against; then they are taken into memory now unless the request asked for a summary only.
     */
    private Entries entries(Chunked target, Planned planned, Optional<Chunked> remote, Scanned scanned, boolean commits) {
        SyncResult.Header localHeader = header(target);
        SyncResult.Header remoteHeader = remote.map(SyncRun::header).orElse(null);
        ManifestBuilder.Report report = scanned.report;
        if (request.summaryOnly() || !commits) {
            SyncResult.Streams streams = commits ? null : new SyncResult.Streams(target::forEach, planned.actions(),
                    remote.map(r -> (SyncResult.EntrySource) r::forEach));
            return new Entries(localHeader, () -> materialise(target::toManifest), () -> materialise(planned.plan()),
                    remoteHeader, () -> materialise(() -> remote.map(Chunked::toManifest)),
                    report, () -> materialise(() -> report.withManifest(scanned.entries.toManifest())), streams);
        }
        Manifest l = target.toManifest();
        Plan p = planned.plan().get();
        Optional<Manifest> r = remote.map(Chunked::toManifest);
        ManifestBuilder.Result scan = report.withManifest(scanned.entries.toManifest());
        return new Entries(localHeader, () -> l, () -> p, remoteHeader, () -> r, report, () -> scan, null);
    }

    private SyncResult result(Entries entries, PlanSummary plan, SyncSummary summary, PlanSource source, String note,
                              PlanRefusedException refusal) {
        return new SyncResult(service, snapshot, entries.localHeader, entries.local, plan, entries.plan, summary,
                entries.remoteHeader, entries.remote, source, note, entries.scanReport, entries.scan, scope.paths(), refusal,
                entries.streams);
    }

    private static SyncResult.Header header(Chunked m) {
        return new SyncResult.Header(m.name(), m.root(), m.createdAt(), m.entries(), m.bytes(), m.checksum());
    }

    private static <T> T materialise(java.util.function.Supplier<T> made) {
        try {
            return made.get();
        } catch (io.cloudsync.ManifestFormatException e) {
            throw new IllegalStateException("the entries of this summary-only result are no longer in the state folder's"
                    + " chunk cache (" + e.getMessage() + "); run without SyncRequest.summaryOnly to keep them in the result", e);
        }
    }

    /** Brings the remote in line with the local tree; see {@link CloudSync#run}. */
    SyncResult run() {
        List<String> includes = scanIncludes();
        Target remoteTarget = ctx.targets().resolve(request);
        ProviderFactory factory = ctx.targets().require(remoteTarget);
        Path stateDirectory = ctx.stateDirectory();
        try (RunLock ignored = RunLock.acquire(stateDirectory, service, snapshot, request.lockWait());
             Provider provider = ctx.targets().open(remoteTarget, factory)) {
            Retry retry = ctx.retryFor(provider, service, snapshot);
            RemoteManifests remoteManifests = manifestsOf(provider, retry);
            Path journalFile = Journal.fileOf(stateDirectory, service, snapshot);
            boolean rootMissing = !Files.isDirectory(ctx.root());
            ChunkFolder folder = chunks();
            // the remote manifest is read while the tree is walked; the scan awaits it before hashing,
            // and a failed read fails the scan before any file is hashed
            CompletableFuture<Optional<Chunked>> reading = inBackground("cloudsync-read-manifest",
                    () -> readRemote(remoteManifests, folder));
            Optional<Chunked> remoteManifest;
            Scanned scanned;
            try {
                scanned = scan(includes, reading, folder);
                remoteManifest = join(reading);
            } catch (ProviderException e) {
                return failedRead(includes, e);
            } finally {
                reading.cancel(false); // no effect once done; otherwise its result is no longer wanted
            }
            Sides sides = sides(scanned, remoteManifest, folder);
            Planned planned = plan(sides);
            PlanSummary plan = planned.summary();
            Optional<PlanRefusedException> changed = changed(planned, remoteManifest);
            if (changed.isPresent()) {
                LOG.atWarn().setMessage("sync.run").addKeyValue("event", "plan_refused").addKeyValue("reason",
                        changed.get().reason()).addKeyValue("detail", changed.get().getMessage()).log();
                throw changed.get();
            }
            Guards.check(request, ctx.config().engine(), planned, rootMissing, service, snapshot);
            Chunked target = EntryStreams.merge(scope, sides.scannedLocal, sides.stored);
            ctx.listeners().plan(service, snapshot, plan, false);

            List<SyncError> errors = new ArrayList<>(LocalScan.scanErrors(scanned.report.unreadable()));
            Execution.Outcome outcome = null;
            Throttle throttle = throttle();
            long transferNanos = 0;
            // a run that changes the remote holds the snapshot's remote lease from here to its end
            RemoteLease taken;
            try {
                // an empty plan may still commit (new mtimes for the hash cache): that is a change too
                taken = acquireLease(provider, retry, !isEmpty(plan)
                        || request.commitManifest() && !ManifestCommit.current(target, remoteManifest));
            } catch (ProviderException e) {
                errors.add(new SyncError(SyncAction.MANIFEST, snapshot, SyncErrors.kindOf(e.kind()), "cannot take the remote"
                        + " lease " + RemoteLease.nameOf(snapshot) + ", so nothing was changed: " + e.getMessage()));
                taken = RemoteLease.none();
            }
            Entries entries = entries(target, planned, remoteManifest, scanned, true);
            try (RemoteLease lease = taken) {
                this.lease = lease;
                ManifestCommit manifests = new ManifestCommit(ctx.cache(), stateDirectory, remoteManifests, service, snapshot,
                        lease);
                request.approvedPlan().ifPresent(a -> manifests.beforeWrite(checksum -> PlanRuns.record(
                        PlanRuns.fileOf(stateDirectory, service, snapshot), a.id(), plan.localChecksum(), checksum)));
                if (lease != RemoteLease.none()) {
                    stillAsRead(remoteManifests, remoteManifest).ifPresent(errors::add);
                    if (!lease.continuesOwnRun() && Journal.distrust(journalFile)) {
                        // another host may have overwritten what an earlier run of this folder journalled
                        LOG.atInfo().setMessage("sync.run").addKeyValue("event", "journal_distrusted")
                                .addKeyValue("service", service).addKeyValue("snapshot", snapshot).log();
                    }
                }
                Optional<Chunked> committed = remoteManifest;
                TrashRecords trash = keepsTrash(factory, plan) ? new TrashRecords(sides.stored, journalFile) : null;
                try (Journal journal = Journal.open(journalFile)) {
                    if (errors.stream().noneMatch(e -> e.action() == SyncAction.MANIFEST)) {
                        committed = manifests.withdraw(remoteManifest, sides.local, scope, plan, journal, errors);
                    }
                    if (errors.stream().noneMatch(e -> e.action() == SyncAction.MANIFEST)) {
                        Execution execution = new Execution(service, snapshot, lease.guard(provider), factory.capabilities(),
                                ctx.root(), stateDirectory.resolve("tmp"), journal, retry, ctx.config().engine().parallelism(),
                                ctx.listeners()::progress, ctx.listeners()::transfer, TRANSFER_INTERVAL, throttle);
                        execution.copyingFrom(copySources(sides.local, remoteManifest, plan, factory.capabilities()))
                                .reportingStarts(ctx.listeners()::start);
                        if (trash != null) {
                            java.util.Set<String> deleted = new java.util.HashSet<>();
                            deletes(sides, plan, d -> deleted.add(Execution.contentKey(d)));
                            execution.keeping(new Trash.Keeper(lease.guard(provider), snapshot), trash.lookups(), deleted);
                        }
                        long executing = System.nanoTime();
                        outcome = execution.execute(u -> uploads(sides, plan, u), d -> deletes(sides, plan, d),
                                (int) (plan.uploads() + plan.deletes()), plan.uploadBytes());
                        transferNanos = System.nanoTime() - executing;
                        errors.addAll(outcome.errors());
                    }
                }
                if (outcome != null) {
                    Chunked arrived = ManifestCommit.arrived(target, outcome.errors());
                    // recorded without a commit too: the run deleted and overwrote all the same
                    boolean recorded = trash != null && recordTrash(trash, arrived, provider, retry, errors);
                    if (request.commitManifest()) {
                        manifests.commit(arrived, committed, errors);
                    }
                    if (recorded && lease.lost().isEmpty() && errors.stream().noneMatch(e -> e.action() == SyncAction.MANIFEST)) {
                        purgeTrash(provider, retry);
                    }
                }
                if (outcome != null && errors.stream().anyMatch(e -> e.action() == SyncAction.MANIFEST)) {
                    // what this run did is in its journal but not committed: its next run continues under this lease
                    lease.keepForResume();
                }
            } finally {
                this.lease = RemoteLease.none();
            }
            SyncSummary summary = summary(plan, outcome, errors);
            LOG.atInfo().setMessage("sync.run").addKeyValue("service", service).addKeyValue("snapshot", snapshot)
                    .addKeyValue("status", summary.status().jsonName()).addKeyValue("uploaded", summary.uploaded())
                    .addKeyValue("resumed", summary.resumed()).addKeyValue("deleted", summary.deleted())
                    .addKeyValue("failed", errors.size()).addKeyValue("unreadable", scanned.report.unreadable().size())
                    .addKeyValue("scope", scope.paths())
                    .addKeyValue("bytes", summary.bytes()).addKeyValue("resumed_bytes", summary.resumedBytes())
                    .addKeyValue("copied", summary.copied())
                    .addKeyValue("bytes_sent", summary.bytesSent())
                    .addKeyValue("plan_id", plan.id()).addKeyValue("duration_ms", summary.duration().toMillis())
                    .addKeyValue("transfer_ms", transferNanos / 1_000_000).addKeyValue("bwlimit", throttle.bytesPerSecond())
                    .addKeyValue("metadata_requests", remoteManifests.counts().requests())
                    .addKeyValue("metadata_bytes_read", remoteManifests.counts().bytesRead())
                    .addKeyValue("metadata_bytes_written", remoteManifests.counts().bytesWritten()).log();
            complete(summary);
            return result(entries, plan, summary, PlanSource.REMOTE,
                    remoteManifest.isPresent() ? "read from the remote" : "the remote has no manifest yet", null);
        }
    }

    /**
     * How the request's approved plan refuses this plan, if it does: unless it is the approved one, or
     * the runs of the approved plan wrote the remote manifest read now (this run continues one of
     * them). The manifest itself, not the plan's remote side: that adds what the journal says the
     * remote may still hold unclaimed (the paths an interrupted run withdrew, for example).
     */
    private Optional<PlanRefusedException> changed(Planned planned, Optional<Chunked> remoteManifest) {
        PlanSummary now = planned.summary();
        return Guards.changed(request, planned, () -> request.approvedPlan().isPresent() && remoteManifest.isPresent()
                && PlanRuns.wrote(PlanRuns.fileOf(ctx.stateDirectory(), service, snapshot), request.approvedPlan().get().id(),
                        now.localChecksum(), remoteManifest.get().checksum()), service, snapshot);
    }

    /**
     * Whether the run keeps what it deletes and overwrites (docs/SYNC.md, "Trash"): when
     * {@code sync.trash_days} is above 0, the provider can copy into its metadata area, and the plan
     * changes something.
     */
    private boolean keepsTrash(ProviderFactory factory, PlanSummary plan) {
        int days = ctx.config().engine().trashDays();
        if (days == 0 || isEmpty(plan)) {
            return false;
        }
        if (!factory.capabilities().contains(io.cloudsync.spi.Capability.SERVER_SIDE_COPY)) {
            if (plan.changed() > 0 || plan.deletes() > 0) {
                LOG.atInfo().setMessage("sync.trash").addKeyValue("event", "unavailable").addKeyValue("service", service)
                        .addKeyValue("snapshot", snapshot).addKeyValue("provider", factory.id())
                        .addKeyValue("reason", "the provider does not declare SERVER_SIDE_COPY; deletes and overwrites are final")
                        .log();
            }
            return false;
        }
        return true;
    }

    /**
     * Writes the run's trash record before its commit; a failure is the run's error (the versions it
     * kept stay, unnamed, until a purge).
     *
     * @return whether a record was written
     */
    private boolean recordTrash(TrashRecords trash, Chunked arrived, Provider provider, Retry retry, List<SyncError> errors) {
        Optional<Trash.Record> record = trash.recordOf(snapshot, arrived, java.time.Instant.now());
        if (record.isEmpty()) {
            return false;
        }
        try {
            String name = Trash.write(provider, retry, record.get());
            LOG.atDebug().setMessage("sync.trash").addKeyValue("event", "recorded").addKeyValue("service", service)
                    .addKeyValue("snapshot", snapshot).addKeyValue("record", name)
                    .addKeyValue("changes", record.get().changes().size()).log();
            return true;
        } catch (ProviderException e) {
            errors.add(new SyncError(SyncAction.MANIFEST, snapshot, SyncErrors.kindOf(e.kind()), "the trash record of this run"
                    + " was not written, so what it deleted or overwrote cannot be listed or restored: " + e.getMessage()));
            return false;
        } catch (RuntimeException | Error e) {
            // as for the manifest: a provider that breaks its contract fails the write, never the caller
            errors.add(new SyncError(SyncAction.MANIFEST, snapshot, SyncError.Kind.INTERNAL, "the trash record of this run"
                    + " was not written (provider failed unexpectedly: " + e + ")"));
            return false;
        }
    }

    /** Purges the trash after a committed change; a failure is logged, and the next run tries again. */
    private void purgeTrash(Provider provider, Retry retry) {
        try {
            Trash.purge(provider, retry, snapshot, java.time.Instant.now(), ctx.config().engine().trashDays());
        } catch (RuntimeException | Error e) {
            LOG.atWarn().setMessage("sync.trash").addKeyValue("event", "purge_failed").addKeyValue("service", service)
                    .addKeyValue("snapshot", snapshot).addKeyValue("error", e.getMessage()).log();
        }
    }

    /** The most uploads a run looks for server-side copy sources for: the index holds one key per upload. */
    static final int COPY_INDEX_MAX = 100_000;

    /**
     * Where each upload's content is already stored, to copy it server-side instead of sending it (a
     * moved or renamed file): a file of the remote manifest with the same sha256 and size that this
     * run deletes or leaves as it is, never one it overwrites. Found in one pass over the stretches
     * where the local side and the remote manifest differ (the manifest itself, not the journal's
     * orphans, whose bytes no manifest vouches for). Nothing is looked up when the provider cannot
     * copy, the remote has no manifest, nothing is uploaded, or more than {@link #COPY_INDEX_MAX}
     * files are.
     */
    private java.util.function.Function<ManifestEntry, String> copySources(Chunked local, Optional<Chunked> remoteManifest,
                                                                           PlanSummary plan,
                                                                           java.util.Set<io.cloudsync.spi.Capability> capabilities) {
        if (!capabilities.contains(io.cloudsync.spi.Capability.SERVER_SIDE_COPY) || remoteManifest.isEmpty()
                || plan.uploads() == 0 || plan.uploads() > COPY_INDEX_MAX || remoteManifest.get().entries() == 0) {
            return e -> null;
        }
        java.util.Map<String, String> sources = new java.util.HashMap<>();
        EntryStreams.Difference.of(local, remoteManifest.get()).plan(new PlanSink() {
            @Override
            public void upload(PlannedUpload u) {
                if (u.size() > 0) { // an empty file costs no bytes to send
                    sources.putIfAbsent(Execution.contentKey(u.entry()), "");
                }
            }
        });
        EntryStreams.Difference.of(local, remoteManifest.get()).plan(new PlanSink() {
            @Override
            public void delete(ManifestEntry r) {
                offer(r);
            }

            @Override
            public void skip(ManifestEntry unchanged) {
                offer(unchanged);
            }

            private void offer(ManifestEntry e) {
                sources.computeIfPresent(Execution.contentKey(e), (k, path) -> path.isEmpty() ? e.path() : path);
            }
        });
        sources.values().removeIf(String::isEmpty);
        if (!sources.isEmpty()) {
            LOG.atInfo().setMessage("sync.run").addKeyValue("event", "copy_sources").addKeyValue("service", service)
                    .addKeyValue("snapshot", snapshot).addKeyValue("contents", sources.size()).log();
        }
        return e -> {
            String source = sources.get(Execution.contentKey(e));
            return source == null || source.equals(e.path()) ? null : source;
        };
    }

    /** How many of the plan's uploads a run would make as server-side copies (see {@link #copySources}). */
    private int wouldCopy(Sides sides, PlanSummary plan, Optional<Chunked> remoteManifest,
                          java.util.Set<io.cloudsync.spi.Capability> capabilities) {
        java.util.function.Function<ManifestEntry, String> sources = copySources(sides.local, remoteManifest, plan, capabilities);
        int[] copies = {0};
        uploads(sides, plan, u -> {
            if (sources.apply(u.entry()) != null) {
                copies[0]++;
            }
        });
        return copies[0];
    }

    private static boolean isEmpty(PlanSummary plan) {
        return plan.uploads() == 0 && plan.deletes() == 0;
    }

    /** The snapshot's chunk cache: where the run reads and writes its manifests' chunks. */
    private ChunkFolder chunks() {
        return ctx.cache().chunkFolder(service, snapshot);
    }

    /**
     * The remote manifest as a stream, its entries checked once here (a damaged one fails the read,
     * before anything is planned) unless the cache holds the very same root: its chunks are then the
     * ones this machine committed or checked before, and each is checked against its name as it is
     * read.
     */
    private Optional<Chunked> readRemote(RemoteManifests manifests, ChunkFolder folder) {
        Optional<Chunked> read = manifests.readChunked(snapshot, folder);
        if (read.isPresent() && !manifests.rootBytes(snapshot).map(b -> ctx.cache().holdsRoot(service, snapshot, b)).orElse(false)) {
            try {
                for (ManifestEntry e : read.get()) {
                    java.util.Objects.requireNonNull(e);
                }
            } catch (io.cloudsync.ManifestFormatException e) {
                throw RemoteManifests.damaged(snapshot, e);
            }
        }
        // checked either way: later passes check each chunk against its ref, not every entry again
        return read.map(Chunked::checked);
    }

    /**
     * Whether this run holds its snapshot's remote lease now: the condition under which the manifest
     * writer may sweep the snapshot's orphaned metadata objects (format 2's chunks). Pass it as
     * {@code this::leaseHeld} to the run's {@link RemoteManifests}; false outside a run's changes and
     * when leases are off.
     */
    boolean leaseHeld() {
        return lease.held();
    }

    /** The run's view of the remote manifests: chunks cached in the state folder, cleaned only when {@link #mayClean}. */
    private RemoteManifests manifestsOf(Provider provider, Retry retry) {
        return new RemoteManifests(provider, retry, s -> Optional.of(ctx.cache().chunkFolder(service, s)), this::mayClean,
                ctx.config().engine().parallelism());
    }

    /**
     * Whether this run's manifest writes may delete the chunks their root does not name: while it
     * holds the remote lease, or when leases are off ({@code sync.lease_seconds} 0, the user's
     * promise that one host writes the snapshot).
     */
    private boolean mayClean() {
        return ctx.config().engine().leaseTtl().isZero() || leaseHeld();
    }

    /**
     * The snapshot's remote lease when the run changes the remote (its plan, or a commit of new
     * mtimes) and leases are on, waiting up to the request's lock wait for another host's run;
     * otherwise {@link RemoteLease#none()}: a dry run, a no-op and a run with
     * {@code sync.lease_seconds} 0 take none.
     *
     * @throws io.cloudsync.LockHeldException when another host's run keeps the lease
     */
    private RemoteLease acquireLease(Provider provider, Retry retry, boolean changesRemote) {
        Duration ttl = ctx.config().engine().leaseTtl();
        if (ttl.isZero() || !changesRemote) {
            return RemoteLease.none();
        }
        return RemoteLease.acquire(provider, retry, service, snapshot, ttl, request.lockWait(),
                RemoteLease.DEFAULT_SKEW_MARGIN, Clock.systemUTC(),
                ctx.stateDirectory().resolve("leases").resolve(service).resolve(snapshot + ".owner"));
    }

    /**
     * Once the lease is held: the remote manifest read again, so that a run which planned against a
     * manifest another host's run has since replaced (while this one waited for the lease, say)
     * stops before it changes anything, instead of uploading for a commit that must fail.
     *
     * @return the conflict, or empty when the remote still holds the manifest this run planned against
     */
    private Optional<SyncError> stillAsRead(RemoteManifests remoteManifests, Optional<Chunked> planned) {
        try {
            Optional<Chunked> now = remoteManifests.readChunked(snapshot, chunks());
            if (now.isEmpty() && planned.isEmpty() || now.isPresent() && planned.isPresent() && same(now.get(), planned.get())) {
                return Optional.empty();
            }
            return Optional.of(new SyncError(SyncAction.MANIFEST, snapshot, SyncError.Kind.CONFLICT,
                    "another run changed the remote manifest " + RemoteManifests.nameOf(snapshot) + " after this run read it,"
                            + " so nothing was changed; run again to plan against what it committed"));
        } catch (ProviderException e) {
            return Optional.of(SyncErrors.of(SyncAction.MANIFEST, snapshot, e));
        }
    }

    /** Whether two manifests are equal, as {@link Manifest#equals} says, without reading their entries. */
    private static boolean same(Chunked a, Chunked b) {
        return a.name().equals(b.name()) && a.root().equals(b.root()) && a.createdAt().equals(b.createdAt())
                && a.checksum().equals(b.checksum()) && a.sameEntries(b);
    }

    /** Restores the snapshot into {@code target}; see {@link CloudSync#pull(SyncRequest, Path, boolean)}. */
    PullResult pull(Path target, boolean replaceExisting) {
        Target remoteTarget = ctx.targets().resolve(request);
        ProviderFactory factory = ctx.targets().require(remoteTarget);
        try (Provider provider = ctx.targets().open(remoteTarget, factory)) {
            return new Pull(service, snapshot, provider, ctx.retryFor(provider, service, snapshot), ctx.config().engine().parallelism(),
                    ctx.cache().chunkFolder(service, snapshot), throttle()).run(target, replaceExisting, scope,
                    request.summaryOnly());
        }
    }

    /** What the snapshot's trash can bring back; see {@link CloudSync#versions}. */
    io.cloudsync.core.result.VersionsResult versions() {
        Target remoteTarget = ctx.targets().resolve(request);
        ProviderFactory factory = ctx.targets().require(remoteTarget);
        try (Provider provider = ctx.targets().open(remoteTarget, factory)) {
            Retry retry = ctx.retryFor(provider, service, snapshot);
            List<Trash.Record> records = Trash.records(provider, retry, snapshot);
            java.util.Set<String> kept = records.isEmpty() ? java.util.Set.of() : retry.call(() -> Trash.blobs(provider, snapshot));
            java.util.Set<String> stored = new java.util.HashSet<>();
            if (!records.isEmpty()) {
                new RemoteManifests(provider, retry).readChunked(snapshot, chunks())
                        .ifPresent(m -> m.forEach(e -> stored.add(e.sha256())));
            }
            List<io.cloudsync.core.result.TrashVersion> versions = new ArrayList<>();
            for (int i = records.size() - 1; i >= 0; i--) {
                Trash.Record r = records.get(i);
                for (Trash.Change c : r.changes()) {
                    if (c.before().isEmpty() || !scope.covers(c.path())) {
                        continue;
                    }
                    ManifestEntry b = c.before().get();
                    versions.add(new io.cloudsync.core.result.TrashVersion(c.path(), r.time(), c.kind(), b.size(), b.mtime(),
                            b.sha256(), b.size() == 0 || kept.contains(b.sha256()) || stored.contains(b.sha256()),
                            r.manifestBefore()));
                }
            }
            return new io.cloudsync.core.result.VersionsResult(service, snapshot, ctx.config().engine().trashDays(),
                    records.isEmpty() ? Optional.empty() : Optional.of(records.get(0).time()), versions);
        }
    }

    /** Restores the snapshot as it was at {@code at}; see {@link CloudSync#restore}. */
    io.cloudsync.core.result.RestoreResult restore(java.time.Instant at, Path target, boolean replaceExisting) {
        Target remoteTarget = ctx.targets().resolve(request);
        ProviderFactory factory = ctx.targets().require(remoteTarget);
        try (Provider provider = ctx.targets().open(remoteTarget, factory)) {
            Retry retry = ctx.retryFor(provider, service, snapshot);
            List<Trash.Record> records = Trash.records(provider, retry, snapshot);
            Optional<Chunked> current = new RemoteManifests(provider, retry).readChunked(snapshot, chunks());
            if (current.isEmpty() && records.isEmpty()) {
                throw new CloudSyncException("service \"" + service + "\" has neither a manifest nor a trash for snapshot \""
                        + snapshot + "\", so there is nothing to restore; check the snapshot name");
            }
            java.util.SortedMap<String, ManifestEntry> state = new java.util.TreeMap<>(io.cloudsync.PathRules.ORDER);
            java.util.Map<String, String> storedAt = new java.util.HashMap<>(); // content -> a path the snapshot stores it at
            current.ifPresent(m -> m.forEach(e -> {
                state.put(e.path(), e);
                storedAt.putIfAbsent(Execution.contentKey(e), e.path());
            }));
            List<Trash.Record> undone = Trash.undoAfter(state, records, at);
            String checksum = Manifest.checksumOf(new ArrayList<>(state.values()));
            boolean complete = true;
            if (!undone.isEmpty()) {
                Trash.Record oldest = undone.get(undone.size() - 1);
                // before the oldest record the trash holds, what changed is unknown unless it is the first commit
                complete = checksum.equals(oldest.manifestBefore()) && (oldest.startedEmpty() || oldest != records.get(0));
            }
            List<ManifestEntry> selected = new ArrayList<>();
            for (ManifestEntry e : state.values()) {
                if (scope.covers(e.path())) {
                    selected.add(e);
                }
            }
            for (String include : request.include()) {
                String p = io.cloudsync.PathRules.requireCanonical(include);
                if (selected.stream().noneMatch(e -> e.path().equals(p) || e.path().startsWith(p + "/"))) {
                    throw new ConfigurationException("path \"" + include + "\" names no file of snapshot \"" + snapshot + "\" at "
                            + at + "; list what can be restored with: cloudsync versions --snapshot " + snapshot);
                }
            }
            java.util.Set<String> kept = retry.call(() -> Trash.blobs(provider, snapshot));
            Manifest wanted = Manifest.of(snapshot, current.map(Chunked::root).orElse(""), at, selected);
            Pull.Fetch fetch = (entry, into) -> {
                String there = storedAt.get(Execution.contentKey(entry));
                if (kept.contains(entry.sha256())) {
                    provider.downloadMetadata(Trash.blobName(snapshot, entry.sha256()), into);
                } else if (there != null) {
                    provider.download(snapshot, there, into);
                } else if (entry.size() > 0) {
                    throw new ProviderException(ProviderException.Kind.NOT_FOUND, "the version of \"" + entry.path() + "\" at " + at
                            + " (sha256 " + entry.sha256() + ") is neither in the trash nor stored in the snapshot any more:"
                            + " it was purged (sync.trash_days) or never kept", entry.path(), null);
                }
            };
            PullResult files = new Pull(service, snapshot, provider, retry, ctx.config().engine().parallelism(),
                    chunks(), throttle()).restore(target, replaceExisting, wanted, fetch);
            LOG.atInfo().setMessage("sync.restore").addKeyValue("service", service).addKeyValue("snapshot", snapshot)
                    .addKeyValue("at", at).addKeyValue("records_undone", undone.size()).addKeyValue("complete", complete)
                    .addKeyValue("written", files.written()).addKeyValue("failed", files.failed()).log();
            return new io.cloudsync.core.result.RestoreResult(at, checksum, complete, files);
        }
    }

    /** Checks what the remote holds against the manifest; see {@link CloudSync#verify(SyncRequest, int)}. */
    VerifyResult verify(int samplePercent) {
        Target remoteTarget = ctx.targets().resolve(request);
        ProviderFactory factory = ctx.targets().require(remoteTarget);
        try (Provider provider = ctx.targets().open(remoteTarget, factory)) {
            return new Verify(service, snapshot, provider, factory.capabilities(), ctx.retryFor(provider, service, snapshot),
                    ctx.config().engine().parallelism(), ctx.stateDirectory().resolve("tmp"),
                    ctx.cache().chunkFolder(service, snapshot)).run(samplePercent, scope, request.summaryOnly());
        }
    }

    /**
     * The run's bandwidth limit, one bucket for every worker: the request's when it sets one (0 for
     * none), else the configured {@code sync.bwlimit}.
     */
    private Throttle throttle() {
        return Throttle.of(request.bandwidthLimit().orElse(ctx.config().engine().bandwidthLimit()));
    }

    private List<String> scanIncludes() {
        return scope.scanIncludes(ctx.config().include(), ctx.config().source(), ctx.root());
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * The run's status and counts: success without an error; partial when only the scan failed
     * somewhere, or some operation changed the remote; failed when operations failed and none did.
     */
    private SyncSummary summary(PlanSummary plan, Execution.Outcome outcome, List<SyncError> errors) {
        int uploaded = outcome == null ? 0 : outcome.uploaded();
        int deleted = outcome == null ? 0 : outcome.deleted();
        boolean operationFailed = errors.stream().anyMatch(e -> e.action() != SyncAction.SCAN);
        SyncStatus status = errors.isEmpty() ? SyncStatus.SUCCESS
                : !operationFailed || uploaded + deleted > 0 ? SyncStatus.PARTIAL : SyncStatus.FAILED;
        return new SyncSummary(status, uploaded, deleted, (int) plan.skipped(),
                errors.size(), outcome == null ? 0 : outcome.bytes(), elapsed(), errors,
                outcome == null ? 0 : outcome.resumed(), outcome == null ? 0 : outcome.resumedBytes(),
                outcome == null ? 0 : outcome.bytesSent(), outcome == null ? 0 : outcome.copied());
    }

    /** The result of a run that could not read the remote manifest: planned against the cache, nothing transferred. */
    private SyncResult failedRead(List<String> includes, ProviderException e) {
        Optional<Chunked> cached = ctx.cache().readChunked(request.service(), snapshot);
        Scanned scanned = scan(includes, CompletableFuture.completedFuture(cached), chunks());
        Sides sides = sides(scanned, cached, chunks());
        Planned planned = plan(sides);
        List<SyncError> errors = List.of(new SyncError(SyncAction.MANIFEST, snapshot, SyncErrors.kindOf(e.kind()),
                "cannot read the remote manifest, nothing was transferred: " + e.getMessage()));
        SyncSummary summary = new SyncSummary(SyncStatus.FAILED, 0, 0, 0, 1, 0,
                elapsed(), errors);
        LOG.atError().setMessage("sync.run").addKeyValue("service", request.service()).addKeyValue("snapshot", snapshot)
                .addKeyValue("status", "failed").addKeyValue("error", e.getMessage()).log();
        complete(summary);
        Entries entries = entries(EntryStreams.merge(scope, sides.scannedLocal, sides.stored), planned, cached, scanned, false);
        return result(entries, planned.summary(), summary, cached.isPresent() ? PlanSource.CACHE : PlanSource.NONE,
                "the remote manifest could not be read: " + e.getMessage(), null);
    }

    /**
     * The remote manifest for a dry run, or the cached one, or none, with the reason: a missing
     * provider or an unreadable remote does not stop a dry run, a wrong setting does.
     */
    private Remote readRemoteForDryRun(ChunkFolder folder) {
        String reason;
        Target remoteTarget = ctx.targets().resolve(request);
        Optional<ProviderFactory> factory = ctx.targets().find(remoteTarget);
        if (factory.isEmpty()) {
            reason = "no provider \"" + remoteTarget.providerId() + "\" on the class path (found " + ctx.providers().ids() + ')';
        } else {
            try (Provider provider = ctx.targets().open(remoteTarget, factory.get())) {
                RemoteManifests manifests = manifestsOf(provider, ctx.retryFor(provider, service, snapshot));
                Optional<Chunked> m;
                try {
                    m = readRemote(manifests, folder);
                } finally {
                    dryRunMetadata = manifests.counts();
                }
                return new Remote(m, PlanSource.REMOTE, m.isPresent() ? "read from the remote" : "the remote has no manifest yet",
                        factory.get().capabilities());
            } catch (ConfigurationException e) {
                // a misspelt, missing or bad setting or vault field: planning from the cache would hide it
                throw e;
            } catch (ProviderException e) {
                if (e.kind() == ProviderException.Kind.CONFIGURATION) {
                    throw e; // the remote answered that the settings are wrong (no such bucket, another region)
                }
                reason = "the remote manifest could not be read: " + e.getMessage();
            } catch (CloudSyncException e) {
                reason = "the remote manifest could not be read: " + e.getMessage();
            }
        }
        Optional<Chunked> cached = ctx.cache().readChunked(request.service(), snapshot);
        LOG.atWarn().setMessage("sync.dry_run").addKeyValue("service", request.service()).addKeyValue("snapshot", snapshot)
                .addKeyValue("event", cached.isPresent() ? "planning_from_cache" : "planning_from_empty")
                .addKeyValue("reason", reason).log();
        return cached.isPresent()
                ? new Remote(cached, PlanSource.CACHE, reason + "; planned against the cached manifest "
                        + ctx.cache().pathOf(request.service(), snapshot), java.util.Set.of())
                : new Remote(cached, PlanSource.NONE, reason + "; no cached manifest either, so planned against an empty remote",
                        java.util.Set.of());
    }

    /** Runs {@code task} on a daemon thread of its own. */
    private static <T> CompletableFuture<T> inBackground(String threadName, java.util.function.Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            t.start();
        });
    }

    /** The result of a background task, its own exception rethrown as it was thrown. */
    private static <T> T join(CompletableFuture<T> task) {
        try {
            return task.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
