package io.cloudsync.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Small durable records, one JSON object per key, such as the resumable upload sessions a provider
 * continues after a restart. With a folder, each record is a file {@code <sha256 of the key>.json} in
 * it, owner-only, written through {@link AtomicFiles} (temp file, fsync, atomic move), so a crash
 * leaves the old record or the new, never a torn one. Without a folder the records live in memory for
 * the store's life. A record that cannot be read (damaged, truncated by a full disk) is reported,
 * removed and treated as absent: it only costs a fresh start of whatever it recorded.
 *
 * <p>Records may hold secrets (a session URI lets anyone holding it add bytes): the store never logs
 * their content, only file names and error types.
 *
 * <p>Thread-safe for distinct keys; callers serialise writes of one key.
 */
public final class StateStore {

    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

    private final @Nullable Path folder;
    private final Map<String, ObjectNode> memory = new ConcurrentHashMap<>();

    private StateStore(@Nullable Path folder) {
        this.folder = folder;
    }

    /**
     * A store of files in {@code folder}, created on the first save.
     *
     * @param folder where the records live
     * @return the store
     */
    public static StateStore inFolder(Path folder) {
        return new StateStore(folder.toAbsolutePath());
    }

    /**
     * A store in memory, for a provider opened without a state folder.
     *
     * @return the store
     */
    public static StateStore inMemory() {
        return new StateStore(null);
    }

    /**
     * The folder, when records are kept on disk.
     *
     * @return the folder, or empty for a store in memory
     */
    public Optional<Path> folder() {
        return Optional.ofNullable(folder);
    }

    /**
     * The key of a record made of several parts (for example a bucket and an object key), joined so
     * that no two different lists of parts give one key.
     *
     * @param parts the parts, none {@code null}
     * @return the key
     */
    public static String key(String... parts) {
        var digest = Digests.sha256();
        for (String part : parts) {
            digest.update(part.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return Digests.hex(digest.digest());
    }

    /**
     * Reads a record.
     *
     * @param key the record's key
     * @return the record, or empty when there is none or it could not be read (it is then removed)
     */
    public Optional<ObjectNode> load(String key) {
        if (folder == null) {
            ObjectNode node = memory.get(key);
            return Optional.ofNullable(node == null ? null : node.deepCopy());
        }
        return read(fileOf(key));
    }

    /**
     * Writes a record durably, replacing the previous one.
     *
     * @param key the record's key
     * @param record the record
     * @throws IOException when it cannot be written; the previous record is then unchanged
     */
    public void save(String key, ObjectNode record) throws IOException {
        if (folder == null) {
            memory.put(key, record.deepCopy());
            return;
        }
        byte[] bytes = Json.mapper().writeValueAsBytes(record);
        AtomicFiles.write(fileOf(key), out -> out.write(bytes), true);
    }

    /**
     * Removes a record; removing one that is not there succeeds. A failure is logged, not thrown: a
     * stale record is checked against what it describes before it is used.
     *
     * @param key the record's key
     */
    public void delete(String key) {
        memory.remove(key);
        if (folder != null) {
            Path file = fileOf(key);
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("state.delete_failed file={} error={}", file.getFileName(), e.getClass().getSimpleName());
            }
        }
    }

    /**
     * Every readable record, in no particular order (for sweeping abandoned work).
     *
     * @return the records
     */
    public List<ObjectNode> all() {
        if (folder == null) {
            List<ObjectNode> copies = new ArrayList<>();
            memory.values().forEach(n -> copies.add(n.deepCopy()));
            return copies;
        }
        List<ObjectNode> records = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return records;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
            for (Path f : files) {
                if (!AtomicFiles.isTempName(f.getFileName().toString())) {
                    read(f).ifPresent(records::add);
                }
            }
        } catch (IOException e) {
            LOG.warn("state.folder_unreadable folder={} error={}", folder, e.getClass().getSimpleName());
        }
        return records;
    }

    private Path fileOf(String key) {
        if (key.isEmpty() || key.contains("/") || key.contains("\\") || key.startsWith(".")) {
            throw new IllegalArgumentException("a state key must be a plain file name stem; use StateStore.key(...)");
        }
        Path dir = folder;
        if (dir == null) {
            throw new IllegalStateException("a state store in memory has no files; fileOf is for a store in a folder");
        }
        return dir.resolve(key + ".json");
    }

    private Optional<ObjectNode> read(Path file) {
        try {
            JsonNode node = Json.mapper().readTree(Files.readAllBytes(file));
            if (node instanceof ObjectNode o) {
                return Optional.of(o);
            }
            throw new IOException("not a JSON object");
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("state.damaged file={} error={} (removed; the work it recorded starts afresh)", file.getFileName(),
                    e.getClass().getSimpleName());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // reported above
            }
            return Optional.empty();
        }
    }
}
