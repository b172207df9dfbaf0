package io.cloudsync;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception cloudsync throws. Unchecked. Messages say what happened, to what, and how
 * to fix it, and never contain a secret. Per-file failures of a run are not thrown: they are
 * collected in {@link SyncSummary#errors()}.
 */
public class CloudSyncException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and how to fix it; never a secret
     */
    public CloudSyncException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong and how to fix it; never a secret
     * @param cause the underlying failure
     */
    public CloudSyncException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * What kind of failure this is, for exit codes and HTTP statuses. Subclasses name their own;
     * this root class says {@link ErrorCategory#FAILED}.
     *
     * @return never {@code null}
     */
    public ErrorCategory category() {
        return ErrorCategory.FAILED;
    }
}
