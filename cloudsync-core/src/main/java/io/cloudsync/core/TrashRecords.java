package io.cloudsync.core;

import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.core.internal.journal.Journal;
import io.cloudsync.core.internal.manifest2.Chunked;
import io.cloudsync.core.internal.trash.Trash;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run's trash record says, made from the manifests: the state before the run (the committed
 * manifest it started from, plus what the journal says an interrupted earlier run had withdrawn from
 * it to overwrite or delete) against the manifest it commits. One pass over the stretches where the two
 * differ; memory grows with the change, not with the tree.
 */
final class TrashRecords {

    private final Chunked stored;
    private final List<ManifestEntry> released;
    private final Map<String, ManifestEntry> releasedByPath = new HashMap<>();

    /**
     * The state before a run.
     *
     * @param stored the committed manifest the run read (empty when the remote had none)
     * @param journalFile the run's journal
     */
    TrashRecords(Chunked stored, Path journalFile) {
        this.stored = stored;
        List<ManifestEntry> r = new ArrayList<>();
        Chunked.Lookup lookup = stored.lookup();
        for (Journal.Upload u : Journal.released(journalFile)) {
            if (lookup.find(u.path()).isEmpty()) {
                ManifestEntry e = new ManifestEntry(u.path(), u.size(), Instant.EPOCH, u.sha256());
                r.add(e);
                releasedByPath.put(u.path(), e);
            }
        }
        this.released = r;
    }

    /**
     * The remote's entry at a path before the run, for keeping it before it is overwritten. Not
     * thread-safe by itself: the caller gets one per thread from {@link #lookups()}.
     *
     * @return a function from path to entry, or {@code null} when the remote held nothing there
     */
    java.util.function.Function<String, ManifestEntry> lookups() {
        ThreadLocal<Chunked.Lookup> perThread = ThreadLocal.withInitial(stored::lookup);
        return path -> {
            ManifestEntry r = releasedByPath.get(path);
            return r != null ? r : perThread.get().find(path).orElse(null);
        };
    }

    /**
     * The record of a run that commits {@code committed}.
     *
     * @param snapshot the snapshot
     * @param committed the manifest the run commits
     * @param time the record's time
     * @return the record, or empty when the run changes no path's content
     */
    Optional<Trash.Record> recordOf(String snapshot, Chunked committed, Instant time) {
        Chunked before = released.isEmpty() ? stored : EntryStreams.union(stored, released.iterator(), stored.createdAt());
        if (before.isEmpty()) {
            return committed.isEmpty() ? Optional.empty()
                    : Optional.of(new Trash.Record(snapshot, time, before.checksum(), committed.checksum(), List.of(), true));
        }
        List<Trash.Change> changes = new ArrayList<>();
        EntryStreams.Difference d = EntryStreams.Difference.of(committed, before);
        EntryStreams.Peek<ManifestEntry> after = new EntryStreams.Peek<>(d.localEntries());
        EntryStreams.Peek<ManifestEntry> was = new EntryStreams.Peek<>(d.remoteEntries());
        while (after.has() || was.has()) {
            int order = !after.has() ? 1 : !was.has() ? -1 : PathRules.compare(after.peek().path(), was.peek().path());
            if (order < 0) {
                changes.add(new Trash.Change(after.next().path(), Optional.empty(), false));
            } else if (order > 0) {
                ManifestEntry gone = was.next();
                changes.add(new Trash.Change(gone.path(), Optional.of(gone), true));
            } else {
                ManifestEntry now = after.next();
                ManifestEntry old = was.next();
                if (now.size() != old.size() || !now.sha256().equals(old.sha256())) {
                    changes.add(new Trash.Change(now.path(), Optional.of(old), false));
                }
            }
        }
        return changes.isEmpty() ? Optional.empty()
                : Optional.of(new Trash.Record(snapshot, time, before.checksum(), committed.checksum(), changes, false));
    }
}
