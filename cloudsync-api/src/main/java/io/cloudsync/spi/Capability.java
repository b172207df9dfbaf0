package io.cloudsync.spi;

/** Optional abilities a provider declares through {@link ProviderFactory#capabilities()}. */
public enum Capability {
    /**
     * {@link Provider#upload} returns a SHA-256 that the server computed or checked over the stored
     * bytes; the engine then skips its read-back check. Read by: engine, testkit.
     */
    SERVER_SHA256,
    /**
     * {@link Provider#writeManifest} honours a {@link ManifestPrecondition} atomically (compare and
     * set). Read by: engine commit, testkit.
     */
    CONDITIONAL_MANIFEST_WRITE,
    /**
     * An interrupted large upload resumes, even after a process restart, without resending what
     * already arrived. Read by: testkit.
     */
    RESUMABLE_UPLOAD,
    /** {@link Provider#list} reports what is really stored. Read by: verify, testkit. */
    LISTING
}
