package io.cloudsync.core;

/** Where the remote side of a plan came from. */
public enum PlanSource {
    /** The manifest read from the remote itself. */
    REMOTE,
    /** The last committed manifest cached under the state folder (the remote could not be read). */
    CACHE,
    /** Neither: the plan assumes an empty remote. */
    NONE;

    /**
     * The lower-case name used in JSON output.
     *
     * @return {@code "remote"}, {@code "cache"} or {@code "none"}
     */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
