package io.cloudsync;

/**
 * A backup archive cannot be created, verified or restored; the message says which archive and why.
 */
public class BackupException extends CloudSyncException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and how to fix it; never a secret
     */
    public BackupException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong and how to fix it; never a secret
     * @param cause the underlying failure
     */
    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
