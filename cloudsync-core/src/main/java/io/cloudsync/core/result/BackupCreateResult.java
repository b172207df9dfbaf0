package io.cloudsync.core.result;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link io.cloudsync.core.Backups#create(String, List, int)} and {@link
 * io.cloudsync.core.Backups#create(String, List, io.cloudsync.core.RetentionPolicy)}.
 *
 * @param name the archive's file name
 * @param archive the archive's path
 * @param label the label as given
 * @param files how many files it holds
 * @param folders how many empty folders it holds
 * @param totalBytes the files' total size
 * @param archiveSize the archive's size
 * @param manifestChecksum the embedded manifest's checksum
 * @param missingPaths requested paths that do not exist
 * @param skipped files left out, as {@code "<path>: <reason>"} (symbolic links, unreadable files,
 *     files that vanished, name problems)
 * @param rotated archives deleted by rotation or by the retention policy, oldest first
 * @param paths the requested paths (or the default ones) that were archived: those that exist, in
 *     request order, without repeats
 * @param retention what the retention policy kept and removed after the archive was made (never a
 *     dry run), or {@code null} when the archives were rotated by count ({@code maxBackups})
 */
public record BackupCreateResult(String name, Path archive, String label, int files, int folders, long totalBytes,
                                 long archiveSize, String manifestChecksum, List<String> missingPaths,
                                 List<String> skipped, List<String> rotated, List<String> paths,
                                 BackupPruneResult retention) {
    /**
     * Copies the lists.
     *
     * @param name see the record component
     * @param archive see the record component
     * @param label see the record component
     * @param files see the record component
     * @param folders see the record component
     * @param totalBytes see the record component
     * @param archiveSize see the record component
     * @param manifestChecksum see the record component
     * @param missingPaths see the record component
     * @param skipped see the record component
     * @param rotated see the record component
     * @param paths see the record component
     * @param retention see the record component
     */
    public BackupCreateResult {
        missingPaths = List.copyOf(missingPaths);
        skipped = List.copyOf(skipped);
        rotated = List.copyOf(rotated);
        paths = List.copyOf(paths);
    }

    /**
     * A result of a create that rotated by count, without a retention policy (the constructor before
     * retention policies existed).
     *
     * @param name see the record component
     * @param archive see the record component
     * @param label see the record component
     * @param files see the record component
     * @param folders see the record component
     * @param totalBytes see the record component
     * @param archiveSize see the record component
     * @param manifestChecksum see the record component
     * @param missingPaths see the record component
     * @param skipped see the record component
     * @param rotated see the record component
     * @param paths see the record component
     */
    public BackupCreateResult(String name, Path archive, String label, int files, int folders, long totalBytes,
                              long archiveSize, String manifestChecksum, List<String> missingPaths,
                              List<String> skipped, List<String> rotated, List<String> paths) {
        this(name, archive, label, files, folders, totalBytes, archiveSize, manifestChecksum, missingPaths, skipped,
                rotated, paths, null);
    }
}
