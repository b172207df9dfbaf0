package io.cloudsync.provider.gdrive.internal;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.drive.model.File;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent creates. Drive answers a create now and then with an error although it stored the file
 * (a 503 or a timeout after the write, a rate limit on a request that went through); retried blindly,
 * such a create leaves a duplicate behind. So every create names its id, taken from
 * {@code files.generateIds} ahead of time, and the id is remembered until the create's answer
 * arrives: the retry first asks Drive for that id and takes the file an earlier attempt stored,
 * and a create that reaches Drive twice is refused with 409 instead of making a twin (Drive's
 * "Create and manage files" guide). Thread-safe.
 */
final class Creates {

    private static final Logger LOG = LoggerFactory.getLogger(Creates.class);
    /** Ids fetched per generateIds call: one call per hundred creates. */
    static final int BATCH = 100;

    /** A create sent with {@code id} whose answer has not arrived, for content {@code fingerprint}. */
    private record Pending(String id, String fingerprint) {
    }

    /** One create request, sent with the given id. */
    @FunctionalInterface
    interface Create {
        File run(String id) throws IOException;
    }

    private final DriveApi api;
    private final Deque<String> ids = new ArrayDeque<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    Creates(DriveApi api) {
        this.api = api;
    }

    /**
     * Creates a file or folder, or returns the one an earlier unanswered create of the same
     * {@code key} and {@code fingerprint} stored.
     *
     * @param key what is created, for example a parent id and a name
     * @param fingerprint the content (a sha256 and size, or a constant for folders)
     * @param create the request, given the id to use
     * @return the file
     * @throws IOException when Drive fails; the id is kept for the next attempt
     */
    File create(String key, String fingerprint, Create create) throws IOException {
        Optional<File> earlier = recover(key, fingerprint);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        Pending last = pending.get(key);
        String id = last != null && last.fingerprint.equals(fingerprint) ? last.id : nextId();
        Pending mine = new Pending(id, fingerprint);
        pending.put(key, mine);
        try {
            File created = create.run(id);
            pending.remove(key, mine);
            return created;
        } catch (GoogleJsonResponseException e) {
            if (e.getStatusCode() == 409) {
                // the id is taken: an earlier attempt with it went through after all
                File found = find(id);
                if (found != null && !Boolean.TRUE.equals(found.getTrashed())) {
                    pending.remove(key, mine);
                    LOG.info("gdrive.create.recovered id={} reason=conflict", id);
                    return found;
                }
                pending.remove(key, mine);
            }
            throw e;
        }
    }

    /**
     * The file an earlier create of {@code key} stored although its answer was lost, if it has this
     * {@code fingerprint}. One with other content (the source changed between the attempts) is
     * deleted: nobody was ever told of it.
     *
     * @param key what is created
     * @param fingerprint the content expected
     * @return the stored file, or empty when no unanswered create of {@code key} went through
     * @throws IOException when Drive cannot be asked
     */
    Optional<File> recover(String key, String fingerprint) throws IOException {
        Pending last = pending.get(key);
        if (last == null) {
            return Optional.empty();
        }
        File found = find(last.id);
        if (found == null) {
            return Optional.empty(); // never arrived: the next create reuses the id
        }
        pending.remove(key, last);
        if (Boolean.TRUE.equals(found.getTrashed())) {
            return Optional.empty();
        }
        if (last.fingerprint.equals(fingerprint)) {
            LOG.info("gdrive.create.recovered id={} reason=answer_lost", found.getId());
            return Optional.of(found);
        }
        LOG.info("gdrive.create.stale_removed id={} reason=content_changed_since_the_unanswered_create", found.getId());
        try {
            api.delete(found.getId());
        } catch (GoogleJsonResponseException e) {
            if (e.getStatusCode() != 404) {
                throw e;
            }
        }
        return Optional.empty();
    }

    private File find(String id) throws IOException {
        try {
            return api.get(id);
        } catch (GoogleJsonResponseException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    private synchronized String nextId() throws IOException {
        if (ids.isEmpty()) {
            ids.addAll(api.generateIds(BATCH));
            if (ids.isEmpty()) {
                throw new IOException("Google Drive's files.generateIds returned no ids");
            }
        }
        return ids.poll();
    }
}
