package io.cloudsync.spi;

import io.cloudsync.Digests;
import io.cloudsync.PathRules;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A file as a provider's listing reports it. */
public final class RemoteEntry {

    private final String path;
    private final long size;
    private final @Nullable String sha256;
    private final @Nullable Instant mtime;

    private RemoteEntry(String path, long size, @Nullable String sha256, @Nullable Instant mtime) {
        this.path = PathRules.requireCanonical(path);
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size + " for " + path);
        }
        this.size = size;
        this.sha256 = sha256 == null ? null : Digests.requireSha256Hex(sha256, path);
        this.mtime = mtime;
    }

    /**
     * An entry with only a path and size.
     *
     * @param path the manifest path (relative to the snapshot)
     * @param size bytes stored
     * @return the entry
     */
    public static RemoteEntry of(String path, long size) {
        return new RemoteEntry(path, size, null, null);
    }

    /**
     * An entry with a digest and a modification time, either possibly {@code null} when unknown.
     *
     * @param path the manifest path (relative to the snapshot)
     * @param size bytes stored
     * @param sha256 lower-case hex SHA-256, or {@code null} when unknown
     * @param mtime the file's modification time as stored, or {@code null} when unknown
     * @return the entry
     */
    public static RemoteEntry of(String path, long size, @Nullable String sha256, @Nullable Instant mtime) {
        return new RemoteEntry(path, size, sha256, mtime);
    }

    /**
     * The manifest path.
     *
     * @return never {@code null}
     */
    public String path() {
        return path;
    }

    /**
     * Bytes stored.
     *
     * @return the size
     */
    public long size() {
        return size;
    }

    /**
     * The SHA-256 the remote keeps for the file (server checksum or metadata), when it has one.
     *
     * @return lower-case hex, or empty
     */
    public Optional<String> sha256() {
        return Optional.ofNullable(sha256);
    }

    /**
     * The file's modification time as the remote keeps it, when it has one.
     *
     * @return the time, or empty
     */
    public Optional<Instant> mtime() {
        return Optional.ofNullable(mtime);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RemoteEntry r && r.path.equals(path) && r.size == size
                && Objects.equals(r.sha256, sha256) && Objects.equals(r.mtime, mtime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, size, sha256, mtime);
    }

    @Override
    public String toString() {
        return "RemoteEntry[" + path + ", " + size + " bytes" + (sha256 == null ? "" : ", sha256=" + sha256) + ']';
    }
}
