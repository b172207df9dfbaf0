package io.cloudsync.core.internal.manifest2;

import io.cloudsync.CloudSyncException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestChecksum;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A manifest whose entries live in a {@link ChunkFolder} as format-2 entry chunks, cut exactly as
 * {@link Format2#encode} cuts them: only the chunk refs are in memory, and iterating reads one chunk
 * at a time. The streaming form of a {@link Manifest}: the engine plans, executes and commits over
 * these so that no run holds every entry of a large tree at once. Because chunks are content-addressed
 * and cut by content, the chunks a scan writes are the very chunks a commit puts on the remote and
 * the cache keeps, and a chunk unchanged since the last run is neither rewritten nor uploaded.
 *
 * <p>Immutable; iterators are not thread-safe, the instance is. The chunk files must stay in the
 * folder while it is iterated (the manifest cache keeps what its current root names and what the
 * running sync wrote; see {@link ChunkFolder#keepOnly}).
 */
public final class Chunked implements Iterable<ManifestEntry> {

    private final ChunkFolder folder;
    private final String name;
    private final String root;
    private final Instant createdAt;
    private final List<Format2.ChunkRef> refs;
    private final String checksum;
    private final long entries;
    private final long bytes;
    /** The latest mtime of its entries when known (written by this process), else null. */
    private final Instant newestMtime;
    /** The chunks read last, by index, shared by its copies: what a {@link Writer} may reuse. */
    private final Recent recent;
    /** Whether its entries are known to be sorted and to add up to its checksum (see {@link #checked()}). */
    private final boolean checked;

    private Chunked(ChunkFolder folder, String name, String root, Instant createdAt, List<Format2.ChunkRef> refs,
                    String checksum, long entries, long bytes, Instant newestMtime, boolean checked) {
        this(folder, name, root, createdAt, refs, checksum, entries, bytes, newestMtime, new Recent(), checked);
    }

    private Chunked(ChunkFolder folder, String name, String root, Instant createdAt, List<Format2.ChunkRef> refs,
                    String checksum, long entries, long bytes, Instant newestMtime, Recent recent, boolean checked) {
        this.recent = recent;
        this.checked = checked;
        this.folder = Objects.requireNonNull(folder, "folder");
        this.name = Objects.requireNonNull(name, "name");
        this.root = Objects.requireNonNull(root, "root");
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.refs = List.copyOf(refs);
        this.checksum = checksum;
        this.entries = entries;
        this.bytes = bytes;
        this.newestMtime = newestMtime;
    }

    /**
     * Writes a manifest's chunks into a folder (those it holds already are not rewritten).
     *
     * @param m the manifest
     * @param folder where its chunks go
     * @return the chunked form
     * @throws CloudSyncException when a chunk cannot be written
     */
    public static Chunked of(Manifest m, ChunkFolder folder) {
        Writer w = writer(folder);
        m.entries().forEach(w::add);
        return w.finish(m.name(), m.root(), m.createdAt());
    }

    /**
     * The chunked form of a format-2 root whose chunk refs were read from its index parts; its
     * entry chunks are read from {@code folder} when iterated.
     *
     * @param root the root
     * @param refs its entry chunks, in order
     * @param folder where they are
     * @return the chunked form; its entries are checked against the root as they are iterated
     */
    public static Chunked of(Format2.Root root, List<Format2.ChunkRef> refs, ChunkFolder folder) {
        return new Chunked(folder, root.name(), root.root(), root.createdAt(), refs, root.checksum(), root.entries(),
                root.bytes(), null, false);
    }

    /**
     * A writer of sorted entries into {@code folder}.
     *
     * @param folder where the chunks go
     * @return the writer
     */
    public static Writer writer(ChunkFolder folder) {
        return new Writer(folder);
    }

    /** @return the manifest's name */
    public String name() {
        return name;
    }

    /** @return the root its entries are relative to */
    public String root() {
        return root;
    }

    /** @return when it was made */
    public Instant createdAt() {
        return createdAt;
    }

    /** @return the format-1 manifest checksum of its entries */
    public String checksum() {
        return checksum;
    }

    /** @return how many entries it holds */
    public long entries() {
        return entries;
    }

    /** @return the sum of the entries' sizes */
    public long bytes() {
        return bytes;
    }

    /** @return whether it holds no entry */
    public boolean isEmpty() {
        return entries == 0;
    }

    /** @return its entry chunks, in order */
    public List<Format2.ChunkRef> refs() {
        return refs;
    }

    /**
     * The latest mtime among its entries, when known without reading them: for a manifest written
     * by a {@link Writer} of this process, not for one read from a root.
     *
     * @return the time; empty when unknown or there are no entries
     */
    public java.util.Optional<Instant> newestMtime() {
        return java.util.Optional.ofNullable(newestMtime);
    }

    /** @return the folder its chunks are in */
    public ChunkFolder folder() {
        return folder;
    }

    /**
     * The same entries under another name, root or time.
     *
     * @param newName the name
     * @param newRoot the root
     * @param newCreatedAt the time
     * @return the copy; it shares the chunks
     */
    public Chunked with(String newName, String newRoot, Instant newCreatedAt) {
        return new Chunked(folder, newName, newRoot, newCreatedAt, refs, checksum, entries, bytes, newestMtime, recent,
                checked);
    }

    /**
     * The same manifest, known to be sorted and to add up to its count, size and checksum: its
     * iterator then checks each chunk against its name and ref only, not every entry against the
     * running checksum. For a manifest whose entries were checked in a whole pass already, or whose
     * root the cache holds (its chunks were checked when this machine committed or read them); a
     * manifest a {@link Writer} made is checked from the start.
     *
     * @return the copy; it shares the chunks and what was read of them
     */
    public Chunked checked() {
        return checked ? this : new Chunked(folder, name, root, createdAt, refs, checksum, entries, bytes, newestMtime,
                recent, true);
    }

    /**
     * The names of its entry chunks.
     *
     * @return SHA-256 names, in order
     */
    public Set<String> chunkNames() {
        Set<String> names = new LinkedHashSet<>();
        refs.forEach(r -> names.add(r.sha256()));
        return names;
    }

    /**
     * Whether another chunked manifest holds exactly the same entries (path, size, mtime, sha256):
     * equal chunk names mean equal entries, so nothing is read.
     *
     * @param other the other
     * @return true when the entries are equal
     */
    public boolean sameEntries(Chunked other) {
        if (refs.size() != other.refs.size()) {
            return false;
        }
        for (int i = 0; i < refs.size(); i++) {
            if (!refs.get(i).sha256().equals(other.refs.get(i).sha256())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads every entry into a {@link Manifest}: for small trees and the in-memory API only.
     *
     * @return the manifest
     */
    public Manifest toManifest() {
        List<ManifestEntry> all = new ArrayList<>((int) Math.min(entries, 1 << 20));
        forEach(all::add);
        return new Manifest(name, root, createdAt, all, checksum);
    }

    /**
     * The entries in path order, one chunk in memory at a time. Each chunk is checked against its
     * name and ref, and the order across chunks; at the end the count, the total size and the
     * checksum are checked against this manifest's (not for a {@link #checked()} manifest: there
     * the chunks are checked against their refs only).
     *
     * @return the iterator; it throws {@link ManifestFormatException} when a chunk is missing or
     *     damaged, or the entries do not match
     */
    @Override
    public Iterator<ManifestEntry> iterator() {
        Run run = new Run(0, refs.size());
        if (checked) {
            return run;
        }
        ManifestChecksum sum = new ManifestChecksum("manifest \"" + name + '"');
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (run.hasNext()) {
                    return true;
                }
                if (sum.entries() != entries || sum.bytes() != bytes || !sum.hex().equals(checksum)) {
                    throw new ManifestFormatException("manifest \"" + name + "\" in " + folder.directory()
                            + " holds " + sum.entries() + " entries of " + sum.bytes() + " bytes with checksum "
                            + sum.hex() + ", but says " + entries + " entries of " + bytes + " bytes with checksum "
                            + checksum);
                }
                return false;
            }

            @Override
            public ManifestEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ManifestEntry e = run.next();
                try {
                    sum.add(e);
                } catch (IllegalArgumentException x) {
                    throw new ManifestFormatException("manifest \"" + name + "\" in " + folder.directory() + ": "
                            + x.getMessage());
                }
                return e;
            }
        };
    }

    /**
     * The entries of chunks {@code from} (inclusive) to {@code to} (exclusive), in path order, one
     * chunk in memory at a time. Each chunk is checked against its name and ref as in
     * {@link #iterator()}; the manifest's totals and checksum are not (only a whole pass can).
     *
     * @param from the first chunk's index
     * @param to the index after the last
     * @return the iterator; it throws {@link ManifestFormatException} when a chunk is missing or damaged
     */
    public Iterator<ManifestEntry> iterator(int from, int to) {
        Objects.checkFromToIndex(from, to, refs.size());
        return new Run(from, to);
    }

    /** The entries of a run of chunks, each chunk read and checked when reached. */
    private final class Run implements Iterator<ManifestEntry> {
        private final int to;
        private int chunk;
        private List<ManifestEntry> current = List.of();
        private int at;

        Run(int from, int to) {
            this.chunk = from;
            this.to = to;
        }

        @Override
        public boolean hasNext() {
            while (at >= current.size()) {
                if (chunk >= to) {
                    return false;
                }
                current = load(chunk++);
                at = 0;
            }
            return true;
        }

        @Override
        public ManifestEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.get(at++);
        }
    }

    /**
     * A finder of entries by path, for lookups that come roughly in path order (such as a run
     * journal's records): a binary search over the chunk refs, then within the chunk, keeping the
     * last few chunks it read. Not thread-safe; one per use.
     *
     * @return the finder
     */
    public Lookup lookup() {
        return new Lookup();
    }

    /** See {@link #lookup()}. */
    public final class Lookup {
        private static final int KEEP = 4;
        private final java.util.LinkedHashMap<Integer, List<ManifestEntry>> read = new java.util.LinkedHashMap<>(8, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<Integer, List<ManifestEntry>> eldest) {
                return size() > KEEP;
            }
        };

        private Lookup() {
        }

        /**
         * The entry at a path.
         *
         * @param path a manifest path
         * @return the entry, or empty when the manifest names no such path
         * @throws ManifestFormatException when the chunk that would hold it is missing or damaged
         */
        public java.util.Optional<ManifestEntry> find(String path) {
            int lo = 0;
            int hi = refs.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                Format2.ChunkRef ref = refs.get(mid);
                if (io.cloudsync.PathRules.compare(path, ref.first()) < 0) {
                    hi = mid - 1;
                } else if (io.cloudsync.PathRules.compare(path, ref.last()) > 0) {
                    lo = mid + 1;
                } else {
                    List<ManifestEntry> run = read.computeIfAbsent(mid, Chunked.this::load);
                    int i = java.util.Collections.binarySearch(run, null,
                            (e, ignored) -> io.cloudsync.PathRules.compare(e.path(), path));
                    return i >= 0 ? java.util.Optional.of(run.get(i)) : java.util.Optional.empty();
                }
            }
            return java.util.Optional.empty();
        }
    }

    private List<ManifestEntry> load(int index) {
        Format2.ChunkRef ref = refs.get(index);
        String where = "entry chunk #" + index + " of manifest \"" + name + "\" (" + folder.directory().resolve(ref.sha256())
                + ')';
        byte[] stored = folder.get(ref.sha256()).orElseThrow(() -> new ManifestFormatException(where
                + " is missing or damaged in the local chunk folder; run the command again (a sync reads it from the"
                + " remote again)"));
        if (stored.length != ref.size()) {
            throw new ManifestFormatException(where + " has " + stored.length + " bytes, its ref says " + ref.size());
        }
        List<ManifestEntry> run = Format2.entryLines(stored, where);
        long sum = 0;
        for (ManifestEntry e : run) {
            sum += e.size();
        }
        if (run.size() != ref.entries() || sum != ref.bytes() || !run.get(0).path().equals(ref.first())
                || !run.get(run.size() - 1).path().equals(ref.last())) {
            throw new ManifestFormatException(where + " holds " + run.size() + " entries of " + sum
                    + " bytes from \"" + run.get(0).path() + "\" to \"" + run.get(run.size() - 1).path()
                    + "\", but its ref says " + ref.entries() + " entries of " + ref.bytes() + " bytes from \""
                    + ref.first() + "\" to \"" + ref.last() + '"');
        }
        recent.put(index, run);
        return run;
    }

    /**
     * The index of the chunk that holds exactly these entries, when it was read lately (so its
     * entries are at hand to compare): a writer of the same entries then reuses it instead of
     * encoding, compressing and hashing them again.
     */
    private int holding(List<ManifestEntry> run, long runBytes) {
        String first = run.get(0).path();
        int lo = 0;
        int hi = refs.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int order = io.cloudsync.PathRules.compare(refs.get(mid).first(), first);
            if (order < 0) {
                lo = mid + 1;
            } else if (order > 0) {
                hi = mid - 1;
            } else {
                Format2.ChunkRef ref = refs.get(mid);
                if (ref.entries() != run.size() || ref.bytes() != runBytes
                        || !ref.last().equals(run.get(run.size() - 1).path())) {
                    return -1;
                }
                List<ManifestEntry> read = recent.get(mid);
                return read != null && read.equals(run) ? mid : -1;
            }
        }
        return -1;
    }

    /** The last few chunks read, by index (a few thousand entries at most). Thread-safe. */
    private static final class Recent {
        private static final int KEEP = 8;
        private final java.util.LinkedHashMap<Integer, List<ManifestEntry>> read = new java.util.LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<Integer, List<ManifestEntry>> eldest) {
                return size() > KEEP;
            }
        };

        synchronized void put(int index, List<ManifestEntry> run) {
            read.put(index, run);
        }

        synchronized List<ManifestEntry> get(int index) {
            return read.get(index);
        }
    }

    /**
     * A short description without the entries.
     *
     * @return name, entry count, chunk count and checksum
     */
    @Override
    public String toString() {
        return "Chunked[name=" + name + ", entries=" + entries + ", chunks=" + refs.size() + ", checksum=" + checksum + ']';
    }

    /**
     * Writes sorted entries into chunk files as they come, cut by {@link Chunker#ENTRIES}: memory
     * holds one chunk's entries and the refs. Not thread-safe.
     */
    public static final class Writer {
        private final ChunkFolder folder;
        private final List<Format2.ChunkRef> refs = new ArrayList<>();
        private final List<ManifestEntry> run = new ArrayList<>(Chunker.ENTRIES.max());
        private final ManifestChecksum sum = new ManifestChecksum("manifest");
        private Instant newest;
        private boolean finished;
        private long runBytes;
        private volatile Chunked template;
        private long reused;

        private Writer(ChunkFolder folder) {
            this.folder = Objects.requireNonNull(folder, "folder");
        }

        /**
         * Lets the writer reuse the chunks of a manifest in the same folder that is being read
         * alongside (a scan's hash cache, the input of a filter): where the entries it is given
         * form exactly a chunk of {@code t} read lately, that chunk's ref is taken as it is,
         * without encoding, compressing and hashing the entries again. The chunks are the same
         * either way (cut by content) and hold the same entries; this only saves the work. May be called from another
         * thread, at any time.
         *
         * @param t the manifest; ignored when its chunks are in another folder
         * @return this writer
         */
        public Writer reusing(Chunked t) {
            if (t.folder.directory().equals(folder.directory())) {
                template = t;
            }
            return this;
        }

        /** @return how many chunks were reused rather than written (see {@link #reusing}) */
        public long reused() {
            return reused;
        }

        /**
         * Adds the next entry.
         *
         * @param e an entry whose path sorts after the last one added
         * @return this writer
         * @throws IllegalArgumentException when the entry is out of order or repeats a path
         * @throws CloudSyncException when a chunk cannot be written
         */
        public Writer add(ManifestEntry e) {
            if (finished) {
                throw new IllegalStateException("the writer has finished");
            }
            sum.add(e); // checks the order
            run.add(e);
            runBytes += e.size();
            if (newest == null || e.mtime().isAfter(newest)) {
                newest = e.mtime();
            }
            if (Chunker.ENTRIES.ends(run.size(), e.path())) {
                cut();
            }
            return this;
        }

        /**
         * The path of the last entry added.
         *
         * @return the path, or null before the first
         */
        public String lastPath() {
            return sum.lastPath();
        }

        /**
         * Writes the last chunk.
         *
         * @param name the manifest's name
         * @param root its root
         * @param createdAt its time
         * @return the chunked manifest
         */
        public Chunked finish(String name, String root, Instant createdAt) {
            if (!finished) {
                if (!run.isEmpty()) {
                    cut();
                }
                finished = true;
            }
            return new Chunked(folder, name, root, createdAt, refs, sum.hex(), sum.entries(), sum.bytes(), newest, true);
        }

        private void cut() {
            Chunked t = template;
            int same = t == null ? -1 : t.holding(run, runBytes);
            runBytes = 0;
            if (same >= 0) {
                refs.add(t.refs.get(same));
                reused++;
                run.clear();
                return;
            }
            Format2.StoredChunk c = Format2.entryChunkOf(List.copyOf(run));
            try {
                folder.put(c.stored().sha256(), c.stored().bytes());
            } catch (IOException e) {
                throw new CloudSyncException("cannot write a manifest chunk into " + folder.directory() + ": " + e
                        + "; check that the state folder is writable and the disk is not full", e);
            }
            refs.add(c.ref());
            run.clear();
        }
    }
}
