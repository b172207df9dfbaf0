package io.cloudsync.core.internal.engine;

import io.cloudsync.CloudSyncException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.core.internal.hash.Hashing;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that what a remote holds matches its manifest. With {@link Capability#LISTING} every file
 * is checked against the listing (presence, size, and sha256 where the listing reports one); files
 * whose digest the listing does not report, and every file of a provider that cannot list, are
 * checked by downloading a random sample of them into a scratch folder and hashing the bytes.
 */
public final class Verify {

    private static final Logger LOG = LoggerFactory.getLogger(Verify.class);

    private final String service;
    private final String snapshot;
    private final Provider provider;
    private final Set<Capability> capabilities;
    private final Retry retry;
    private final int parallelism;
    private final Path scratchParent;

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
     * @param scratchParent where a scratch folder for downloads is made (and removed)
     */
    public Verify(String service, String snapshot, Provider provider, Set<Capability> capabilities, Retry retry,
                  int parallelism, Path scratchParent) {
        this.service = service;
        this.snapshot = snapshot;
        this.provider = provider;
        this.capabilities = capabilities;
        this.retry = retry;
        this.parallelism = parallelism;
        this.scratchParent = scratchParent;
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
        if (samplePercent < 0 || samplePercent > 100) {
            throw new IllegalArgumentException("sample must be a percentage from 0 to 100, was " + samplePercent);
        }
        long started = System.nanoTime();
        Manifest manifest = new RemoteManifests(provider, retry).read(snapshot)
                .orElseThrow(() -> new CloudSyncException("service \"" + service + "\" has no manifest for snapshot \""
                        + snapshot + "\", so there is nothing to verify; check the snapshot name, or run a sync first"));
        manifest = only.select(manifest, "verify");
        boolean listed = capabilities.contains(Capability.LISTING);
        int byDigest = 0;
        int bySizeCandidates;
        List<ManifestEntry> needDownload = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        if (listed) {
            Map<String, RemoteEntry> remote = new HashMap<>();
            try (Stream<RemoteEntry> stream = retry.call(() -> provider.list(snapshot))) {
                stream.forEach(r -> remote.put(r.path(), r));
            }
            for (ManifestEntry e : manifest.entries()) {
                RemoteEntry r = remote.remove(e.path());
                if (r == null) {
                    problem(e.path(), VerifyResult.ProblemKind.MISSING, "the manifest names it but the remote does not"
                            + " have it; run sync to upload it again");
                } else if (r.size() != e.size()) {
                    problem(e.path(), VerifyResult.ProblemKind.SIZE_MISMATCH, "the remote has " + r.size()
                            + " bytes, the manifest says " + e.size() + "; run sync to upload it again");
                } else if (r.sha256().isPresent()) {
                    if (r.sha256().get().equals(e.sha256())) {
                        byDigest++;
                    } else {
                        problem(e.path(), VerifyResult.ProblemKind.DIGEST_MISMATCH, "the remote reports sha256 "
                                + r.sha256().get() + ", the manifest says " + e.sha256() + "; run sync to upload it again");
                    }
                } else {
                    needDownload.add(e);
                }
            }
            remote.keySet().stream().filter(only::covers).sorted(PathRules::compare).forEach(extra::add);
        } else {
            needDownload.addAll(manifest.entries());
        }
        bySizeCandidates = needDownload.size();
        List<ManifestEntry> sample = sample(needDownload, samplePercent);
        downloadAndCheck(sample);
        int notSampled = bySizeCandidates - sample.size();
        int bySize = listed ? notSampled : 0;
        int unchecked = listed ? 0 : notSampled;
        List<VerifyResult.Problem> sorted;
        synchronized (problems) {
            sorted = new ArrayList<>(problems);
        }
        sorted.sort(Comparator.comparing(VerifyResult.Problem::path, PathRules::compare));
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        LOG.atInfo().setMessage("sync.verify").addKeyValue("service", service).addKeyValue("snapshot", snapshot)
                .addKeyValue("ok", sorted.isEmpty()).addKeyValue("listed", listed).addKeyValue("by_digest", byDigest)
                .addKeyValue("by_download", byDownload.get()).addKeyValue("by_size", bySize)
                .addKeyValue("unchecked", unchecked).addKeyValue("problems", sorted.size())
                .addKeyValue("extra", extra.size()).addKeyValue("duration_ms", duration.toMillis()).log();
        return new VerifyResult(service, snapshot, manifest, listed, samplePercent, byDigest, byDownload.get(), bySize,
                unchecked, sorted, extra, duration);
    }

    /** A random sample of {@code percent} of the entries, at least one when the percentage is above zero. */
    static List<ManifestEntry> sample(List<ManifestEntry> entries, int percent) {
        if (percent >= 100 || entries.isEmpty()) {
            return percent <= 0 ? List.of() : entries;
        }
        if (percent <= 0) {
            return List.of();
        }
        int n = (int) Math.max(1, Math.ceil(entries.size() * (percent / 100.0)));
        List<ManifestEntry> shuffled = new ArrayList<>(entries);
        Collections.shuffle(shuffled, ThreadLocalRandom.current());
        return shuffled.subList(0, n);
    }

    private void downloadAndCheck(List<ManifestEntry> sample) {
        if (sample.isEmpty()) {
            return;
        }
        Path scratch;
        try {
            Files.createDirectories(scratchParent);
            scratch = Files.createTempDirectory(scratchParent, "verify-");
        } catch (IOException e) {
            throw new CloudSyncException("cannot make a scratch folder under " + scratchParent + " for verify downloads: "
                    + e + "; check that the state folder is writable", e);
        }
        AtomicInteger counter = new AtomicInteger();
        try {
            Workers.forEach(sample, parallelism, "cloudsync-verify", e -> checkOne(scratch.resolve("f" + counter.incrementAndGet()), e));
        } finally {
            try (Stream<Path> left = Files.list(scratch)) {
                for (Path p : (Iterable<Path>) left::iterator) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(scratch);
            } catch (IOException e) {
                LOG.atWarn().setMessage("sync.verify").addKeyValue("event", "scratch_left").addKeyValue("folder", scratch)
                        .addKeyValue("error", e.toString()).log();
            }
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
