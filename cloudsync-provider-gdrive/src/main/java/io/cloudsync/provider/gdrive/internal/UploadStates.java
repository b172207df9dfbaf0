package io.cloudsync.provider.gdrive.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.support.Json;
import io.cloudsync.support.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable sessions in progress, kept under {@code <state>/uploads/gdrive/} (one small JSON file
 * per snapshot and path, owner-only, written atomically) so that a restarted process continues an
 * interrupted upload. A state belongs to one version of a file: size, mtime and sha256 must match,
 * or the upload starts over; so must the file it updates (none for a new file). Without a state folder
 * the states live in memory for the provider's life.
 * The session URI lets anyone holding it add bytes, so it never appears in a log or a message.
 */
final class UploadStates {

    private static final Logger LOG = LoggerFactory.getLogger(UploadStates.class);

    /**
     * One session.
     *
     * @param sessionUri the resumable session URI
     * @param offset bytes Drive confirmed
     * @param targetId the file the session updates in place, or {@code null} when it creates one
     */
    record State(String sessionUri, long offset, String targetId) {
    }

    private final StateStore store;

    UploadStates(Optional<Path> stateDirectory) {
        this.store = stateDirectory.map(d -> StateStore.inFolder(d.resolve("uploads").resolve("gdrive")))
                .orElseGet(StateStore::inMemory);
    }

    Optional<State> load(String snapshot, ManifestEntry entry, String targetId) {
        ObjectNode node = store.load(key(snapshot, entry.path())).orElse(null);
        if (node == null) {
            return Optional.empty();
        }
        boolean same = node.path("size").asLong(-1) == entry.size()
                && entry.mtime().toString().equals(node.path("mtime").asText())
                && entry.sha256().equals(node.path("sha256").asText())
                && node.hasNonNull("session_uri");
        if (!same) {
            LOG.info("gdrive.upload.restart path={} reason=file_changed", entry.path());
            clear(snapshot, entry.path());
            return Optional.empty();
        }
        String savedTarget = node.hasNonNull("target_id") ? node.get("target_id").asText() : null;
        if (!java.util.Objects.equals(savedTarget, targetId)) {
            LOG.info("gdrive.upload.restart path={} reason=target_changed", entry.path());
            clear(snapshot, entry.path());
            return Optional.empty();
        }
        return Optional.of(new State(node.get("session_uri").asText(), node.path("offset").asLong(0), savedTarget));
    }

    void save(String snapshot, ManifestEntry entry, State state) throws IOException {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("snapshot", snapshot);
        node.put("path", entry.path());
        node.put("size", entry.size());
        node.put("mtime", entry.mtime().toString());
        node.put("sha256", entry.sha256());
        node.put("session_uri", state.sessionUri());
        node.put("offset", state.offset());
        if (state.targetId() != null) {
            node.put("target_id", state.targetId());
        }
        store.save(key(snapshot, entry.path()), node);
    }

    void clear(String snapshot, String path) {
        store.delete(key(snapshot, path));
    }

    private static String key(String snapshot, String path) {
        return Digests.hex(Digests.sha256().digest((snapshot + '\0' + path).getBytes(StandardCharsets.UTF_8)));
    }
}
