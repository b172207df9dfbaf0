package io.cloudsync.core.result;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@link io.cloudsync.core.CloudSync#restore} did: the snapshot's files as they were at a time,
 * rebuilt from the committed manifest and the trash records after that time, written into a folder
 * and each checked against its sha256.
 *
 * @param at the time asked for
 * @param manifestChecksum the checksum of the rebuilt manifest (of the whole snapshot at {@code at},
 *     before any {@code --path} selection)
 * @param historyComplete whether the records fully account for the snapshot at {@code at}: the rebuilt
 *     manifest has the checksum the oldest undone record says its run started from, and no older
 *     record was purged that {@code at} would need. When false, a run without a record (the trash
 *     was off, or an interrupted run) changed the snapshot in between, and the rebuilt tree may differ
 *     from what was committed then; each written file is still exactly the version it names
 * @param files what was written, skipped and failed (a version the trash no longer holds fails
 *     with {@code not_found}); its manifest is the selected part of the rebuilt one
 */
public record RestoreResult(Instant at, String manifestChecksum, boolean historyComplete, PullResult files) {

    /**
     * Validates.
     *
     * @param at see the record component
     * @param manifestChecksum see the record component
     * @param historyComplete see the record component
     * @param files see the record component
     */
    public RestoreResult {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(manifestChecksum, "manifestChecksum");
        Objects.requireNonNull(files, "files");
    }
}
