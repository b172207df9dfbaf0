package io.cloudsync.core.result;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link io.cloudsync.core.CloudSync#versions} found in a snapshot's trash.
 *
 * @param service the service
 * @param snapshot the snapshot, with the configured prefix applied
 * @param trashDays the configured retention ({@code sync.trash_days}); 0 when runs keep nothing
 * @param earliest the time of the oldest record the trash holds: restores to a time before it are
 *     not complete, unless that record is the snapshot's first commit; empty when it holds none
 * @param versions the deleted and overwritten versions, newest first, then by path
 */
public record VersionsResult(String service, String snapshot, int trashDays, Optional<Instant> earliest,
                             List<TrashVersion> versions) {

    /**
     * Validates and copies.
     *
     * @param service see the record component
     * @param snapshot see the record component
     * @param trashDays see the record component
     * @param earliest see the record component
     * @param versions see the record component
     */
    public VersionsResult {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(earliest, "earliest");
        versions = List.copyOf(versions);
    }
}
