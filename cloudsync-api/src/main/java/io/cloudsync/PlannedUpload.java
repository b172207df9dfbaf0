package io.cloudsync;

import java.util.Objects;

/**
 * One file a plan will upload.
 *
 * @param entry the local entry to send; never {@code null}
 * @param reason why it is sent; never {@code null}
 */
public record PlannedUpload(ManifestEntry entry, UploadReason reason) {

    /**
     * Checks that neither component is {@code null}.
     *
     * @param entry see the record component
     * @param reason see the record component
     */
    public PlannedUpload {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * The path to upload.
     *
     * @return the entry's path
     */
    public String path() {
        return entry.path();
    }

    /**
     * The size to upload.
     *
     * @return the entry's size in bytes
     */
    public long size() {
        return entry.size();
    }

    /**
     * The digest the uploaded bytes must have.
     *
     * @return the entry's sha256
     */
    public String sha256() {
        return entry.sha256();
    }
}
