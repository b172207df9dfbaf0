package io.cloudsync.core;

import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.core.internal.engine.Scope;
import io.cloudsync.core.internal.journal.Journal;
import io.cloudsync.core.internal.manifest2.ChunkFolder;
import io.cloudsync.core.internal.manifest2.Chunked;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The set operations of a sync run over sorted streams of entries ({@link Chunked}): each reads its
 * inputs once, in order, and writes its output chunk by chunk, so none holds more than a chunk of
 * entries. Where an operation changes nothing it returns its input itself. Stateless.
 */
final class EntryStreams {

    private EntryStreams() {
    }

    /** A manifest without entries, named, in {@code folder}. */
    static Chunked empty(ChunkFolder folder, String name) {
        return Chunked.writer(folder).finish(name, "", Instant.EPOCH);
    }

    /**
     * The entries of {@code in} that {@code keep} accepts.
     *
     * @return {@code in} itself when it keeps them all
     */
    static Chunked filter(Chunked in, Predicate<ManifestEntry> keep) {
        Chunked.Writer w = Chunked.writer(in.folder()).reusing(in);
        for (ManifestEntry e : in) {
            if (keep.test(e)) {
                w.add(e);
            }
        }
        Chunked out = w.finish(in.name(), in.root(), in.createdAt());
        return out.entries() == in.entries() ? in : out;
    }

    /**
     * Every entry of {@code first} and every entry of {@code second} whose path {@code first} lacks,
     * in order, under {@code first}'s name and root and the given time.
     *
     * @param second sorted entries
     */
    static Chunked union(Chunked first, Iterator<ManifestEntry> second, Instant createdAt) {
        Chunked.Writer w = Chunked.writer(first.folder()).reusing(first);
        Peek<ManifestEntry> a = new Peek<>(first.iterator());
        Peek<ManifestEntry> b = new Peek<>(second);
        while (a.has() || b.has()) {
            int order = !a.has() ? 1 : !b.has() ? -1 : PathRules.compare(a.peek().path(), b.peek().path());
            if (order <= 0) {
                w.add(a.next());
                if (order == 0) {
                    b.next();
                }
            } else {
                w.add(b.next());
            }
        }
        return w.finish(first.name(), first.root(), createdAt);
    }

    /**
     * The scanned entries plus the remote's under every path the scan could not read: those stay as
     * the remote has them, so an unreadable folder or file is never planned as a delete and the
     * committed manifest keeps claiming what is still there.
     */
    static Chunked keepUnreadable(Chunked local, Set<String> unreadable, Chunked remote) {
        if (unreadable.isEmpty() || remote.isEmpty()) {
            return local;
        }
        Iterator<ManifestEntry> covered = filtered(remote.iterator(), e -> LocalScan.coveredBy(unreadable, e.path()));
        if (!covered.hasNext()) {
            return local;
        }
        // A kept entry was hashed no later than the remote manifest was made; dating the result later
        // would let the next scan trust the digest of a file changed within the racy window of that
        // earlier hash (ManifestBuilder.RACY_WINDOW). The earlier time only makes it hash fresh files again.
        Instant createdAt = remote.createdAt().isBefore(local.createdAt()) ? remote.createdAt() : local.createdAt();
        Chunked out = union(local, covered, createdAt);
        return out.entries() == local.entries() ? local : out;
    }

    /** The entries in {@code scope}; {@code m} itself for the whole mirror. */
    static Chunked inside(Scope scope, Chunked m) {
        return scope.whole() ? m : filter(m, e -> scope.covers(e.path()));
    }

    /**
     * What the remote should hold after a narrowed run: {@code local}'s entries in scope, and
     * {@code remote}'s outside it, as they are; {@code local} itself for the whole mirror.
     *
     * <p>The result keeps the earlier of the two times when it keeps any remote entry: a manifest's
     * time tells the next scan which entries are racily clean ({@link ManifestBuilder#RACY_WINDOW}),
     * and an entry outside the scope was hashed no later than the remote manifest's time. Dating it
     * later would let the next scan trust the digest of a file changed within the racy window of
     * that earlier hash. Dating the scope's fresh entries earlier only makes the next scan read the
     * recently changed ones again.
     */
    static Chunked merge(Scope scope, Chunked local, Chunked remote) {
        if (scope.whole()) {
            return local;
        }
        Iterator<ManifestEntry> outside = filtered(remote.iterator(), e -> !scope.covers(e.path()));
        boolean keptRemote = outside.hasNext();
        Instant createdAt = keptRemote && remote.createdAt().isBefore(local.createdAt()) ? remote.createdAt() : local.createdAt();
        return union(inside(scope, local), outside, createdAt);
    }

