package io.cloudsync.core.internal.local;

import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.PathRules;
import io.cloudsync.core.ManifestJson;
import io.cloudsync.core.internal.fs.AtomicFiles;
import io.cloudsync.spi.ManifestPrecondition;
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
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A folder as the remote. Files at {@code <directory>/<snapshot>/<path>}, manifests at
 * {@code <directory>/.cloudsync/manifests/<snapshot>.json}. Uploads are copied to a temporary file
 * beside the target while being hashed, checked against the expected sha256, and moved into place
 * atomically, so a failed or interrupted upload never leaves a partial file under the final name.
 */
final class LocalProvider implements Provider {

    private static final String MANIFESTS = ".cloudsync/manifests";
    private static final java.util.concurrent.ConcurrentMap<Path, Object> MANIFEST_LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Path directory;

    LocalProvider(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    private Path manifestFile(String snapshot) {
        return directory.resolve(MANIFESTS).resolve(snapshot + ".json");
    }

    private Path snapshotDir(String snapshot) {
        return directory.resolve(snapshot);
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

    @Override
    public Optional<Manifest> readManifest(String snapshot) {
        Path file = manifestFile(snapshot);
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            return Optional.of(ManifestJson.read(file));
        } catch (ManifestFormatException e) {
            throw new ProviderException(ProviderException.Kind.INTEGRITY, "the manifest of snapshot \"" + snapshot
                    + "\" in " + directory + " is damaged: " + e.getMessage(), null, e);
        } catch (RuntimeException e) {
            throw map(e, null, "read the manifest of snapshot \"" + snapshot + '"');
        }
    }

    @Override
    public void writeManifest(String snapshot, Manifest manifest, ManifestPrecondition precondition) {
        Path file = manifestFile(snapshot);
        try {
            Files.createDirectories(file.getParent());
            Path lockFile = file.resolveSibling(snapshot + ".json.lock");
            // The file lock keeps other processes out; it cannot be taken twice in one JVM, so threads
            // of this process queue on a monitor first.
            synchronized (MANIFEST_LOCKS.computeIfAbsent(lockFile, k -> new Object())) {
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    checkPrecondition(snapshot, file, precondition);
                    AtomicFiles.write(file, ManifestJson.toBytes(manifest));
                }
            }
        } catch (IOException e) {
            throw map(e, null, "write the manifest of snapshot \"" + snapshot + '"');
        }
    }

    private void checkPrecondition(String snapshot, Path file, ManifestPrecondition precondition) {
        switch (precondition.kind()) {
            case NONE -> {
            }
            case ABSENT -> {
                if (Files.exists(file)) {
                    throw new ProviderException(ProviderException.Kind.CONFLICT, "snapshot \"" + snapshot
                            + "\" already has a manifest in " + directory + "; another run wrote it first");
                }
            }
            case CHECKSUM -> {
                Optional<Manifest> current = readManifest(snapshot);
                String expected = precondition.checksum().orElseThrow();
                if (current.isEmpty() || !current.get().checksum().equals(expected)) {
                    throw new ProviderException(ProviderException.Kind.CONFLICT, "the manifest of snapshot \"" + snapshot
                            + "\" in " + directory + " changed since it was read (expected checksum " + expected
                            + ", found " + current.map(Manifest::checksum).orElse("none") + "); run again to re-plan");
                }
            }
        }
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        Path target = fileOf(snapshot, entry.path());
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = AtomicFiles.prepareTemp(target, false);
            MessageDigest digest = Digests.sha256();
            long copied;
            try (InputStream in = new DigestInputStream(Files.newInputStream(localFile), digest);
                 OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
                copied = in.transferTo(out);
            }
            String actual = Digests.hex(digest.digest());
            if (!actual.equals(entry.sha256()) || copied != entry.size()) {
                throw new ProviderException(ProviderException.Kind.INTEGRITY, "upload of \"" + entry.path()
                        + "\" refused: the bytes read (" + copied + " bytes, sha256 " + actual + ") do not match the manifest ("
                        + entry.size() + " bytes, sha256 " + entry.sha256() + "); the local file changed during the run",
                        entry.path(), null);
            }
            Files.setLastModifiedTime(temp, FileTime.from(entry.mtime()));
            AtomicFiles.commit(temp, target);
            temp = null;
            return UploadReceipt.verified(entry.path(), copied, actual);
        } catch (IOException e) {
            throw map(e, entry.path(), "upload \"" + entry.path() + '"');
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray temp file is skipped by listings and overwritten by nothing
                }
            }
        }
    }

    @Override
    public void download(String snapshot, String path, Path target) {
        Path source = fileOf(snapshot, path);
        try {
            Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw map(e, path, "download \"" + path + '"');
        }
    }

    @Override
    public void delete(String snapshot, String path) {
        Path file = fileOf(snapshot, path);
        Path base = snapshotDir(snapshot);
        try {
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

    @Override
    public Stream<RemoteEntry> list(String snapshot) {
        Path base = snapshotDir(snapshot);
        if (!Files.isDirectory(base)) {
            return Stream.empty();
        }
        List<RemoteEntry> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(base)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !p.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX))
                    .forEach(p -> {
                        String rel = base.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                        try {
                            out.add(RemoteEntry.of(rel, Files.size(p), null,
                                    Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant()));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw map(e instanceof java.io.UncheckedIOException u ? u.getCause() : e, null, "list snapshot \"" + snapshot + '"');
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
                && fse.getReason().toLowerCase(java.util.Locale.ROOT).contains("no space")) {
            kind = ProviderException.Kind.QUOTA_EXCEEDED;
        } else if (e instanceof IOException) {
            kind = ProviderException.Kind.UNAVAILABLE;
        } else {
            kind = ProviderException.Kind.PERMANENT;
        }
        return new ProviderException(kind, "could not " + what + " in " + directory + ": " + e, path, e);
    }
}
