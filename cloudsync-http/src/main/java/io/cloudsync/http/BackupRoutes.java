package io.cloudsync.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.core.Backups;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.json.ResultCodec;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** {@code /api/backup/*}: local zip backups of the project root, as in the original design. */
final class BackupRoutes {

    private static final Set<String> CREATE_FIELDS = Set.of("label", "max_backups", "paths");
    private static final Set<String> RESTORE_FIELDS = Set.of("name", "replace_existing");

    private final Backups backups;

    BackupRoutes(CloudSync cloudSync) {
        this.backups = Backups.of(cloudSync.root());
    }

    ApiResponse list() {
        return ApiResponse.ok(ResultCodec.backupList(backups.folder(), backups.list()));
    }

    ApiResponse create(ObjectNode body) {
        onlyFields(body, CREATE_FIELDS);
        String label = CloudSyncApi.text(body, "label", false);
        int max = CloudSyncApi.integer(body, "max_backups", Backups.DEFAULT_MAX_BACKUPS, 1);
        List<String> paths = CloudSyncApi.stringList(body, "paths");
        // a BackupException is answered by CloudSyncApi after its category (docs/CLOUD_SYNC.md)
        return ApiResponse.ok(ResultCodec.backupCreate(backups.create(label == null ? "manual" : label, paths, max)));
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