    /**
     * The remote manifest plus every file the journal says the remote may hold that neither
     * manifest names, outside the unreadable paths (see SyncRun): the plan deletes them.
     */
    static Chunked withOrphans(Chunked remote, Chunked local, Path journalFile, Set<String> unreadable) {
        List<ManifestEntry> candidates = new ArrayList<>();
        for (Journal.Upload u : Journal.leftovers(journalFile)) {
            // a path the scan could not read is never deleted, not even what the journal says is left of it
            if (!LocalScan.coveredBy(unreadable, u.path())) {
                candidates.add(new ManifestEntry(u.path(), u.size(), Instant.EPOCH, u.sha256()));
            }
        }
        if (candidates.isEmpty()) {
            return remote;
        }
        candidates.sort((x, y) -> PathRules.compare(x.path(), y.path()));
        candidates = absentFrom(absentFrom(candidates, remote), local);
        if (candidates.isEmpty()) {
            return remote;
        }
        return union(remote, candidates.iterator(), remote.createdAt());
    }

    /** The sorted {@code candidates} whose path {@code m} does not name: one pass over both. */
    private static List<ManifestEntry> absentFrom(List<ManifestEntry> candidates, Chunked m) {
        if (candidates.isEmpty() || m.isEmpty()) {
            return candidates;
        }
        List<ManifestEntry> out = new ArrayList<>();
        Peek<ManifestEntry> it = new Peek<>(m.iterator());
        for (ManifestEntry c : candidates) {
            while (it.has() && PathRules.compare(it.peek().path(), c.path()) < 0) {
                it.next();
            }
            if (!it.has() || !it.peek().path().equals(c.path())) {
                out.add(c);
            }
        }
        while (it.has()) {
            it.next(); // read to the end, so that the manifest's checksum is checked
        }
        return out;
    }

    /**
     * A manifest as the hash cache of a streamed scan: a forward cursor over its entries, one chunk
     * in memory at a time, asked for in path order.
     */
    static ManifestBuilder.Previous previous(Chunked m) {
        Peek<ManifestEntry> it = new Peek<>(m.iterator());
        return new ManifestBuilder.Previous() {
            @Override
            public Instant createdAt() {
                return m.createdAt();
            }

            @Override
            public java.util.Optional<ManifestEntry> at(String path) {
                while (it.has()) {
                    ManifestEntry e = it.peek();
                    // equals first: in a rescan nearly every path is unchanged, and equals is much cheaper
                    if (e.path().equals(path)) {
                        return java.util.Optional.of(it.next());
                    }
                    if (PathRules.compare(e.path(), path) > 0) {
                        return java.util.Optional.empty();
                    }
                    it.next();
                }
                return java.util.Optional.empty();
            }
        };
    }

