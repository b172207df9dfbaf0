package io.cloudsync.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.BackupException;
import io.cloudsync.core.Backups;
import io.cloudsync.core.CloudSync;
import io.cloudsync.support.Json;
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
        ObjectNode o = Json.mapper().createObjectNode();
        ArrayNode list = o.putArray("backups");
        for (Backups.BackupInfo b : backups.list()) {
            ObjectNode item = list.addObject();
            item.put("name", b.name());
            item.put("label", b.label());
            item.put("created_at", b.createdAt().toString());
            item.put("size", b.size());
            item.put("entry_count", b.entryCount());
            item.put("total_bytes", b.totalBytes());
            item.put("manifest_checksum", b.manifestChecksum());
        }
        return ApiResponse.ok(o);
    }

    ApiResponse create(ObjectNode body) {
        onlyFields(body, CREATE_FIELDS);
        String label = CloudSyncApi.text(body, "label", false);
        int max = CloudSyncApi.integer(body, "max_backups", Backups.DEFAULT_MAX_BACKUPS, 1);
        List<String> paths = CloudSyncApi.stringList(body, "paths");
        Backups.CreateResult r;
        try {
            r = backups.create(label == null ? "manual" : label, paths, max);
        } catch (BackupException e) {
            return ApiResponse.error(422, e.getMessage());
        }
        ObjectNode o = Json.mapper().createObjectNode();
        ObjectNode b = o.putObject("backup");
        b.put("name", r.name());
        b.put("label", r.label());
        b.put("files", r.files());
        b.put("folders", r.folders());
        b.put("total_bytes", r.totalBytes());
        b.put("size", r.archiveSize());
        b.put("manifest_checksum", r.manifestChecksum());
        array(b, "missing_paths", r.missingPaths());
        array(b, "skipped", r.skipped());
        array(b, "rotated", r.rotated());
        return ApiResponse.ok(o);
    }

    ApiResponse restore(ObjectNode body) {
        onlyFields(body, RESTORE_FIELDS);
        String name = CloudSyncApi.text(body, "name", true);
        if (name.contains("/") || name.contains("\\") || name.contains("..") || name.indexOf('\0') >= 0) {
            throw new CloudSyncApi.BadRequest("backup name \"" + name.replace('\0', '?')
                    + "\" must be a bare archive name from /api/backup/list, without a path");
        }
        boolean replace = CloudSyncApi.bool(body, "replace_existing", false);
        Backups.RestoreResult r;
        try {
            r = backups.restore(name, null, replace);
        } catch (BackupException e) {
            return ApiResponse.error(e.getMessage().contains("does not exist") ? 404 : 422, e.getMessage());
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("name", r.name());
        array(o, "restored", r.restored());
        array(o, "skipped", r.skipped());
        array(o, "refused", r.refused());
        o.put("bytes_written", r.bytesWritten());
        return ApiResponse.ok(o);
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

    private static void array(ObjectNode o, String field, List<String> values) {
        ArrayNode a = o.putArray(field);
        values.forEach(a::add);
    }
}
