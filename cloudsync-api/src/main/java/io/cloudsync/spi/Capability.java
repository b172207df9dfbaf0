package io.cloudsync.spi;

/** Optional abilities a provider declares through {@link ProviderFactory#capabilities()}. */
public enum Capability {
    /**
     * {@link Provider#upload} returns a SHA-256 that the server computed or checked over the stored
     * bytes; the engine then skips its read-back check. Read by: engine, testkit.
     */
    SERVER_SHA256,
    /**
     * {@link Provider#putMetadata} checks its {@link MetadataPrecondition} atomically with the put
     * (compare and set), so two runs committing at once cannot both win. Without it the check is made
     * just before the put, which leaves a short window. The engine sends the same precondition either
     * way. Read by: testkit (which races puts only where it is declared), docs.
     *
     * @since SPI version 4 (replaces {@code CONDITIONAL_MANIFEST_WRITE})
     */
    CONDITIONAL_METADATA_PUT,
    /**
     * An interrupted large upload resumes, even after a process restart, without resending what
     * already arrived. Read by: testkit.
     */
    RESUMABLE_UPLOAD,
    /** {@link Provider#list} reports what is really stored. Read by: verify, testkit. */
    LISTING,
    /**
     * {@link Provider#copy} copies a stored file to another path on the remote without sending its
     * bytes again (S3 CopyObject, Drive files.copy, a local copy or hard link), and
     * {@link Provider#copyToMetadata} copies one into the metadata area. Read by: testkit; the
     * engine's moves (copy) and the trash of deleted and overwritten files (copyToMetadata).
     *
     * @since SPI version 4
     */
    SERVER_SIDE_COPY
}