    /** The entries of {@code in} that {@code keep} accepts, lazily. */
    static Iterator<ManifestEntry> filtered(Iterator<ManifestEntry> in, Predicate<ManifestEntry> keep) {
        return new Iterator<>() {
            private ManifestEntry next = advance();

            private ManifestEntry advance() {
                while (in.hasNext()) {
                    ManifestEntry e = in.next();
                    if (keep.test(e)) {
                        return e;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public ManifestEntry next() {
                ManifestEntry e = next;
                if (e == null) {
                    throw new NoSuchElementException();
                }
                next = advance();
                return e;
            }
        };
    }

    /**
     * Two manifests less the chunks they share. Chunks are cut by content and named by their bytes,
     * so equal names hold equal entries, and after a change the two cuts meet again within a chunk
     * or two: between two shared chunks (or an end) each side covers the same range of paths, so
     * merging only the entries outside shared chunks plans exactly what merging every entry would,
     * less the files both hold alike. Only chunk refs are compared; nothing is read to make it.
     *
     * @param local one side
     * @param remote the other
     * @param shared how many entries the shared chunks hold (on each side)
     * @param ranges per differing stretch: local chunks {@code [0], [1])}, remote chunks {@code [2], [3])}
     */
    record Difference(Chunked local, Chunked remote, long shared, List<int[]> ranges) {

        static Difference of(Chunked local, Chunked remote) {
            List<io.cloudsync.core.internal.manifest2.Format2.ChunkRef> l = local.refs();
            List<io.cloudsync.core.internal.manifest2.Format2.ChunkRef> r = remote.refs();
            java.util.Map<String, Integer> remoteAt = new java.util.HashMap<>(r.size() * 2);
            for (int j = 0; j < r.size(); j++) {
                remoteAt.put(r.get(j).sha256(), j);
            }
            long shared = 0;
            List<int[]> ranges = new ArrayList<>();
            int i = 0;
            int j = 0;
            while (i < l.size() || j < r.size()) {
                if (i < l.size() && j < r.size() && l.get(i).sha256().equals(r.get(j).sha256())) {
                    shared += l.get(i).entries();
                    i++;
                    j++;
                    continue;
                }
                int li = i;
                int rj = r.size();
                for (; li < l.size(); li++) {
                    Integer at = remoteAt.get(l.get(li).sha256());
                    if (at != null && at >= j) {
                        rj = at;
                        break;
                    }
                }
                ranges.add(new int[] {i, li, j, rj});
                i = li;
                j = rj;
            }
            return new Difference(local, remote, shared, List.copyOf(ranges));
        }

        /** @return the local entries outside the shared chunks, in order */
        Iterator<ManifestEntry> localEntries() {
            return concat(local, 0, 1);
        }

        /** @return the remote entries outside the shared chunks, in order */
        Iterator<ManifestEntry> remoteEntries() {
            return concat(remote, 2, 3);
        }

        private Iterator<ManifestEntry> concat(Chunked m, int from, int to) {
            Iterator<int[]> stretches = ranges.iterator();
            return new Iterator<>() {
                private Iterator<ManifestEntry> current = java.util.Collections.emptyIterator();

                @Override
                public boolean hasNext() {
                    while (!current.hasNext() && stretches.hasNext()) {
                        int[] s = stretches.next();
                        current = m.iterator(s[from], s[to]);
                    }
                    return current.hasNext();
                }

                @Override
                public ManifestEntry next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return current.next();
                }
            };
        }

        /**
         * Hands every remote entry to {@code visit}, in order, with the local entry at its path:
         * itself for an entry of a shared chunk, the local one or null in a differing stretch.
         * Reads every remote chunk and the local chunks of the differing stretches only.
         */
        void eachRemote(java.util.function.BiConsumer<ManifestEntry, ManifestEntry> visit) {
            int at = 0;
            for (int[] s : ranges) {
                remote.iterator(at, s[2]).forEachRemaining(r -> visit.accept(r, r));
                Peek<ManifestEntry> l = new Peek<>(local.iterator(s[0], s[1]));
                remote.iterator(s[2], s[3]).forEachRemaining(r -> {
                    while (l.has() && PathRules.compare(l.peek().path(), r.path()) < 0) {
                        l.next();
                    }
                    visit.accept(r, l.has() && l.peek().path().equals(r.path()) ? l.peek() : null);
                });
                at = s[3];
            }
            remote.iterator(at, remote.refs().size()).forEachRemaining(r -> visit.accept(r, r));
        }

        /**
         * Plans the two sides from their differing stretches only (see {@link Planner#plan(Iterator,
         * Iterator, PlanSink)}; the shared entries count as skipped, and are not handed to the sink).
         */
        PlanSummary plan(PlanSink sink) {
            return Planner.planDifference(localEntries(), local.checksum(), local.entries(), remoteEntries(),
                    remote.checksum(), remote.entries(), shared, sink);
        }
    }

    /** An iterator whose next element can be looked at first. */
    static final class Peek<T> {
        private final Iterator<T> it;
        private T head;

        Peek(Iterator<T> it) {
            this.it = it;
            this.head = it.hasNext() ? it.next() : null;
        }

        boolean has() {
            return head != null;
        }

        T peek() {
            if (head == null) {
                throw new NoSuchElementException();
            }
            return head;
        }

        T next() {
            T h = peek();
            head = it.hasNext() ? it.next() : null;
            return h;
        }
    }

}
