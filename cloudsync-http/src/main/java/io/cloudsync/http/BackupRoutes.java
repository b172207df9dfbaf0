package io.cloudsync.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.core.Backups;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.RetentionPolicy;
import io.cloudsync.core.json.ResultCodec;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** {@code /api/backup/*}: local zip backups of the project root, as in the original design. */
final class BackupRoutes {

    private static final List<String> KEEP_FIELDS = List.of("keep_last", "keep_daily", "keep_weekly", "keep_monthly");
    private static final Set<String> CREATE_FIELDS = Set.of("label", "max_backups", "paths", "keep_last", "keep_daily",
            "keep_weekly", "keep_monthly");
    private static final Set<String> PRUNE_FIELDS = Set.of("dry_run", "keep_last", "keep_daily", "keep_weekly", "keep_monthly");
    private static final Set<String> RESTORE_FIELDS = Set.of("name", "replace_existing");

    private final Backups backups;
    private final CloudSync cloudSync;

    BackupRoutes(CloudSync cloudSync) {
        this.backups = Backups.of(cloudSync.root());
        this.cloudSync = cloudSync;
    }

    ApiResponse list() {
        return ApiResponse.ok(ResultCodec.backupList(backups.folder(), backups.list()));
    }

    ApiResponse create(ObjectNode body) {
        onlyFields(body, CREATE_FIELDS);
        String label = CloudSyncApi.text(body, "label", false);
        List<String> paths = CloudSyncApi.stringList(body, "paths");
        boolean countGiven = given(body, "max_backups");
        if (countGiven && keepGiven(body)) {
            throw new CloudSyncApi.BadRequest("give either \"max_backups\" (a count) or " + KEEP_FIELDS
                    + " (a retention policy), not both");
        }
        RetentionPolicy policy = keepGiven(body) ? policy(body) : countGiven ? RetentionPolicy.none()
                : cloudSync.config().retention();
        String l = label == null ? "manual" : label;
        // a BackupException is answered by CloudSyncApi after its category (docs/CLOUD_SYNC.md)
        if (policy.isEmpty()) {
            int max = CloudSyncApi.integer(body, "max_backups", Backups.DEFAULT_MAX_BACKUPS, 1);
            return ApiResponse.ok(ResultCodec.backupCreate(backups.create(l, paths, max)));
        }
        return ApiResponse.ok(ResultCodec.backupCreate(backups.create(l, paths, policy)));
    }

    ApiResponse prune(ObjectNode body) {
        onlyFields(body, PRUNE_FIELDS);
        boolean dryRun = CloudSyncApi.bool(body, "dry_run", false);
        RetentionPolicy policy = keepGiven(body) ? policy(body) : cloudSync.config().retention();
        if (policy.isEmpty()) {
            throw new CloudSyncApi.BadRequest("no retention policy: send some of " + KEEP_FIELDS
                    + ", or configure them under \"backups\" in the configuration file (" + cloudSync.config().source() + ")");
        }
        return ApiResponse.ok(ResultCodec.backupPrune(backups.prune(policy, dryRun)));
    }

    private static boolean given(ObjectNode body, String field) {
        return body.hasNonNull(field);
    }

    private static boolean keepGiven(ObjectNode body) {
        return KEEP_FIELDS.stream().anyMatch(f -> given(body, f));
    }

    private static RetentionPolicy policy(ObjectNode body) {
        RetentionPolicy p = RetentionPolicy.builder().keepLast(CloudSyncApi.integer(body, "keep_last", 0, 0))
                .keepDaily(CloudSyncApi.integer(body, "keep_daily", 0, 0))
                .keepWeekly(CloudSyncApi.integer(body, "keep_weekly", 0, 0))
                .keepMonthly(CloudSyncApi.integer(body, "keep_monthly", 0, 0)).build();
        if (p.isEmpty()) {
            throw new CloudSyncApi.BadRequest("every one of " + KEEP_FIELDS + " given is 0, which would keep every backup;"
                    + " give at least one of them as 1 or more");
        }
        return p;
    }

    ApiResponse restore(ObjectNode body) {
        onlyFields(body, RESTORE_FIELDS);
        String name = CloudSyncApi.text(body, "name", true);
        if (name.contains("/") || name.contains("\\") || name.contains("..") || name.indexOf('\0') >= 0) {
            throw new CloudSyncApi.BadRequest("backup name \"" + name.replace('\0', '?')
                    + "\" must be a bare archive name from /api/backup/list, without a path");
        }
        boolean replace = CloudSyncApi.bool(body, "replace_existing", false);
        // an archive that does not exist is BackupException.Reason.NOT_FOUND: 404 by its category
        return ApiResponse.ok(ResultCodec.backupRestore(backups.restore(name, null, replace)));
    }

    private static void onlyFields(ObjectNode body, Set<String> allowed) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                throw new CloudSyncApi.BadRequest("unknown field \"" + field + "\"; expected some of "
                        + new java.util.TreeSet<>(allowed));
            }
        }
    }
}
