package io.cloudsync.core.internal.local;

import io.cloudsync.Digests;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Names;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local provider's metadata area: object {@code N} is the file {@code <area>/N}, written through
 * {@link AtomicFiles}, with the sha256 of its bytes as version tag (equal contents, equal tags).
 * Names with a segment starting with {@link LocalProvider#PRIVATE_PREFIX} are the provider's own and
 * are refused and never listed.
 */
final class LocalMetadataArea {

    private static final String LOCK = LocalProvider.PRIVATE_PREFIX + "metadata.lock";
    /** One monitor per lock file: a file lock cannot be taken twice in one JVM, so its threads queue here first. */
    private static final java.util.concurrent.ConcurrentMap<Path, Object> LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Path area;
    /** The provider's folder, for messages and as the limit of the symbolic-link check. */
    private final Path directory;

    LocalMetadataArea(Path area, Path directory) {
        this.area = area;
        this.directory = directory;
    }

    /**
     * The file of a metadata object, refusing names that are not metadata names or that are the
     * provider's own.
     */
    private Path metadataFile(String name) {
        Names.requireMetadataName(name);
        for (String segment : name.split("/", -1)) {
            if (segment.startsWith(LocalProvider.PRIVATE_PREFIX)) {
                throw new ProviderException(ProviderException.Kind.PERMANENT, "metadata name \"" + name
                        + "\" has a segment starting with \"" + LocalProvider.PRIVATE_PREFIX + "\", which the local provider"
                        + " keeps for its own files (staging, locks, temporary files); choose another name");
            }
        }

        Path file = area.resolve(name.replace("/", area.getFileSystem().getSeparator())).normalize();
        if (!file.startsWith(area) || file.equals(area)) {
            throw new IllegalArgumentException("metadata name \"" + name + "\" leaves the metadata area");
        }
        return file;
    }

    /** Refuses a write through a symbolic link between the metadata area and {@code file}. */
    private void requireNoLinks(Path file, String name) {

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

    Optional<MetadataObject> get(String name) {
        Path file = metadataFile(name);
        try {
            return readObject(file);
        } catch (IOException e) {
            throw LocalProvider.map(directory, e, null, "read metadata object \"" + name + '"');
        }
    }

    /**
     * The precondition is checked and the object written under one lock: a monitor for the threads of
     * this process (a file lock cannot be taken twice in one JVM), and a file lock on
     * {@code .cloudsync/.cs-metadata.lock} for other processes. So two runs cannot both replace the
     * version they read ({@code CONDITIONAL_METADATA_PUT}).
     */
    String put(String name, byte[] bytes, MetadataPrecondition precondition) {
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
            throw LocalProvider.map(directory, e, null, "store metadata object \"" + name + '"');
        } catch (IOException e) {
            throw LocalProvider.map(directory, e, null, "store metadata object \"" + name + '"');
        }
        return versionOf(bytes);
    }

    /**
     * Stores what {@code in} holds as object {@code name}, unconditionally, refusing bytes that are
     * not {@code expected}'s (size and sha256): nothing is stored under the name then.
     */
    void store(String name, java.io.InputStream in, io.cloudsync.ManifestEntry expected) {
        Path file = metadataFile(name);
        requireNoLinks(file, name);
        try {
            withMetadataLock(() -> AtomicFiles.write(file, out -> {
                java.security.MessageDigest digest = Digests.sha256();
                byte[] buffer = new byte[128 * 1024];
                long copied = 0;
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    digest.update(buffer, 0, n);
                    copied += n;
                }
                String actual = Digests.hex(digest.digest());
                if (copied != expected.size() || !actual.equals(expected.sha256())) {
                    throw new ProviderException(ProviderException.Kind.INTEGRITY, "cannot keep \"" + expected.path()
                            + "\" as metadata object \"" + name + "\": the stored file has " + copied + " bytes, sha256 "
                            + actual + ", not the " + expected.size() + " bytes, sha256 " + expected.sha256()
                            + " of its manifest entry", expected.path(), null);
                }
            }, false));
        } catch (IOException e) {
            throw LocalProvider.map(directory, e, null, "store metadata object \"" + name + '"');
        }
    }

    /** Copies object {@code name} to {@code target} through a temporary file; NOT_FOUND when there is none. */
    void download(String name, Path target) {
        Path file = metadataFile(name);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no metadata object \"" + name + "\" in "
                        + directory, null, null);
            }
            Path temp = AtomicFiles.prepareTemp(target, false);
            try {
                Files.copy(file, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                AtomicFiles.commit(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (NoSuchFileException e) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no metadata object \"" + name + "\" in "
                    + directory, null, e);
        } catch (IOException e) {
            throw LocalProvider.map(directory, e, null, "read metadata object \"" + name + '"');
        }
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

    void delete(String name) {
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
            throw LocalProvider.map(directory, e, null, "delete metadata object \"" + name + '"');
        }
    }

    /**
     * Every regular file of the metadata area whose name is a metadata name, below the folder the
     * prefix names; the provider's own files and symbolic links are left out.
     */
    Stream<String> list(String prefix) {
        Names.requireMetadataPrefix(prefix);
        String folder = prefix.substring(0, prefix.lastIndexOf('/') + 1);
        if (java.util.Arrays.stream(folder.split("/")).anyMatch(segment -> segment.startsWith(LocalProvider.PRIVATE_PREFIX))) {
            return Stream.empty(); // the provider's own folders hold no metadata object
        }
        Path start = folder.isEmpty() ? area : area.resolve(folder.substring(0, folder.length() - 1));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return Stream.empty();
        }
        List<String> out = new ArrayList<>();
        try {
            FileWalk.regularFiles(start, dir -> dir.getFileName().toString().startsWith(LocalProvider.PRIVATE_PREFIX),
                    (p, attrs) -> {
                        String name = FileWalk.relative(area, p);
                        if (!p.getFileName().toString().startsWith(LocalProvider.PRIVATE_PREFIX) && name.startsWith(prefix)
                                && isMetadataName(name)) {
                            out.add(name);
                        }
                    });
        } catch (NoSuchFileException e) {
            return Stream.empty();
        } catch (IOException e) {
            throw LocalProvider.map(directory, e, null, "list the metadata area");
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
        Path lockFile = Files.createDirectories(area).resolve(LOCK);
        synchronized (LOCKS.computeIfAbsent(lockFile, k -> new Object())) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                action.run();
            }
        }
    }
}
