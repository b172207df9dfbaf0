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
 * @param manifest the remote manifest the files were checked against (with include paths, its entries
 *     under them). When the request asked for {@link io.cloudsync.SyncRequest#summaryOnly() a summary only},
 *     it holds no entry: the real manifest's name, root and time with an empty entry list and that list's
 *     checksum; {@link #files()} then counts the files
 * @param status {@link SyncStatus#SUCCESS} when nothing failed, {@link SyncStatus#PARTIAL} when some
 *     files failed and others were written, {@link SyncStatus#FAILED} when none was written and some failed
 * @param written files downloaded, verified and moved into place
 * @param skippedExisting files left alone because the target already had a file there (no replace)
 * @param failed files that could not be written; each has an entry in {@code errors}
 * @param bytes bytes written
 * @param duration how long the pull took
 * @param errors one per failed file ({@link io.cloudsync.SyncAction#DOWNLOAD}), sorted by path
 * @param files the files of the snapshot the pull worked on (with include paths, those under them):
 *     {@code manifest().entries().size()} unless the manifest was left out for a summary only
 */
public record PullResult(String service, String snapshot, Path target, Manifest manifest, SyncStatus status,
                         int written, int skippedExisting, int failed, long bytes, Duration duration,
                         List<SyncError> errors, int files) {

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
     * @param files see the record component
     * @throws IllegalArgumentException when {@code files} is negative, or the manifest has entries and
     *     {@code files} is not their number
     */
    public PullResult {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(duration, "duration");
        errors = List.copyOf(errors);
        if (files < 0 || !manifest.entries().isEmpty() && files != manifest.entries().size()) {
            throw new IllegalArgumentException("files must be the number of the manifest's entries ("
                    + manifest.entries().size() + "), or at least 0 when the manifest holds none, was " + files);
        }
    }

    /**
     * A result whose manifest holds every file it worked on ({@link #files()} is their number).
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
    public PullResult(String service, String snapshot, Path target, Manifest manifest, SyncStatus status, int written,
                      int skippedExisting, int failed, long bytes, Duration duration, List<SyncError> errors) {
        this(service, snapshot, target, manifest, status, written, skippedExisting, failed, bytes, duration, errors,
                Objects.requireNonNull(manifest, "manifest").entries().size());
    }
}
