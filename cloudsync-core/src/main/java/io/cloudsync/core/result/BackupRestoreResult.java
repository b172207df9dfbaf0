package io.cloudsync.core.result;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link io.cloudsync.core.Backups#restore}.
 *
 * @param name the archive
 * @param target the folder restored into
 * @param restored files written, in path order
 * @param skipped files left alone because they exist and replacing was not asked for
 * @param refused files not written, as {@code "<path>: <reason>"}: something in the target is in the way
 * @param foldersCreated empty folders of the archive that were created
 * @param bytesWritten the restored files' total size
 */
public record BackupRestoreResult(String name, Path target, List<String> restored, List<String> skipped,
                                  List<String> refused, List<String> foldersCreated, long bytesWritten) {
    /**
     * Copies the lists.
     *
     * @param name see the record component
     * @param target see the record component
     * @param restored see the record component
     * @param skipped see the record component
     * @param refused see the record component
     * @param foldersCreated see the record component
     * @param bytesWritten see the record component
     */
    public BackupRestoreResult {
        restored = List.copyOf(restored);
        skipped = List.copyOf(skipped);
        refused = List.copyOf(refused);
        foldersCreated = List.copyOf(foldersCreated);
    }
}
