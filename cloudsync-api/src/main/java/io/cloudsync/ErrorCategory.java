package io.cloudsync;

import java.util.Locale;

/**
 * What kind of failure an exception is, decided once per exception so that every front end answers
 * the same way: the CLI maps a category to its exit code, the HTTP routes to a status, and both
 * print its {@link #jsonName()} (see docs/FORMATS.md, "Result JSON").
 *
 * <p>Every {@link CloudSyncException} names its own category ({@link CloudSyncException#category()});
 * {@link #of(Throwable)} covers everything else.
 */
public enum ErrorCategory {
    /** A setting, argument or request is wrong or missing; nothing was done. Fix it and retry. */
    CONFIGURATION,
    /** A feature flag turns the operation off; nothing was done. */
    DISABLED,
    /** Credentials or a passphrase are missing, wrong, or lack permission. */
    AUTH,
    /** The thing asked for (a backup archive, a remote object) does not exist. */
    NOT_FOUND,
    /** Someone else changed the same thing at the same time (a precondition did not hold). */
    CONFLICT,
    /** Another run holds the lock of the same service and snapshot. */
    LOCKED,
    /** A {@code maxUploads}/{@code maxDeletes}/{@code maxBytes} limit refused the plan; nothing moved. */
    LIMIT,
    /** A delete guard refused the plan; nothing moved. */
    DELETE_GUARD,
    /**
     * The run was given an approved plan ({@code SyncRequest.approvedPlan}) and the local tree or the
     * remote changed since it was made; nothing moved. Make and review a new plan.
     */
    PLAN_CHANGED,
    /** Stored bytes, a manifest or an archive are damaged or do not match their sha256. */
    INTEGRITY,
    /** The remote or the network is unavailable or throttling for now, or a quota is used up; retry later. */
    TRANSIENT,
    /** A known failure that none of the other categories describes (a local file error, say). */
    FAILED,
    /** An unexpected failure: a bug to report, with the stack trace ({@code -v}). */
    INTERNAL;

    /**
     * The category of any throwable: a {@link CloudSyncException}'s own, {@link #CONFIGURATION} for
     * an {@link IllegalArgumentException}, {@link #FAILED} for a local I/O error
     * ({@link java.io.IOException}, {@link java.io.UncheckedIOException}), else {@link #INTERNAL}.
     *
     * @param failure the failure; never {@code null}
     * @return never {@code null}
     */
    public static ErrorCategory of(Throwable failure) {
        if (failure instanceof CloudSyncException c) {
            return c.category();
        }
        if (failure instanceof IllegalArgumentException) {
            return CONFIGURATION;
        }
        if (failure instanceof java.io.IOException || failure instanceof java.io.UncheckedIOException) {
            return FAILED;
        }
        return INTERNAL;
    }

    /**
     * The lower-case name used in JSON output.
     *
     * @return such as {@code "not_found"}
     */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
