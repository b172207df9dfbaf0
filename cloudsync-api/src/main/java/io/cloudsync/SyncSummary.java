package io.cloudsync;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a dry-run or run.
 *
 * @param status how it ended; never {@code null}
 * @param uploaded files uploaded (for a dry-run: files that would be)
 * @param deleted files deleted (for a dry-run: files that would be)
 * @param skipped files left alone because the remote already had them
 * @param failed operations that failed
 * @param bytes bytes uploaded (for a dry-run: bytes that would be)
 * @param duration wall time; never {@code null}
 * @param errors every failed operation, in the order they were recorded; never {@code null}
 */
public record SyncSummary(SyncStatus status, int uploaded, int deleted, int skipped, int failed, long bytes,
                          Duration duration, List<SyncError> errors) {

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
     * @throws IllegalArgumentException when a count is negative
     */
    public SyncSummary {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(duration, "duration");
        errors = List.copyOf(errors);
        if (uploaded < 0 || deleted < 0 || skipped < 0 || failed < 0 || bytes < 0) {
            throw new IllegalArgumentException("summary counts must not be negative: uploaded=" + uploaded
                    + " deleted=" + deleted + " skipped=" + skipped + " failed=" + failed + " bytes=" + bytes);
        }
    }
}
