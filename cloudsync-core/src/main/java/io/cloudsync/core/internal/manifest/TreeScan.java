package io.cloudsync.core.internal.manifest;

import io.cloudsync.CloudSyncException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestChecksum;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.ManifestJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@link ManifestBuilder#scan()} or {@link ManifestBuilder#scanTo}: a walk in manifest
 * order, streamed through the hash cache and parallel hashing to a sink, in bounded memory. See
 * ManifestBuilder for the rules.
 *
 * <p>Memory does not grow with the tree: folders are listed one at a time in manifest order (by
 * walker threads at most {@value #AHEAD_FOLDERS} folders or {@value #AHEAD_ENTRIES} names ahead of
 * the consumer), and at most {@value #WINDOW} files are between the walk and the sink, being
 * reconciled with the previous entries or hashed. What stays is the report: paths left out or
 * unreadable, which grow with the problems found, not with the tree.
 */
public final class TreeScan {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestBuilder.class);

    /** Files at most between the walk and the sink (hashed or waiting to be handed over). */
    static final int WINDOW = 1024;
    /** Files at most walked before the previous entries are awaited, while they are still on their way. */
    static final int EARLY = 16_384;
    /** Folders at most listed by walker threads and not yet taken by the consumer. */
    static final int AHEAD_FOLDERS = 64;
    /** Names at most in folders listed ahead; one folder larger than this is still listed whole. */
    static final int AHEAD_ENTRIES = 8_192;

    /** A regular file found by the walk, with the attributes it had then. */
    private record Candidate(Path file, String raw, String path, long size, Instant mtime, Object fileKey) {
        Candidate with(BasicFileAttributes a) {
            return new Candidate(file, raw, path, a.size(), a.lastModifiedTime().toInstant(), a.fileKey());
        }
    }

    private final Path givenRoot;
    private final String name;
    private final List<String> includes;
    private final List<Glob> excludes;
    private final List<Path> excludedPaths;
    private Future<Optional<Manifest>> pendingManifest;
    private Future<Optional<ManifestBuilder.Previous>> pendingPrevious;
    private ManifestBuilder.Previous previous;
    private boolean previousAwaited;
    private Instant racyFrom;
    private final Duration racyWindow;
    private final int maxAttempts;
    private final int parallelism;
    private final Clock clock;
    private final BiConsumer<Path, Integer> afterHash;

    private Path root;
    private final Set<Path> excludedReal = new HashSet<>();
    private final ConcurrentLinkedQueue<String> skipped = new ConcurrentLinkedQueue<>();
    /** What is left out but not unreadable; each is also in {@link #skipped}. */
    private final ConcurrentLinkedQueue<ManifestBuilder.Skipped> leftOut = new ConcurrentLinkedQueue<>();
    /** Paths (NFC) whose content the scan could not establish; each stands for itself and everything under it. */
    private final ConcurrentLinkedQueue<ManifestBuilder.Unreadable> unreadable = new ConcurrentLinkedQueue<>();
    private final List<String> warnings = new ArrayList<>();
    private final AtomicInteger invalidNames = new AtomicInteger();
    private final List<String> missing = new ArrayList<>();
    private final AtomicLong hashed = new AtomicLong();
    private long reused;

    /**
     * Captures the settings of a builder.
     *
     * @param root the root
     * @param name the manifest name
     * @param includes relative include paths, "" for the root; empty for the whole root
     * @param excludes exclude patterns
     * @param excludedPaths excluded folders
     * @param pendingPrevious the previous manifest (the hash cache), perhaps still being fetched, awaited
     *     once the first files are found (up to {@value #EARLY} while it is not there yet), before any is
     *     hashed; null for none
     * @param racyWindow see ManifestBuilder.RACY_WINDOW
     * @param maxAttempts see ManifestBuilder.MAX_ATTEMPTS
     * @param parallelism walking and hashing threads
     * @param clock stamps createdAt
     * @param afterHash test hook
     */
    public TreeScan(Path root, String name, List<String> includes, List<Glob> excludes, List<Path> excludedPaths,
                    Future<Optional<Manifest>> pendingPrevious, Duration racyWindow,
                    int maxAttempts, int parallelism, Clock clock, BiConsumer<Path, Integer> afterHash) {
        this.givenRoot = root;
        this.name = name;
        this.includes = List.copyOf(includes);
        this.excludes = List.copyOf(excludes);
        this.excludedPaths = List.copyOf(excludedPaths);
        this.pendingManifest = pendingPrevious;
        this.racyWindow = racyWindow;
        this.maxAttempts = maxAttempts;
        this.parallelism = parallelism;
        this.clock = clock;
        this.afterHash = afterHash;
    }

    /**
     * Sets the hash cache as entries asked for one by one, in place of the constructor's manifest.
     *
     * @param pending the previous entries, perhaps still being prepared, awaited as the constructor's
     *     manifest is; null for none
     * @return this
     */
    public TreeScan previousEntries(Future<Optional<ManifestBuilder.Previous>> pending) {
        this.pendingPrevious = pending;
        this.pendingManifest = null;
        return this;
    }

    /**
     * Runs the scan into one manifest: {@link #stream} into a list.
     *
     * @return the result
     */
    public ManifestBuilder.Result run() {
        List<ManifestEntry> list = new ArrayList<>();
        ManifestBuilder.Report r = stream(list::add);
        // list is sorted already (streamed in order); the constructor checks the order and the checksum
        Manifest manifest = new Manifest(name, r.root(), r.createdAt(), list, r.checksum());
        return new ManifestBuilder.Result(manifest, r.skipped(), r.missingIncludes(), r.filesHashed(), r.filesReused(),
                r.unreadable(), r.warnings(), r.invalidNames(), r.leftOut());
    }

    /**
     * Runs the scan, handing each entry to {@code sink} as soon as it and every entry before it are
     * known: in manifest order, strictly increasing, from the calling thread.
     *
     * @param sink receives the entries
     * @return everything the scan found besides its entries
     */
    public ManifestBuilder.Report stream(Consumer<ManifestEntry> sink) {
        long started = System.nanoTime();
        Instant createdAt = clock.instant();
        try {
            root = givenRoot.toRealPath();
        } catch (IOException e) {
            throw new CloudSyncException("cannot scan " + givenRoot + ": it does not exist or cannot be read (" + e + ')', e);
        }
        if (!Files.isDirectory(root)) {
            throw new CloudSyncException("cannot scan " + givenRoot + ": it is not a folder");
        }
        for (Path p : excludedPaths) {
            Path abs = p.toAbsolutePath().normalize();
            try {
                abs = abs.toRealPath();
            } catch (IOException e) {
                // does not exist (yet): compare its plain absolute form
            }
            excludedReal.add(abs);
        }
        if (sink instanceof ManifestBuilder.Sink told) {
            told.started(root.toString(), createdAt);
        }
        ManifestChecksum checksum = new ManifestChecksum("manifest \"" + name + '"');
        try (Walk walk = new Walk(); Pipeline pipeline = new Pipeline(e -> {
            checksum.add(e);
            sink.accept(e);
        })) {
            Iterator<Candidate> candidates = new Dedupe(walk.start());
            // Walk a first window, and on while the previous entries are still on their way (up to a
            // bound), so that fetching them overlaps the walk.
            List<Candidate> early = new ArrayList<>();
            while ((early.size() < WINDOW || !previousReady()) && early.size() < EARLY && candidates.hasNext()) {
                early.add(candidates.next());
            }
            awaitPrevious();
            early.forEach(pipeline::add);
            early.clear();
            while (candidates.hasNext()) {
                pipeline.add(candidates.next());
            }
            pipeline.finish();
        }
        List<String> report = new ArrayList<>(new HashSet<>(skipped));
        report.sort(PathRules.ORDER);
        List<ManifestBuilder.Unreadable> unread = minimal(unreadable);
        long ms = (System.nanoTime() - started) / 1_000_000;
        LOG.info("sync.manifest scanned root={} files={} hashed={} reused={} skipped={} unreadable={} invalid_names={}"
                        + " missing_includes={} ms={}",
                root, checksum.entries(), hashed.get(), reused, report.size(), unread.size(), invalidNames.get(),
                missing.size(), ms);
        unread.forEach(u -> LOG.warn("sync.manifest unreadable path={}: {}", u.path().isEmpty() ? "." : u.path(), u.reason()));
        warnings.forEach(w -> LOG.warn("sync.manifest {}", w));
        if (LOG.isDebugEnabled()) {
            report.forEach(s -> LOG.debug("sync.manifest skipped {}", s));
        }
        List<ManifestBuilder.Skipped> named = new ArrayList<>(new HashSet<>(leftOut));
        named.sort(Comparator.comparing(ManifestBuilder.Skipped::path, PathRules.ORDER));
        return new ManifestBuilder.Report(root.toString(), createdAt, checksum.entries(), checksum.bytes(), checksum.hex(),
                report, missing, hashed.get(), reused, unread, warnings, invalidNames.get(), named);
    }

    private boolean previousReady() {
        Future<?> pending = pendingManifest != null ? pendingManifest : pendingPrevious;
        return pending == null || pending.isDone();
    }

    /** Awaits the previous entries, once, before the first file is reconciled with them. */
    private void awaitPrevious() {
        if (previousAwaited) {
            return;
        }
        previousAwaited = true;
        if (pendingManifest != null) {
            previous = await(pendingManifest).map(ManifestBuilder.Previous::of).orElse(null);
        } else if (pendingPrevious != null) {
            previous = await(pendingPrevious).orElse(null);
        }
        racyFrom = previous == null ? null : previous.createdAt().minus(racyWindow);
    }

    private <T> Optional<T> await(Future<Optional<T>> reading) {
        try {
            return Objects.requireNonNull(reading.get(), "the pending previous manifest");
        } catch (InterruptedException e) {
            reading.cancel(true);
            Thread.currentThread().interrupt();
            throw new CloudSyncException("manifest scan of " + root + " was interrupted", e);
        } catch (ExecutionException e) {
            throw unexpected(e.getCause());
        }
    }

    /**
     * The previous entry of a candidate when it may keep its sha256 (same size and mtime, and not
     * racily clean), else null. Candidates come in strictly increasing path order, as Previous wants.
     */
    private ManifestEntry reusable(Candidate c) {
        if (previous == null) {
            return null;
        }
        ManifestEntry cached = previous.at(c.path()).orElse(null);
        if (cached != null && cached.size() == c.size() && cached.mtime().equals(c.mtime())
                // racily clean when not before racyFrom: it may have changed within the same tick
                && c.mtime().isBefore(racyFrom)) {
            return cached; // same path, size and mtime: the very same entry
        }
        return null;
    }

    /**
     * Between the walk and the sink: each candidate gets its previous entry or is hashed (on
     * {@code parallelism} threads), and the entries leave in the candidates' order. At most
     * {@value #WINDOW} candidates are in flight; the oldest is waited for when the window is full.
     */
    private final class Pipeline implements AutoCloseable {
        private final Consumer<ManifestEntry> out;
        /** Entries in order, each done or being hashed; a null entry is a file left out. */
        private final ArrayDeque<Future<ManifestEntry>> window = new ArrayDeque<>();
        private ExecutorService hashers;

        Pipeline(Consumer<ManifestEntry> out) {
            this.out = out;
        }

        void add(Candidate c) {
            ManifestEntry cached = reusable(c);
            if (cached != null) {
                reused++;
                window.add(CompletableFuture.completedFuture(cached));
            } else if (parallelism == 1) {
                window.add(CompletableFuture.completedFuture(hashOne(c))); // in the caller's thread
            } else {
                window.add(hashers().submit(() -> hashOne(c)));
            }
            while (!window.isEmpty() && (window.size() >= WINDOW || window.peekFirst().isDone())) {
                emit(window.pollFirst());
            }
        }

        void finish() {
            while (!window.isEmpty()) {
                emit(window.pollFirst());
            }
        }

        private void emit(Future<ManifestEntry> next) {
            ManifestEntry e;
            try {
                e = next.get();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new CloudSyncException("manifest scan of " + root + " was interrupted", ex);
            } catch (ExecutionException ex) {
                throw unexpected(ex.getCause());
            }
            if (e != null) {
                out.accept(e);
            }
        }

        private ExecutorService hashers() {
            if (hashers == null) {
                hashers = Executors.newFixedThreadPool(parallelism, threads("cloudsync-hash-"));
            }
            return hashers;
        }

        @Override
        public void close() {
            if (hashers != null) {
                hashers.shutdownNow();
            }
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * The walk: the include paths, each a sorted stream of candidates, merged into one. Folders are
     * listed when the consumer reaches them, or before by walker threads, in the order the consumer
     * will want them (a listed folder's sub-folders go to the front of the queue), never more than
     * {@value #AHEAD_FOLDERS} folders or {@value #AHEAD_ENTRIES} names ahead.
     */
    private final class Walk implements AutoCloseable {
        private final Object lock = new Object();
        /** Folders to list ahead, the next one wanted first; guarded by lock. */
        private final ArrayDeque<Folder> queue = new ArrayDeque<>();
        /** Folders listed (or being listed) by walkers and not yet taken; guarded by lock. */
        private int aheadFolders;
        /** Names in those folders; guarded by lock. */
        private long aheadEntries;
        private ExecutorService walkers;

        Iterator<Candidate> start() {
            List<String> starts = includes.isEmpty() ? List.of("") : includes;
            List<Iterator<Candidate>> sources = new ArrayList<>();
            List<Folder> folders = new ArrayList<>();
            for (String include : starts) {
                Path start = include.isEmpty() ? root : root.resolve(include);
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(start, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    missing.add(include);
                    continue;
                } catch (IOException e) {
                    if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
                        missing.add(include);
                    } else {
                        failed(start, include, e);
                    }
                    continue;
                }
                if (!attrs.isDirectory()) {
                    Candidate file;
                    if (ManifestBuilder.SECRET_FILES.contains(nfc(include)) && attrs.isRegularFile()) {
                        // named explicitly: the user asked for it, so record it, but say what it is
                        warnings.add(include + ": the encrypted vault (or its lock) is mirrored because an include path"
                                + " names it; it goes to the remote and into backups like any other file");
                        file = candidate(start, include, nfc(include), attrs);
                    } else {
                        file = visitFile(start, include, attrs);
                    }
                    if (file != null) {
                        sources.add(List.of(file).iterator());
                    }
                    continue;
                }
                if (excludedFolder(start, nfc(include))) {
                    continue;
                }
                Folder folder = new Folder(this, start, include);
                folders.add(folder);
                sources.add(new FolderIterator(folder));
            }
            if (parallelism > 1 && !folders.isEmpty()) {
                walkers = Executors.newFixedThreadPool(parallelism, threads("cloudsync-walk-"));
                schedule(folders);
                for (int i = 0; i < parallelism; i++) {
                    walkers.execute(this::listAhead);
                }
            }
            if (sources.size() == 1) {
                return sources.get(0);
            }
            return new Merge(sources);
        }

        /** Queues folders to list ahead, before anything queued so far, in their order. */
        void schedule(List<Folder> next) {
            if (walkers == null || next.isEmpty()) {
                return;
            }
            synchronized (lock) {
                for (int i = next.size() - 1; i >= 0; i--) {
                    queue.addFirst(next.get(i));
                }
                lock.notifyAll();
            }
        }

        /** A walker thread: lists queued folders while the look-ahead allows. */
        private void listAhead() {
            try {
                while (true) {
                    Folder f;
                    synchronized (lock) {
                        while (queue.isEmpty() || aheadFolders >= AHEAD_FOLDERS || aheadEntries >= AHEAD_ENTRIES) {
                            lock.wait();
                        }
                        f = queue.pollFirst();
                        if (!f.claim()) {
                            continue; // the consumer listed it itself
                        }
                        aheadFolders++;
                        f.ahead = true;
                    }
                    f.list();
                }
            } catch (InterruptedException e) {
                // the scan is over (or failed): stop
            }
        }

        /** A walker listed {@code names} names ahead. */
        void listed(int names) {
            synchronized (lock) {
                aheadEntries += names;
            }
        }

        /** The consumer took a folder a walker listed. */
        void taken(int names) {
            synchronized (lock) {
                aheadFolders--;
                aheadEntries -= names;
                lock.notifyAll();
            }
        }

        @Override
        public void close() {
            if (walkers != null) {
                walkers.shutdownNow();
            }
        }
    }

    /**
     * One folder to list: by a walker ahead of time or by the consumer when it gets there, whoever
     * claims it first. The listing is handed over once and then dropped, so a folder left in the
     * queue holds no names.
     */
    private final class Folder {
        private final Walk walk;
        private final Path dir;
        private final String raw;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CountDownLatch done = new CountDownLatch(1);
        /** Set by the walker that claimed it, before it lists it. */
        private volatile boolean ahead;
        private List<Child> children;
        private int names;
        private Throwable failure;

        Folder(Walk walk, Path dir, String raw) {
            this.walk = walk;
            this.dir = dir;
            this.raw = raw;
        }

        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        /** Lists it (once claimed), publishing the children or the failure. */
        void list() {
            try {
                List<Child> found = children();
                names = found.size();
                children = found;
                if (ahead) {
                    walk.listed(names);
                }
            } catch (RuntimeException | Error e) {
                failure = e;
            } finally {
                done.countDown();
            }
        }

        /** The children, sorted; listed here unless a walker has them or is at it. */
        List<Child> take() {
            if (claim()) {
                list();
            } else {
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CloudSyncException("manifest scan of " + root + " was interrupted", e);
                }
                if (ahead) {
                    walk.taken(names);
                }
            }
            if (failure != null) {
                throw unexpected(failure);
            }
            List<Child> out = children;
            children = null;
            return out;
        }

        /**
         * Lists the folder: one lstat per entry ({@link Files#readAttributes} without following links,
         * so a link is seen as a link), files recorded, sub-folders queued to be listed ahead. Relative
         * paths are built by appending names, never by relativising a full path.
         *
         * <p>The children are sorted by their NFC name, a folder's name with a {@code /} appended,
         * which puts every file of a sub-folder exactly where the UTF-8 order of whole paths puts it.
         * (A name and a {@code name/…} path first differ within the key; a name that is a prefix of
         * another sorts first either way.) So the walk comes out in manifest order, folder by folder,
         * without ever sorting all paths.
         */
        private List<Child> children() {
            List<Child> out = new ArrayList<>();
            List<Folder> subs = new ArrayList<>();
            String prefix = raw.isEmpty() ? "" : raw + '/';
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                for (Path child : stream) {
                    String childName = child.getFileName().toString();
                    String childRaw = prefix + childName;
                    if (invalidUtf8(childName, child)) {
                        invalidNames.incrementAndGet();
                        leftOut(prefix + escapedName(rawName(child)), "name is not valid UTF-8, so it cannot"
                                + " be stored under its own name; left out (rename it to sync it)");
                        continue;
                    }
                    BasicFileAttributes attrs;
                    try {
                        attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException e) {
                        failed(child, childRaw, e);
                        continue;
                    }
                    if (attrs.isDirectory()) {
                        if (!excludedFolder(child, nfc(childRaw))) {
                            Folder sub = new Folder(walk, child, childRaw);
                            out.add(new Child(nfc(childName) + '/', childName, null, sub));
                        }
                    } else {
                        Candidate file = visitFile(child, childRaw, attrs);
                        if (file != null) {
                            out.add(new Child(nfc(childName), childName, file, null));
                        }
                    }
                }
            } catch (DirectoryIteratorException e) {
                unreadable(raw, "folder could not be listed completely (" + e.getCause() + ')');
            } catch (IOException e) {
                failed(dir, raw, e);
                return new ArrayList<>();
            }
            out.sort(CHILD_ORDER);
            for (Child c : out) {
                if (c.folder() != null) {
                    subs.add(c.folder());
                }
            }
            walk.schedule(subs);
            return out;
        }
    }

    /** A file found ({@code file}) or a sub-folder to walk ({@code folder}), with its sort key. */
    private record Child(String key, String name, Candidate file, Folder folder) {
    }

    private static final Comparator<Child> CHILD_ORDER = (a, b) -> {
        int order = PathRules.compare(a.key(), b.key());
        return order != 0 ? order : a.name().compareTo(b.name());
    };

    /**
     * The files of a folder and of everything under it, in manifest order. Sub-folders whose names
     * are one once normalised (NFC twins) hold files of the same paths: they are walked as one, merged.
     */
    private final class FolderIterator implements Iterator<Candidate> {
        private Folder folder;
        private Child[] children;
        private int i;
        private Iterator<Candidate> sub;
        private Candidate next;

        FolderIterator(Folder folder) {
            this.folder = folder;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (children == null) {
                children = folder.take().toArray(new Child[0]);
                folder = null;
            }
            while (true) {
                if (sub != null) {
                    if (sub.hasNext()) {
                        next = sub.next();
                        return true;
                    }
                    sub = null;
                }
                if (i >= children.length) {
                    return false;
                }
                Child c = children[i];
                children[i++] = null; // consumed: let it go
                if (c.file() != null) {
                    next = c.file();
                    return true;
                }
                if (i < children.length && children[i].folder() != null && children[i].key().equals(c.key())) {
                    List<Iterator<Candidate>> twins = new ArrayList<>();
                    twins.add(new FolderIterator(c.folder()));
                    while (i < children.length && children[i].folder() != null && children[i].key().equals(c.key())) {
                        twins.add(new FolderIterator(children[i].folder()));
                        children[i++] = null;
                    }
                    sub = new Merge(twins);
                } else {
                    sub = new FolderIterator(c.folder());
                }
            }
        }

        @Override
        public Candidate next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Candidate out = next;
            next = null;
            return out;
        }
    }

    private static final Comparator<Candidate> CANDIDATE_ORDER = (a, b) -> {
        int order = PathRules.compare(a.path(), b.path());
        return order != 0 ? order : a.raw().compareTo(b.raw());
    };

    /** Sorted streams merged into one sorted stream; equal candidates (one file seen twice) both come out. */
    private static final class Merge implements Iterator<Candidate> {
        private record Head(Candidate candidate, Iterator<Candidate> rest) {
        }

        private final List<Iterator<Candidate>> sources;
        private PriorityQueue<Head> heads;

        Merge(List<Iterator<Candidate>> sources) {
            this.sources = sources;
        }

        @Override
        public boolean hasNext() {
            if (heads == null) { // lazily: a source lists its folder when first asked
                heads = new PriorityQueue<>(Math.max(1, sources.size()), (a, b) -> CANDIDATE_ORDER.compare(a.candidate(), b.candidate()));
                for (Iterator<Candidate> s : sources) {
                    if (s.hasNext()) {
                        heads.add(new Head(s.next(), s));
                    }
                }
            }
            return !heads.isEmpty();
        }

        @Override
        public Candidate next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Head h = heads.poll();
            if (h.rest().hasNext()) {
                heads.add(new Head(h.rest().next(), h.rest()));
            }
            return h.candidate();
        }
    }

    /**
     * Drops a file seen twice (overlapping includes) and reports names equal only after NFC, both
     * sitting next to each other in the sorted stream.
     */
    private final class Dedupe implements Iterator<Candidate> {
        private final Iterator<Candidate> in;
        private Candidate look;
        private Candidate next;

        Dedupe(Iterator<Candidate> in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                Candidate first = look;
                look = null;
                if (first == null) {
                    if (!in.hasNext()) {
                        return false;
                    }
                    first = in.next();
                }
                boolean collides = false;
                while (in.hasNext()) {
                    Candidate c = in.next();
                    if (!c.path().equals(first.path())) {
                        look = c;
                        break;
                    }
                    if (!c.file().equals(first.file())) {
                        // same NFC path, different names on disk: never merge them
                        if (!collides) {
                            skipped.add(first.raw() + ": name differs from \"" + c.raw()
                                    + "\" only by Unicode normalisation (NFC/NFD); rename one of them");
                            // neither can be recorded, so the remote keeps what it has under that path
                            unreadable.add(new ManifestBuilder.Unreadable(first.path(), "two files have this name once"
                                    + " normalised to NFC (\"" + first.raw() + "\" and \"" + c.raw() + "\"); rename one of them"));
                            collides = true;
                        }
                        skipped.add(c.raw() + ": name differs from \"" + first.raw()
                                + "\" only by Unicode normalisation (NFC/NFD); rename one of them");
                    }
                }
                if (!collides) {
                    next = first;
                }
            }
            return true;
        }

        @Override
        public Candidate next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Candidate out = next;
            next = null;
            return out;
        }
    }

    /**
     * The unreadable paths, sorted, without any that lies under another (a folder stands for
     * everything under it) and without duplicates.
     */
    private static List<ManifestBuilder.Unreadable> minimal(java.util.Collection<ManifestBuilder.Unreadable> all) {
        List<ManifestBuilder.Unreadable> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(ManifestBuilder.Unreadable::path, PathRules::compare));
        List<ManifestBuilder.Unreadable> out = new ArrayList<>();
        for (ManifestBuilder.Unreadable u : sorted) {
            if (out.isEmpty() || !out.get(out.size() - 1).covers(u.path())) {
                out.add(u);
            }
        }
        return out;
    }

    /** Reports {@code raw} as left out, though readable: the remote does not get it. */
    private void leftOut(String raw, String reason) {
        skipped.add(raw + ": " + reason);
        leftOut.add(new ManifestBuilder.Skipped(raw, reason));
    }

    /** Reports {@code raw} as left out and as unreadable, for the same reason. */
    private void unreadable(String raw, String reason) {
        skipped.add((raw.isEmpty() ? "." : raw) + ": " + reason);
        unreadable.add(new ManifestBuilder.Unreadable(nfc(raw), reason));
    }

    /**
     * Whether a name as the JDK decoded it stands for bytes that are not valid UTF-8: the decoder
     * put U+FFFD where they were, so the name would be stored, and restored, as another one.
     */
    private static boolean invalidUtf8(String name, Path child) {
        return name.indexOf('\uFFFD') >= 0 && !Arrays.equals(rawName(child), name.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes of a file name, as the file system holds them (the URI of a path encodes them as they are). */
    private static byte[] rawName(Path child) {
        String uri = child.toUri().getRawPath();
        if (uri.endsWith("/")) {
            uri = uri.substring(0, uri.length() - 1);
        }
        String last = uri.substring(uri.lastIndexOf('/') + 1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(last.length());
        for (int i = 0; i < last.length(); i++) {
            char c = last.charAt(i);
            if (c == '%' && i + 2 < last.length()) {
                out.write(Integer.parseInt(last.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c); // the URI form of a path is ASCII
            }
        }
        return out.toByteArray();
    }

    /**
     * A name with every byte that is not part of valid UTF-8 shown as a backslash, {@code x} and two
     * hex digits, and control characters as a backslash-u escape, so a report names the file
     * unambiguously.
     */
    static String escapedName(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length + 8);
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(bytes.length + 1);
        while (in.hasRemaining()) {
            java.nio.charset.CoderResult r = decoder.decode(in, chars, true);
            chars.flip();
            while (chars.hasRemaining()) {
                char c = chars.get();
                if (c < 0x20 || c == 0x7f) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            chars.clear();
            if (r.isError()) {
                for (int k = 0; k < r.length(); k++) {
                    out.append(String.format("\\x%02x", in.get() & 0xff));
                }
            } else if (r.isUnderflow()) {
                break;
            }
        }
        return out.toString();
    }

    /**
     * Starts reading a previous manifest from its file on a thread of its own.
     *
     * @param file the file
     * @return the manifest, empty when there is none or it cannot be used (logged)
     */
    public static Future<Optional<Manifest>> readInBackground(Path file) {
        FutureTask<Optional<Manifest>> task = new FutureTask<>(() -> Optional.ofNullable(readPrevious(file)));
        Thread reader = new Thread(task, "cloudsync-read-previous");
        reader.setDaemon(true);
        reader.start();
        return task;
    }

    /** The previous manifest in a file, or null when there is none or it cannot be used. */
    private static Manifest readPrevious(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return ManifestJson.read(file);
        } catch (CloudSyncException e) { // includes ManifestFormatException
            LOG.warn("sync.manifest previous_unusable file={}: {}; hashing every file instead", file, e.getMessage());
            return null;
        }
    }

    private boolean excludedFolder(Path dir, String nfc) {
        if (!excludedReal.isEmpty() && excludedReal.contains(dir)) {
            return true;
        }
        if (nfc.isEmpty()) {
            return false;
        }
        for (Glob g : excludes) {
            if (g.matchesFolder(nfc)) {
                return true;
            }
        }
        return false;
    }

    private boolean excludedFile(Path file, String nfc) {
        if (!excludedReal.isEmpty() && excludedReal.contains(file)) {
            return true;
        }
        for (Glob g : excludes) {
            if (g.matchesFile(nfc)) {
                return true;
            }
        }
        return false;
    }

    private static String nfc(String raw) {
        if (isAscii(raw)) {
            return raw; // ASCII text is always NFC, and far cheaper to check
        }
        return Normalizer.isNormalized(raw, Normalizer.Form.NFC) ? raw : Normalizer.normalize(raw, Normalizer.Form.NFC);
    }

    /** The candidate for a file the walk found, or null when it is excluded or left out (and reported). */
    private Candidate visitFile(Path file, String raw, BasicFileAttributes attrs) {
        String path = nfc(raw);
        if (excludedFile(file, path)) {
            return null;
        }
        if (attrs.isSymbolicLink()) {
            leftOut(raw, "symbolic link, not followed");
        } else if (!attrs.isRegularFile()) {
            leftOut(raw, "not a regular file (device, FIFO or socket)");
        } else {
            return candidate(file, raw, path, attrs);
        }
        return null;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private void failed(Path file, String raw, IOException exc) {
        if (!excludedFile(file, nfc(raw)) && !excludedFolder(file, nfc(raw))) {
            unreadable(raw, "cannot be read (" + exc + ')');
        }
    }

    private Candidate candidate(Path file, String raw, String path, BasicFileAttributes attrs) {
        try {
            PathRules.requireCanonical(path);
        } catch (IllegalArgumentException e) {
            leftOut(raw, "name cannot be recorded (" + e.getMessage() + ')');
            return null;
        }
        return new Candidate(file, raw, path, attrs.size(), attrs.lastModifiedTime().toInstant(), attrs.fileKey());
    }

    private RuntimeException unexpected(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new CloudSyncException("manifest scan of " + root + " failed: " + e, e);
    }

    /** Hashes one file until it holds still, or reports it; returns null when it is left out. */
    private ManifestEntry hashOne(Candidate first) {
        Candidate c = first;
        String raw = c.raw();
        hashed.incrementAndGet();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            FileHasher.Digest digest;
            BasicFileAttributes after;
            try {
                digest = FileHasher.hash(c.file());
                afterHash.accept(c.file(), attempt);
                after = Files.readAttributes(c.file(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                unreadable(raw, "disappeared during the scan");
                return null;
            } catch (IOException e) {
                unreadable(raw, "cannot be read (" + e + ')');
                return null;
            }
            if (!after.isRegularFile()) {
                unreadable(raw, "was replaced by something that is not a regular file during the scan");
                return null;
            }
            if (digest.bytes() == c.size() && after.size() == c.size()
                    && after.lastModifiedTime().toInstant().equals(c.mtime()) && Objects.equals(after.fileKey(), c.fileKey())) {
                return new ManifestEntry(c.path(), c.size(), c.mtime(), digest.sha256());
            }
            c = c.with(after);
        }
        LOG.warn("sync.manifest unstable path={} attempts={}: the file kept changing while it was hashed", raw, maxAttempts);
        skipped.add(raw + ": kept changing while it was hashed (" + maxAttempts + " attempts); left out, scan again when it is idle");
        unreadable.add(new ManifestBuilder.Unreadable(c.path(), "kept changing while it was hashed (" + maxAttempts + " attempts)"));
        return null;
    }
}
