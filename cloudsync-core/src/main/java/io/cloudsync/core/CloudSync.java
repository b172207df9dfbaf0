package io.cloudsync.core;

import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.FeatureDisabledException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncListener;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import io.cloudsync.Vault;
import io.cloudsync.core.internal.engine.Execution;
import io.cloudsync.core.internal.engine.Guards;
import io.cloudsync.core.internal.engine.Pull;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.core.internal.engine.Scope;
import io.cloudsync.core.internal.engine.Verify;
import io.cloudsync.core.internal.journal.Journal;
import io.cloudsync.core.internal.lock.RunLock;
import io.cloudsync.core.internal.remote.RemoteManifests;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade most hosts touch: build one per project root, then ask for a {@link #manifest},
 * a {@link #dryRun} or a {@link #run}. Thread-safe; runs on the same service and snapshot are
 * serialised by a lock under the state folder, across threads and processes.
 *
 * <pre>{@code
 * CloudSync cloudSync = CloudSync.builder()
 *         .root(Path.of("/srv/project"))
 *         .config(CloudSyncConfig.load(Path.of("/srv/project/config/cloudsync.json")))
 *         .build();
 * SyncResult result = cloudSync.run(SyncRequest.builder("s3", "nightly").build());
 * }</pre>
 */
public final class CloudSync {

    private static final Logger LOG = LoggerFactory.getLogger(CloudSync.class);
    /** The least time between two transfer events of a run (SyncListener#onTransfer). */
    private static final Duration TRANSFER_INTERVAL = Duration.ofMillis(100);

    private final Path root;
    private final Path stateDirectory;
    private final CloudSyncConfig config;
    private final Providers providers;
    private final Vault vault;
    private final List<SyncListener> listeners;
    private final Clock clock;
    private final Retry.Sleeper sleeper;
    private final ManifestCache cache;
    private final List<Path> excludedPaths;

    private CloudSync(Builder b) {
        this.config = b.config != null ? b.config : CloudSyncConfig.defaults();
        Path r = b.root;
        if (r == null) {
            r = Path.of(config.defaultRoot().orElse("."));
        }
        this.root = r.toAbsolutePath().normalize();
        this.stateDirectory = (b.stateDirectory != null ? b.stateDirectory : root.resolve("cache/cloud"))
                .toAbsolutePath().normalize();
        Providers p = b.providers != null ? b.providers : Providers.load();
        for (ProviderFactory f : b.explicit) {
            p = p.with(f);
        }
        this.providers = p;
        this.vault = b.vault;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.cache = new ManifestCache(stateDirectory);
        this.excludedPaths = List.copyOf(b.excludedPaths);
    }

    /**
     * Starts a builder.
     *
     * @return a builder with no root (the configured default root, or the working folder), the state
     *     folder {@code <root>/cache/cloud}, providers discovered by ServiceLoader and every flag off
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The project root.
     *
     * @return an absolute path
     */
    public Path root() {
        return root;
    }

    /**
     * The state folder (manifest cache, journal, locks, resume state).
     *
     * @return an absolute path
     */
    public Path stateDirectory() {
        return stateDirectory;
    }

    /**
     * The configuration.
     *
     * @return never {@code null}
     */
    public CloudSyncConfig config() {
        return config;
    }

    /**
     * The providers available.
     *
     * @return never {@code null}
     */
    public Providers providers() {
        return providers;
    }

    /**
     * The cache of committed manifests.
     *
     * @return never {@code null}
     */
    public ManifestCache manifestCache() {
        return cache;
    }

    /**
     * Adds a listener.
     *
     * @param listener receives plan, progress and complete events
     */
    public void addListener(SyncListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes a listener.
     *
     * @param listener a listener added earlier
     */
    public void removeListener(SyncListener listener) {
        listeners.remove(listener);
    }

    /**
     * Builds the manifest of the local tree. The newest cached manifest that a sync of this root
     * committed ({@link ManifestCache#newestFor}) serves as the hash cache, so files unchanged since
     * then are not read; without one, every file is hashed. Writes nothing.
     *
     * @param name the manifest's name
     * @param include paths to include; empty means the configured default
     * @param exclude extra exclude globs
     * @return the scan result with its report
     * @throws FeatureDisabledException when {@code enable_cloud_sync} is off
     */
    public ManifestBuilder.Result manifest(String name, List<String> include, List<String> exclude) {
        requireFlag(CloudSyncConfig.MASTER_FLAG, "build a manifest");
        // the newest manifest a sync of this root committed is the hash cache: unchanged files are not read
        ManifestBuilder.Result result = scan(name, include, exclude, CompletableFuture.completedFuture(cache.newestFor(root)));
        LOG.atInfo().setMessage("sync.manifest").addKeyValue("name", name).addKeyValue("entries", result.manifest().entries().size())
                .addKeyValue("bytes", result.manifest().totalBytes()).addKeyValue("checksum", result.manifest().checksum())
                .addKeyValue("hashed", result.filesHashed()).addKeyValue("reused", result.filesReused()).log();
        return result;
    }

    /**
     * Computes what a run would do, without writing anything to the remote. Works when the provider
     * jar is absent or the remote cannot be read: it then plans against the cached manifest, or an
     * empty remote, and says so in {@link SyncResult#planSource()}.
     *
     * @param request what to sync
     * @return the plan and a {@link SyncStatus#DRY_RUN} summary
     * @throws FeatureDisabledException when a flag is off
     */
    public SyncResult dryRun(SyncRequest request) {
        long started = System.nanoTime();
        String service = request.service();
        String snapshot = snapshotName(request);
        requireFlags(service, "plan a sync");
        Scope scope = Scope.of(request.include(), root);
        List<String> includes = scope.scanIncludes(config.include(), config.source(), root);
        // the remote manifest is read while the tree is walked; the scan awaits it before hashing
        CompletableFuture<Remote> reading = inBackground("cloudsync-read-manifest", () -> readRemoteForDryRun(request, snapshot));
        ManifestBuilder.Result scanned = scan(snapshot, includes, request.exclude(),
                reading.thenApply(r -> Optional.ofNullable(r.manifest)));
        Remote remote = join(reading);
        Manifest local = keepUnreadable(scanned, remote.manifestOrEmpty(snapshot));
        Manifest localInScope = scope.inside(local);
        Manifest remoteInScope = scope.inside(withOrphans(remote.manifestOrEmpty(snapshot), local,
                Journal.fileOf(stateDirectory, service, snapshot), scanned));
        Plan plan = Planner.plan(localInScope, remoteInScope);
        // what the run's guards would say of this plan, so the dry run shows the refusal too
        Optional<PlanRefusedException> refusal = Guards.refusal(request, config.engine(), plan, remoteInScope, localInScope,
                !Files.isDirectory(root), service, snapshot);
        firePlan(service, snapshot, plan, true);
        SyncSummary summary = new SyncSummary(SyncStatus.DRY_RUN, plan.uploads().size(), plan.deletes().size(),
                plan.skipped().size(), 0, plan.uploadBytes(), Duration.ofNanos(System.nanoTime() - started),
                scanErrors(scanned));
        LOG.atInfo().setMessage("sync.dry_run").addKeyValue("service", service).addKeyValue("snapshot", snapshot)
                .addKeyValue("source", remote.source.jsonName()).addKeyValue("scope", scope.paths())
                .addKeyValue("uploads", plan.uploads().size())
                .addKeyValue("deletes", plan.deletes().size()).addKeyValue("bytes", plan.uploadBytes())
                .addKeyValue("plan_id", plan.id())
                .addKeyValue("refused", refusal.map(r -> r.reason().name().toLowerCase(java.util.Locale.ROOT)).orElse("none"))
                .log();
        fireComplete(service, snapshot, summary);
        return new SyncResult(service, snapshot, scope.merge(local, remote.manifestOrEmpty(snapshot)), plan, summary,
                remote.manifest, remote.source, remote.note, scanned, scope.paths(), refusal.orElse(null));
    }

    /**
     * Brings the remote in line with the local tree: uploads, deletes, verification, then the
     * manifest commit when every operation succeeded. Failed operations are collected in the summary,
     * not thrown. An interrupted run is resumed by the next one without resending what arrived.
     *
     * @param request what to sync
     * @return the plan and the outcome
     * @throws FeatureDisabledException when a flag is off
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws io.cloudsync.LockHeldException when another run holds the service and snapshot
     * @throws PlanRefusedException when a limit of the request or a delete guard refuses the plan
     */
    public SyncResult run(SyncRequest request) {
        long started = System.nanoTime();
        String service = request.service();
        String snapshot = snapshotName(request);
        requireFlags(service, "run a sync");
        Scope scope = Scope.of(request.include(), root);
        List<String> includes = scope.scanIncludes(config.include(), config.source(), root);
        ServiceSpec spec = serviceSpec(request);
        ProviderFactory factory = providers.require(spec.providerId);
        try (RunLock ignored = RunLock.acquire(stateDirectory, service, snapshot, request.lockWait());
             Provider provider = factory.open(spec.config, secretsFor(request, factory))) {
            Retry retry = Retry.forProvider(config.engine(), provider, sleeper);
            RemoteManifests manifests = new RemoteManifests(provider, retry);
            Path journalFile = Journal.fileOf(stateDirectory, service, snapshot);
            boolean rootMissing = !Files.isDirectory(root);
            // the remote manifest is read while the tree is walked; the scan awaits it before hashing,
            // and a failed read fails the scan before any file is hashed
            CompletableFuture<Optional<Manifest>> reading = inBackground("cloudsync-read-manifest",
                    () -> manifests.read(snapshot));
            Optional<Manifest> remoteManifest;
            ManifestBuilder.Result scanned;
            try {
                scanned = scan(snapshot, includes, request.exclude(), reading);
                remoteManifest = join(reading);
            } catch (ProviderException e) {
                return failedRead(request, snapshot, scope, includes, e, started);
            } finally {
                reading.cancel(false); // no effect once done; otherwise its result is no longer wanted
            }
            Manifest stored = remoteManifest.orElseGet(() -> Manifest.empty(snapshot));
            Manifest scannedLocal = keepUnreadable(scanned, stored);
            // a narrowed run plans inside its scope only; outside it, the remote and its manifest stay as they are
            Manifest local = scope.inside(scannedLocal);
            Manifest remote = scope.inside(withOrphans(stored, scannedLocal, journalFile, scanned));
            Plan plan = Planner.plan(local, remote);
            Guards.check(request, config.engine(), plan, remote, local, rootMissing, service, snapshot);
            Manifest target = scope.merge(scannedLocal, stored);
            firePlan(service, snapshot, plan, false);

            List<SyncError> errors = new ArrayList<>(scanErrors(scanned));
            Execution.Outcome outcome = null;
            Optional<Manifest> committed = remoteManifest;
            try (Journal journal = Journal.open(journalFile)) {
                committed = withdraw(manifests, service, snapshot, remoteManifest, plan, journal, errors);
                if (errors.stream().noneMatch(e -> e.action() == SyncAction.MANIFEST)) {
                    Execution execution = new Execution(service, snapshot, provider, factory.capabilities(), root,
                            stateDirectory.resolve("tmp"), journal, retry, config.engine().parallelism(), this::fireProgress,
                            this::fireTransfer, TRANSFER_INTERVAL);
                    outcome = execution.execute(plan);
                    errors.addAll(outcome.errors());
                }
            }
            if (outcome != null && request.commitManifest()) {
                commit(manifests, service, snapshot, arrived(target, outcome.errors()), committed, errors);
            }
            int uploaded = outcome == null ? 0 : outcome.uploaded();
            int deleted = outcome == null ? 0 : outcome.deleted();
            boolean operationFailed = errors.stream().anyMatch(e -> e.action() != SyncAction.SCAN);
            SyncStatus status = errors.isEmpty() ? SyncStatus.SUCCESS
                    : !operationFailed || uploaded + deleted > 0 ? SyncStatus.PARTIAL : SyncStatus.FAILED;
            SyncSummary summary = new SyncSummary(status, uploaded, deleted, plan.skipped().size(),
                    errors.size(), outcome == null ? 0 : outcome.bytes(), Duration.ofNanos(System.nanoTime() - started), errors,
                    outcome == null ? 0 : outcome.resumed(), outcome == null ? 0 : outcome.resumedBytes(),
                    outcome == null ? 0 : outcome.bytesSent());
            LOG.atInfo().setMessage("sync.run").addKeyValue("service", service).addKeyValue("snapshot", snapshot)
                    .addKeyValue("status", status.jsonName()).addKeyValue("uploaded", uploaded)
                    .addKeyValue("resumed", summary.resumed()).addKeyValue("deleted", deleted)
                    .addKeyValue("failed", errors.size()).addKeyValue("unreadable", scanned.unreadable().size())
                    .addKeyValue("scope", scope.paths())
                    .addKeyValue("bytes", summary.bytes()).addKeyValue("resumed_bytes", summary.resumedBytes())
                    .addKeyValue("bytes_sent", summary.bytesSent())
                    .addKeyValue("plan_id", plan.id()).addKeyValue("duration_ms", summary.duration().toMillis()).log();
            fireComplete(service, snapshot, summary);
            return new SyncResult(service, snapshot, target, plan, summary, remoteManifest.orElse(null),
                    PlanSource.REMOTE, remoteManifest.isPresent() ? "read from the remote" : "the remote has no manifest yet",
                    scanned, scope.paths());
        }
    }

    /**
     * Restores a snapshot from the remote into a folder. Every file of the remote manifest is
     * downloaded to a temporary file, checked against the manifest's size and sha256, and moved into
     * place atomically with the manifest's mtime; nothing is ever written outside {@code target} or
     * through a symbolic link inside it. Per-file failures are collected in the result, not thrown.
     *
     * @param service the service to read from
     * @param snapshot the snapshot (the configured prefix is applied)
     * @param target the folder to write into; created when missing
     * @param replaceExisting whether files already in {@code target} are replaced; when {@code false}
     *     they are left alone and counted as skipped
     * @return what was written, skipped and failed
     * @throws FeatureDisabledException when a flag is off
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws io.cloudsync.ConfigurationException when {@code target} is not a folder
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the remote manifest cannot be read
     */
    public PullResult pull(String service, String snapshot, Path target, boolean replaceExisting) {
        return pull(SyncRequest.builder(service, snapshot).build(), target, replaceExisting);
    }

    /**
     * Restores a snapshot as {@link #pull(String, String, Path, boolean)} does, with the request's
     * {@link SyncRequest#serviceConfig() settings} and {@link SyncRequest#credentialsKey() credentials
     * key}; when the request has {@link SyncRequest#include() include paths}, only the files at or
     * under them are restored. Its limits, excludes and manifest options are not used.
     *
     * @param request the service, snapshot, settings and include paths
     * @param target the folder to write into; created when missing
     * @param replaceExisting whether files already in {@code target} are replaced
     * @return what was written, skipped and failed
     * @throws FeatureDisabledException when a flag is off
     * @throws io.cloudsync.ConfigurationException when the service is unknown, {@code target} is not a
     *     folder, or an include path covers no file of the snapshot
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the remote manifest cannot be read
     */
    public PullResult pull(SyncRequest request, Path target, boolean replaceExisting) {
        Objects.requireNonNull(target, "target");
        String service = request.service();
        String name = snapshotName(request);
        requireFlags(service, "pull a snapshot");
        Scope only = Scope.of(request.include(), root);
        ServiceSpec spec = serviceSpec(request);
        ProviderFactory factory = providers.require(spec.providerId);
        try (Provider provider = factory.open(spec.config, secretsFor(request, factory))) {
            return new Pull(service, name, provider, Retry.forProvider(config.engine(), provider, sleeper), config.engine().parallelism())
                    .run(target, replaceExisting, only);
        }
    }

    /**
     * Checks that what the remote holds matches the snapshot's manifest, without changing anything.
     * Where the provider declares {@link Capability#LISTING}, every file is checked against the
     * listing (presence, size, and sha256 where listed); files without a listed digest, and every file
     * of a provider that cannot list, are checked by downloading a random sample and hashing it.
     *
     * @param service the service to check
     * @param snapshot the snapshot (the configured prefix is applied)
     * @param samplePercent 0 to 100: the share of files without a listed digest to download
     * @return what was checked and what is wrong
     * @throws FeatureDisabledException when a flag is off
     * @throws IllegalArgumentException when {@code samplePercent} is out of range
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the manifest or the listing cannot be read
     */
    public VerifyResult verify(String service, String snapshot, int samplePercent) {
        return verify(SyncRequest.builder(service, snapshot).build(), samplePercent);
    }

    /**
     * Checks a snapshot as {@link #verify(String, String, int)} does, with the request's
     * {@link SyncRequest#serviceConfig() settings} and {@link SyncRequest#credentialsKey() credentials
     * key}; when the request has {@link SyncRequest#include() include paths}, only the files at or
     * under them are checked, and remote files outside them are not reported.
     *
     * @param request the service, snapshot, settings and include paths
     * @param samplePercent 0 to 100: the share of files without a listed digest to download
     * @return what was checked and what is wrong
     * @throws FeatureDisabledException when a flag is off
     * @throws io.cloudsync.ConfigurationException when the service is unknown or an include path covers
     *     no file of the snapshot
     * @throws IllegalArgumentException when {@code samplePercent} is out of range
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the manifest or the listing cannot be read
     */
    public VerifyResult verify(SyncRequest request, int samplePercent) {
        String service = request.service();
        String name = snapshotName(request);
        requireFlags(service, "verify a snapshot");
        Scope only = Scope.of(request.include(), root);
        ServiceSpec spec = serviceSpec(request);
        ProviderFactory factory = providers.require(spec.providerId);
        try (Provider provider = factory.open(spec.config, secretsFor(request, factory))) {
            return new Verify(service, name, provider, factory.capabilities(), Retry.forProvider(config.engine(), provider, sleeper),
                    config.engine().parallelism(), stateDirectory.resolve("tmp")).run(samplePercent, only);
        }
    }

    /**
     * The remote manifest plus every file the journal says the remote may hold that neither manifest
     * names (uploaded by an unfinished run, or withdrawn from the manifest by a run that then could
     * not overwrite or delete it): the plan must delete them, or they would stay behind unlisted.
     */
    private static Manifest withOrphans(Manifest remote, Manifest local, Path journalFile, ManifestBuilder.Result scanned) {
        List<ManifestEntry> orphans = new ArrayList<>();
        java.util.Set<String> unreadable = unreadablePaths(scanned);
        for (Journal.Upload u : Journal.leftovers(journalFile)) {
            // a path the scan could not read is never deleted, not even what the journal says is left of it
            if (remote.find(u.path()).isEmpty() && local.find(u.path()).isEmpty() && !coveredBy(unreadable, u.path())) {
                orphans.add(new ManifestEntry(u.path(), u.size(), java.time.Instant.EPOCH, u.sha256()));
            }
        }
        if (orphans.isEmpty()) {
            return remote;
        }
        orphans.addAll(remote.entries());
        return Manifest.of(remote.name(), remote.root(), remote.createdAt(), orphans);
    }

    /**
     * Before anything on the remote changes: withdraws from the remote manifest every path the plan
     * overwrites or deletes, so that a run stopped at any point (an error, {@code kill -9}, power loss)
     * leaves a committed manifest that claims only files that are there, as they are. The journal
     * first records those paths as released, so a later run deletes what is left of them unless the
     * local tree has them again. Nothing is written when the plan only adds files.
     *
     * @return the manifest the remote holds afterwards; on failure (recorded in {@code errors}) the old one
     */
    private Optional<Manifest> withdraw(RemoteManifests manifests, String service, String snapshot,
                                        Optional<Manifest> remoteManifest, Plan plan, Journal journal,
                                        List<SyncError> errors) {
        if (remoteManifest.isEmpty()) {
            return remoteManifest;
        }
        Manifest remote = remoteManifest.get();
        java.util.Set<String> leaving = new java.util.HashSet<>();
        plan.uploads().stream().filter(u -> u.reason() == io.cloudsync.UploadReason.CHANGED).forEach(u -> leaving.add(u.path()));
        plan.deletes().forEach(d -> leaving.add(d.path()));
        List<ManifestEntry> released = new ArrayList<>();
        List<ManifestEntry> kept = new ArrayList<>(remote.entries().size());
        for (ManifestEntry e : remote.entries()) {
            (leaving.contains(e.path()) ? released : kept).add(e);
        }
        if (released.isEmpty()) {
            return remoteManifest;
        }
        journal.recordReleased(released);
        Manifest withdrawn = new Manifest(snapshot, remote.root(), remote.createdAt(), kept, Manifest.checksumOf(kept));
        String failure = writeManifest(manifests, snapshot, withdrawn);
        if (failure != null) {
            errors.add(new SyncError(SyncAction.MANIFEST, snapshot, "cannot withdraw the " + released.size()
                    + " files this run would overwrite or delete from the remote manifest, so nothing was changed: " + failure));
            return remoteManifest;
        }
        cache.write(service, snapshot, withdrawn);
        LOG.atInfo().setMessage("sync.run").addKeyValue("event", "manifest_withdrawn").addKeyValue("service", service)
                .addKeyValue("snapshot", snapshot).addKeyValue("paths", released.size()).log();
        return Optional.of(withdrawn);
    }

    /** The local manifest less every path whose upload did not arrive: what the remote really holds after the run. */
    private static Manifest arrived(Manifest local, List<SyncError> operationErrors) {
        java.util.Set<String> failed = new java.util.HashSet<>();
        for (SyncError e : operationErrors) {
            if (e.action() == SyncAction.UPLOAD) {
                failed.add(e.path());
            }
        }
        if (failed.isEmpty()) {
            return local;
        }
        List<ManifestEntry> there = new ArrayList<>(local.entries().size());
        for (ManifestEntry e : local.entries()) {
            if (!failed.contains(e.path())) {
                there.add(e);
            }
        }
        return new Manifest(local.name(), local.root(), local.createdAt(), there, Manifest.checksumOf(there));
    }

    /**
     * Writes a manifest over the one this run read or last wrote (a conflict when another run changed it).
     *
     * @return null when written, otherwise what went wrong ({@code kind: message})
     */
    private static String writeManifest(RemoteManifests manifests, String snapshot, Manifest manifest) {
        try {
            manifests.write(snapshot, manifest);
            return null;
        } catch (ProviderException e) {
            return e.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage();
        } catch (RuntimeException | Error e) {
            // as for uploads: a provider that breaks its contract fails the write, never the caller
            return "provider failed unexpectedly: " + e;
        }
    }

    /**
     * Commits what the remote holds after the run: every file of the local manifest, less those whose
     * upload failed (a partial run commits too, so the snapshot stays restorable and never claims a
     * file that did not arrive). Then the journal keeps only what the remote may hold unclaimed.
     */
    private void commit(RemoteManifests manifests, String service, String snapshot, Manifest there,
                        Optional<Manifest> remoteManifest, List<SyncError> errors) {
        Manifest refreshed = there.withName(snapshot);
        // The remote manifest is the next scan's hash cache, so it is rewritten even when no content
        // changed if a file's mtime changed (the checksum leaves mtimes out), or if a file was racily
        // clean against its time and no longer is against the new one: otherwise every later run would
        // read those files again.
        boolean remoteCurrent = remoteManifest.isPresent()
                && remoteManifest.get().entries().equals(refreshed.entries())
                && !settlesRacyEntries(remoteManifest.get(), refreshed);
        if (!remoteCurrent) {
            String failure = writeManifest(manifests, snapshot, refreshed);
            if (failure != null) {
                errors.add(new SyncError(SyncAction.MANIFEST, snapshot, failure));
                return;
            }
            cache.write(service, snapshot, refreshed);
        } else {
            // the cache keeps a copy of what the remote holds: this run's entries under the remote
            // manifest's time, so that a run of no-op syncs leaves the cached file as it is
            Manifest current = new Manifest(snapshot, refreshed.root(), remoteManifest.get().createdAt(),
                    refreshed.entries(), refreshed.checksum());
            if (!cache.holds(service, snapshot, current)) {
                cache.write(service, snapshot, current);
            }
        }
        Journal.afterCommit(Journal.fileOf(stateDirectory, service, snapshot), refreshed);
    }

    /**
     * Whether an entry is racily clean against {@code remote}'s time (so a scan with it as the hash
     * cache reads that file again) but not against {@code refreshed}'s.
     */
    private static boolean settlesRacyEntries(Manifest remote, Manifest refreshed) {
        Instant racyBefore = remote.createdAt().minus(ManifestBuilder.RACY_WINDOW);
        Instant racyAfter = refreshed.createdAt().minus(ManifestBuilder.RACY_WINDOW);
        for (ManifestEntry e : refreshed.entries()) {
            if (!e.mtime().isBefore(racyBefore) && e.mtime().isBefore(racyAfter)) {
                return true;
            }
        }
        return false;
    }

    private SyncResult failedRead(SyncRequest request, String snapshot, Scope scope, List<String> includes,
                                  ProviderException e, long started) {
        Optional<Manifest> cached = cache.read(request.service(), snapshot);
        ManifestBuilder.Result scanned = scan(snapshot, includes, request.exclude(),
                CompletableFuture.completedFuture(cached));
        Manifest stored = cached.orElseGet(() -> Manifest.empty(snapshot));
        Manifest local = keepUnreadable(scanned, stored);
        Plan plan = Planner.plan(scope.inside(local), scope.inside(stored));
        List<SyncError> errors = List.of(new SyncError(SyncAction.MANIFEST, snapshot,
                "cannot read the remote manifest, nothing was transferred: " + e.getMessage()));
        SyncSummary summary = new SyncSummary(SyncStatus.FAILED, 0, 0, 0, 1, 0,
                Duration.ofNanos(System.nanoTime() - started), errors);
        LOG.atError().setMessage("sync.run").addKeyValue("service", request.service()).addKeyValue("snapshot", snapshot)
                .addKeyValue("status", "failed").addKeyValue("error", e.getMessage()).log();
        fireComplete(request.service(), snapshot, summary);
        return new SyncResult(request.service(), snapshot, scope.merge(local, stored), plan, summary, cached.orElse(null),
                cached.isPresent() ? PlanSource.CACHE : PlanSource.NONE, "the remote manifest could not be read: " + e.getMessage(),
                scanned, scope.paths());
    }

    private record Remote(Manifest manifest, PlanSource source, String note) {
        Manifest manifestOrEmpty(String snapshot) {
            return manifest != null ? manifest : Manifest.empty(snapshot);
        }
    }

    private Remote readRemoteForDryRun(SyncRequest request, String snapshot) {
        String reason;
        ServiceSpec spec = serviceSpec(request);
        Optional<ProviderFactory> factory = providers.find(spec.providerId);
        if (factory.isEmpty()) {
            reason = "no provider \"" + spec.providerId + "\" on the class path (found " + providers.ids() + ')';
        } else {
            try (Provider provider = factory.get().open(spec.config, secretsFor(request, factory.get()))) {
                Optional<Manifest> m = new RemoteManifests(provider, Retry.forProvider(config.engine(), provider, sleeper)).read(snapshot);
                return m.map(x -> new Remote(x, PlanSource.REMOTE, "read from the remote"))
                        .orElseGet(() -> new Remote(null, PlanSource.REMOTE, "the remote has no manifest yet"));
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
        Optional<Manifest> cached = cache.read(request.service(), snapshot);
        LOG.atWarn().setMessage("sync.dry_run").addKeyValue("service", request.service()).addKeyValue("snapshot", snapshot)
                .addKeyValue("event", cached.isPresent() ? "planning_from_cache" : "planning_from_empty")
                .addKeyValue("reason", reason).log();
        return cached.map(m -> new Remote(m, PlanSource.CACHE, reason + "; planned against the cached manifest "
                        + cache.pathOf(request.service(), snapshot)))
                .orElseGet(() -> new Remote(null, PlanSource.NONE, reason + "; no cached manifest either, so planned against an empty remote"));
    }

    private record ServiceSpec(String providerId, ProviderConfig config) {
    }

    private ServiceSpec serviceSpec(SyncRequest request) {
        Map<String, String> settings = new TreeMap<>(config.service(request.service()));
        settings.putAll(request.serviceConfig());
        String providerId = settings.remove(CloudSyncConfig.PROVIDER_KEY);
        if (providerId == null) {
            providerId = request.service();
        }
        ProviderConfig pc = ProviderConfig.builder().service(request.service()).putAll(settings)
                .stateDirectory(stateDirectory.resolve("uploads").resolve(request.service())).build();
        return new ServiceSpec(providerId, pc);
    }

    private Secrets secretsFor(SyncRequest request, ProviderFactory factory) {
        if (vault == null) {
            return Secrets.none();
        }
        return vault.scope(request.credentialsKey().orElse(factory.secretsKey()));
    }

    private String snapshotName(SyncRequest request) {
        String name = config.snapshotPrefix() + request.snapshot();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new io.cloudsync.ConfigurationException("snapshot name \"" + name + "\" (prefix \"" + config.snapshotPrefix()
                    + "\" from " + config.source() + ") must be 1-128 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    /**
     * The scanned manifest, plus the remote's entries under every path the scan could not read: those
     * stay as the remote has them, so an unreadable folder or file is never planned as a delete and
     * the committed manifest keeps claiming what is still there.
     */
    static Manifest keepUnreadable(ManifestBuilder.Result scanned, Manifest remote) {
        Manifest local = scanned.manifest();
        List<ManifestBuilder.Unreadable> unreadable = scanned.unreadable();
        if (unreadable.isEmpty() || remote.entries().isEmpty()) {
            return local;
        }
        java.util.Set<String> paths = unreadablePaths(scanned);
        List<ManifestEntry> entries = new ArrayList<>(local.entries());
        boolean added = false;
        for (ManifestEntry r : remote.entries()) {
            if (coveredBy(paths, r.path()) && local.find(r.path()).isEmpty()) {
                entries.add(r);
                added = true;
            }
        }
        if (!added) {
            return local;
        }
        // A kept entry was hashed no later than the remote manifest was made; dating the result later
        // would let the next scan trust the digest of a file changed within the racy window of that
        // earlier hash (ManifestBuilder.RACY_WINDOW). The earlier time only makes it hash fresh files again.
        java.time.Instant createdAt = remote.createdAt().isBefore(local.createdAt()) ? remote.createdAt() : local.createdAt();
        return Manifest.of(local.name(), local.root(), createdAt, entries);
    }

    private static java.util.Set<String> unreadablePaths(ManifestBuilder.Result scanned) {
        java.util.Set<String> paths = new java.util.HashSet<>();
        scanned.unreadable().forEach(u -> paths.add(u.path()));
        return paths;
    }

    /** Whether {@code path}, or a folder above it, or the root ({@code ""}) is one of {@code paths}. */
    private static boolean coveredBy(java.util.Set<String> paths, String path) {
        if (paths.contains("") || paths.contains(path)) {
            return true;
        }
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            if (paths.contains(path.substring(0, slash))) {
                return true;
            }
        }
        return false;
    }

    /** One {@link SyncAction#SCAN} error per path the scan could not read. */
    private static List<SyncError> scanErrors(ManifestBuilder.Result scanned) {
        List<SyncError> errors = new ArrayList<>();
        for (ManifestBuilder.Unreadable u : scanned.unreadable()) {
            errors.add(new SyncError(SyncAction.SCAN, u.path().isEmpty() ? "." : u.path(),
                    u.reason() + "; not planned as a delete, the remote keeps what it has there"));
        }
        return errors;
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

    private ManifestBuilder.Result scan(String name, List<String> include, List<String> exclude,
                                        Future<Optional<Manifest>> previous) {
        if (!Files.isDirectory(root)) {
            return new ManifestBuilder.Result(Manifest.of(name, root.toString(), clock.instant(), List.<ManifestEntry>of()),
                    List.of("project root " + root + " does not exist"), List.of(), 0, 0);
        }
        List<String> excludes = new ArrayList<>(config.exclude());
        excludes.addAll(exclude);
        ManifestBuilder builder = ManifestBuilder.forRoot(root).name(name)
                .include(include.isEmpty() ? config.include() : include)
                .exclude(excludes)
                .clock(clock);
        if (stateDirectory.startsWith(root)) {
            builder.excludePath(stateDirectory);
        }
        for (Path p : excludedPaths) {
            builder.excludePath(p);
        }
        builder.previousFuture(previous);
        return builder.scan();
    }

    /**
     * A service is known when the configuration has a section for it, or its name is a provider id
     * (on the class path, or first-party: its jar may just be absent, which a dry run tolerates).
     */
    private void requireKnownService(String service) {
        if (config.services().contains(service) || providers.find(service).isPresent() || Providers.isFirstParty(service)) {
            return;
        }
        throw new ConfigurationException("unknown service \"" + service + "\": " + config.source()
                + (config.services().isEmpty() ? " configures no service" : " configures " + config.services())
                + " under \"services\", and no provider has that id (found " + providers.ids() + "); use one of those,"
                + " or add a section \"" + service + "\" under \"services\"");
    }

    private void requireFlag(String flag, String what) {
        if (!config.enabled(flag)) {
            throw new FeatureDisabledException(flag, "cannot " + what + ": feature flag \"" + flag
                    + "\" is off; set \"features\": {\"" + flag + "\": true} in " + config.source());
        }
    }

    private void requireFlags(String service, String what) {
        requireKnownService(service);
        requireFlag(CloudSyncConfig.MASTER_FLAG, what);
        requireFlag(CloudSyncConfig.serviceFlag(service), what + " with service \"" + service + '"');
    }

    private void firePlan(String service, String snapshot, Plan plan, boolean dryRun) {
        SyncListener.PlanEvent event = new SyncListener.PlanEvent(service, snapshot, plan.uploads().size(),
                plan.deletes().size(), plan.uploadBytes(), dryRun);
        for (SyncListener l : listeners) {
            safely(() -> l.onPlan(event));
        }
    }

    private void fireProgress(SyncListener.ProgressEvent event) {
        for (SyncListener l : listeners) {
            safely(() -> l.onProgress(event));
        }
    }

    private void fireTransfer(SyncListener.TransferEvent event) {
        for (SyncListener l : listeners) {
            safely(() -> l.onTransfer(event));
        }
    }

    private void fireComplete(String service, String snapshot, SyncSummary summary) {
        SyncListener.CompleteEvent event = new SyncListener.CompleteEvent(service, snapshot, summary);
        for (SyncListener l : listeners) {
            safely(() -> l.onComplete(event));
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.atWarn().setMessage("sync.listener").addKeyValue("error", e.toString()).log();
        }
    }

    /** Builds a {@link CloudSync}. Not thread-safe. */
    public static final class Builder {
        private Path root;
        private Path stateDirectory;
        private CloudSyncConfig config;
        private Providers providers;
        private final List<ProviderFactory> explicit = new ArrayList<>();
        private Vault vault;
        private final List<SyncListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private Retry.Sleeper sleeper = Retry.THREAD_SLEEP;
        private final List<Path> excludedPaths = new ArrayList<>();

        private Builder() {
        }

        /**
         * Keeps a file or folder out of every manifest, whatever the include and exclude settings say:
         * for files of the host's own that may sit inside the root, such as an HTTP token file. The
         * state folder and the vault are always kept out.
         *
         * @param path an absolute path, or one relative to the working folder
         * @return this builder
         */
        public Builder excludePath(Path path) {
            excludedPaths.add(Objects.requireNonNull(path, "path").toAbsolutePath().normalize());
            return this;
        }

        /**
         * Sets the project root.
         *
         * @param root the folder whose files are mirrored
         * @return this builder
         */
        public Builder root(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Sets the state folder.
         *
         * @param directory where the manifest cache, journal, locks and resume state live
         * @return this builder
         */
        public Builder stateDirectory(Path directory) {
            this.stateDirectory = Objects.requireNonNull(directory, "stateDirectory");
            return this;
        }

        /**
         * Sets the configuration.
         *
         * @param config flags, sync settings and service settings
         * @return this builder
         */
        public Builder config(CloudSyncConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Uses exactly these providers instead of discovering them.
         *
         * @param providers the registry
         * @return this builder
         */
        public Builder providers(Providers providers) {
            this.providers = Objects.requireNonNull(providers, "providers");
            return this;
        }

        /**
         * Adds a provider explicitly; it wins over a discovered one with the same id.
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder provider(ProviderFactory factory) {
            explicit.add(Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /**
         * Sets the vault that holds provider credentials.
         *
         * @param vault an unlocked vault
         * @return this builder
         */
        public Builder vault(Vault vault) {
            this.vault = Objects.requireNonNull(vault, "vault");
            return this;
        }

        /**
         * Adds a listener.
         *
         * @param listener receives plan, progress and complete events
         * @return this builder
         */
        public Builder listener(SyncListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets the clock used for manifest times.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        Builder sleeper(Retry.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Builds the instance.
         *
         * @return the facade
         */
        public CloudSync build() {
            return new CloudSync(this);
        }
    }
}
