package com.example.cloudsync.folder;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Files at {@code <directory>/<snapshot>/<path>}, metadata objects at
 * {@code <directory>/.cloudsync/metadata/<name>} (no snapshot is called {@code .cloudsync}), both
 * staged in {@code <directory>/.cloudsync/tmp} and moved into place atomically. The engine decides
 * what the metadata bytes mean; the provider only stores them.
 */
final class FolderProvider implements Provider {

    private final Path root;

    FolderProvider(Path root) {
        this.root = root;
    }

    @Override
    public Optional<MetadataObject> getMetadata(String name) {
        try {
            byte[] bytes = Files.readAllBytes(metadataFile(name));
            return Optional.of(new MetadataObject(bytes, version(bytes)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, "cannot read metadata " + name + ": " + e, null, e);
        }
    }

    @Override
    public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
        if (!precondition.allows(getMetadata(name))) { // checked, not atomically: no CONDITIONAL_METADATA_PUT
            throw new ProviderException(Kind.CONFLICT, "metadata " + name + " does not match " + precondition);
        }
        try {
            Path temp = tempFile();
            Files.write(temp, bytes);
            moveIntoPlace(temp, metadataFile(name));
            return version(bytes);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, "cannot write metadata " + name + ": " + e, null, e);
        }
    }

    @Override
    public void deleteMetadata(String name) {
        try {
            Files.deleteIfExists(metadataFile(name));
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, "cannot delete metadata " + name + ": " + e, null, e);
        }
    }

    @Override
    public Stream<String> listMetadata(String prefix) {
        Path base = root.resolve(".cloudsync").resolve("metadata");
        if (!Files.isDirectory(base)) {
            return Stream.empty();
        }
        try (Stream<Path> all = Files.walk(base)) {
            List<String> names = all.filter(Files::isRegularFile).map(f -> base.relativize(f).toString().replace('\\', '/'))
                    .filter(n -> n.startsWith(prefix)).sorted().toList();
            return names.stream();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, "cannot list metadata: " + e, null, e);
        }
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        return upload(snapshot, entry, localFile, n -> { });
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, LongConsumer sent) {
        Path temp = null;
        try {
            temp = tempFile();
            MessageDigest sha = Digests.sha256();
            try (InputStream in = Files.newInputStream(localFile); OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[64 * 1024];
                long written = 0;
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    sha.update(buffer, 0, n);
                    written += n;
                    sent.accept(Math.min(written, entry.size())); // progress: bytes stored so far, at most the entry's size
                }
            }
            String actual = Digests.hex(sha.digest());
            if (!actual.equals(entry.sha256())) {
                throw new ProviderException(Kind.INTEGRITY, entry.path() + ": the bytes hash to " + actual
                        + " but the entry says " + entry.sha256() + "; the local file changed", entry.path(), null);
            }
            long size = Files.size(temp);
            moveIntoPlace(temp, file(snapshot, entry.path()));
            return UploadReceipt.verified(entry.path(), size, actual);
        } catch (IOException e) {
            throw new ProviderException(Kind.PERMANENT, "cannot upload " + entry.path() + " from " + localFile + ": " + e,
                    entry.path(), e);
        } finally {
            deleteQuietly(temp); // after a failure nothing is left; after success the move took it
        }
    }

    @Override
    public void download(String snapshot, String path, Path target) {
        Path source = file(snapshot, path);
        if (!Files.isRegularFile(source)) {
            throw new ProviderException(Kind.NOT_FOUND, "no file " + path + " in snapshot " + snapshot, path, null);
        }
        try {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ProviderException(Kind.PERMANENT, "cannot download " + path + " to " + target + ": " + e, path, e);
        }
    }

    @Override
    public void delete(String snapshot, String path) {
        Path file = file(snapshot, path);
        if (!Files.isRegularFile(file)) {
            return; // idempotent, also when a parent is a file ("a.txt/child")
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, "cannot delete " + path + ": " + e, path, e);
        }
    }

    @Override
    public Stream<RemoteEntry> list(String snapshot) {
        Path base = root.resolve(snapshot);
        if (!Files.isDirectory(base)) {
            return Stream.empty();
        }
        List<RemoteEntry> entries = new ArrayList<>();
        try {
            Files.walkFileTree(base, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        entries.add(RemoteEntry.of(base.relativize(p).toString().replace('\\', '/'), attrs.size()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // deleted while we walked: not stored any more
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, "cannot list snapshot " + snapshot + ": " + e, null, e);
        }
        return entries.stream();
    }

    @Override
    public void close() {
        // nothing to release
    }

    @Override
    public String toString() {
        return "FolderProvider[" + root + ']';
    }

    private Path file(String snapshot, String path) {
        return root.resolve(snapshot).resolve(path); // paths are canonical: relative, no "..", '/'-separated
    }

    private Path metadataFile(String name) {
        return root.resolve(".cloudsync").resolve("metadata").resolve(name); // names follow io.cloudsync.spi.Names
    }

    /** The version tag: a hash of the bytes, which changes whenever they do. */
    private static String version(byte[] bytes) {
        return Digests.hex(Digests.sha256().digest(bytes));
    }

    private Path tempFile() throws IOException {
        Path dir = Files.createDirectories(root.resolve(".cloudsync").resolve("tmp"));
        return Files.createTempFile(dir, "upload-", ".tmp");
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a stray temp file in .cloudsync/tmp is harmless
        }
    }
}
