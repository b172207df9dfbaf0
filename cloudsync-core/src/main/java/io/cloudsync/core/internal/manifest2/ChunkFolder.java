package io.cloudsync.core.internal.manifest2;

import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local folder of format-2 chunks, each in a file named by the SHA-256 of its bytes: the chunk
 * part of the manifest cache. A file is written (through {@link AtomicFiles}) only when absent, so
 * a chunk unchanged since the last run is never rewritten; a file read is checked against its name
 * and dropped when it does not match. Reading never fails: a missing, damaged or unreadable file
 * is simply not there. Thread-safe.
 */
public final class ChunkFolder {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkFolder.class);

    private final Path directory;

    /**
     * A folder, which need not exist yet.
     *
     * @param directory the folder
     */
    public ChunkFolder(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * The folder.
     *
     * @return its path
     */
    public Path directory() {
        return directory;
    }

    /**
     * The bytes of a chunk, when the folder holds a file of that name whose bytes match it.
     *
     * @param sha256 the chunk's name
     * @return its bytes, or empty when missing, unreadable or damaged (a damaged file is deleted)
     */
    public Optional<byte[]> get(String sha256) {
        if (!Format2.isChunkName(sha256)) {
            return Optional.empty();
        }
        Path file = directory.resolve(sha256);
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (Format2.sha256(bytes).equals(sha256)) {
                return Optional.of(bytes);
            }
            LOG.warn("sync.manifest cache_chunk_damaged file={}: its bytes do not match its name; deleting it", file);
            Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            // not cached
        } catch (IOException e) {
            LOG.debug("sync.manifest cache_chunk_unreadable file={}: {}", file, e.toString());
        }
        return Optional.empty();
    }

    /**
     * Whether the folder has a file of a chunk's name and size (its bytes are not hashed).
     *
     * @param sha256 the chunk's name
     * @param size its size in bytes
     * @return true when there is one
     */
    public boolean has(String sha256, long size) {
        try {
            return Files.size(directory.resolve(sha256)) == size;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stores a chunk unless a file of that name and size is there already.
     *
     * @param sha256 the chunk's name, the SHA-256 of {@code bytes}
     * @param bytes its bytes
     * @return true when a file was written
     * @throws IOException when it cannot be written
     */
    public boolean put(String sha256, byte[] bytes) throws IOException {
        if (!Format2.isChunkName(sha256)) {
            throw new IllegalArgumentException("not a chunk name: " + sha256);
        }
        Path file = directory.resolve(sha256);
        try {
            if (Files.size(file) == bytes.length) {
                return false;
            }
        } catch (NoSuchFileException e) {
            // absent: write it
        }
        AtomicFiles.write(file, bytes);
        return true;
    }

    /**
     * Deletes every chunk file not in {@code names}; failures are logged, never thrown.
     *
     * @param names the chunks to keep
     */
    public void keepOnly(Set<String> names) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (Format2.isChunkName(name) && !names.contains(name)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (NoSuchFileException e) {
            // nothing cached
        } catch (IOException e) {
            LOG.warn("sync.manifest cache_chunk_cleanup folder={}: {}; the next write retries", directory, e.toString());
        }
    }

    /**
     * Deletes the folder and every file in it.
     *
     * @throws IOException when something cannot be deleted
     */
    public void deleteAll() throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Names the folder.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return "ChunkFolder[" + directory + ']';
    }
}
