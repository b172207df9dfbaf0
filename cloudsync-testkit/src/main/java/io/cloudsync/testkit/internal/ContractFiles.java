package io.cloudsync.testkit.internal;

import io.cloudsync.ManifestEntry;
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
     * File names of exactly 255 bytes in UTF-8, the longest Linux (and most file systems) allow:
     * one ASCII, one of two- and three-byte characters, one of four-byte characters (emoji). All are
     * in Unicode NFC.
     *
     * @return three names, each ending in {@code .txt}
     */
    public static java.util.List<String> longNames() {
        String ascii = "a".repeat(251) + ".txt";
        String cjk = "\u00e9" + "\u65e5".repeat(83) + ".txt"; // 2 + 249 + 4
        String emoji = "\uD83D\uDE00".repeat(62) + "abc.txt"; // 248 + 7
        java.util.List<String> names = java.util.List.of(ascii, cjk, emoji);
        for (String n : names) {
            if (n.getBytes(StandardCharsets.UTF_8).length != 255) {
                throw new IllegalStateException("long name of " + n.getBytes(StandardCharsets.UTF_8).length + " bytes");
            }
        }
        return names;
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
        java.security.MessageDigest sha = io.cloudsync.Digests.sha256();
        byte[] buffer = new byte[64 * 1024];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
        return io.cloudsync.Digests.hex(sha.digest());
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
