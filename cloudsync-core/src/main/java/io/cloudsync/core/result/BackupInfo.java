package io.cloudsync.core.result;

import java.time.Instant;

/**
 * One archive, as {@link io.cloudsync.core.Backups#list()} shows it.
 *
 * @param name the file name
 * @param label the label (the manifest's name)
 * @param createdAt when it was made (the manifest's {@code created_at})
 * @param size the archive's size in bytes
 * @param entryCount how many files it holds
 * @param totalBytes the files' total size
 * @param manifestChecksum the embedded manifest's checksum
 */
public record BackupInfo(String name, String label, Instant createdAt, long size, int entryCount, long totalBytes,
                         String manifestChecksum) {
}
