package io.cloudsync.core.internal.manifest;

import io.cloudsync.CloudSyncException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.core.ManifestBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of {@link ManifestBuilder#scan()}: walk, then hash in parallel. See ManifestBuilder for the rules. */
public final class TreeScan {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestBuilder.class);

    /** A regular file found by the walk, with the attributes it had then. */
    private record Candidate(Path file, String path, long size, Instant mtime, Object fileKey) {
        Candidate with(BasicFileAttributes a) {
            return new Candidate(file, path, a.size(), a.lastModifiedTime().toInstant(), a.fileKey());
        }
    }

    private final Path givenRoot;
    private final String name;
    private final List<String> includes;
    private final List<Glob> excludes;
    private final List<Path> excludedPaths;
    private final Manifest previous;
    private final Duration racyWindow;
    private final int maxAttempts;
    private final int parallelism;
    private final Clock clock;
    private final BiConsumer<Path, Integer> afterHash;

    private Path root;
    private final Set<Path> excludedReal = new HashSet<>();
    private final ConcurrentLinkedQueue<String> skipped = new ConcurrentLinkedQueue<>();
    private final List<String> missing = new ArrayList<>();
    private final List<Candidate> found = new ArrayList<>();
    private boolean mayCollide;
    private final Set<String> collisions = new HashSet<>();
    private final AtomicLong hashed = new AtomicLong();

    /**
     * Captures the settings of a builder.
     *
     * @param root the root
     * @param name the manifest name
     * @param includes relative include paths, "" for the root; empty for the whole root
     * @param excludes exclude patterns
     * @param excludedPaths excluded folders
     * @param previous the previous manifest or null
     * @param racyWindow see ManifestBuilder.RACY_WINDOW
     * @param maxAttempts see ManifestBuilder.MAX_ATTEMPTS
     * @param parallelism hashing threads
     * @param clock stamps createdAt
     * @param afterHash test hook
     */
    public TreeScan(Path root, String name, List<String> includes, List<Glob> excludes, List<Path> excludedPaths,
                    Manifest previous, Duration racyWindow, int maxAttempts, int parallelism, Clock clock,
                    BiConsumer<Path, Integer> afterHash) {
        this.givenRoot = root;
        this.name = name;
        this.includes = List.copyOf(includes);
        this.excludes = List.copyOf(excludes);
        this.excludedPaths = List.copyOf(excludedPaths);
        this.previous = previous;
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
        List<Candidate> candidates = mayCollide || includes.size() > 1 ? dedupe(found) : found;
        ManifestEntry[] entries = new ManifestEntry[candidates.size()];
        List<Integer> toHash = new ArrayList<>();
        long reused = 0;
        for (int i = 0; i < candidates.size(); i++) {
            ManifestEntry cached = reusable(candidates.get(i));
            if (cached != null) {
                entries[i] = cached;
                reused++;
            } else {
                toHash.add(i);
            }
        }
        hashAll(candidates, toHash, entries);
        List<ManifestEntry> list = new ArrayList<>(entries.length);
        for (ManifestEntry e : entries) {
            if (e != null) {
                list.add(e);
            }
        }
        Manifest manifest = Manifest.of(name, root.toString(), createdAt, list);
        List<String> report = new ArrayList<>(new HashSet<>(skipped));
        report.sort(PathRules.ORDER);
        long ms = (System.nanoTime() - started) / 1_000_000;
        LOG.info("sync.manifest scanned root={} files={} hashed={} reused={} skipped={} missing_includes={} ms={}",
                root, list.size(), hashed.get(), reused, report.size(), missing.size(), ms);
        if (LOG.isDebugEnabled()) {
            report.forEach(s -> LOG.debug("sync.manifest skipped {}", s));
        }
        return new ManifestBuilder.Result(manifest, report, missing, hashed.get(), reused);
    }

    private void walkAll() {
        List<String> starts = includes.isEmpty() ? List.of("") : includes;
        for (String include : starts) {
            Path start = include.isEmpty() ? root : root.resolve(include);
            if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
                missing.add(include);
                continue;
            }
            try {
                Files.walkFileTree(start, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new Visitor());
            } catch (IOException e) {
                throw new CloudSyncException("cannot scan " + start + ": " + e, e);
            }
        }
    }

    private String relative(Path file) {
        String rel = root.relativize(file).toString();
        return File.separatorChar == '/' ? rel : rel.replace(File.separatorChar, '/');
    }

    private boolean excludedFolder(Path dir, String nfc) {
        if (excludedReal.contains(dir)) {
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
        if (excludedReal.contains(file)) {
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
        return Normalizer.isNormalized(raw, Normalizer.Form.NFC) ? raw : Normalizer.normalize(raw, Normalizer.Form.NFC);
    }

    private final class Visitor extends SimpleFileVisitor<Path> {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return excludedFolder(dir, nfc(relative(dir))) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String raw = relative(file);
            String path = nfc(raw);
            if (excludedFile(file, path)) {
                return FileVisitResult.CONTINUE;
            }
            if (attrs.isSymbolicLink()) {
                skipped.add(raw + ": symbolic link, not followed");
            } else if (!attrs.isRegularFile()) {
                skipped.add(raw + ": not a regular file (device, FIFO or socket)");
            } else {
                add(file, raw, path, attrs);
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
            String raw = relative(file);
            if (!excludedFile(file, nfc(raw)) && !excludedFolder(file, nfc(raw))) {
                skipped.add((raw.isEmpty() ? "." : raw) + ": cannot be read (" + exc + ')');
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
            if (exc != null) {
                String raw = relative(dir);
                skipped.add((raw.isEmpty() ? "." : raw) + ": folder could not be listed completely (" + exc + ')');
            }
            return FileVisitResult.CONTINUE;
        }
    }

    private void add(Path file, String raw, String path, BasicFileAttributes attrs) {
        try {
            PathRules.requireCanonical(path);
        } catch (IllegalArgumentException e) {
            skipped.add(raw + ": name cannot be recorded (" + e.getMessage() + ')');
            return;
        }
        mayCollide |= !raw.equals(path);
        found.add(new Candidate(file, path, attrs.size(), attrs.lastModifiedTime().toInstant(), attrs.fileKey()));
    }

    /** Drops a file seen twice (overlapping includes) and reports names equal only after NFC. */
    private List<Candidate> dedupe(List<Candidate> all) {
        Map<String, Candidate> byPath = new HashMap<>(all.size() * 2);
        for (Candidate c : all) {
            Candidate other = byPath.putIfAbsent(c.path(), c);
            if (other != null && !other.file().equals(c.file())) {
                // same NFC path, different names on disk: never merge them
                String raw = relative(c.file());
                if (collisions.add(c.path())) {
                    skipped.add(relative(other.file()) + ": name differs from \"" + raw
                            + "\" only by Unicode normalisation (NFC/NFD); rename one of them");
                }
                skipped.add(raw + ": name differs from \"" + relative(other.file())
                        + "\" only by Unicode normalisation (NFC/NFD); rename one of them");
            }
        }
        List<Candidate> out = new ArrayList<>(byPath.size());
        for (Candidate c : byPath.values()) {
            if (!collisions.contains(c.path())) {
                out.add(c);
            }
        }
        return out;
    }

    private ManifestEntry reusable(Candidate c) {
        if (previous == null) {
            return null;
        }
        ManifestEntry before = previous.find(c.path()).orElse(null);
        if (before == null || before.size() != c.size() || !before.mtime().equals(c.mtime())) {
            return null;
        }
        if (!c.mtime().isBefore(previous.createdAt().minus(racyWindow))) {
            return null; // racily clean: it may have changed within the same timestamp tick
        }
        return before; // same path, size and mtime: the very same entry
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
        String raw = relative(c.file());
        hashed.incrementAndGet();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            FileHasher.Digest digest;
            BasicFileAttributes after;
            try {
                digest = FileHasher.hash(c.file());
                afterHash.accept(c.file(), attempt);
                after = Files.readAttributes(c.file(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                skipped.add(raw + ": disappeared during the scan");
                return null;
            } catch (IOException e) {
                skipped.add(raw + ": cannot be read (" + e + ')');
                return null;
            }
            if (!after.isRegularFile()) {
                skipped.add(raw + ": was replaced by something that is not a regular file during the scan");
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
        return null;
    }
}
