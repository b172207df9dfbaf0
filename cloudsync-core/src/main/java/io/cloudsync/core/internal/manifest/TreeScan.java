package io.cloudsync.core.internal.manifest;

import io.cloudsync.CloudSyncException;
import io.cloudsync.Manifest;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of {@link ManifestBuilder#scan()}: walk, then hash in parallel. See ManifestBuilder for the rules. */
public final class TreeScan {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestBuilder.class);

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
    private final Future<Optional<Manifest>> pendingPrevious;
    private Manifest previous;
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
    private final List<Candidate> found = new ArrayList<>();
    private volatile boolean mayCollide;
    private final AtomicLong hashed = new AtomicLong();

    /**
     * Captures the settings of a builder.
     *
     * @param root the root
     * @param name the manifest name
     * @param includes relative include paths, "" for the root; empty for the whole root
     * @param excludes exclude patterns
     * @param excludedPaths excluded folders
     * @param pendingPrevious the previous manifest (the hash cache), perhaps still being fetched, awaited
     *     after the walk; null for none
     * @param racyWindow see ManifestBuilder.RACY_WINDOW
     * @param maxAttempts see ManifestBuilder.MAX_ATTEMPTS
     * @param parallelism hashing threads
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
        this.pendingPrevious = pendingPrevious;
        this.racyWindow = racyWindow;
        this.maxAttempts = maxAttempts;
        this.parallelism = parallelism;
        this.clock = clock;
        this.afterHash = afterHash;
    }

    /**
     * Runs the scan.
     *
     * @return the result
     */
    public ManifestBuilder.Result run() {
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
        walkAll();
        if (pendingPrevious != null) {
            previous = await(pendingPrevious).orElse(null);
        }
        // One order for everything after the walk: by manifest path (the manifest's order), then by
        // the name on disk (NFC twins). Each walk returns its files in this order already, so this
        // costs one comparison per file, unless several include paths were walked.
        found.sort(CANDIDATE_ORDER);
        List<Candidate> candidates = mayCollide || includes.size() > 1 ? dedupe(found) : found;
        ManifestEntry[] entries = new ManifestEntry[candidates.size()];
        List<Integer> toHash = new ArrayList<>();
        long reused = reuse(candidates, entries, toHash);
        hashAll(candidates, toHash, entries);
        List<ManifestEntry> list = new ArrayList<>(entries.length);
        for (ManifestEntry e : entries) {
            if (e != null) {
                list.add(e);
            }
        }
        // list is sorted already (candidates are); the constructor checks the order and the checksum
        Manifest manifest = new Manifest(name, root.toString(), createdAt, list, checksum(list));
        List<String> report = new ArrayList<>(new HashSet<>(skipped));
        report.sort(PathRules.ORDER);
        List<ManifestBuilder.Unreadable> unread = minimal(unreadable);
        long ms = (System.nanoTime() - started) / 1_000_000;
        LOG.info("sync.manifest scanned root={} files={} hashed={} reused={} skipped={} unreadable={} invalid_names={}"
                        + " missing_includes={} ms={}",
                root, list.size(), hashed.get(), reused, report.size(), unread.size(), invalidNames.get(), missing.size(), ms);
        unread.forEach(u -> LOG.warn("sync.manifest unreadable path={}: {}", u.path().isEmpty() ? "." : u.path(), u.reason()));
        warnings.forEach(w -> LOG.warn("sync.manifest {}", w));
        if (LOG.isDebugEnabled()) {
            report.forEach(s -> LOG.debug("sync.manifest skipped {}", s));
        }
        List<ManifestBuilder.Skipped> named = new ArrayList<>(new HashSet<>(leftOut));
        named.sort(Comparator.comparing(ManifestBuilder.Skipped::path, PathRules.ORDER));
        return new ManifestBuilder.Result(manifest, report, missing, hashed.get(), reused, unread, warnings,
                invalidNames.get(), named);
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
     * The checksum of the new entries: the previous manifest's when they are its very entries (an
     * unchanged tree), so that a rescan computes it only once, in the constructor that checks it.
     */
    private String checksum(List<ManifestEntry> entries) {
        if (previous != null && previous.entries().size() == entries.size()) {
            List<ManifestEntry> before = previous.entries();
            boolean same = true;
            for (int i = 0; i < entries.size() && same; i++) {
                same = entries.get(i) == before.get(i);
            }
            if (same) {
                return previous.checksum();
            }
        }
        return Manifest.checksumOf(entries);
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

    private Optional<Manifest> await(Future<Optional<Manifest>> reading) {
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

    private void walkAll() {
        List<String> starts = includes.isEmpty() ? List.of("") : includes;
        ForkJoinPool pool = null;
        try {
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
                        found.add(file);
                    }
                    continue;
                }
                if (excludedFolder(start, nfc(include))) {
                    continue;
                }
                if (parallelism == 1) {
                    found.addAll(new WalkFolder(start, include).compute());
                } else {
                    if (pool == null) {
                        pool = new ForkJoinPool(parallelism, WALKERS, null, false);
                    }
                    found.addAll(pool.invoke(new WalkFolder(start, include)));
                }
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private static final ForkJoinPool.ForkJoinWorkerThreadFactory WALKERS = pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("cloudsync-walk-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    };

    /**
     * Lists one folder: one lstat per entry ({@link Files#readAttributes} without following links,
     * so a link is seen as a link), files recorded, sub-folders forked as their own tasks. Relative
     * paths are built by appending names, never by relativising a full path.
     *
     * <p>Returns its files in manifest order, so that the final sort finds the list sorted already:
     * the children of a folder are sorted by their NFC name, a folder's name with a {@code /}
     * appended, which puts every file of a sub-folder exactly where the UTF-8 order of whole paths
     * puts it. (A name and a {@code name/…} path first differ within the key; a name that is a
     * prefix of another sorts first either way.) Sorting a hundred names per folder costs far less
     * than sorting every path, whose long shared prefixes make each comparison long.
     */
    private final class WalkFolder extends RecursiveTask<List<Candidate>> {
        private static final long serialVersionUID = 1L;
        private final transient Path dir;
        private final String raw;

        WalkFolder(Path dir, String raw) {
            this.dir = dir;
            this.raw = raw;
        }

        /** A file found ({@code file}) or a sub-folder to walk ({@code folder}), with its sort key. */
        private record Child(String key, String name, Candidate file, WalkFolder folder) {
        }

        private static final Comparator<Child> CHILD_ORDER = (a, b) -> {
            int order = PathRules.compare(a.key(), b.key());
            return order != 0 ? order : a.name().compareTo(b.name());
        };

        @Override
        protected List<Candidate> compute() {
            List<Child> children = new ArrayList<>();
            List<WalkFolder> subs = new ArrayList<>();
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
                            WalkFolder sub = new WalkFolder(child, childRaw);
                            subs.add(sub);
                            children.add(new Child(nfc(childName) + '/', childName, null, sub));
                        }
                    } else {
                        Candidate file = visitFile(child, childRaw, attrs);
                        if (file != null) {
                            children.add(new Child(nfc(childName), childName, file, null));
                        }
                    }
                }
            } catch (DirectoryIteratorException e) {
                unreadable(raw, "folder could not be listed completely (" + e.getCause() + ')');
            } catch (IOException e) {
                failed(dir, raw, e);
                return new ArrayList<>();
            }
            children.sort(CHILD_ORDER);
            if (!subs.isEmpty()) {
                if (getPool() == null) { // parallelism 1: in the caller's thread
                    subs.forEach(WalkFolder::invoke);
                } else {
                    invokeAll(subs);
                }
            }
            List<Candidate> out = new ArrayList<>(children.size());
            for (Child c : children) {
                if (c.file() != null) {
                    out.add(c.file());
                } else {
                    out.addAll(c.folder().join());
                }
            }
            return out;
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
        if (!raw.equals(path)) {
            mayCollide = true; // volatile: written by walker threads, read after they are joined
        }
        return new Candidate(file, raw, path, attrs.size(), attrs.lastModifiedTime().toInstant(), attrs.fileKey());
    }

    private static final Comparator<Candidate> CANDIDATE_ORDER = (a, b) -> {
        int order = PathRules.compare(a.path(), b.path());
        return order != 0 ? order : a.raw().compareTo(b.raw());
    };

    /**
     * Drops a file seen twice (overlapping includes) and reports names equal only after NFC.
     * Candidates are sorted by path, so both kinds sit next to each other.
     */
    private List<Candidate> dedupe(List<Candidate> sorted) {
        List<Candidate> out = new ArrayList<>(sorted.size());
        int i = 0;
        while (i < sorted.size()) {
            Candidate first = sorted.get(i);
            int j = i + 1;
            boolean collides = false;
            while (j < sorted.size() && sorted.get(j).path().equals(first.path())) {
                Candidate c = sorted.get(j);
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
                j++;
            }
            if (!collides) {
                out.add(first);
            }
            i = j;
        }
        return out;
    }

    /**
     * Fills {@code entries[i]} with the previous entry of every candidate that may keep its sha256,
     * and lists the others in {@code toHash}: one merge pass, both lists being sorted by path.
     */
    private long reuse(List<Candidate> candidates, ManifestEntry[] entries, List<Integer> toHash) {
        List<ManifestEntry> before = previous == null ? List.of() : previous.entries();
        Instant racyFrom = previous == null ? null : previous.createdAt().minus(racyWindow);
        long reused = 0;
        int k = 0;
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            ManifestEntry cached = null;
            while (k < before.size()) {
                String path = before.get(k).path();
                // equals first: in a rescan nearly every path is unchanged, and equals is much cheaper
                if (path.equals(c.path())) {
                    cached = before.get(k);
                    break;
                }
                if (PathRules.compare(path, c.path()) > 0) {
                    break;
                }
                k++;
            }
            if (cached != null && cached.size() == c.size() && cached.mtime().equals(c.mtime())
                    // racily clean when not before racyFrom: it may have changed within the same tick
                    && c.mtime().isBefore(racyFrom)) {
                entries[i] = cached; // same path, size and mtime: the very same entry
                reused++;
            } else {
                toHash.add(i);
            }
        }
        return reused;
    }

    private void hashAll(List<Candidate> candidates, List<Integer> toHash, ManifestEntry[] entries) {
        if (toHash.isEmpty()) {
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Callable<Void> worker = () -> {
            int k;
            while ((k = next.getAndIncrement()) < toHash.size()) {
                int index = toHash.get(k);
                entries[index] = hashOne(candidates.get(index));
            }
            return null;
        };
        int threads = Math.min(parallelism, toHash.size());
        if (threads == 1) {
            try {
                worker.call();
            } catch (Exception e) {
                throw unexpected(e);
            }
            return;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cloudsync-hash-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(worker));
            }
            for (Future<Void> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudSyncException("manifest scan of " + root + " was interrupted", e);
        } catch (ExecutionException e) {
            throw unexpected(e.getCause());
        } finally {
            pool.shutdownNow();
        }
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
