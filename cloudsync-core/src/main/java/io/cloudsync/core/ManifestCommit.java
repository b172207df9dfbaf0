package io.cloudsync.core;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.core.internal.engine.SyncErrors;
import io.cloudsync.core.internal.journal.Journal;
import io.cloudsync.core.internal.manifest2.Format2;
import io.cloudsync.core.internal.remote.RemoteLease;
import io.cloudsync.core.internal.remote.RemoteManifests;
import io.cloudsync.spi.ProviderException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two manifest writes of a run, each with the precondition the provider supports: before any
 * change, the withdrawal of what the plan overwrites or deletes; after the operations, the commit of
 * what arrived. Each keeps the manifest cache and the journal in step with what the remote holds.
 * One instance per run; not thread-safe.
 */
final class ManifestCommit {

    private static final Logger LOG = LoggerFactory.getLogger(CloudSync.class);

    private final ManifestCache cache;
    private final Path stateDirectory;
    private final RemoteManifests remote;
    private final String service;
    private final String snapshot;
    private final RemoteLease lease;

    /**
     * The manifest writes of one run.
     *
     * @param lease the run's remote lease ({@link RemoteLease#none()} when it took none): once it is
     *     lost, no manifest write is made and each fails with a conflict
     */
    ManifestCommit(ManifestCache cache, Path stateDirectory, RemoteManifests remote, String service, String snapshot,
                   RemoteLease lease) {
        this.lease = lease;
        this.cache = cache;
        this.stateDirectory = stateDirectory;
        this.remote = remote;
        this.service = service;
        this.snapshot = snapshot;
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
    Optional<Manifest> withdraw(Optional<Manifest> remoteManifest, Plan plan, Journal journal, List<SyncError> errors) {
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
        SyncError failure = writeManifest(withdrawn);
        if (failure != null) {
            errors.add(new SyncError(SyncAction.MANIFEST, snapshot, failure.kind(), "cannot withdraw the " + released.size()
                    + " files this run would overwrite or delete from the remote manifest, so nothing was changed: "
                    + failure.message()));
            return remoteManifest;
        }
        cacheWrite(withdrawn);
        LOG.atInfo().setMessage("sync.run").addKeyValue("event", "manifest_withdrawn").addKeyValue("service", service)
                .addKeyValue("snapshot", snapshot).addKeyValue("paths", released.size()).log();
        return Optional.of(withdrawn);
    }

    /** The local manifest less every path whose upload did not arrive: what the remote really holds after the run. */
    static Manifest arrived(Manifest local, List<SyncError> operationErrors) {
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

    /** Caches what was just committed, with the chunks the commit encoded. */
    private void cacheWrite(Manifest committed) {
        Optional<Format2.Encoded> root = remote.committedRoot(snapshot);
        if (root.isPresent()) {
            cache.write(service, snapshot, committed, root.get());
        } else {
            cache.write(service, snapshot, committed);
        }
    }

    /**
     * Writes a manifest over the one this run read or last wrote (a conflict when another run changed it).
     *
     * @return null when written, otherwise the failed operation with its kind
     */
    private SyncError writeManifest(Manifest manifest) {
        Optional<String> lost = lease.lost();
        if (lost.isPresent()) {
            // another host may own the snapshot now and sweep what this run wrote: committing could name
            // files or chunks that are gone, so nothing is written and the next run plans again
            return new SyncError(SyncAction.MANIFEST, snapshot, SyncError.Kind.CONFLICT, "the manifest was not committed: "
                    + lost.get() + "; another host's run may own the snapshot now. Run again when it has finished");
        }
        try {
            remote.write(snapshot, manifest);
            return null;
        } catch (ProviderException e) {
            return SyncErrors.of(SyncAction.MANIFEST, snapshot, e);
        } catch (RuntimeException | Error e) {
            // as for uploads: a provider that breaks its contract fails the write, never the caller
            return new SyncError(SyncAction.MANIFEST, snapshot, SyncError.Kind.INTERNAL, "provider failed unexpectedly: " + e);
        }
    }

    /**
     * Commits what the remote holds after the run: every file of the local manifest, less those whose
     * upload failed (a partial run commits too, so the snapshot stays restorable and never claims a
     * file that did not arrive). Then the journal keeps only what the remote may hold unclaimed.
     */
    void commit(Manifest there, Optional<Manifest> remoteManifest, List<SyncError> errors) {
        Manifest refreshed = there.withName(snapshot);
        // rewritten when only mtimes changed too (see current): otherwise every later run would read those files again
        boolean remoteCurrent = current(refreshed, remoteManifest);
        if (!remoteCurrent) {
            SyncError failure = writeManifest(refreshed);
            if (failure != null) {
                errors.add(failure);
                return;
            }
            cacheWrite(refreshed);
        } else {
            // the cache keeps a copy of what the remote holds: this run's entries under the remote
            // manifest's time, so that a run of no-op syncs leaves the cached file as it is
            Manifest current = new Manifest(snapshot, refreshed.root(), remoteManifest.get().createdAt(),
                    refreshed.entries(), refreshed.checksum());
            // the remote's format-2 root is exactly `current` when it has the same name and root
            // (the entries are equal, and with them the checksum and the chunks): the cache then
            // keeps those bytes, compared and copied without encoding the whole manifest again
            Optional<Format2.Encoded> root = remote.committedRoot(snapshot);
            if (root.isPresent() && remoteManifest.get().name().equals(current.name())
                    && remoteManifest.get().root().equals(current.root())) {
                if (!cache.holds(service, snapshot, root.get())) {
                    cache.write(service, snapshot, current, root.get());
                }
            } else if (!cache.holds(service, snapshot, current)) {
                cache.write(service, snapshot, current);
            }
        }
        Journal.afterCommit(Journal.fileOf(stateDirectory, service, snapshot), refreshed);
    }

    /**
     * Whether the remote manifest already says what a commit of {@code there} would say, so that the
     * commit writes nothing remotely. The remote manifest is the next scan's hash cache, so it is
     * rewritten even when no content changed if a file's mtime changed (the checksum leaves mtimes
     * out), or if a file was racily clean against its time and no longer is against the new one.
     */
    static boolean current(Manifest there, Optional<Manifest> remoteManifest) {
        return remoteManifest.isPresent()
                && remoteManifest.get().entries().equals(there.entries())
                && !settlesRacyEntries(remoteManifest.get(), there);
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
}
