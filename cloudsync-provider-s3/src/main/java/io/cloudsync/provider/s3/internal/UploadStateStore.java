package io.cloudsync.provider.s3.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Digests;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.support.Json;
import io.cloudsync.support.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multipart resume records under {@code <state folder>/s3-multipart/<sha256 of bucket and key>.json},
 * kept by the shared {@link StateStore} (temp file, fsync, atomic move after every acknowledged part).
 * The record format and the file names are those of the code before the support module: the name
 * is {@code sha256(bucket + '\0' + key)}, not {@link StateStore#key}, so uploads that code started
 * still resume.
 */
final class UploadStateStore {

    private static final Logger LOG = LoggerFactory.getLogger(UploadStateStore.class);
    private static final int VERSION = 1;
    static final String FOLDER = "s3-multipart";

    private final StateStore store;

    UploadStateStore(Path stateDirectory) {
        this.store = StateStore.inFolder(stateDirectory.resolve(FOLDER));
    }

    /** The record's key (its file name without {@code .json}), as the code before SPI 4 named it. */
    static String keyFor(String bucket, String key) {
        var digest = Digests.sha256();
        digest.update(bucket.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(key.getBytes(StandardCharsets.UTF_8));
        return Digests.hex(digest.digest());
    }

    Optional<UploadRecord> load(String bucket, String key) {
        String id = keyFor(bucket, key);
        return store.load(id).flatMap(n -> parse(id, n)).filter(r -> r.bucket().equals(bucket) && r.key().equals(key));
    }

    List<UploadRecord> all() {
        List<UploadRecord> records = new ArrayList<>();
        for (ObjectNode n : store.all()) {
            JsonNode bucket = n.get("bucket");
            JsonNode key = n.get("key");
            String id = bucket != null && key != null ? keyFor(bucket.asText(), key.asText()) : null;
            parse(id, n).ifPresent(records::add);
        }
        return records;
    }

    void save(UploadRecord r) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", VERSION);
        root.put("bucket", r.bucket());
        root.put("key", r.key());
        root.put("upload_id", r.uploadId());
        root.put("size", r.size());
        root.put("mtime", r.mtime().toString());
        root.put("sha256", r.sha256());
        root.put("part_size", r.partSize());
        root.put("created_at", r.createdAt().toString());
        ArrayNode parts = root.putArray("parts");
        for (UploadRecord.Part p : r.parts().values()) {
            parts.addObject().put("number", p.number()).put("etag", p.etag()).put("sha256", p.sha256()).put("size", p.size());
        }
        String id = keyFor(r.bucket(), r.key());
        try {
            store.save(id, root);
        } catch (IOException e) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, "cannot write the multipart resume record "
                    + FOLDER + "/" + id + ".json in the state folder: " + e + " (check that the state folder is writable)",
                    null, e);
        }
    }

    void delete(String bucket, String key) {
        store.delete(keyFor(bucket, key));
    }

    /** The record, or empty (and the record removed) when it is not one this code can resume. */
    private Optional<UploadRecord> parse(String id, JsonNode n) {
        try {
            if (n.path("version").asInt() != VERSION) {
                throw new IllegalArgumentException("unknown version " + n.path("version"));
            }
            TreeMap<Integer, UploadRecord.Part> parts = new TreeMap<>();
            for (JsonNode p : n.path("parts")) {
                UploadRecord.Part part = new UploadRecord.Part(p.path("number").asInt(), text(p, "etag"), text(p, "sha256"),
                        p.path("size").asLong());
                parts.put(part.number(), part);
            }
            return Optional.of(new UploadRecord(text(n, "bucket"), text(n, "key"), text(n, "upload_id"),
                    n.path("size").asLong(), Instant.parse(text(n, "mtime")), text(n, "sha256"), n.path("part_size").asLong(),
                    Instant.parse(text(n, "created_at")), parts));
        } catch (RuntimeException e) {
            // A damaged record only costs a fresh upload; the orphaned upload is left to the bucket's lifecycle rule.
            LOG.warn("s3.multipart.state_damaged record={} error={}", id, e.toString());
            if (id != null) {
                store.delete(id);
            }
            return Optional.empty();
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field " + field + " missing");
        }
        return v.asText();
    }
}
