package io.cloudsync.core.result;

import java.time.Instant;

/**
 * The outcome of a successful {@link io.cloudsync.core.Backups#verify}.
 *
 * @param name the archive
 * @param label the label (the manifest's name)
 * @param createdAt the manifest's {@code created_at}
 * @param entryCount how many files it holds, all checked
 * @param folders how many empty folders it holds
 * @param totalBytes the files' total size
 * @param archiveSize the archive's size
 * @param manifestChecksum the embedded manifest's checksum
 */
public record BackupVerifyResult(String name, String label, Instant createdAt, int entryCount, int folders,
                                 long totalBytes, long archiveSize, String manifestChecksum) {
}
