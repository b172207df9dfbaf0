package io.cloudsync;

import java.util.Locale;
import java.util.Objects;

/**
 * A backup archive cannot be created, verified or restored; the message says which archive and why,
 * and {@link #reason()} says what kind of problem it is, so callers never read the message to decide.
 */
public class BackupException extends CloudSyncException {

    private static final long serialVersionUID = 1L;

    /** What kind of problem stopped the backup operation. */
    public enum Reason {
        /** The archive asked for does not exist (or there is no archive to take as the newest). */
        NOT_FOUND,
        /** An argument is wrong: an archive name with a path, a compression level or count out of range. */
        INVALID_ARGUMENT,
        /** The archive fails validation: unsafe names, a bad or missing manifest, a size or sha256 mismatch. */
        REJECTED,
        /** A file changed while it was being archived; trying again when nothing writes to it will do. */
        CHANGED,
        /** The project root or the restore target is not a usable folder, or has not enough free space. */
        TARGET,
        /** Reading or writing a local file failed. */
        IO;

        /**
         * The lower-case name used in JSON output.
         *
         * @return such as {@code "not_found"}
         */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason what kind of problem; never {@code null}
     * @param message what is wrong and how to fix it; never a secret
     */
    public BackupException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Creates the exception with a cause.
     *
     * @param reason what kind of problem; never {@code null}
     * @param message what is wrong and how to fix it; never a secret
     * @param cause the underlying failure
     */
    public BackupException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * What kind of problem this is.
     *
     * @return never {@code null}
     */
    public Reason reason() {
        return reason;
    }

    /**
     * {@inheritDoc}
     *
     * @return after {@link #reason()}: {@link ErrorCategory#NOT_FOUND}, {@link ErrorCategory#CONFIGURATION}
     *     for a wrong argument, {@link ErrorCategory#INTEGRITY} for a rejected archive,
     *     {@link ErrorCategory#CONFLICT} for a file that changed while read, {@link ErrorCategory#FAILED} otherwise
     */
    @Override
    public ErrorCategory category() {
        return switch (reason) {
            case NOT_FOUND -> ErrorCategory.NOT_FOUND;
            case INVALID_ARGUMENT -> ErrorCategory.CONFIGURATION;
            case REJECTED -> ErrorCategory.INTEGRITY;
            case CHANGED -> ErrorCategory.CONFLICT;
            case TARGET, IO -> ErrorCategory.FAILED;
        };
    }
}
