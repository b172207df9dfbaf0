package io.cloudsync.core.internal.local;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Names;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * A folder as the remote. Files at {@code <directory>/<snapshot>/<path>}; the metadata area is
 * {@code <directory>/.cloudsync/}, metadata object {@code N} being the file {@code .cloudsync/N} (so
 * the manifest {@code manifests/<snapshot>.json} is where cloudsync has always kept it). Uploads and
 * copies are written to a staging file in {@code <directory>/.cloudsync/.cs-staging/} while being
 * hashed, checked against the expected sha256, and moved into place atomically, so a failed or
 * interrupted upload never leaves a partial file under the final name. The staging folder is outside
 * every snapshot folder ({@value Names#RESERVED_SNAPSHOT} is no snapshot name), so no project file can
 * collide with a staging file, {@link #list} never sees one and {@link #delete} never touches
 * anything but the named file. It is on the same file system as the snapshots (both are in
 * {@code <directory>}), which the atomic move needs; staging names are short and fixed-length, so a
 * file whose name has the file system's full 255 bytes can be staged too. A staging file left by a
 * killed upload is removed by the first upload of a later provider once it is {@link #STALE_STAGING}
 * old.
 *
 * <p>Durability comes in batches: an upload, copy or delete is atomic when it returns but not yet
 * synced; {@link #flush()} syncs every file stored since the last flush, then every folder whose
 * entries changed (each once), with {@link #FLUSH_THREADS} syncs in flight so that the file system
 * can commit many in one journal transaction. One fsync per file and folder per operation (what
 * {@link AtomicFiles#commit} does) cost most of an initial sync of many small files; the engine
 * journals an operation only after a flush that covers it, so nothing it records can be lost.
 *
 * <p>Inside the metadata area, every name with a segment that starts with {@value #PRIVATE_PREFIX} is
 * the provider's own: the staging folder, the lock file, and the temporary files of atomic writes
 * ({@link AtomicFiles#tempName()}). Such metadata names are refused and never listed.
 */
final class LocalProvider implements Provider {

    private static final String AREA = Names.RESERVED_SNAPSHOT;
    /** The start of every name in the metadata area that is the provider's own, not a metadata object. */
    static final String PRIVATE_PREFIX = AtomicFiles.TEMP_PREFIX;
    private static final String STAGING = AREA + "/" + PRIVATE_PREFIX + "staging";
    /** Where versions before SPI 4 staged uploads; a later upload sweeps what killed runs left there. */
    private static final String LEGACY_STAGING = AREA + "/staging";

    /**
     * How old a staging file must be before an upload takes it for the leftover of a killed run and
     * deletes it: far longer than any single upload takes.
     */
    static final Duration STALE_STAGING = Duration.ofDays(2);

    /** Syncs in flight during a {@link #flush()}: enough for ext4 to batch them in one commit. */
    static final int FLUSH_THREADS = 16;

    private final Path directory;
    private final AtomicBoolean stagingSwept = new AtomicBoolean();
    /** Files stored since the last flush, not yet synced. */
    private final Set<Path> unsyncedFiles = ConcurrentHashMap.newKeySet();
    /** Folders whose entries changed since the last flush (a file moved in or deleted, a folder made or removed). */
    private final Set<Path> unsyncedFolders = ConcurrentHashMap.newKeySet();
    private final LocalMetadataArea metadata;

    LocalProvider(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
        this.metadata = new LocalMetadataArea(this.directory.resolve(AREA), this.directory);
    }

    /** The staging folder; package-private for tests. */
    Path stagingDir() {
        return directory.resolve(STAGING);
    }

    private Path snapshotDir(String snapshot) {
        return directory.resolve(Names.requireSnapshot(snapshot));
    }

    /** Resolves a manifest path under the snapshot, refusing anything that would leave it. */
    private Path fileOf(String snapshot, String path) {
        String canonical = PathRules.requireCanonical(path);
        Path base = snapshotDir(snapshot);
        Path file = base.resolve(canonical).normalize();
        if (!file.startsWith(base)) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, "path \"" + path + "\" leaves the snapshot folder",
                    path, null);
        }
        // A symbolic link inside the remote folder must not redirect a write elsewhere.
        for (Path p = file.getParent(); p != null && p.startsWith(base) && !p.equals(base); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new ProviderException(ProviderException.Kind.PERMANENT, "remote folder " + p
                        + " is a symbolic link; cloudsync does not write through links", path, null);
            }
        }
        return file;
    }

    /** A new, empty staging file: a fixed-length random name, created exclusively. */
    private Path newStagingFile() throws IOException {
        Path staging = Files.createDirectories(stagingDir());
        if (stagingSwept.compareAndSet(false, true)) {
            sweepStaging(staging);
            sweepStaging(directory.resolve(LEGACY_STAGING));
        }
        while (true) {
            Path temp = staging.resolve(AtomicFiles.tempName());
            try {
                return Files.createFile(temp);
            } catch (FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    /**
     * Moves a staging file over its target atomically, without syncing: {@link #flush()} does that
     * for the file and the folders whose entries changed. A delete of the folder's last other file
     * removes the folder while this upload was being staged (the engine runs deletes beside
     * uploads), so a missing folder is made again and the move retried.
     */
    private void commit(Path temp, Path target) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Files.createDirectories(target.getParent());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return;
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + target.getParent() + " cannot replace files atomically", e);
            } catch (NoSuchFileException e) {
                if (attempt >= 5 || !Files.exists(temp)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Remembers for the next {@link #flush()} that the entries of {@code file}'s folder changed, and
     * those of every folder up to the remote folder (a folder made for the file is an entry of its
     * parent). The set keeps each folder once, so a batch syncs each once.
     */
    private void changedEntryOf(Path file) {
        for (Path dir = file.getParent(); dir != null && dir.startsWith(directory); dir = dir.getParent()) {
            unsyncedFolders.add(dir);
        }
    }

    /**
     * Deletes staging files of killed uploads, best effort: never fails an upload. A staging file is
     * written from its creation until it is moved away, so an mtime older than {@link #STALE_STAGING}
     * means nobody is writing it any more.
     */
    private static void sweepStaging(Path staging) {
        Instant before = Instant.now().minus(STALE_STAGING);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(staging)) {
            for (Path f : files) {
                try {
                    if (AtomicFiles.isTempName(f.getFileName().toString())
                            && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException e) {
                    // gone already, or not ours to delete
                }
            }
        } catch (IOException e) {
            // the next provider tries again
        }
    }

    // ------------------------------------------------------------------ metadata area

    @Override
    public Optional<MetadataObject> getMetadata(String name) {
        return metadata.get(name);
    }

    @Override
    public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
        return metadata.put(name, bytes, precondition);
    }

    @Override
    public void deleteMetadata(String name) {
        metadata.delete(name);
    }

    @Override
    public Stream<String> listMetadata(String prefix) {
        return metadata.list(prefix);
    }

    /** Copies the stored file into the metadata area (through a temporary file there, with an fsync), checking its sha256. */
    @Override
    public void copyToMetadata(String snapshot, ManifestEntry source, String name) {
        Path file = fileOf(snapshot, source.path());
        try (InputStream in = openFile(file, source.path(), snapshot)) {
            metadata.store(name, in, source);
        } catch (IOException e) {
            throw map(e, source.path(), "keep \"" + source.path() + "\" as metadata object \"" + name + '"');
        }
    }

    @Override
    public void downloadMetadata(String name, Path target) {
        metadata.download(name, target);
    }

    /**
     * Copies {@code in} to {@code out}, telling {@code sent} every {@link #REPORT_EVERY} bytes how
     * many are written (never more than {@code size}, in case the file grew: the upload is refused then).
     */
    private static long copy(InputStream in, OutputStream out, long size, LongConsumer sent) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        long reported = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            copied += n;
            if (copied - reported >= REPORT_EVERY && reported < size) {
                reported = copied;
                sent.accept(Math.min(copied, size));
            }
        }
        return copied;
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        return upload(snapshot, entry, localFile, n -> { });
    }

    /** Bytes copied between two reports of an upload's progress. */
    static final int REPORT_EVERY = 1 << 20;

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, LongConsumer sent) {
        Path target = fileOf(snapshot, entry.path());
        try (InputStream in = Files.newInputStream(localFile)) {
            return store(target, entry, in, sent, "upload", "the local file changed during the run");
        } catch (IOException e) {
            throw map(e, entry.path(), "upload \"" + entry.path() + '"');
        }
    }

    /**
     * A copy through a staging file, as an upload stores, with the source's bytes hashed on the way.
     * Never a hard link: the copy carries its own mtime, which a link would share with the source.
     */
    @Override
    public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
        Path source = fileOf(snapshot, sourcePath);
        Path file = fileOf(snapshot, target.path());
        try (InputStream in = openFile(source, sourcePath, snapshot)) {
            return store(file, target, in, n -> { }, "copy from \"" + sourcePath + "\" to",
                    "the stored source is not what the copy's entry says");
        } catch (IOException e) {
            throw map(e, target.path(), "copy \"" + sourcePath + "\" to \"" + target.path() + '"');
        }
    }

    /**
     * Writes {@code source} to a staging file while hashing it, checks it against {@code entry}, and
     * moves it over {@code target} atomically with the entry's mtime.
     */
    private UploadReceipt store(Path target, ManifestEntry entry, InputStream source, LongConsumer sent, String what,
                                String mismatchCause) throws IOException {
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = newStagingFile();
            MessageDigest digest = Digests.sha256();
            long copied;
            try (InputStream in = new DigestInputStream(source, digest);
                 OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                copied = copy(in, out, entry.size(), sent);
            }
            String actual = Digests.hex(digest.digest());
            if (!actual.equals(entry.sha256()) || copied != entry.size()) {
                throw new ProviderException(ProviderException.Kind.INTEGRITY, what + " \"" + entry.path()
                        + "\" refused: the bytes read (" + copied + " bytes, sha256 " + actual + ") do not match the manifest ("
                        + entry.size() + " bytes, sha256 " + entry.sha256() + "); " + mismatchCause,
                        entry.path(), null);
            }
            commit(temp, target);
            temp = null;
            // after the move, not on the staging file: a staging file's mtime is what tells the sweep
            // a live upload from a killed one, and the entry's mtime is usually long past
            Files.setLastModifiedTime(target, FileTime.from(entry.mtime()));
            unsyncedFiles.add(target);
            changedEntryOf(target);
            sent.accept(copied);
            return UploadReceipt.verified(entry.path(), copied, actual);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray staging file is outside every snapshot; a later upload sweeps it
                }
            }
        }
    }

    @Override
    public void download(String snapshot, String path, Path target) {
        Path source = fileOf(snapshot, path);
        try (InputStream in = openFile(source, path, snapshot)) {
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw map(e, path, "download \"" + path + '"');
        }
    }

    /**
     * Opens a stored file for reading; a folder (or anything else that is not a regular file) at the
     * path is no file, so NOT_FOUND, before anything is written to the target.
     */
    private InputStream openFile(Path source, String path, String snapshot) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(source, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw notFound(path, snapshot, e);
        } catch (FileSystemException e) {
            // ENOTDIR: a file where the path needs a folder, so no such file either
            if (e.getReason() != null && e.getReason().toLowerCase(Locale.ROOT).contains("not a directory")) {
                throw notFound(path, snapshot, e);
            }
            throw e;
        }
        if (!attrs.isRegularFile()) {
            throw notFound(path, snapshot, null);
        }
        return Files.newInputStream(source);
    }

    private ProviderException notFound(String path, String snapshot, Throwable cause) {
        return new ProviderException(ProviderException.Kind.NOT_FOUND, "no file \"" + path + "\" in snapshot \"" + snapshot
                + "\" in " + directory, path, cause);
    }

    @Override
    public void delete(String snapshot, String path) {
        Path file = fileOf(snapshot, path);
        Path base = snapshotDir(snapshot);
        try {
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                return; // a folder is no file: nothing named "path" to delete, and never what is below it
            }
            Files.deleteIfExists(file);
            changedEntryOf(file);
            for (Path dir = file.getParent(); dir != null && !dir.equals(base) && dir.startsWith(base); dir = dir.getParent()) {
                try {
                    Files.delete(dir);
                } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                    break;
                }
            }
        } catch (IOException e) {
            throw map(e, path, "delete \"" + path + '"');
        }
    }

    /**
     * Every regular file under the snapshot folder, whatever its name (there are no staging files
     * there). Files and folders that vanish while the walk runs (a concurrent delete) are left out
     * instead of failing the listing; symbolic links are neither followed nor reported.
     */
    @Override
    public Stream<RemoteEntry> list(String snapshot) {
        Path base = snapshotDir(snapshot);
        if (!Files.isDirectory(base)) {
            return Stream.empty();
        }
        List<RemoteEntry> out = new ArrayList<>();
        try {
            FileWalk.regularFiles(base, dir -> false, (p, attrs) -> out.add(
                    RemoteEntry.of(FileWalk.relative(base, p), attrs.size(), null, attrs.lastModifiedTime().toInstant())));
        } catch (NoSuchFileException e) {
            return Stream.empty(); // the whole snapshot folder went away: nothing is stored
        } catch (IOException e) {
            throw map(e, null, "list snapshot \"" + snapshot + '"');
        }
        out.sort((a, b) -> PathRules.compare(a.path(), b.path()));
        return out.stream();
    }

    /**
     * Syncs every file stored since the last flush, then every folder whose entries changed, each
     * once, {@link #FLUSH_THREADS} at a time. A file or folder gone since (overwritten, deleted) is
     * skipped: its removal is an entry of a folder that is synced. What a failed flush should have
     * covered is not retried by a later one (the engine does those operations again).
     */
    @Override
    public void flush() {
        List<Path> files = drain(unsyncedFiles);
        List<Path> folders = drain(unsyncedFolders);
        if (files.isEmpty() && folders.isEmpty()) {
            return;
        }
        // Files before folders: a folder entry must never be durable before the bytes it names.
        ExecutorService pool = Executors.newFixedThreadPool(FLUSH_THREADS, r -> {
            Thread t = new Thread(r, "cloudsync-local-flush");
            t.setDaemon(true);
            return t;
        });
        try {
            syncAll(pool, files, false);
            syncAll(pool, folders, true);
        } finally {
            pool.shutdownNow();
        }
    }

    /** What the next flush syncs: the files, then the folders; package-private for tests. */
    List<Set<Path>> unsynced() {
        return List.of(Set.copyOf(unsyncedFiles), Set.copyOf(unsyncedFolders));
    }

    private static List<Path> drain(Set<Path> set) {
        List<Path> out = new ArrayList<>();
        for (Iterator<Path> it = set.iterator(); it.hasNext(); ) {
            out.add(it.next());
            it.remove();
        }
        return out;
    }

    private void syncAll(ExecutorService pool, List<Path> paths, boolean folders) {
        List<Future<?>> futures = new ArrayList<>(paths.size());
        for (Path p : paths) {
            futures.add(pool.submit(() -> {
                sync(p, folders);
                return null;
            }));
        }
        Throwable first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "interrupted while syncing "
                        + directory + "; the files stored since the last flush may not be durable", null, e);
            }
        }
        if (first != null) {
            throw map(first, null, "sync what was stored since the last flush to disk");
        }
    }

    /**
     * fsync of one file or folder; one that is gone is skipped (see {@link #flush()}). A folder that
     * the platform cannot open is skipped as {@link AtomicFiles#syncDirectory} skips it: the move is
     * still atomic there.
     */
    private static void sync(Path path, boolean folder) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, folder ? StandardOpenOption.READ : StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | UnsupportedOperationException e) {
            if (folder) {
                return;
            }
            throw e;
        }
        try (channel) {
            channel.force(true);
        }
    }

    @Override
    public void close() {
        // nothing to release
    }

    private ProviderException map(Throwable e, String path, String what) {
        return map(directory, e, path, what);
    }

    /** A failure as a {@link ProviderException} of the right kind, saying what could not be done where. */
    static ProviderException map(Path directory, Throwable e, String path, String what) {
        if (e instanceof ProviderException pe) {
            return pe;
        }
        ProviderException.Kind kind;
        if (e instanceof NoSuchFileException) {
            kind = ProviderException.Kind.NOT_FOUND;
        } else if (e instanceof AccessDeniedException) {
            kind = ProviderException.Kind.AUTHENTICATION;
        } else if (e instanceof FileSystemException fse && fse.getReason() != null
                && fse.getReason().toLowerCase(Locale.ROOT).contains("no space")) {
            kind = ProviderException.Kind.QUOTA_EXCEEDED;
        } else if (e instanceof IOException) {
            kind = ProviderException.Kind.UNAVAILABLE;
        } else {
            kind = ProviderException.Kind.PERMANENT;
        }
        return new ProviderException(kind, "could not " + what + " in " + directory + ": " + e, path, e);
    }
}
