package io.cloudsync;

import java.time.Instant;

/**
 * One file in a manifest.
 *
 * @param path relative, {@code /}-separated, NFC path (see {@link PathRules}); never {@code null}
 * @param size size in bytes, never negative
 * @param mtime last modification time; never {@code null}. Not part of the manifest checksum.
 * @param sha256 lower-case hex SHA-256 of the content; never {@code null}
 */
public record ManifestEntry(String path, long size, Instant mtime, String sha256) {

    /**
     * Validates and normalises the entry.
     *
     * @param path see the record component
     * @param size see the record component
     * @param mtime see the record component
     * @param sha256 see the record component
     * @throws IllegalArgumentException quoting the bad value
     */
    public ManifestEntry {
        path = PathRules.requireCanonical(path);
        if (mtime == null) {
            throw new NullPointerException("mtime of " + path + " must not be null");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size + " for " + path);
        }
        Digests.requireSha256Hex(sha256, path);
    }

    /**
     * Whether this entry has the same content as {@code other}: same path, size and sha256.
     * Modification times are ignored.
     *
     * @param other another entry
     * @return true when the content is the same
     */
    public boolean sameContent(ManifestEntry other) {
        return path.equals(other.path) && size == other.size && sha256.equals(other.sha256);
    }
}
