package io.cloudsync.spi;

import io.cloudsync.Digests;
import io.cloudsync.PathRules;
import java.util.Objects;
import java.util.Optional;

/** What a provider reports after storing one file. */
public final class UploadReceipt {

    private final String path;
    private final long size;
    private final String sha256;
    private final boolean serverVerified;

    private UploadReceipt(String path, long size, String sha256, boolean serverVerified) {
        this.path = PathRules.requireCanonical(path);
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size + " for " + path);
        }
        this.size = size;
        this.sha256 = sha256 == null ? null : Digests.requireSha256Hex(sha256, path);
        this.serverVerified = serverVerified;
    }

    /**
     * A receipt with the SHA-256 of the bytes as stored, computed or checked by the server or the
     * provider itself over what it wrote.
     *
     * @param path the manifest path
     * @param size bytes stored
     * @param sha256 lower-case hex SHA-256 of the stored bytes
     * @return the receipt
     */
    public static UploadReceipt verified(String path, long size, String sha256) {
        return new UploadReceipt(path, size, Objects.requireNonNull(sha256, "sha256"), true);
    }

    /**
     * A receipt without a digest; the engine reads the file back to verify it.
     *
     * @param path the manifest path
     * @param size bytes stored
     * @return the receipt
     */
    public static UploadReceipt unverified(String path, long size) {
        return new UploadReceipt(path, size, null, false);
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
     * The SHA-256 of the stored bytes, when the provider knows it.
     *
     * @return lower-case hex, or empty
     */
    public Optional<String> sha256() {
        return Optional.ofNullable(sha256);
    }

    /**
     * Whether {@link #sha256()} was computed or checked over the stored bytes.
     *
     * @return true for {@link #verified} receipts
     */
    public boolean serverVerified() {
        return serverVerified;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UploadReceipt r && r.path.equals(path) && r.size == size
                && Objects.equals(r.sha256, sha256) && r.serverVerified == serverVerified;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, size, sha256, serverVerified);
    }

    @Override
    public String toString() {
        return "UploadReceipt[" + path + ", " + size + " bytes, sha256=" + (sha256 == null ? "unknown" : sha256) + ']';
    }
}
