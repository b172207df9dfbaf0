package io.cloudsync;

/**
 * The vault cannot be opened, read or written. Never carries a secret or the passphrase.
 */
public class VaultException extends CloudSyncException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** No passphrase was given (environment variable, file or command). */
        NO_PASSPHRASE,
        /** The passphrase does not decrypt the vault. */
        WRONG_PASSPHRASE,
        /** The file is damaged: not the vault format, truncated, or edited. */
        DAMAGED,
        /** The file names a format this library does not know. */
        UNKNOWN_FORMAT,
        /** The file was written by a newer version of the format. */
        NEWER_VERSION,
        /** The file could not be read or written. */
        IO
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason what went wrong
     * @param message what happened and how to fix it
     */
    public VaultException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /**
     * Creates the exception with a cause.
     *
     * @param reason what went wrong
     * @param message what happened and how to fix it
     * @param cause the underlying failure; its message must not carry a secret either
     */
    public VaultException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /**
     * What went wrong.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * {@inheritDoc}
     *
     * @return {@link ErrorCategory#AUTH} for a missing or wrong passphrase, {@link ErrorCategory#CONFIGURATION}
     *     for a vault of an unknown format, {@link ErrorCategory#INTEGRITY} for a damaged one,
     *     {@link ErrorCategory#FAILED} otherwise
     */
    @Override
    public ErrorCategory category() {
        return switch (reason()) {
            case NO_PASSPHRASE, WRONG_PASSPHRASE -> ErrorCategory.AUTH;
            case UNKNOWN_FORMAT -> ErrorCategory.CONFIGURATION;
            case DAMAGED -> ErrorCategory.INTEGRITY;
            default -> ErrorCategory.FAILED;
        };
    }
}
