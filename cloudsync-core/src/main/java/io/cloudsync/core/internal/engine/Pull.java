package io.cloudsync.core.internal.engine;

import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.hash.Hashing;
import io.cloudsync.core.internal.manifest2.ChunkFolder;
import io.cloudsync.core.internal.manifest2.Chunked;
import io.cloudsync.core.internal.remote.RemoteManifests;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a snapshot from the remote into a folder. Every file is downloaded to a temporary file
 * beside its destination (a short fixed-length name from {@link AtomicFiles#prepareTemp}, so a
 * destination whose name has the full 255 bytes a file system allows is written like any other),
 * checked against the size and sha256 of the remote manifest, given the
 * manifest's mtime, and only then moved into place atomically; a file that fails any check never
 * appears under its final name. Nothing is written outside the target folder, nor through a
 * symbolic link inside it. Existing files are left alone unless {@code replaceExisting}.
 *
 * <p>The remote manifest is read as a stream ({@link RemoteManifests#readChunked}): its chunks go
 * into the snapshot's chunk cache (a chunk the cache has costs no request; nothing is ever removed
 * from it here), and the entries are taken one chunk at a time, a bounded window ahead of the
 * downloads in flight, so memory does not grow with the snapshot unless the caller asks for the
 * result to carry every entry.
 */
public final class Pull {

    private static final Logger LOG = LoggerFactory.getLogger(Pull.class);

    private final String service;
    private final String snapshot;
    private final Provider provider;
    private final Retry retry;
    private final int parallelism;
    private final ChunkFolder chunks;
    private final Throttle throttle;

    private final AtomicInteger written = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final List<SyncError> errors = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    /**
     * Prepares a pull.
     *
     * @param service the service name, for messages and logs
     * @param snapshot the snapshot name (prefix applied)
     * @param provider an open provider; not closed here
     * @param retry the retry policy for provider calls
     * @param parallelism downloads in flight
     * @param chunks the snapshot's chunk cache, where the remote manifest's chunks are read into (only added to)
     */
    public Pull(String service, String snapshot, Provider provider, Retry retry, int parallelism, ChunkFolder chunks) {
        this(service, snapshot, provider, retry, parallelism, chunks, Throttle.NONE);
    }

    /**
     * Prepares a pull under a bandwidth limit. The SPI's download reports no progress, so each file
     * is charged to {@code throttle} whole once it has arrived, before it is checked: the next
     * download of that worker waits, and the rate holds on average over windows longer than a file
     * takes at that rate. The manifest's reads are not charged.
     *
     * @param service the service name, for messages and logs
     * @param snapshot the snapshot name (prefix applied)
     * @param provider an open provider; not closed here
     * @param retry the retry policy for provider calls
     * @param parallelism downloads in flight
     * @param chunks the snapshot's chunk cache, where the remote manifest's chunks are read into (only added to)
     * @param throttle the pull's bandwidth limit, shared by every worker; {@link Throttle#NONE} for none
     */
    public Pull(String service, String snapshot, Provider provider, Retry retry, int parallelism, ChunkFolder chunks,
                Throttle throttle) {
        this.throttle = throttle;
        this.service = service;
        this.snapshot = snapshot;
        this.provider = provider;
        this.retry = retry;
        this.parallelism = parallelism;
        this.chunks = chunks;
    }

    /**
     * Runs the pull.
     *
     * @param target the folder to write into; created when missing
     * @param replaceExisting whether a file already in the target is replaced
     * @return the outcome
     * @throws ConfigurationException when the target is not a folder
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the manifest cannot be read
     */
    public PullResult run(Path target, boolean replaceExisting) {
        return run(target, replaceExisting, Scope.WHOLE);
    }

    /**
     * Runs the pull of the files {@code only} selects.
     *
     * @param target the folder to write into; created when missing
     * @param replaceExisting whether a file already in the target is replaced
     * @param only the files to restore
     * @return the outcome; its manifest holds the selected entries only
     * @throws ConfigurationException when the target is not a folder, or an include path covers no file
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the manifest cannot be read
     */
    public PullResult run(Path target, boolean replaceExisting, Scope only) {
        return run(target, replaceExisting, only, false);
    }

    /**
     * Runs the pull of the files {@code only} selects.
     *
     * @param target the folder to write into; created when missing
     * @param replaceExisting whether a file already in the target is replaced
     * @param only the files to restore
     * @param summaryOnly whether the result's manifest is left without entries (its {@code files()} counts them)
     * @return the outcome; its manifest holds the selected entries only, or none for a summary
     * @throws ConfigurationException when the target is not a folder, or an include path covers no file
     * @throws CloudSyncException when the remote has no manifest for the snapshot, or a chunk of it
     *     goes missing from the chunk cache while it is read
     * @throws ProviderException when the manifest cannot be read
     */
    public PullResult run(Path target, boolean replaceExisting, Scope only, boolean summaryOnly) {
        long started = System.nanoTime();
        Path base = target.toAbsolutePath().normalize();
        if (Files.exists(base) && !Files.isDirectory(base)) {
            throw new ConfigurationException("pull target " + base + " is not a folder; give a folder (it is created when missing)");
        }
        Chunked remoteManifest = new RemoteManifests(provider, retry).readChunked(snapshot, chunks)
                .orElseThrow(() -> new CloudSyncException("service \"" + service + "\" has no manifest for snapshot \""
                        + snapshot + "\", so there is nothing to pull; check the snapshot name, or run a sync first"));
        Selected selected = new Selected(remoteManifest, only, "pull", !summaryOnly);
        try {
            Files.createDirectories(base);
        } catch (IOException e) {
            throw new ConfigurationException("cannot create pull target " + base + ": " + e
                    + "; choose a folder you can write to", e);
        }
        Workers.forEach(selected.iterator(), parallelism, "cloudsync-pull",
                e -> pullOne(base, e, replaceExisting, (entry, into) -> provider.download(snapshot, entry.path(), into)));
        return result(base, selected.manifest(), selected.files(), started);
    }

    /** Where a file's bytes come from: writes the bytes of {@code entry} to {@code into}. */
    @FunctionalInterface
    public interface Fetch {
        /**
         * Writes the file's bytes.
         *
         * @param entry the file
         * @param into the temporary file to write them to
         * @throws ProviderException when they cannot be fetched
         */
        void fetch(ManifestEntry entry, Path into);
    }

    /**
     * Writes the files of {@code manifest} into {@code target} as {@link #run} does, each fetched by
     * {@code fetch} (a kept version of the trash, or a file of the snapshot) and checked against its
     * entry's size and sha256 before it is moved into place.
     *
     * @param target the folder to write into; created when missing
     * @param replaceExisting whether a file already in the target is replaced
     * @param manifest the files to write
     * @param fetch where each file's bytes come from
     * @return the outcome
     * @throws ConfigurationException when the target is not a folder
     */
    public PullResult restore(Path target, boolean replaceExisting, Manifest manifest, Fetch fetch) {
        long started = System.nanoTime();
        Path base = target.toAbsolutePath().normalize();
        if (Files.exists(base) && !Files.isDirectory(base)) {
            throw new ConfigurationException("restore target " + base + " is not a folder; give a folder (it is created when missing)");
        }
        try {
            Files.createDirectories(base);
        } catch (IOException e) {
            throw new ConfigurationException("cannot create restore target " + base + ": " + e
                    + "; choose a folder you can write to", e);
        }
        Workers.forEach(manifest.entries().iterator(), parallelism, "cloudsync-restore",
                e -> pullOne(base, e, replaceExisting, fetch));
        return result(base, manifest, manifest.entries().size(), started);
    }

    private PullResult result(Path base, Manifest manifest, int files, long started) {
        List<SyncError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparing(SyncError::path, PathRules::compare));
        int failed = sorted.size();
        SyncStatus status = failed == 0 ? SyncStatus.SUCCESS : written.get() > 0 ? SyncStatus.PARTIAL : SyncStatus.FAILED;
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        LOG.atInfo().setMessage("sync.pull").addKeyValue("service", service).addKeyValue("snapshot", snapshot)
                .addKeyValue("status", status.jsonName()).addKeyValue("written", written.get())
                .addKeyValue("skipped", skipped.get()).addKeyValue("failed", failed).addKeyValue("bytes", bytes.get())
                .addKeyValue("bwlimit", throttle.bytesPerSecond())
                .addKeyValue("duration_ms", duration.toMillis()).log();
        return new PullResult(service, snapshot, base, manifest, status, written.get(), skipped.get(), failed,
                bytes.get(), duration, sorted, files);
    }

    private void pullOne(Path base, ManifestEntry entry, boolean replaceExisting, Fetch fetch) {
        if (stop.get()) {
            fail(entry.path(), SyncError.Kind.NOT_ATTEMPTED, "not attempted: the pull stopped after an earlier error");
            return;
        }
        Path dest;
        try {
            dest = destination(base, entry.path());
        } catch (IllegalArgumentException e) {
            fail(entry.path(), SyncError.Kind.LOCAL_IO, e.getMessage());
            return;
        }
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
                fail(entry.path(), SyncError.Kind.LOCAL_IO, "the target has a folder at " + dest + " where the snapshot has a file; move it away");
                return;
            }
            if (!replaceExisting) {
                skipped.incrementAndGet();
                return;
            }
        }
        Path temp = null;
        try {
            temp = AtomicFiles.prepareTemp(dest, false);
            Path into = temp;
            retry.run(() -> fetch.fetch(entry, into));
            if (!Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)) {
                fail(entry.path(), SyncError.Kind.INTERNAL, "the provider's download left no regular file (" + kindOf(temp) + ") where the file"
                        + " was to be written; nothing was written. This is a bug in the provider");
                return;
            }
            long size = Files.size(temp);
            throttle.acquire(size);
            String sha256 = Hashing.sha256(temp);
            if (size != entry.size() || !sha256.equals(entry.sha256())) {
                fail(entry.path(), SyncError.Kind.INTEGRITY, "the remote copy (" + size + " bytes, sha256 " + sha256
                        + ") does not match the manifest (" + entry.size() + " bytes, sha256 " + entry.sha256()
                        + "); nothing was written. The remote is damaged or was changed behind cloudsync's back:"
                        + " run verify, then sync from a good copy");
                return;
            }
            Files.setLastModifiedTime(temp, FileTime.from(entry.mtime()));
            AtomicFiles.commit(temp, dest);
            temp = null;
            written.incrementAndGet();
            bytes.addAndGet(size);
        } catch (ProviderException e) {
            if (e.stopsRun() && stop.compareAndSet(false, true)) {
                LOG.atError().setMessage("sync.pull").addKeyValue("event", "stopped").addKeyValue("service", service)
                        .addKeyValue("snapshot", snapshot).addKeyValue("kind", e.kind()).log();
            }
            fail(entry.path(), SyncErrors.kindOf(e.kind()), String.valueOf(e.getMessage()));
        } catch (FileSystemException e) {
            fail(entry.path(), SyncError.Kind.LOCAL_IO, "cannot write " + dest + ": " + e.getMessage());
        } catch (IOException e) {
            fail(entry.path(), SyncError.Kind.LOCAL_IO, "cannot write " + dest + ": " + e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray temp file has the fixed temporary shape that scans leave out
                }
            }
        }
    }

    private static String kindOf(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return "nothing";
        }
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "a folder" : Files.isSymbolicLink(p) ? "a symbolic link"
                : "not a regular file";
    }

    /** Where a manifest path goes under the target, refusing anything that would leave it. */
    static Path destination(Path base, String path) {
        String canonical = PathRules.requireCanonical(path);
        Path dest = base.resolve(canonical).normalize();
        if (!dest.startsWith(base) || dest.equals(base)) {
            throw new IllegalArgumentException("path \"" + path + "\" would leave the target folder; it was not written");
        }
        for (Path p = dest.getParent(); p != null && !p.equals(base) && p.startsWith(base); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new IllegalArgumentException("the target has a symbolic link at " + p
                        + "; cloudsync does not write through links, so \"" + path + "\" was not written");
            }
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException("the target has a file at " + p + " where \"" + path
                        + "\" needs a folder; move it away");
            }
        }
        return dest;
    }

    private void fail(String path, SyncError.Kind kind, String error) {
        synchronized (errors) {
            errors.add(new SyncError(SyncAction.DOWNLOAD, path, kind, error));
        }
        LOG.atWarn().setMessage("sync.pull").addKeyValue("event", "file_failed").addKeyValue("service", service)
                .addKeyValue("snapshot", snapshot).addKeyValue("path", path).addKeyValue("error", error).log();
    }
}
