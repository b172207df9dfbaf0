package io.cloudsync.cli;

import io.cloudsync.ErrorCategory;

/** The exit codes of {@code cloudsync}, documented in docs/CLI.md. */
final class ExitCodes {

    /** Success, or a dry-run. */
    static final int OK = 0;
    /** The operation failed. */
    static final int FAILED = 1;
    /** A usage or configuration error: nothing was done. */
    static final int USAGE = 2;
    /** Some operations succeeded and some failed. */
    static final int PARTIAL = 3;
    /** A {@code --max-*} threshold refused the plan: nothing was transferred. */
    static final int LIMIT = 4;
    /** A delete guard refused the plan: nothing was transferred. */
    static final int DELETE_GUARD = 5;
    /** Another run holds the lock of the service and snapshot. */
    static final int LOCKED = 6;
    /** Someone else changed it meanwhile: another run committed the remote manifest first; run again. */
    static final int CONFLICT = 7;
    /** The approved plan ({@code sync --plan FILE}) is not what a run would do now: nothing was transferred. */
    static final int PLAN_CHANGED = 8;

    private ExitCodes() {
    }

    /**
     * The one mapping from an error category to an exit code (the table of docs/CLI.md): what the
     * user must fix before anything is done is a usage error; a refusal, a held lock and a conflict
     * have codes of their own; everything else failed.
     */
    static int of(ErrorCategory category) {
        return switch (category) {
            case CONFIGURATION, DISABLED, AUTH -> USAGE;
            case LIMIT -> LIMIT;
            case DELETE_GUARD -> DELETE_GUARD;
            case LOCKED -> LOCKED;
            case CONFLICT -> CONFLICT;
            case PLAN_CHANGED -> PLAN_CHANGED;
            case NOT_FOUND, INTEGRITY, TRANSIENT, FAILED, INTERNAL -> FAILED;
        };
    }
}
