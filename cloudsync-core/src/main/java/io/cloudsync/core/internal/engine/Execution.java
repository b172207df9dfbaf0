package io.cloudsync.core.internal.engine;

import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncListener;
import io.cloudsync.core.internal.hash.Hashing;
import io.cloudsync.core.internal.journal.Journal;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.UploadReceipt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one plan: uploads first, then deletes, each with bounded parallelism and a bounded queue
 * (a semaphore holds submission back, so memory does not grow with the number of files). Every
 * operation is retried by {@link Retry}, verified, and recorded in the {@link Journal} before it
 * counts; failures are collected, never thrown. A failure that stops the run (credentials,
 * configuration, quota) lets operations in flight finish and starts no new ones.
 *
 * <p>Durability in batches: a finished operation waits until {@link Provider#flush()} has made it
 * durable, and only then is it journalled (one journal sync per batch) and counted. A batch is
 * flushed when it holds {@link #FLUSH_EVERY_FILES} operations, when its oldest has waited
 * {@link #FLUSH_EVERY} or {@link #FLUSH_COST_FACTOR} times as long as the last batch took to flush
 * and journal (so a provider whose flush costs nothing, a remote store, journals in batches of a few
 * milliseconds, what the journal's own sync costs: a run killed then redoes almost nothing), and at
 * the end of each phase; {@link #execute} returns only when every
 * operation it counts is durable: a journal record never names, and the manifest committed after
 * the execution never claims, a file that a power cut could lose. A failed flush fails the
 * operations of its batch; they are not journalled and the next run does them again.
 */
public final class Execution {

    private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

    /**
     * The counts of an execution.
     *
     * @param uploaded files now stored as planned, counting those resumed
     * @param resumed files the journal said an interrupted run had stored; not sent again
     * @param deleted files deleted
     * @param failed operations that failed
     * @param bytes bytes of the uploaded files, counting the resumed ones
     * @param resumedBytes of those, the bytes already stored before this run (resumed files, and the
     *     parts of interrupted uploads the provider continued)
     * @param bytesSent of those, the bytes this run sent
     * @param errors every failure
     * @param stopped whether a failure stopped the run early
     * @param copied of the files uploaded, those stored by a server-side copy of a file the remote
     *     already held: their bytes count in {@code bytes}, neither resumed nor sent
     */
    public record Outcome(int uploaded, int resumed, int deleted, int failed, long bytes, long resumedBytes, long bytesSent,
                          List<SyncError> errors, boolean stopped, int copied) {
    }

    private final String service;
    private final String snapshot;
    private final Provider provider;
    private final Set<Capability> capabilities;
    private final Path root;
    private final Path tempDir;
    private final Journal journal;
    private final Retry retry;
    private final int parallelism;
    private final Consumer<SyncListener.ProgressEvent> progress;
    private final Consumer<SyncListener.TransferEvent> transfers;
    private final long transferIntervalNanos;
    private final Throttle throttle;

    private final List<SyncError> errors = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger uploaded = new AtomicInteger();
    private final AtomicInteger resumed = new AtomicInteger();
    private final AtomicInteger copied = new AtomicInteger();
    /** The stored file whose bytes an upload's entry has, to copy instead of sending; null for none. */
    private java.util.function.Function<ManifestEntry, String> copySources = e -> null;
    private Consumer<SyncListener.StartEvent> starts = e -> { };
    /** Keeps the remote's version of a path before it is overwritten or deleted; null keeps nothing. */
    private io.cloudsync.core.internal.trash.Trash.Keeper keeper;
    /** The remote's entry at a path before the run, for {@link #keeper}; null for none. */
    private java.util.function.Function<String, ManifestEntry> before = p -> null;
    /** The contents ({@code sha256:size}) of the plan's deletes; those this run stores at another path need no keeping. */
    private Set<String> deletedContents = Set.of();
    /** Of {@link #deletedContents}, those an upload of this run stored (durably) at its path. */
    private final Set<String> storedElsewhere = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicInteger deleted = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong resumedBytes = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    /** Bytes the remote has accepted of uploads in flight; guarded by {@link #reporting}. */
    private long inFlight;
    /** When the last transfer event went out ({@link System#nanoTime()}); guarded by {@link #reporting}. */
    private long lastTransfer;
    private boolean anyTransfer;
    /** Pairs each event's file and byte counts, and hands events over in the order they are counted. */
    private final Object reporting = new Object();
    private final AtomicBoolean stop = new AtomicBoolean();

    /** Operations in a batch at most before it is flushed. */
    public static final int FLUSH_EVERY_FILES = 1000;
    /** How long the oldest operation of a batch waits at most (checked when another finishes). */
    public static final java.time.Duration FLUSH_EVERY = java.time.Duration.ofSeconds(1);
    /**
     * A batch is also due once its oldest operation has waited this many times as long as the last
     * batch took to flush and journal: making batches durable then costs at most about a fifth of the
     * time.
     */
    public static final int FLUSH_COST_FACTOR = 4;

    /** Finished operations not yet flushed; guarded by {@link #pendingLock}. */
    private List<Done> pending = new ArrayList<>();
    private final Object pendingLock = new Object();
    private long oldestPending;
    /** How long the last {@link Provider#flush()} took, in nanoseconds; 0 before the first. */
    private volatile long lastFlushNanos;
    /** Held while a batch is flushed and journalled: one flush at a time, batches in order. */
    private final Object flushing = new Object();

    /**
     * One operation that has returned from the provider, waiting for a flush.
     *
     * @param sent the upload's bytes in flight, {@code null} for a delete and a copy
     * @param notSent the bytes of the file an earlier interrupted upload had stored
     * @param copy whether the upload was a server-side copy
     */
    private record Done(SyncAction action, ManifestEntry entry, Sent sent, long notSent, boolean copy) {
    }

    /**
     * Prepares an execution.
     *
     * @param service the service
     * @param snapshot the snapshot
     * @param provider the open provider
     * @param capabilities what it declares
     * @param root the local project root
     * @param tempDir a folder for read-back checks
     * @param journal the run journal
     * @param retry the retry policy
     * @param parallelism operations in flight
     * @param progress receives a progress event after each operation
     * @param transfers receives the bytes of uploads so far while they run, at most every
     *     {@code transferInterval}
     * @param transferInterval the least time between two transfer events
     */
    public Execution(String service, String snapshot, Provider provider, Set<Capability> capabilities, Path root,
                     Path tempDir, Journal journal, Retry retry, int parallelism,
                     Consumer<SyncListener.ProgressEvent> progress, Consumer<SyncListener.TransferEvent> transfers,
                     java.time.Duration transferInterval) {
        this(service, snapshot, provider, capabilities, root, tempDir, journal, retry, parallelism, progress, transfers,
                transferInterval, Throttle.NONE);
    }

    /**
     * Prepares an execution under a bandwidth limit. Uploads are charged to {@code throttle} as the
     * provider reports their bytes (the provider's sending thread waits in its progress callback), and
     * what a provider has not reported when it returns is charged then, before the file counts; a
     * read-back check is charged when its download is done. Each attempt's bytes are charged, since a
     * retry sends them again.
     *
     * @param service the service
     * @param snapshot the snapshot
     * @param provider the open provider
     * @param capabilities what it declares
     * @param root the local project root
     * @param tempDir a folder for read-back checks
     * @param journal the run journal
     * @param retry the retry policy
     * @param parallelism operations in flight
     * @param progress receives a progress event after each operation
     * @param transfers receives the bytes of uploads so far while they run, at most every
     *     {@code transferInterval}
     * @param transferInterval the least time between two transfer events
     * @param throttle the run's bandwidth limit, shared by every worker; {@link Throttle#NONE} for none
     */
    public Execution(String service, String snapshot, Provider provider, Set<Capability> capabilities, Path root,
                     Path tempDir, Journal journal, Retry retry, int parallelism,
                     Consumer<SyncListener.ProgressEvent> progress, Consumer<SyncListener.TransferEvent> transfers,
                     java.time.Duration transferInterval, Throttle throttle) {
        this.throttle = throttle;
        this.service = service;
        this.snapshot = snapshot;
        this.provider = provider;
        this.capabilities = capabilities;
        this.root = root;
        this.tempDir = tempDir;
        this.journal = journal;
        this.retry = retry;
        this.parallelism = parallelism;
        this.progress = progress;
        this.transfers = transfers;
        this.transferIntervalNanos = transferInterval.toNanos();
    }

    /**
     * Has uploads copy, server-side, a file the remote already stores with the same content instead
     * of sending it, when the provider declares {@link Capability#SERVER_SIDE_COPY}: {@code sources}
     * gives the path of such a file for an upload's entry, or {@code null}. The caller promises that
     * the source's stored bytes have the entry's sha256 and size and stay as they are during the
     * upload phase (a path this run deletes, or leaves unchanged; never one it overwrites). A copy that
     * fails (the source is gone, say) falls back to sending the bytes.
     *
     * @param sources the source path for an entry, or {@code null}
     * @return this
     */
    public Execution copyingFrom(java.util.function.Function<ManifestEntry, String> sources) {
        this.copySources = sources;
        return this;
    }

    /**
     * Tells {@code starts} of each operation as it begins (not of one the journal says is done, nor of
     * one not attempted because the run stopped); its progress event follows.
     *
     * @param starts receives a start event per operation begun
     * @return this
     */
    public Execution reportingStarts(Consumer<SyncListener.StartEvent> starts) {
        this.starts = starts;
        return this;
    }

    /**
     * Has every upload over a file the remote holds, and every delete, first keep the remote's version
     * in the snapshot's trash ({@link io.cloudsync.core.internal.trash.Trash.Keeper}); when that fails,
     * the file is left as it is and the operation fails. A file the journal says is done already is
     * not kept again.
     *
     * A delete whose content an upload of this run stored at another path (a move or rename) is not
     * kept: the snapshot still holds that content, and a later delete of it keeps it then.
     *
     * @param keeper keeps a version
     * @param before the remote's entry at a path before the run, or {@code null} when it had none
     * @param deletedContents the {@code sha256:size} of every file the plan deletes
     * @return this
     */
    public Execution keeping(io.cloudsync.core.internal.trash.Trash.Keeper keeper,
                             java.util.function.Function<String, ManifestEntry> before, Set<String> deletedContents) {
        this.keeper = keeper;
        this.before = before;
        this.deletedContents = deletedContents;
        return this;
    }

    /**
     * What identifies a file's content across paths: {@code sha256:size}.
     *
     * @param e the entry
     * @return its content key, as {@link #keeping}'s {@code deletedContents} holds them
     */
    public static String contentKey(ManifestEntry e) {
        return e.sha256() + ':' + e.size();
    }

    /**
     * Keeps the remote's version before {@code action} changes {@code old}'s path.
     *
     * @return false when it failed (reported), so the operation must not go on
     */
    private boolean kept(SyncAction action, ManifestEntry old, int total, long totalBytes) {
        if (keeper == null) {
            return true;
        }
        String not = action == SyncAction.DELETE ? "not deleted" : "not overwritten";
        try {
            retry.run(() -> keeper.keep(old));
            return true;
        } catch (ProviderException e) {
            stopIfFatal(e);
            fail(action, old.path(), SyncErrors.kindOf(e.kind()), not + ": its version on the remote could not be kept in"
                    + " the trash first: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            fail(action, old.path(), SyncError.Kind.INTERNAL, not + ": keeping its version in the trash failed"
                    + " unexpectedly: " + e);
        }
        report(action, old.path(), false, 0, total, totalBytes);
        return false;
    }

    /**
     * Runs the plan's uploads and deletes.
     *
     * @param plan the plan
     * @return the counts and every error
     */
    public Outcome execute(Plan plan) {
        return execute(plan.uploads()::forEach, plan.deletes()::forEach, plan.uploads().size() + plan.deletes().size(),
                plan.uploadBytes());
    }

    /**
     * Runs a plan's uploads, then its deletes, as they stream by: each source hands its actions to
     * the consumer it is given, in order, and is called once; it blocks while {@code parallelism * 2}
     * operations are in flight, so memory holds no more than those.
     *
     * @param uploads calls its argument with each upload
     * @param deletes calls its argument with each remote entry to delete; called after every upload has finished
     * @param total how many operations the two hand over, for progress
     * @param totalBytes the bytes of the uploads, for progress
     * @return the counts and every error
     */
    public Outcome execute(Consumer<Consumer<PlannedUpload>> uploads, Consumer<Consumer<ManifestEntry>> deletes, int total,
                           long totalBytes) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, Math.max(1, total))), r -> {
            Thread t = new Thread(r, "cloudsync-" + service + "-worker");
            t.setDaemon(true);
            return t;
        });
        Semaphore inFlight = new Semaphore(parallelism * 2);
        try {
            uploads.accept(u -> submit(pool, inFlight, () -> upload(u, total, totalBytes)));
            awaitPhase(inFlight);
            flushPending(total, totalBytes);
            deletes.accept(d -> submit(pool, inFlight, () -> delete(d, total, totalBytes)));
            awaitPhase(inFlight);
            flushPending(total, totalBytes);
        } finally {
            pool.shutdownNow();
        }
        List<SyncError> copy;
        synchronized (errors) {
            copy = List.copyOf(errors);
        }
        return new Outcome(uploaded.get(), resumed.get(), deleted.get(), copy.size(), bytes.get(), resumedBytes.get(),
                bytesSent.get(), copy, stop.get(), copied.get());
    }

    private void submit(ExecutorService pool, Semaphore inFlight, Runnable task) {
        inFlight.acquireUninterruptibly();
        pool.execute(() -> {
            try {
                task.run();
            } finally {
                inFlight.release();
            }
        });
    }

    /** Waits until every submitted task of the phase has finished. */
    private void awaitPhase(Semaphore inFlight) {
        int permits = parallelism * 2;
        inFlight.acquireUninterruptibly(permits);
        inFlight.release(permits);
    }

    private void upload(PlannedUpload u, int total, long totalBytes) {
        ManifestEntry entry = u.entry();
        if (journal.uploaded(entry.path(), entry.sha256(), entry.size())) {
            if (deletedContents.contains(contentKey(entry))) {
                storedElsewhere.add(contentKey(entry));
            }
            resumed.incrementAndGet();
            uploaded.incrementAndGet();
            resumedBytes.addAndGet(entry.size());
            report(SyncAction.UPLOAD, entry.path(), true, entry.size(), total, totalBytes);
            return;
        }
        if (stop.get()) {
            fail(SyncAction.UPLOAD, entry.path(), SyncError.Kind.NOT_ATTEMPTED, "not attempted: the run stopped after an earlier error");
            report(SyncAction.UPLOAD, entry.path(), false, 0, total, totalBytes);
            return;
        }
        starts.accept(new SyncListener.StartEvent(service, snapshot, SyncAction.UPLOAD, entry.path(), entry.size()));
        ManifestEntry old = keeper == null ? null : before.apply(entry.path());
        if (old != null && !(old.size() == entry.size() && old.sha256().equals(entry.sha256()))
                && !kept(SyncAction.UPLOAD, old, total, totalBytes)) {
            return;
        }
        String source = capabilities.contains(Capability.SERVER_SIDE_COPY) ? copySources.apply(entry) : null;
        if (source != null && copied(entry, source, total, totalBytes)) {
            return;
        }
        Path local = io.cloudsync.core.ManifestBuilder.localPathOf(root, entry.path());
        Sent sent = new Sent(entry, totalBytes);
        long[] notSent = {0};
        try {
            retry.run(() -> {
                UploadReceipt receipt;
                Charged charged = new Charged(entry.size());
                try {
                    LongConsumer reported = sent.restart();
                    receipt = provider.upload(snapshot, entry, local, throttle.limits() ? n -> {
                        reported.accept(n);
                        charged.upTo(n); // after the report, outside its lock: the bytes are across, the next wait
                    } : reported);
                } finally {
                    sent.seal();
                }
                // what the provider did not report as it went (a single PUT reports at its end, a
                // provider without progress never): charged now, so the next file waits for it
                charged.upTo(entry.size() - Math.min(entry.size(), receipt.resumedBytes()));
                verify(entry, receipt);
                notSent[0] = Math.min(entry.size(), receipt.resumedBytes());
            });
        } catch (ProviderException e) {
            sent.close();
            failed(SyncAction.UPLOAD, entry.path(), e);
            report(SyncAction.UPLOAD, entry.path(), false, 0, total, totalBytes);
            return;
        } catch (RuntimeException | Error e) {
            sent.close();
            // Even an Error must never let the manifest be committed over a file that did not arrive.
            fail(SyncAction.UPLOAD, entry.path(), SyncError.Kind.INTERNAL, "provider failed unexpectedly: " + e);
            report(SyncAction.UPLOAD, entry.path(), false, 0, total, totalBytes);
            return;
        }
        // stored, not yet durable: its bytes stay in flight until a flush covers it
        finished(new Done(SyncAction.UPLOAD, entry, sent, notSent[0], false), total, totalBytes);
    }

    /**
     * Stores {@code entry} by a server-side copy of {@code source}, checked as an upload is.
     *
     * @return true when it is stored (or failed for good: an {@link Error}); false when the bytes are
     *     to be sent instead
     */
    private boolean copied(ManifestEntry entry, String source, int total, long totalBytes) {
        try {
            retry.run(() -> verifyCopy(entry, provider.copy(snapshot, source, entry)));
        } catch (ProviderException | UnsupportedOperationException e) {
            if (e instanceof ProviderException p && p.stopsRun()) {
                failed(SyncAction.UPLOAD, entry.path(), p);
                report(SyncAction.UPLOAD, entry.path(), false, 0, total, totalBytes);
                return true;
            }
            LOG.atInfo().setMessage("sync.run").addKeyValue("event", "copy_failed").addKeyValue("service", service)
                    .addKeyValue("snapshot", snapshot).addKeyValue("path", entry.path()).addKeyValue("source", source)
                    .addKeyValue("error", e.getMessage()).log();
            return false; // the bytes are sent instead
        } catch (RuntimeException | Error e) {
            fail(SyncAction.UPLOAD, entry.path(), SyncError.Kind.INTERNAL, "provider failed unexpectedly: " + e);
            report(SyncAction.UPLOAD, entry.path(), false, 0, total, totalBytes);
            return true;
        }
        finished(new Done(SyncAction.UPLOAD, entry, null, 0, true), total, totalBytes);
        return true;
    }

    /** Adds a returned operation to the batch, and flushes the batch when it is due. */
    private void finished(Done done, int total, long totalBytes) {
        boolean due;
        synchronized (pendingLock) {
            if (pending.isEmpty()) {
                oldestPending = System.nanoTime();
            }
            pending.add(done);
            long waited = System.nanoTime() - oldestPending;
            due = pending.size() >= FLUSH_EVERY_FILES || waited >= Math.min(FLUSH_EVERY.toNanos(), FLUSH_COST_FACTOR * lastFlushNanos);
        }
        if (due) {
            flushPending(total, totalBytes);
        }
    }

    /**
     * Flushes the provider and journals and counts the operations that had returned before the
     * flush began; a failure fails them instead. Never throws: even an {@link Error} of the provider
     * must only keep these operations out of the journal and the manifest.
     */
    private void flushPending(int total, long totalBytes) {
        synchronized (flushing) {
            List<Done> batch;
            synchronized (pendingLock) {
                batch = pending;
                pending = new ArrayList<>();
            }
            if (batch.isEmpty()) {
                return;
            }
            long start = System.nanoTime();
            try {
                provider.flush();
            } catch (ProviderException e) {
                stopIfFatal(e);
                notDurable(batch, SyncErrors.kindOf(e.kind()), String.valueOf(e.getMessage()), total, totalBytes);
                return;
            } catch (RuntimeException | Error e) {
                notDurable(batch, SyncError.Kind.INTERNAL, "provider failed unexpectedly: " + e, total, totalBytes);
                return;
            }
            List<Journal.Upload> uploads = new ArrayList<>();
            List<String> deletes = new ArrayList<>();
            for (Done d : batch) {
                if (d.action() == SyncAction.UPLOAD) {
                    uploads.add(new Journal.Upload(d.entry().path(), d.entry().sha256(), d.entry().size()));
                } else {
                    deletes.add(d.entry().path());
                }
            }
            try {
                journal.recordUploads(uploads);
                journal.recordDeletes(deletes);
                // the batch's whole cost: the provider's flush and the journal's own sync
                lastFlushNanos = System.nanoTime() - start;
            } catch (RuntimeException e) {
                notDurable(batch, SyncError.Kind.INTERNAL, "cannot record the operation in the run journal: "
                        + e.getMessage(), total, totalBytes);
                return;
            }
            for (Done d : batch) {
                if (d.action() == SyncAction.UPLOAD) {
                    long size = d.entry().size();
                    uploaded.incrementAndGet();
                    if (!deletedContents.isEmpty() && deletedContents.contains(contentKey(d.entry()))) {
                        storedElsewhere.add(contentKey(d.entry()));
                    }
                    if (d.copy()) {
                        copied.incrementAndGet();
                    } else {
                        resumedBytes.addAndGet(d.notSent());
                        bytesSent.addAndGet(size - d.notSent());
                    }
                    synchronized (reporting) { // the file's bytes move from in flight to done in one step
                        if (d.sent() != null) {
                            d.sent().close();
                        }
                        report(SyncAction.UPLOAD, d.entry().path(), true, size, total, totalBytes);
                    }
                } else {
                    deleted.incrementAndGet();
                    report(SyncAction.DELETE, d.entry().path(), true, 0, total, totalBytes);
                }
            }
        }
    }

    /** Fails every operation of a batch whose flush failed: the remote may lose them, so they do not count. */
    private void notDurable(List<Done> batch, SyncError.Kind kind, String cause, int total, long totalBytes) {
        for (Done d : batch) {
            if (d.sent() != null) {
                d.sent().close();
            }
            fail(d.action(), d.entry().path(), kind, "the " + d.action().jsonName()
                    + " returned but could not be made durable on the remote (flush failed): " + cause);
            report(d.action(), d.entry().path(), false, 0, total, totalBytes);
        }
    }

    /**
     * The bytes one upload has got across, for transfer events. Each attempt starts from 0; a failed
     * attempt's bytes leave {@link #inFlight} when the next one starts or the upload fails, and a
     * finished file's leave it in the same step as they join {@link #bytes} in its progress event
     * (they stay in flight while it is verified), so no byte is counted twice and none drops out: not
     * across retries, not at the finish. What a provider reports is clamped to the file's size and
     * never goes down within an attempt, and a call after the provider returned (a stray thread) is
     * ignored.
     */
    private final class Sent {
        private final ManifestEntry entry;
        private final long totalBytes;
        private long attempt;
        private long last;
        private boolean open;

        Sent(ManifestEntry entry, long totalBytes) {
            this.entry = entry;
            this.totalBytes = totalBytes;
        }

        /** Ends the previous attempt, if any, and returns the callback of a new one. */
        LongConsumer restart() {
            long id;
            synchronized (reporting) {
                end();
                open = true;
                id = ++attempt;
            }
            return n -> accepted(id, n);
        }

        /** The provider has returned: later calls are ignored, the attempt's bytes still count. */
        void seal() {
            synchronized (reporting) {
                open = false;
            }
        }

        /** Ends the current attempt: its bytes no longer count as in flight. */
        void close() {
            synchronized (reporting) {
                end();
            }
        }

        private void end() {
            inFlight -= last;
            last = 0;
            open = false;
        }

        private void accepted(long id, long n) {
            synchronized (reporting) {
                if (!open || id != attempt) {
                    return;
                }
                long now = Math.max(last, Math.min(n, entry.size()));
                inFlight += now - last;
                last = now;
                if (now == entry.size()) {
                    // the whole file is across: its progress event follows at once and says it better
                    // than a transfer event would (which would show its bytes but not yet the file)
                    return;
                }
                long t = System.nanoTime();
                if (anyTransfer && t - lastTransfer < transferIntervalNanos) {
                    return;
                }
                anyTransfer = true;
                lastTransfer = t;
                long done = Math.min(totalBytes, bytes.get() + inFlight);
                try {
                    transfers.accept(new SyncListener.TransferEvent(service, snapshot, entry.path(), done, totalBytes));
                } catch (RuntimeException e) {
                    // the callback belongs to the provider's upload: a listener must not fail it
                    LOG.atWarn().setMessage("sync.listener").addKeyValue("error", e.toString()).log();
                }
            }
        }
    }

    /**
     * The bytes of one upload attempt charged to the {@link #throttle} so far: a provider reports
     * running totals, the bucket is charged their increase. Reports may come from several of the
     * provider's threads (parts in parallel); each charges its own increase.
     */
    private final class Charged {
        private final long size;
        private long charged;

        Charged(long size) {
            this.size = size;
        }

        void upTo(long total) {
            long more;
            synchronized (this) {
                long now = Math.min(size, total);
                more = now - charged;
                if (more <= 0) {
                    return;
                }
                charged = now;
            }
            throttle.acquire(more);
        }
    }

    private void verify(ManifestEntry entry, UploadReceipt receipt) {
        if (receipt.size() != entry.size()) {
            throw new ProviderException(ProviderException.Kind.INTEGRITY, "remote stored " + receipt.size()
                    + " bytes for \"" + entry.path() + "\" but the manifest says " + entry.size(), entry.path(), null);
        }
        if (receipt.sha256().isPresent()) {
            if (!receipt.sha256().get().equals(entry.sha256())) {
                throw new ProviderException(ProviderException.Kind.INTEGRITY, "remote reports sha256 "
                        + receipt.sha256().get() + " for \"" + entry.path() + "\" but the manifest says " + entry.sha256(),
                        entry.path(), null);
            }
            if (receipt.serverVerified() || capabilities.contains(Capability.SERVER_SHA256)) {
                return;
            }
        }
        readBack(entry);
    }

    /**
     * Checks a server-side copy's receipt: its size, and its sha256 when it reports one. A copy is not
     * read back when the receipt reports none (S3-compatible stores that compute no checksum on
     * CopyObject): its source is a file of the committed manifest, whose bytes were verified when they
     * were uploaded, and no byte of it crosses the network, so a read-back would cost as much as the
     * upload the copy saves and check only the store's copying.
     */
    private void verifyCopy(ManifestEntry entry, UploadReceipt receipt) {
        if (receipt.size() != entry.size()) {
            throw new ProviderException(ProviderException.Kind.INTEGRITY, "remote copied " + receipt.size()
                    + " bytes to \"" + entry.path() + "\" but the manifest says " + entry.size(), entry.path(), null);
        }
        if (receipt.sha256().isPresent() && !receipt.sha256().get().equals(entry.sha256())) {
            throw new ProviderException(ProviderException.Kind.INTEGRITY, "remote reports sha256 " + receipt.sha256().get()
                    + " for the copy at \"" + entry.path() + "\" but the manifest says " + entry.sha256(), entry.path(), null);
        }
    }

    private void readBack(ManifestEntry entry) {
        Path temp = null;
        try {
            Files.createDirectories(tempDir);
            temp = Files.createTempFile(tempDir, "verify-", ".tmp");
            provider.download(snapshot, entry.path(), temp);
            throttle.acquire(entry.size()); // the read-back's bytes came over the same link
            String actual = Hashing.sha256(temp);
            if (!actual.equals(entry.sha256())) {
                throw new ProviderException(ProviderException.Kind.INTEGRITY, "read-back of \"" + entry.path()
                        + "\" gives sha256 " + actual + " but the manifest says " + entry.sha256(), entry.path(), null);
            }
        } catch (IOException e) {
            throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "cannot verify \"" + entry.path()
                    + "\" by reading it back: " + e.getMessage(), entry.path(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover read-back copy in the state folder's tmp is harmless
                }
            }
        }
    }

    private void delete(ManifestEntry d, int total, long totalBytes) {
        if (journal.deleted(d.path())) {
            deleted.incrementAndGet();
            report(SyncAction.DELETE, d.path(), true, 0, total, totalBytes);
            return;
        }
        if (stop.get()) {
            fail(SyncAction.DELETE, d.path(), SyncError.Kind.NOT_ATTEMPTED, "not attempted: the run stopped after an earlier error");
            report(SyncAction.DELETE, d.path(), false, 0, total, totalBytes);
            return;
        }
        starts.accept(new SyncListener.StartEvent(service, snapshot, SyncAction.DELETE, d.path(), 0));
        if (!storedElsewhere.contains(contentKey(d)) && !kept(SyncAction.DELETE, d, total, totalBytes)) {
            return;
        }
        try {
            retry.run(() -> provider.delete(snapshot, d.path()));
        } catch (ProviderException e) {
            failed(SyncAction.DELETE, d.path(), e);
            report(SyncAction.DELETE, d.path(), false, 0, total, totalBytes);
            return;
        } catch (RuntimeException | Error e) {
            fail(SyncAction.DELETE, d.path(), SyncError.Kind.INTERNAL, "provider failed unexpectedly: " + e);
            report(SyncAction.DELETE, d.path(), false, 0, total, totalBytes);
            return;
        }
        finished(new Done(SyncAction.DELETE, d, null, 0, false), total, totalBytes);
    }

    private void failed(SyncAction action, String path, ProviderException e) {
        stopIfFatal(e);
        fail(action, path, SyncErrors.kindOf(e.kind()), String.valueOf(e.getMessage()));
    }

    /** A failure that stops the run (credentials, configuration, quota): no new operation starts; logged once. */
    private void stopIfFatal(ProviderException e) {
        if (e.stopsRun() && stop.compareAndSet(false, true)) {
            LOG.atError().setMessage("sync.run").addKeyValue("event", "stopped").addKeyValue("service", service)
                    .addKeyValue("snapshot", snapshot).addKeyValue("kind", e.kind()).addKeyValue("error", e.getMessage()).log();
        }
    }

    private void fail(SyncAction action, String path, SyncError.Kind kind, String message) {
        errors.add(new SyncError(action, path, kind, message));
        LOG.atWarn().setMessage("sync.run").addKeyValue("event", "operation_failed").addKeyValue("service", service)
                .addKeyValue("snapshot", snapshot).addKeyValue("action", action.jsonName()).addKeyValue("path", path)
                .addKeyValue("kind", kind.jsonName()).addKeyValue("error", message).log();
    }

    /**
     * Counts one finished operation and tells the listener. {@code stored} is the bytes of a file now
     * on the remote (sent or resumed), so the last event says every file and every byte of a run that
     * went well; counting and handing over happen together, so no event carries older counts than
     * the one before it.
     */
    private void report(SyncAction action, String path, boolean ok, long stored, int total, long totalBytes) {
        synchronized (reporting) {
            long b = bytes.addAndGet(stored);
            progress.accept(new SyncListener.ProgressEvent(service, snapshot, action, path, ok, done.incrementAndGet(),
                    total, b, totalBytes));
        }
    }
}
