package io.cloudsync.provider.s3.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Digests;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.support.AtomicFiles;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * each written atomically and durably through {@link AtomicFiles} after every acknowledged part.
 */
final class UploadStateStore {

    private static final Logger LOG = LoggerFactory.getLogger(UploadStateStore.class);
    private static final int VERSION = 1;

    private final Path dir;

    UploadStateStore(Path stateDirectory) {
        this.dir = stateDirectory.resolve("s3-multipart");
    }

    Path fileFor(String bucket, String key) {
        var digest = Digests.sha256();
        digest.update(bucket.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(key.getBytes(StandardCharsets.UTF_8));
        return dir.resolve(Digests.hex(digest.digest()) + ".json");
    }

    Optional<UploadRecord> load(String bucket, String key) {
        return read(fileFor(bucket, key)).filter(r -> r.bucket().equals(bucket) && r.key().equals(key));
    }

    List<UploadRecord> all() {
        List<UploadRecord> records = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return records;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                read(f).ifPresent(records::add);
            }
        } catch (IOException e) {
            LOG.warn("s3.multipart.state_unreadable dir={} error={}", dir, e.toString());
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
        Path file = fileFor(r.bucket(), r.key());
        try {
            AtomicFiles.write(file, Json.mapper().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, "cannot write the multipart resume record "
                    + file + ": " + e + " (check that the state folder is writable)", null, e);
        }
    }

    void delete(String bucket, String key) {
        Path file = fileFor(bucket, key);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("s3.multipart.state_delete_failed file={} error={}", file, e.toString());
        }
    }

    private Optional<UploadRecord> read(Path file) {
        try {
            JsonNode n = Json.mapper().readTree(Files.readAllBytes(file));
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
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // A damaged record only costs a fresh upload; the orphaned upload is left to the bucket's lifecycle rule.
            LOG.warn("s3.multipart.state_damaged file={} error={}", file, e.toString());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // reported above
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
