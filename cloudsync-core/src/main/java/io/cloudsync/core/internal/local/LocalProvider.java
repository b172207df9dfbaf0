package io.cloudsync.core.internal.local;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.support.AtomicFiles;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Names;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
    private static final String METADATA_LOCK = PRIVATE_PREFIX + "metadata.lock";

    /**
     * How old a staging file must be before an upload takes it for the leftover of a killed run and
     * deletes it: far longer than any single upload takes.
     */
    static final Duration STALE_STAGING = Duration.ofDays(2);
    private static final java.util.concurrent.ConcurrentMap<Path, Object> METADATA_LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Path directory;
    private final AtomicBoolean stagingSwept = new AtomicBoolean();

    LocalProvider(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The staging folder; package-private for tests. */
    Path stagingDir() {
        return directory.resolve(STAGING);
    }

    private Path area() {
        return directory.resolve(AREA);
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
     * Moves a staging file over its target. A delete of the folder's last other file removes the
     * folder while this upload was being staged (the engine runs deletes beside uploads), so a
     * missing folder is made again and the move retried.
     */
    private static void commit(Path temp, Path target) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Files.createDirectories(target.getParent());
            try {
                AtomicFiles.commit(temp, target);
                return;
            } catch (NoSuchFileException e) {
                if (attempt >= 5 || !Files.exists(temp)) {
                    throw e;
                }
            }
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

    /**
     * The file of a metadata object, refusing names that are not metadata names or that are the
     * provider's own.
     */
    private Path metadataFile(String name) {
        Names.requireMetadataName(name);
        for (String segment : name.split("/", -1)) {
            if (segment.startsWith(PRIVATE_PREFIX)) {
                throw new ProviderException(ProviderException.Kind.PERMANENT, "metadata name \"" + name
                        + "\" has a segment starting with \"" + PRIVATE_PREFIX + "\", which the local provider keeps for its"
                        + " own files (staging, locks, temporary files); choose another name");
            }
        }
        Path area = area();
        Path file = area.resolve(name.replace("/", area.getFileSystem().getSeparator())).normalize();
        if (!file.startsWith(area) || file.equals(area)) {
            throw new IllegalArgumentException("metadata name \"" + name + "\" leaves the metadata area");
        }
        return file;
    }

    /** Refuses a write through a symbolic link between the metadata area and {@code file}. */
    private void requireNoLinks(Path file, String name) {
        Path area = area();
        for (Path p = file.getParent(); p != null && p.startsWith(directory); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new ProviderException(ProviderException.Kind.PERMANENT, "folder " + p + " of metadata object \""
                        + name + "\" is a symbolic link; cloudsync does not write through links");
            }
            if (p.equals(area)) {
                break;
            }
        }
    }

    /** A version tag: the sha256 of the bytes, so equal contents have equal tags, changed contents new ones. */
    private static String versionOf(byte[] bytes) {
        return Digests.hex(Digests.sha256().digest(bytes));
    }

    /** What is stored at {@code file}; a folder, or a file where the path needs a folder, is no object. */
    private static Optional<MetadataObject> readObject(Path file) throws IOException {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            if (e.getReason() != null && e.getReason().toLowerCase(Locale.ROOT).contains("not a directory")) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(new MetadataObject(bytes, versionOf(bytes)));
    }

    @Override
    public Optional<MetadataObject> getMetadata(String name) {
        Path file = metadataFile(name);
        try {
            return readObject(file);
        } catch (IOException e) {
            throw map(e, null, "read metadata object \"" + name + '"');
        }
    }

    /**
     * The precondition is checked and the object written under one lock: a monitor for the threads of
     * this process (a file lock cannot be taken twice in one JVM), and a file lock on
     * {@code .cloudsync/.cs-metadata.lock} for other processes. So two runs cannot both replace the
     * version they read ({@code CONDITIONAL_METADATA_PUT}).
     */
    @Override
    public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
        Path file = metadataFile(name);
        java.util.Objects.requireNonNull(bytes, "bytes");
        java.util.Objects.requireNonNull(precondition, "precondition");
        requireNoLinks(file, name);
        try {
            withMetadataLock(() -> {
                Optional<MetadataObject> current = readObject(file);
                if (!precondition.allows(current)) {
                    throw new ProviderException(ProviderException.Kind.CONFLICT, conflict(name, precondition, current));
                }
                if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ProviderException(ProviderException.Kind.PERMANENT, "cannot store metadata object \"" + name
                            + "\" in " + directory + ": " + file + " is a folder (it holds objects named \"" + name
                            + "/...\"), and a file system cannot have a file of the same name");
                }
                AtomicFiles.write(file, bytes);
            });
        } catch (FileSystemException e) {
            if (e.getReason() != null && e.getReason().toLowerCase(Locale.ROOT).contains("not a directory")
                    || e instanceof FileAlreadyExistsException) {
                throw new ProviderException(ProviderException.Kind.PERMANENT, "cannot store metadata object \"" + name
                        + "\" in " + directory + ": a folder it needs is stored as an object (" + e.getFile()
                        + "), and a file system cannot have a folder of the same name", null, e);
            }
            throw map(e, null, "store metadata object \"" + name + '"');
        } catch (IOException e) {
            throw map(e, null, "store metadata object \"" + name + '"');
        }
        return versionOf(bytes);
    }

    private String conflict(String name, MetadataPrecondition precondition, Optional<MetadataObject> current) {
        String found = current.map(o -> "version " + o.version()).orElse("none");
        return switch (precondition.kind()) {
            case ABSENT -> "metadata object \"" + name + "\" already exists in " + directory
                    + " (" + found + "); another run wrote it first";
            case VERSION -> "metadata object \"" + name + "\" in " + directory + " changed since it was read (expected version "
                    + precondition.version().orElseThrow() + ", found " + found + "); another run wrote it first";
            case NONE -> throw new IllegalStateException("no condition cannot fail");
        };
    }

    @Override
    public void deleteMetadata(String name) {
        Path file = metadataFile(name);
        requireNoLinks(file, name);
        try {
            withMetadataLock(() -> {
                if (!Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) { // a folder is no object
                    try {
                        Files.deleteIfExists(file);
                    } catch (FileSystemException e) {
                        if (e.getReason() == null || !e.getReason().toLowerCase(Locale.ROOT).contains("not a directory")) {
                            throw e;
                        }
                    }
                }
            });
        } catch (IOException e) {
            throw map(e, null, "delete metadata object \"" + name + '"');
        }
    }

    /**
     * Every regular file of the metadata area whose name is a metadata name, below the folder the
     * prefix names; the provider's own files and symbolic links are left out.
     */
    @Override
    public Stream<String> listMetadata(String prefix) {
        Names.requireMetadataPrefix(prefix);
        Path area = area();
        String folder = prefix.substring(0, prefix.lastIndexOf('/') + 1);
        if (java.util.Arrays.stream(folder.split("/")).anyMatch(segment -> segment.startsWith(PRIVATE_PREFIX))) {
            return Stream.empty(); // the provider's own folders hold no metadata object
        }
        Path start = folder.isEmpty() ? area : area.resolve(folder.substring(0, folder.length() - 1));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return Stream.empty();
        }
        List<String> out = new ArrayList<>();
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(start) && dir.getFileName().toString().startsWith(PRIVATE_PREFIX)
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !p.getFileName().toString().startsWith(PRIVATE_PREFIX)) {
                        String name = area.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                        if (name.startsWith(prefix) && isMetadataName(name)) {
                            out.add(name);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException && !p.equals(start)) {
                        return FileVisitResult.CONTINUE; // deleted while we walked
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException && !dir.equals(start))) {
                        throw e;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            return Stream.empty();
        } catch (IOException e) {
            throw map(e, null, "list the metadata area");
        }
        out.sort(java.util.Comparator.naturalOrder());
        return out.stream();
    }

    private static boolean isMetadataName(String name) {
        try {
            Names.requireMetadataName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false; // a file someone else put there, such as one with a backslash in its name
        }
    }

    /** An action on the metadata area that may fail with an {@link IOException}. */
    private interface AreaAction {
        void run() throws IOException;
    }

    private void withMetadataLock(AreaAction action) throws IOException {
        Path lockFile = Files.createDirectories(area()).resolve(METADATA_LOCK);
        synchronized (METADATA_LOCKS.computeIfAbsent(lockFile, k -> new Object())) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                action.run();
            }
        }
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
            Files.walkFileTree(base, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        String rel = base.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                        out.add(RemoteEntry.of(rel, attrs.size(), null, attrs.lastModifiedTime().toInstant()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException && !p.equals(base)) {
                        return FileVisitResult.CONTINUE; // deleted while we walked
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException && !dir.equals(base))) {
                        throw e;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            return Stream.empty(); // the whole snapshot folder went away: nothing is stored
        } catch (IOException e) {
            throw map(e, null, "list snapshot \"" + snapshot + '"');
        }
        out.sort((a, b) -> PathRules.compare(a.path(), b.path()));
        return out.stream();
    }

    @Override
    public void close() {
        // nothing to release
    }

    private ProviderException map(Throwable e, String path, String what) {
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
