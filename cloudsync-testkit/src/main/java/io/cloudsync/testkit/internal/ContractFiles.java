package io.cloudsync.testkit.internal;

import io.cloudsync.ManifestEntry;
import io.cloudsync.core.internal.hash.Hashing;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;

/** Local files with reproducible pseudo-random content, and their manifest entries. */
public final class ContractFiles {

    /** The modification time given to every entry the contract uploads. */
    public static final Instant MTIME = Instant.parse("2024-05-06T07:08:09.123456789Z");

    private ContractFiles() {
    }

    /**
     * Writes {@code size} pseudo-random bytes determined by {@code seed} and {@code salt}.
     *
     * @param file the file to create or replace
     * @param size bytes
     * @param seed the run's seed
     * @param salt tells files of one run apart
     * @return {@code file}
     */
    public static Path random(Path file, long size, long seed, String salt) {
        SplittableRandom random = new SplittableRandom(seed * 31 + salt.hashCode());
        byte[] buffer = new byte[64 * 1024];
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                long left = size;
                while (left > 0) {
                    int n = (int) Math.min(buffer.length, left);
                    random.nextBytes(buffer);
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the contract's test file " + file, e);
        }
        return file;
    }

    /**
     * Writes text as UTF-8.
     *
     * @param file the file
     * @param text the content
     * @return {@code file}
     */
    public static Path text(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the contract's test file " + file, e);
        }
    }

    /**
     * The SHA-256 of a file.
     *
     * @param file the file
     * @return lower-case hex
     */
    public static String sha256(Path file) {
        try {
            return Hashing.sha256(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
    }

    /**
     * The manifest entry of a local file stored under {@code path}.
     *
     * @param path the manifest path
     * @param file the local file
     * @return the entry with the file's size and SHA-256
     */
    public static ManifestEntry entry(String path, Path file) {
        try {
            return new ManifestEntry(path, Files.size(file), MTIME, sha256(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
