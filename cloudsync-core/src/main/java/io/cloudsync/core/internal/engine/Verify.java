package io.cloudsync.core.internal.engine;

import io.cloudsync.CloudSyncException;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.core.internal.hash.Hashing;
import io.cloudsync.core.internal.manifest2.ChunkFolder;
import io.cloudsync.core.internal.manifest2.Chunked;
import io.cloudsync.core.internal.remote.RemoteManifests;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that what a remote holds matches its manifest. With {@link Capability#LISTING} every file
 * is checked against the listing (presence, size, and sha256 where the listing reports one); files
 * whose digest the listing does not report, and every file of a provider that cannot list, are
 * checked by downloading a random sample of them into a scratch folder and hashing the bytes.
 *
 * <p>Memory does not grow with the snapshot. The remote manifest is read as a stream
 * ({@link RemoteManifests#readChunked}) into the snapshot's chunk cache (only ever added to). The
 * listing, which the SPI does not sort, is cut into runs of {@link #RUN_SIZE} entries, each sorted
 * and spilled as chunks into a work folder under the scratch parent; the runs are merged with the
 * manifest's entries in path order, and the entries left for a download are spilled there too and
 * sampled as a stream. The work folder is deleted at the end, also on failure.
 */
public final class Verify {

    private static final Logger LOG = LoggerFactory.getLogger(Verify.class);

    /** Listing entries sorted in memory at once before they are spilled as one sorted run. */
    static final int RUN_SIZE = 50_000;

    /** In a spilled run, the mtime of an entry whose listing reported no digest (its sha256 is {@link #NO_DIGEST}). */
    private static final Instant UNLISTED = Instant.EPOCH;
    /** In a spilled run, the mtime of an entry whose listing reported its digest. */
    private static final Instant LISTED = Instant.EPOCH.plusSeconds(1);
    private static final String NO_DIGEST = "0".repeat(64);

    private final String service;
    private final String snapshot;
    private final Provider provider;
    private final Set<Capability> capabilities;
    private final Retry retry;
    private final int parallelism;
    private final Path scratchParent;
    private final ChunkFolder chunks;
    private int runSize = RUN_SIZE;
    private RandomGenerator random;

    private final List<VerifyResult.Problem> problems = new ArrayList<>();
    private final AtomicInteger byDownload = new AtomicInteger();

    /**
     * Prepares a verification.
     *
     * @param service the service name, for messages and logs
     * @param snapshot the snapshot name (prefix applied)
     * @param provider an open provider; not closed here
     * @param capabilities what the provider declares
     * @param retry the retry policy for provider calls
     * @param parallelism downloads in flight
     * @param scratchParent where a work folder for the listing's runs and the downloads is made (and removed)
     * @param chunks the snapshot's chunk cache, where the remote manifest's chunks are read into (only added to)
     */
    public Verify(String service, String snapshot, Provider provider, Set<Capability> capabilities, Retry retry,
                  int parallelism, Path scratchParent, ChunkFolder chunks) {
        this.service = service;
        this.snapshot = snapshot;
        this.provider = provider;
        this.capabilities = capabilities;
        this.retry = retry;
        this.parallelism = parallelism;
        this.scratchParent = scratchParent;
        this.chunks = chunks;
    }

    /** Sets the listing entries per sorted run (tests use small runs to spread entries over several). */
    Verify runSize(int entries) {
        if (entries < 1) {
            throw new IllegalArgumentException("run size must be at least 1, was " + entries);
        }
        this.runSize = entries;
        return this;
    }

    /** Sets the source of the sample's randomness (tests fix it). */
    Verify random(RandomGenerator generator) {
        this.random = generator;
        return this;
    }

    /**
     * Runs the verification.
     *
     * @param samplePercent 0 to 100: the share of files without a listed digest to download
     * @return what was found
     * @throws IllegalArgumentException when {@code samplePercent} is out of range
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the manifest or the listing cannot be read
     */
    public VerifyResult run(int samplePercent) {
        return run(samplePercent, Scope.WHOLE);
    }

    /**
     * Runs the check of the files {@code only} selects; remote files outside it are not reported.
     *
     * @param samplePercent 0 to 100: the share of files without a listed digest to download
     * @param only the files to check
     * @return what was checked and what is wrong; its manifest holds the selected entries only
     * @throws io.cloudsync.ConfigurationException when an include path covers no file of the manifest
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the manifest or the listing cannot be read
     */
    public VerifyResult run(int samplePercent, Scope only) {
        return run(samplePercent, only, false);
    }

    /**
     * Runs the check of the files {@code only} selects; remote files outside it are not reported.
     *
     * @param samplePercent 0 to 100: the share of files without a listed digest to download;
     *     exactly {@code ceil(n * samplePercent / 100)} of those {@code n} files, chosen uniformly at
     *     random, so at least one when the share is above zero and there is such a file
     * @param only the files to check
     * @param summaryOnly whether the result's manifest is left without entries (its {@code files()} counts them)
     * @return what was checked and what is wrong; its manifest holds the selected entries only, or none for a summary
     * @throws io.cloudsync.ConfigurationException when an include path covers no file of the manifest
     * @throws CloudSyncException when the remote has no manifest for the snapshot, the work folder
     *     cannot be made, or a chunk goes missing from the chunk cache while it is read
     * @throws ProviderException when the manifest or the listing cannot be read
     */
    public VerifyResult run(int samplePercent, Scope only, boolean summaryOnly) {
        if (samplePercent < 0 || samplePercent > 100) {
            throw new IllegalArgumentException("sample must be a percentage from 0 to 100, was " + samplePercent);
        }
        long started = System.nanoTime();
        Chunked remoteManifest = new RemoteManifests(provider, retry).readChunked(snapshot, chunks)
                .orElseThrow(() -> new CloudSyncException("service \"" + service + "\" has no manifest for snapshot \""
                        + snapshot + "\", so there is nothing to verify; check the snapshot name, or run a sync first"));
        Selected selected = new Selected(remoteManifest, only, "verify", !summaryOnly);
        boolean listed = capabilities.contains(Capability.LISTING);
        int[] byDigest = {0};
        long candidates;
        long sampled;
        List<String> extra = new ArrayList<>();
        Path work = listed || samplePercent > 0 ? workFolder() : null;
        try {
            Iterator<ManifestEntry> source;
            if (listed) {
                List<Chunked> runs = spillListing(work, only);
                Chunked.Writer left = Chunked.writer(new ChunkFolder(work.resolve("download")));
                merge(selected.iterator(), runs, left, extra, byDigest);
                Chunked toDownload = left.finish("download", remoteManifest.root(), remoteManifest.createdAt());
                candidates = toDownload.entries();
                source = toDownload.iterator();
            } else {
                candidates = selected.count();
                source = selected.iterator();
            }
            sampled = sampleSize(candidates, samplePercent);
            AtomicInteger counter = new AtomicInteger();
            Iterator<ManifestEntry> sample = sample(source, candidates, sampled,
                    random != null ? random : ThreadLocalRandom.current());
            Workers.forEach(sample, parallelism, "cloudsync-verify",
                    e -> checkOne(work.resolve("f" + counter.incrementAndGet()), e));
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
        long notSampled = candidates - sampled;
        int bySize = listed ? Math.toIntExact(notSampled) : 0;
        int unchecked = listed ? 0 : Math.toIntExact(notSampled);
        List<VerifyResult.Problem> sorted;
        synchronized (problems) {
            sorted = new ArrayList<>(problems);
        }
        sorted.sort(Comparator.comparing(VerifyResult.Problem::path, PathRules::compare));
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        LOG.atInfo().setMessage("sync.verify").addKeyValue("service", service).addKeyValue("snapshot", snapshot)
                .addKeyValue("ok", sorted.isEmpty()).addKeyValue("listed", listed).addKeyValue("by_digest", byDigest[0])
                .addKeyValue("by_download", byDownload.get()).addKeyValue("by_size", bySize)
                .addKeyValue("unchecked", unchecked).addKeyValue("problems", sorted.size())
                .addKeyValue("extra", extra.size()).addKeyValue("duration_ms", duration.toMillis()).log();
        return new VerifyResult(service, snapshot, selected.manifest(), listed, samplePercent, byDigest[0],
                byDownload.get(), bySize, unchecked, sorted, extra, duration, selected.files());
    }

    private Path workFolder() {
        try {
            Files.createDirectories(scratchParent);
            return Files.createTempDirectory(scratchParent, "verify-");
        } catch (IOException e) {
            throw new CloudSyncException("cannot make a scratch folder under " + scratchParent + " for verify: "
                    + e + "; check that the state folder is writable", e);
        }
    }

    /**
     * The listing's entries in this scope as sorted runs of at most {@link #runSize} entries each,
     * spilled into {@code work}. Within a run a path the listing repeats keeps its last report, as
     * across runs (see {@link #merge}).
     */
    private List<Chunked> spillListing(Path work, Scope only) {
        List<Chunked> runs = new ArrayList<>();
        List<RemoteEntry> batch = new ArrayList<>(Math.min(runSize, 4096));
        try (Stream<RemoteEntry> stream = retry.call(() -> provider.list(snapshot))) {
            Iterator<RemoteEntry> it = stream.iterator();
            while (it.hasNext()) {
                RemoteEntry r = it.next();
                if (!only.covers(r.path())) {
                    continue;
                }
                batch.add(r);
                if (batch.size() >= runSize) {
                    runs.add(spill(batch, work.resolve("run-" + runs.size())));
                    batch.clear();
                }
            }
        }
        if (!batch.isEmpty()) {
            runs.add(spill(batch, work.resolve("run-" + runs.size())));
        }
        return runs;
    }

    /** One sorted run: the listing's size and sha256 (or {@link #NO_DIGEST}), and in the mtime whether it had one. */
    private static Chunked spill(List<RemoteEntry> batch, Path folder) {
        batch.sort(Comparator.comparing(RemoteEntry::path, PathRules::compare)); // stable: repeats keep their order
        Chunked.Writer w = Chunked.writer(new ChunkFolder(folder));
        for (int i = 0; i < batch.size(); i++) {
            RemoteEntry r = batch.get(i);
            if (i + 1 < batch.size() && batch.get(i + 1).path().equals(r.path())) {
                continue; // a later report of the same path wins
            }
            w.add(new ManifestEntry(r.path(), r.size(), r.sha256().isPresent() ? LISTED : UNLISTED,
                    r.sha256().orElse(NO_DIGEST)));
        }
        return w.finish(folder.getFileName().toString(), "", Instant.EPOCH);
    }

    /**
     * Walks the manifest's entries and the runs together in path order: a manifest entry the runs
     * lack is missing, a run entry the manifest lacks is extra, and a pair is checked by size and
     * listed digest; entries without a listed digest go to {@code left} for the download sample.
     */
    private void merge(Iterator<ManifestEntry> manifest, List<Chunked> runs, Chunked.Writer left, List<String> extra,
                       int[] byDigest) {
        Listing listing = new Listing(runs);
        ManifestEntry e = manifest.hasNext() ? manifest.next() : null;
        ManifestEntry r = listing.next();
        while (e != null || r != null) {
            int c = e == null ? 1 : r == null ? -1 : PathRules.compare(e.path(), r.path());
            if (c < 0) {
                problem(e.path(), VerifyResult.ProblemKind.MISSING, "the manifest names it but the remote does not"
                        + " have it; run sync to upload it again");
            } else if (c > 0) {
                extra.add(r.path());
            } else if (r.size() != e.size()) {
                problem(e.path(), VerifyResult.ProblemKind.SIZE_MISMATCH, "the remote has " + r.size()
                        + " bytes, the manifest says " + e.size() + "; run sync to upload it again");
            } else if (r.mtime().equals(LISTED)) {
                if (r.sha256().equals(e.sha256())) {
                    byDigest[0]++;
                } else {
                    problem(e.path(), VerifyResult.ProblemKind.DIGEST_MISMATCH, "the remote reports sha256 "
                            + r.sha256() + ", the manifest says " + e.sha256() + "; run sync to upload it again");
                }
            } else {
                left.add(e);
            }
            if (c <= 0) {
                e = manifest.hasNext() ? manifest.next() : null;
            }
            if (c >= 0) {
                r = listing.next();
            }
        }
    }

    /** The runs merged into one sorted stream of unique paths; of a path in several runs, the latest run's report wins. */
    private static final class Listing {
        private final PriorityQueue<Head> heads = new PriorityQueue<>(
                Comparator.comparing((Head h) -> h.entry.path(), PathRules::compare).thenComparingInt(h -> h.run));

        Listing(List<Chunked> runs) {
            for (int i = 0; i < runs.size(); i++) {
                Head h = new Head(runs.get(i).iterator(), i);
                if (h.advance()) {
                    heads.add(h);
                }
            }
        }

        ManifestEntry next() {
            Head h = heads.poll();
            if (h == null) {
                return null;
            }
            ManifestEntry best = h.entry;
            if (h.advance()) {
                heads.add(h);
            }
            while (!heads.isEmpty() && heads.peek().entry.path().equals(best.path())) {
                Head same = heads.poll();
                best = same.entry; // polled in run order, so the last one is the latest run's
                if (same.advance()) {
                    heads.add(same);
                }
            }
            return best;
        }
    }

    private static final class Head {
        private final Iterator<ManifestEntry> entries;
        private final int run;
        private ManifestEntry entry;

        Head(Iterator<ManifestEntry> entries, int run) {
            this.entries = entries;
            this.run = run;
        }

        boolean advance() {
            if (!entries.hasNext()) {
                return false;
            }
            entry = entries.next();
            return true;
        }
    }

    /**
     * How many of {@code candidates} files a sample of {@code percent} downloads: none for 0, all for
     * 100, else {@code ceil(candidates * percent / 100)}, at least one when there is a candidate.
     */
    static long sampleSize(long candidates, int percent) {
        if (percent <= 0 || candidates == 0) {
            return 0;
        }
        if (percent >= 100) {
            return candidates;
        }
        return Math.max(1, Math.min(candidates, (long) Math.ceil(candidates * (percent / 100.0))));
    }

    /**
     * Exactly {@code k} of the {@code n} items of {@code source}, each subset equally likely, in
     * source order, choosing as it streams (selection sampling, Knuth's algorithm S): the item at
     * {@code seen} is taken with probability {@code (k - taken) / (n - seen)}. The source is read to
     * its end, even after the last pick, so that whatever it does at the end (checks, keeping
     * entries) happens.
     */
    static <T> Iterator<T> sample(Iterator<T> source, long n, long k, RandomGenerator random) {
        return new Iterator<>() {
            private long seen;
            private long taken;
            private T next;

            @Override
            public boolean hasNext() {
                while (next == null && source.hasNext()) {
                    T item = source.next();
                    long remaining = n - seen++;
                    if (taken < k && (remaining <= k - taken || random.nextLong(remaining) < k - taken)) {
                        taken++;
                        next = item;
                    }
                }
                return next != null;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                T item = next;
                next = null;
                return item;
            }
        };
    }

    private static void deleteTree(Path folder) {
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.atWarn().setMessage("sync.verify").addKeyValue("event", "scratch_left").addKeyValue("folder", folder)
                    .addKeyValue("error", e.toString()).log();
        }
    }

    private void checkOne(Path file, ManifestEntry e) {
        try {
            retry.run(() -> provider.download(snapshot, e.path(), file));
            long size = Files.size(file);
            String sha256 = Hashing.sha256(file);
            if (size != e.size()) {
                problem(e.path(), VerifyResult.ProblemKind.SIZE_MISMATCH, "downloaded " + size + " bytes, the manifest says "
                        + e.size() + "; run sync to upload it again");
            } else if (!sha256.equals(e.sha256())) {
                problem(e.path(), VerifyResult.ProblemKind.DIGEST_MISMATCH, "the downloaded bytes have sha256 " + sha256
                        + ", the manifest says " + e.sha256() + "; run sync to upload it again");
            } else {
                byDownload.incrementAndGet();
            }
        } catch (ProviderException ex) {
            if (ex.kind() == ProviderException.Kind.NOT_FOUND) {
                problem(e.path(), VerifyResult.ProblemKind.MISSING, "the manifest names it but the remote does not have it;"
                        + " run sync to upload it again");
            } else {
                problem(e.path(), VerifyResult.ProblemKind.ERROR, "could not download it to check: "
                        + ex.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + ex.getMessage());
            }
        } catch (IOException ex) {
            problem(e.path(), VerifyResult.ProblemKind.ERROR, "could not hash the downloaded copy in " + file.getParent()
                    + ": " + ex);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // removed with the scratch folder
            }
        }
    }

    private void problem(String path, VerifyResult.ProblemKind kind, String detail) {
        synchronized (problems) {
            problems.add(new VerifyResult.Problem(path, kind, detail));
        }
    }
}
