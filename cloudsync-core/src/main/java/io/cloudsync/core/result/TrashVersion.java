package io.cloudsync.core.result;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a file that a run deleted or overwrote, as the snapshot's trash records it
 * (docs/SYNC.md, "Trash").
 *
 * @param path the file's manifest path
 * @param time when the run that replaced or deleted it committed (its record's time)
 * @param change {@code "deleted"} or {@code "overwritten"}
 * @param size the version's size in bytes
 * @param mtime the version's modification time, as its manifest entry had it
 * @param sha256 the version's content
 * @param available whether its bytes can be restored: kept in the trash, or still stored in the
 *     snapshot under some path (an empty file always is); false once the trash purged it
 * @param manifestChecksum the checksum of the manifest the version belonged to
 */
public record TrashVersion(String path, Instant time, String change, long size, Instant mtime, String sha256,
                           boolean available, String manifestChecksum) {

    /**
     * Validates.
     *
     * @param path see the record component
     * @param time see the record component
     * @param change see the record component
     * @param size see the record component
     * @param mtime see the record component
     * @param sha256 see the record component
     * @param available see the record component
     * @param manifestChecksum see the record component
     */
    public TrashVersion {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(mtime, "mtime");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(manifestChecksum, "manifestChecksum");
    }
}
