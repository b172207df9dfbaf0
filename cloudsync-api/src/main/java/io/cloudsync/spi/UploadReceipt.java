package io.cloudsync.spi;

import io.cloudsync.Digests;
import io.cloudsync.PathRules;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What a provider reports after storing one file. */
public final class UploadReceipt {

    private final String path;
    private final long size;
    private final @Nullable String sha256;
    private final boolean serverVerified;
    private final long resumedBytes;

    private UploadReceipt(String path, long size, @Nullable String sha256, boolean serverVerified) {
        this(path, size, sha256, serverVerified, 0);
    }

    private UploadReceipt(String path, long size, @Nullable String sha256, boolean serverVerified, long resumedBytes) {
        this.path = PathRules.requireCanonical(path);
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size + " for " + path);
        }
        this.size = size;
        this.sha256 = sha256 == null ? null : Digests.requireSha256Hex(sha256, path);
        this.serverVerified = serverVerified;
        if (resumedBytes < 0 || resumedBytes > size) {
            throw new IllegalArgumentException("resumed bytes must be between 0 and the size (" + size + "), was "
                    + resumedBytes + " for " + path);
        }
        this.resumedBytes = resumedBytes;
    }

    /**
     * This receipt, saying that the first {@code resumedBytes} of the file (or that many bytes of its
     * parts) were already stored by an interrupted earlier upload that this one continued, so they
     * were not sent again. The engine reports them as resumed rather than sent. Providers with
     * {@link Capability#RESUMABLE_UPLOAD} should say so; without it the engine takes every byte as sent.
     *
     * @param resumedBytes bytes not sent again, between 0 and {@link #size()}
     * @return a receipt that differs only in {@link #resumedBytes()}
     * @throws IllegalArgumentException when {@code resumedBytes} is negative or larger than the size
     */
    public UploadReceipt withResumedBytes(long resumedBytes) {
        return new UploadReceipt(path, size, sha256, serverVerified, resumedBytes);
    }

    /**
     * Bytes of the file that an earlier, interrupted upload had stored and this one did not send again.
     *
     * @return between 0 and {@link #size()}; 0 unless the provider said otherwise
     */
    public long resumedBytes() {
        return resumedBytes;
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
                && Objects.equals(r.sha256, sha256) && r.serverVerified == serverVerified && r.resumedBytes == resumedBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, size, sha256, serverVerified, resumedBytes);
    }

    @Override
    public String toString() {
        return "UploadReceipt[" + path + ", " + size + " bytes, sha256=" + (sha256 == null ? "unknown" : sha256)
                + (resumedBytes == 0 ? "" : ", " + resumedBytes + " bytes resumed") + ']';
    }
}
