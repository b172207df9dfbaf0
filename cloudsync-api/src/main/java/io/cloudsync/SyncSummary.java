package io.cloudsync;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a dry-run or run.
 *
 * @param status how it ended; never {@code null}
 * @param uploaded files uploaded (for a dry-run: files that would be), counting those {@code resumed}
 * @param deleted files deleted (for a dry-run: files that would be)
 * @param skipped files left alone because the remote already had them
 * @param failed operations that failed
 * @param bytes bytes of the files uploaded (for a dry-run: bytes that would be), counting those
 *     {@code resumed}: {@code resumedBytes + bytesSent}
 * @param duration wall time; never {@code null}
 * @param errors every failed operation, in the order they were recorded; never {@code null}
 * @param resumed of the files uploaded, those an interrupted earlier run had already stored (the run
 *     journal says so), taken as they are without sending them again; 0 for a dry-run
 * @param resumedBytes of {@code bytes}, those already on the remote before this run: the files
 *     {@code resumed} plus the parts of interrupted multipart or resumable uploads that this run
 *     continued instead of sending again; 0 for a dry-run
 * @param bytesSent of {@code bytes}, those this run really sent; 0 for a dry-run
 * @param copied of the files uploaded, those stored by a server-side copy of a file the remote
 *     already held with the same content (a moved or renamed file): none of their bytes were sent,
 *     and they count in {@code bytes} but in neither {@code resumedBytes} nor {@code bytesSent}; for a
 *     dry-run, those the run would copy (0 when it planned against the cache)
 */
public record SyncSummary(SyncStatus status, int uploaded, int deleted, int skipped, int failed, long bytes,
                          Duration duration, List<SyncError> errors, int resumed, long resumedBytes, long bytesSent,
                          int copied) {

    /**
     * Validates the counts and copies the error list.
     *
     * @param status see the record component
     * @param uploaded see the record component
     * @param deleted see the record component
     * @param skipped see the record component
     * @param failed see the record component
     * @param bytes see the record component
     * @param duration see the record component
     * @param errors see the record component
     * @param resumed see the record component
     * @param resumedBytes see the record component
     * @param bytesSent see the record component
     * @param copied see the record component
     * @throws IllegalArgumentException when a count is negative, more files are resumed or copied than
     *     uploaded, or resumed and sent bytes add up to more than {@code bytes}
     */
    public SyncSummary {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(duration, "duration");
        errors = List.copyOf(errors);
        if (uploaded < 0 || deleted < 0 || skipped < 0 || failed < 0 || bytes < 0 || resumed < 0 || resumedBytes < 0
                || bytesSent < 0 || copied < 0) {
            throw new IllegalArgumentException("summary counts must not be negative: uploaded=" + uploaded
                    + " deleted=" + deleted + " skipped=" + skipped + " failed=" + failed + " bytes=" + bytes
                    + " resumed=" + resumed + " resumed_bytes=" + resumedBytes + " bytes_sent=" + bytesSent + " copied=" + copied);
        }
        if (resumed + (long) copied > uploaded || resumedBytes > bytes || bytesSent > bytes - resumedBytes) {
            throw new IllegalArgumentException("summary counts do not add up: uploaded=" + uploaded + " resumed="
                    + resumed + " copied=" + copied + ", bytes=" + bytes + " resumed_bytes=" + resumedBytes + " bytes_sent=" + bytesSent
                    + " (resumed and copied files are parts of uploaded, resumed and sent bytes are parts of bytes)");
        }
    }

    /**
     * A summary without server-side copies, as the release before them made it.
     *
     * @param status see the record component
     * @param uploaded see the record component
     * @param deleted see the record component
     * @param skipped see the record component
     * @param failed see the record component
     * @param bytes see the record component
     * @param duration see the record component
     * @param errors see the record component
     * @param resumed see the record component
     * @param resumedBytes see the record component
     * @param bytesSent see the record component
     * @throws IllegalArgumentException as the canonical constructor
     */
    public SyncSummary(SyncStatus status, int uploaded, int deleted, int skipped, int failed, long bytes,
                       Duration duration, List<SyncError> errors, int resumed, long resumedBytes, long bytesSent) {
        this(status, uploaded, deleted, skipped, failed, bytes, duration, errors, resumed, resumedBytes, bytesSent, 0);
    }

    /**
     * A summary without resumed work: every byte counted in {@code bytes} was sent by this run (by a
     * dry-run: none). Kept for hosts written against the first release.
     *
     * @param status see the record component
     * @param uploaded see the record component
     * @param deleted see the record component
     * @param skipped see the record component
     * @param failed see the record component
     * @param bytes see the record component; also taken as {@code bytesSent}
     * @param duration see the record component
     * @param errors see the record component
     * @throws IllegalArgumentException when a count is negative
     */
    public SyncSummary(SyncStatus status, int uploaded, int deleted, int skipped, int failed, long bytes,
                       Duration duration, List<SyncError> errors) {
        this(status, uploaded, deleted, skipped, failed, bytes, duration, errors, 0, 0, status == SyncStatus.DRY_RUN ? 0 : bytes, 0);
    }
}
