package io.cloudsync;

/**
 * Receives events from dry-runs and runs: the {@code on_cloud_sync_plan} and
 * {@code on_cloud_sync_complete} hooks of the original design, plus progress. Every method has an
 * empty default. Methods may be called from the engine's worker threads; implementations must be
 * thread-safe and quick. An exception thrown by a listener is logged and otherwise ignored.
 */
public interface SyncListener {

    /**
     * A plan was computed (for a dry-run or a run).
     *
     * @param event the plan's counts
     */
    default void onPlan(PlanEvent event) {
    }

    /**
     * One operation of a run finished. The engine hands these over one at a time, in the order it
     * counted them, so neither count ever goes down from one event to the next.
     *
     * @param event the progress so far
     */
    default void onProgress(ProgressEvent event) {
    }

    /**
     * Uploads of a run are under way: how many bytes the remote has accepted so far, counting those
     * of uploads still in flight. Sent while uploads run, at most about every 100 ms per run, and
     * only by providers that report their progress (see {@code Provider.upload} with a progress
     * callback); a file's transfer events arrive before its {@link #onProgress} event, and no event
     * is sent at the end (the last {@link ProgressEvent} says the final count), nor when a file's last
     * byte is across (its progress event follows).
     *
     * @param event the bytes so far
     */
    @Experimental(since = "0.1.0")
    default void onTransfer(TransferEvent event) {
    }

    /**
     * One operation of a run begins: the engine is about to keep, copy, send or delete the file (an
     * operation the journal says is done already, or one not attempted because the run stopped, does
     * not begin). Its {@link #onProgress} event, success or failure, follows; between the two the
     * operation is in flight.
     *
     * @param event the operation
     */
    @Experimental(since = "0.1.0")
    default void onStart(StartEvent event) {
    }

    /**
     * A call to the remote failed with a retryable error and will be tried again after a wait: a
     * retry (a throttle when {@link RetryEvent#kind()} is {@link SyncError.Kind#THROTTLED}). A call
     * that fails for good is not announced here; it ends in the run's errors.
     *
     * @param event the failed attempt
     */
    @Experimental(since = "0.1.0")
    default void onRetry(RetryEvent event) {
    }

    /**
     * A dry-run or run ended.
     *
     * @param event the outcome
     */
    default void onComplete(CompleteEvent event) {
    }

    /**
     * A dry-run or run ended with an exception instead of a result, so no {@link #onComplete} event
     * was sent for it: a feature flag or a setting refused it, another run held its lock, a limit or a
     * delete guard refused its plan, the remote could not be opened, or it failed unexpectedly. The
     * exception is then thrown to the caller as before. A run that has a result, however many of its
     * files failed, ends in {@link #onComplete} instead.
     *
     * @param event the failure
     */
    @Experimental(since = "0.1.0")
    default void onFailed(FailedEvent event) {
    }

    /**
     * A computed plan.
     *
     * @param service the service id
     * @param snapshot the snapshot name
     * @param uploads files to upload
     * @param deletes files to delete
     * @param bytes bytes to upload
     * @param dryRun true when nothing will be executed
     */
    record PlanEvent(String service, String snapshot, int uploads, int deletes, long bytes, boolean dryRun) {
    }

    /**
     * Progress of a run, after one operation.
     *
     * @param service the service id
     * @param snapshot the snapshot name
     * @param action the operation that finished
     * @param path the path it concerned
     * @param succeeded whether it succeeded
     * @param filesDone operations finished so far, including this one
     * @param filesTotal operations in the plan
     * @param bytesDone bytes of the files uploaded so far, those an interrupted run had stored (and
     *     this one took from the journal) included; a file counts once it is done
     * @param bytesTotal bytes the plan uploads
     */
    record ProgressEvent(String service, String snapshot, SyncAction action, String path, boolean succeeded,
                         int filesDone, int filesTotal, long bytesDone, long bytesTotal) {
    }

    /**
     * Bytes of a run's uploads so far, during the uploads.
     *
     * @param service the service id
     * @param snapshot the snapshot name
     * @param path the file whose upload progressed, prompting this event
     * @param bytesDone bytes of the run's finished uploads (as in {@link ProgressEvent#bytesDone()})
     *     plus the bytes the remote has accepted so far of the uploads in flight; never more than
     *     {@code bytesTotal}. It may go down when an upload fails or starts again after a retryable
     *     failure (its bytes so far no longer count), so a display should keep the largest value seen.
     * @param bytesTotal bytes the plan uploads
     */
    @Experimental(since = "0.1.0")
    record TransferEvent(String service, String snapshot, String path, long bytesDone, long bytesTotal) {
    }

    /**
     * An operation of a run that begins.
     *
     * @param service the service id
     * @param snapshot the snapshot name
     * @param action what it does: {@link SyncAction#UPLOAD} (a send or a server-side copy) or
     *     {@link SyncAction#DELETE}
     * @param path the path it concerns
     * @param bytes the file's size for an upload, 0 for a delete
     */
    @Experimental(since = "0.1.0")
    record StartEvent(String service, String snapshot, SyncAction action, String path, long bytes) {
    }

    /**
     * A retryable failure of a call to the remote, which will be tried again.
     *
     * @param service the service id
     * @param snapshot the snapshot name
     * @param kind what kind of failure it was: {@link SyncError.Kind#THROTTLED} when the remote asked to
     *     slow down, {@link SyncError.Kind#UNAVAILABLE} for a network or server failure
     * @param attempt the attempt that failed, 1 for the first
     * @param delay how long the engine waits before the next attempt
     */
    @Experimental(since = "0.1.0")
    record RetryEvent(String service, String snapshot, SyncError.Kind kind, int attempt, java.time.Duration delay) {
    }

    /**
     * A dry-run or run that ended with an exception.
     *
     * @param service the service id
     * @param snapshot the snapshot name (with the configured prefix, as in the other events; as the
     *     request gave it when the name itself was refused)
     * @param dryRun true for a dry-run
     * @param category what kind of failure it was, as the command line and the HTTP routes classify it
     *     ({@link ErrorCategory#of(Throwable)}): {@link ErrorCategory#LOCKED} for a held lock,
     *     {@link ErrorCategory#DELETE_GUARD} or {@link ErrorCategory#LIMIT} for a refused plan, ...
     * @param failure the exception that is thrown to the caller; its message names no secret
     * @param duration how long it ran before it failed
     */
    @Experimental(since = "0.1.0")
    record FailedEvent(String service, String snapshot, boolean dryRun, ErrorCategory category, Throwable failure,
                       java.time.Duration duration) {
    }

    /**
     * The end of a dry-run or run.
     *
     * @param service the service id
     * @param snapshot the snapshot name
     * @param summary the outcome
     */
    record CompleteEvent(String service, String snapshot, SyncSummary summary) {
    }
}
