package io.cloudsync;

/**
 * A configuration file, setting or argument is missing or malformed. The message names the file or key and what was expected.
 */
public class ConfigurationException extends CloudSyncException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and how to fix it; never a secret
     */
    public ConfigurationException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong and how to fix it; never a secret
     * @param cause the underlying failure
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@inheritDoc}
     *
     * @return {@link ErrorCategory#CONFIGURATION}
     */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.CONFIGURATION;
    }
}
