package io.cloudsync.core.result;

import io.cloudsync.Manifest;
import io.cloudsync.SyncError;
import io.cloudsync.SyncStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@link io.cloudsync.core.CloudSync#pull} did: every file of the snapshot's remote manifest is either written
 * (downloaded and checked against its sha256), skipped because the target already had it, or failed.
 *
 * @param service the service pulled from
 * @param snapshot the snapshot, with the configured prefix applied
 * @param target the absolute folder the files were written to
 * @param manifest the remote manifest the files were checked against
 * @param status {@link SyncStatus#SUCCESS} when nothing failed, {@link SyncStatus#PARTIAL} when some
 *     files failed and others were written, {@link SyncStatus#FAILED} when none was written and some failed
 * @param written files downloaded, verified and moved into place
 * @param skippedExisting files left alone because the target already had a file there (no replace)
 * @param failed files that could not be written; each has an entry in {@code errors}
 * @param bytes bytes written
 * @param duration how long the pull took
 * @param errors one per failed file ({@link io.cloudsync.SyncAction#DOWNLOAD}), sorted by path
 */
public record PullResult(String service, String snapshot, Path target, Manifest manifest, SyncStatus status,
                         int written, int skippedExisting, int failed, long bytes, Duration duration,
                         List<SyncError> errors) {

    /**
     * Validates and copies.
     *
     * @param service see the record component
     * @param snapshot see the record component
     * @param target see the record component
     * @param manifest see the record component
     * @param status see the record component
     * @param written see the record component
     * @param skippedExisting see the record component
     * @param failed see the record component
     * @param bytes see the record component
     * @param duration see the record component
     * @param errors see the record component
     */
    public PullResult {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(duration, "duration");
        errors = List.copyOf(errors);
    }
}
