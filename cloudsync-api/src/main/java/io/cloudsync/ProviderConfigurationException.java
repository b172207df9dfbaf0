package io.cloudsync;

/**
 * A provider is misconfigured: a required setting or secret is missing or invalid, two jars claim one provider id, or a provider's SPI version is not supported.
 */
public class ProviderConfigurationException extends ConfigurationException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and how to fix it; never a secret
     */
    public ProviderConfigurationException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong and how to fix it; never a secret
     * @param cause the underlying failure
     */
    public ProviderConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
