package io.cloudsync;

/** The kinds of operation a run (or a pull) performs on a remote, and the local scan that precedes them. */
public enum SyncAction {
    /**
     * Reading the local tree: a path the scan could not read (an unreadable folder or file, a file
     * that vanished or kept changing while it was read). Such a path is never planned as a delete.
     */
    SCAN,
    /** Sending one file. */
    UPLOAD,
    /** Removing one remote file. */
    DELETE,
    /** Writing the refreshed manifest. */
    MANIFEST,
    /** Fetching one file of a snapshot (a pull). */
    DOWNLOAD;

    /**
     * The lower-case name used in JSON output.
     *
     * @return {@code "scan"}, {@code "upload"}, {@code "delete"}, {@code "manifest"} or {@code "download"}
     */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
