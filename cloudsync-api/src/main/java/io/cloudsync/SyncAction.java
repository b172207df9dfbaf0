package io.cloudsync;

/** The kinds of operation a run performs on a remote. */
public enum SyncAction {
    /** Sending one file. */
    UPLOAD,
    /** Removing one remote file. */
    DELETE,
    /** Writing the refreshed manifest. */
    MANIFEST;

    /**
     * The lower-case name used in JSON output.
     *
     * @return {@code "upload"}, {@code "delete"} or {@code "manifest"}
     */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
