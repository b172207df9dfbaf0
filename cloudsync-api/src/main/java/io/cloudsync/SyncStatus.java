package io.cloudsync;

/** How a sync ended. */
public enum SyncStatus {
    /** Nothing was written: the result of a dry-run. */
    DRY_RUN,
    /** Every operation succeeded and the manifest was committed (unless the request said not to). */
    SUCCESS,
    /** Some operations failed; the old remote manifest stays in place. */
    PARTIAL,
    /** The run could not proceed, or every operation failed. */
    FAILED;

    /**
     * The lower-case name used in JSON output ({@code "dry_run"}, {@code "success"}, ...).
     *
     * @return the JSON name
     */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
