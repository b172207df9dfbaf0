package io.cloudsync;

/**
 * No provider with the requested id is on the class path. The message lists the ids found and the dependency to add.
 */
public class ProviderNotFoundException extends ConfigurationException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and how to fix it; never a secret
     */
    public ProviderNotFoundException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong and how to fix it; never a secret
     * @param cause the underlying failure
     */
    public ProviderNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
