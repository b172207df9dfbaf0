package io.cloudsync.core.result;

import io.cloudsync.core.RetentionPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link io.cloudsync.core.Backups#prune}, or of the pruning that a create with a
 * {@link RetentionPolicy} does after the new archive is made.
 *
 * @param policy the policy applied
 * @param dryRun true when nothing was deleted: {@code removed} is what would go
 * @param kept the archives kept, newest first, each with the reasons it stays
 * @param removed the archives deleted (or, on a dry run, that would be), newest first, with no reasons
 * @param failed archives that were to go but could not be deleted, as {@code "<name>: <error>"}; they
 *     are still there, and in neither {@code kept} nor {@code removed}
 */
public record BackupPruneResult(RetentionPolicy policy, boolean dryRun, List<Item> kept, List<Item> removed,
                                List<String> failed) {

    /**
     * Checks and copies.
     *
     * @param policy see the record component
     * @param dryRun see the record component
     * @param kept see the record component
     * @param removed see the record component
     * @param failed see the record component
     */
    public BackupPruneResult {
        Objects.requireNonNull(policy, "policy");
        kept = List.copyOf(kept);
        removed = List.copyOf(removed);
        failed = List.copyOf(failed);
    }

    /**
     * One archive and what the policy decided for it.
     *
     * @param name the archive's file name
     * @param label the label (the manifest's name)
     * @param createdAt when it was made (the manifest's {@code created_at}, within the second of the
     *     time in the archive's name, which orders the archives and gives their UTC day, week and month)
     * @param reasons why it is kept, such as {@code "last"}, {@code "daily 2026-12-01"}, {@code "weekly
     *     2026-W49"}, {@code "monthly 2026-12"}, {@code "just created"}; empty for a removed archive
     */
    public record Item(String name, String label, Instant createdAt, List<String> reasons) {
        /**
         * Checks and copies.
         *
         * @param name see the record component
         * @param label see the record component
         * @param createdAt see the record component
         * @param reasons see the record component
         */
        public Item {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(createdAt, "createdAt");
            reasons = List.copyOf(reasons);
        }
    }
}
