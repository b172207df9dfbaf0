package io.cloudsync;

/**
 * A manifest file cannot be read: bad JSON, unknown format or version, unsorted or duplicate entries, a bad path or a checksum that does not match.
 */
public class ManifestFormatException extends CloudSyncException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and how to fix it; never a secret
     */
    public ManifestFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong and how to fix it; never a secret
     * @param cause the underlying failure
     */
    public ManifestFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@inheritDoc}
     *
     * @return {@link ErrorCategory#INTEGRITY}: the manifest's bytes are not a valid manifest
     */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.INTEGRITY;
    }
}
