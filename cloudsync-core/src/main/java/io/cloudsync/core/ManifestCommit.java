package io.cloudsync.core;

import io.cloudsync.ManifestEntry;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.core.internal.engine.Scope;
import io.cloudsync.core.internal.engine.SyncErrors;
import io.cloudsync.core.internal.journal.Journal;
import io.cloudsync.core.internal.manifest2.Chunked;
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
    private java.util.function.Consumer<String> beforeWrite = checksum -> { };

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
     * Has {@code hook} told the checksum of each manifest this instance is about to write, before it
     * writes it: a run of an approved plan records it (see {@code PlanRuns}), so that a crash right
     * after the write still leaves the record. An exception of the hook fails that write.
     *
     * @return this
     */
    ManifestCommit beforeWrite(java.util.function.Consumer<String> hook) {
        this.beforeWrite = hook;
        return this;
    }

    /**
     * Before anything on the remote changes: withdraws from the remote manifest every path the plan
     * overwrites or deletes (in {@code scope}: the paths whose local entry is missing or has other
     * content), so that a run stopped at any point (an error, {@code kill -9}, power loss) leaves a
     * committed manifest that claims only files that are there, as they are. The journal first
     * records those paths as released, so a later run deletes what is left of them unless the local
     * tree has them again. Nothing is written when the plan only adds files. One pass over both
     * manifests.
     *
     * @param local the local side the plan was made from (in scope)
     * @param plan the plan's figures: nothing is read when it overwrites and deletes nothing
     * @return the manifest the remote holds afterwards; on failure (recorded in {@code errors}) the old one
     */
    Optional<Chunked> withdraw(Optional<Chunked> remoteManifest, Chunked local, Scope scope, PlanSummary plan,
                               Journal journal, List<SyncError> errors) {
        if (remoteManifest.isEmpty() || plan.changed() == 0 && plan.deletes() == 0) {
            return remoteManifest;
        }
        Chunked remote = remoteManifest.get();
        Chunked.Writer kept = Chunked.writer(remote.folder()).reusing(remote);
        List<ManifestEntry> released = new ArrayList<>();
        long[] releasedCount = {0};
        // the local chunks the remote shares are not read: their entries stay
        EntryStreams.Difference.of(local, remote).eachRemote((r, same) -> {
            boolean leaving = scope.covers(r.path())
                    && (same == null || same.size() != r.size() || !same.sha256().equals(r.sha256()));
            if (!leaving) {
                kept.add(r);
                return;
            }
            released.add(r);
            releasedCount[0]++;
            if (released.size() >= RELEASE_BATCH) {
                journal.recordReleased(released);
                released.clear();
            }
        });
        if (releasedCount[0] == 0) {
            return remoteManifest;
        }
        journal.recordReleased(released);
        Chunked withdrawn = kept.finish(snapshot, remote.root(), remote.createdAt());
        Format2.Encoded encoded;
        try {
            encoded = writeManifest(withdrawn);
        } catch (Failed f) {
            errors.add(new SyncError(SyncAction.MANIFEST, snapshot, f.error.kind(), "cannot withdraw the " + releasedCount[0]
                    + " files this run would overwrite or delete from the remote manifest, so nothing was changed: "
                    + f.error.message()));
            return remoteManifest;
        }
        // not swept: the run still reads the other manifests it planned with from the same folder
        cache.write(service, snapshot, withdrawn, encoded, false);
        LOG.atInfo().setMessage("sync.run").addKeyValue("event", "manifest_withdrawn").addKeyValue("service", service)
                .addKeyValue("snapshot", snapshot).addKeyValue("paths", releasedCount[0]).log();
        return Optional.of(withdrawn);
    }

    /** How many released entries the journal records at a time. */
    private static final int RELEASE_BATCH = 10_000;

    /** The local manifest less every path whose upload did not arrive: what the remote really holds after the run. */
    static Chunked arrived(Chunked local, List<SyncError> operationErrors) {
        java.util.Set<String> failed = new java.util.HashSet<>();
        for (SyncError e : operationErrors) {
            if (e.action() == SyncAction.UPLOAD) {
                failed.add(e.path());
            }
        }
        return failed.isEmpty() ? local : EntryStreams.filter(local, e -> !failed.contains(e.path()));
    }

    /** A manifest write that failed, with the error to report. */
    private static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient SyncError error;

        Failed(SyncError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    /**
     * Writes a manifest over the one this run read or last wrote (a conflict when another run changed it).
     *
     * @return the root and index parts written
     * @throws Failed with the failed operation and its kind
     */
    private Format2.Encoded writeManifest(Chunked manifest) throws Failed {
        Optional<String> lost = lease.lost();
        if (lost.isPresent()) {
            // another host may own the snapshot now and sweep what this run wrote: committing could name
            // files or chunks that are gone, so nothing is written and the next run plans again
            throw new Failed(new SyncError(SyncAction.MANIFEST, snapshot, SyncError.Kind.CONFLICT, "the manifest was not"
                    + " committed: " + lost.get() + "; another host's run may own the snapshot now. Run again when it has"
                    + " finished"));
        }
        try {
            beforeWrite.accept(manifest.checksum());
        } catch (java.io.UncheckedIOException e) {
            throw new Failed(new SyncError(SyncAction.MANIFEST, snapshot, SyncError.Kind.LOCAL_IO, "the manifest was not"
                    + " written: " + e.getMessage()));
        }
        try {
            return remote.write(snapshot, manifest);
        } catch (ProviderException e) {
            throw new Failed(SyncErrors.of(SyncAction.MANIFEST, snapshot, e));
        } catch (RuntimeException | Error e) {
            // as for uploads: a provider that breaks its contract fails the write, never the caller
            throw new Failed(new SyncError(SyncAction.MANIFEST, snapshot, SyncError.Kind.INTERNAL,
                    "provider failed unexpectedly: " + e));
        }
    }

    /**
     * Commits what the remote holds after the run: every file of the local manifest, less those whose
     * upload failed (a partial run commits too, so the snapshot stays restorable and never claims a
     * file that did not arrive). Then the cache keeps a copy of what the remote holds, its folder
     * only the chunks that copy names, and the journal only what the remote may hold unclaimed.
     */
    void commit(Chunked there, Optional<Chunked> remoteManifest, List<SyncError> errors) {
        Chunked refreshed = there.with(snapshot, there.root(), there.createdAt());
        // rewritten when only mtimes changed too (see current): otherwise every later run would read those files again
        if (!current(refreshed, remoteManifest)) {
            Format2.Encoded encoded;
            try {
                encoded = writeManifest(refreshed);
            } catch (Failed f) {
                errors.add(f.error);
                return;
            }
            cache.write(service, snapshot, refreshed, encoded, true);
        } else {
            // the cache keeps a copy of what the remote holds: this run's entries under the remote
            // manifest's time, so that a run of no-op syncs leaves the cached file as it is
            Chunked current = refreshed.with(snapshot, refreshed.root(), remoteManifest.orElseThrow().createdAt());
            Format2.Encoded root = Format2.rootOf(current); // the index parts only: no entry is read
            if (!cache.holdsRoot(service, snapshot, root.root())) {
                cache.write(service, snapshot, current, root, true);
            } else {
                cache.sweep(service, snapshot, current, root);
            }
        }
        Chunked.Lookup committed = refreshed.lookup();
        Journal.afterCommit(Journal.fileOf(stateDirectory, service, snapshot), p -> committed.find(p).isPresent());
    }

    /**
     * Whether the remote manifest already says what a commit of {@code there} would say, so that the
     * commit writes nothing remotely. The remote manifest is the next scan's hash cache, so it is
     * rewritten even when no content changed if a file's mtime changed (the checksum leaves mtimes
     * out, the chunks do not), or if a file was racily clean against its time and no longer is
     * against the new one.
     */
    static boolean current(Chunked there, Optional<Chunked> remoteManifest) {
        return remoteManifest.isPresent()
                && remoteManifest.get().sameEntries(there)
                && !settlesRacyEntries(remoteManifest.get(), there);
    }

    /**
     * Whether an entry is racily clean against {@code remote}'s time (so a scan with it as the hash
     * cache reads that file again) but not against {@code refreshed}'s. Reads no entry when the
     * newest mtime is known and older than both windows.
     */
    private static boolean settlesRacyEntries(Chunked remote, Chunked refreshed) {
        Instant racyBefore = remote.createdAt().minus(ManifestBuilder.RACY_WINDOW);
        Instant racyAfter = refreshed.createdAt().minus(ManifestBuilder.RACY_WINDOW);
        if (!racyBefore.isBefore(racyAfter)) {
            return false; // no mtime is both not before racyBefore and before racyAfter
        }
        Optional<Instant> newest = refreshed.newestMtime();
        if (refreshed.isEmpty() || newest.isPresent() && newest.get().isBefore(racyBefore)) {
            return false;
        }
        for (ManifestEntry e : refreshed) {
            if (!e.mtime().isBefore(racyBefore) && e.mtime().isBefore(racyAfter)) {
                return true;
            }
        }
        return false;
    }
}
