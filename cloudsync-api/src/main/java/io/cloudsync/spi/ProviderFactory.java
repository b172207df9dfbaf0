package io.cloudsync.spi;

import java.util.List;
import java.util.Set;

/**
 * The entry point of a provider, found by {@link java.util.ServiceLoader}. It must have a public
 * no-argument constructor and be cheap: listing providers must not open connections or load SDKs.
 * Implementations are stateless and thread-safe.
 */
public interface ProviderFactory {

    /**
     * The provider's id, unique on the class path: lower case, {@code [a-z][a-z0-9-]*}, stable
     * across releases. {@code local}, {@code s3}, {@code gdrive} and {@code memory} are reserved.
     *
     * @return the id, never {@code null}
     */
    String id();

    /**
     * The SPI version this provider was compiled against.
     *
     * @return {@link SpiVersion#CURRENT} as seen by the provider's compiler
     */
    int spiVersion();

    /**
     * One line for people, shown by {@code cloudsync providers}.
     *
     * @return a description, never {@code null}
     */
    default String description() {
        return id();
    }

    /**
     * The optional abilities this provider has.
     *
     * @return never {@code null}
     */
    Set<Capability> capabilities();

    /**
     * The settings this provider understands.
     *
     * @return never {@code null}
     */
    List<ConfigKey> configKeys();

    /**
     * The vault key under which this provider's secrets live by default.
     *
     * @return {@code "cloud_sync." + id()} unless overridden
     */
    default String secretsKey() {
        return "cloud_sync." + id();
    }

    /**
     * Opens a remote.
     *
     * @param config the remote's settings; implementations call {@link ProviderConfig#requireValid}
     * @param secrets the provider's view of the vault
     * @return an open provider; the caller closes it
     * @throws io.cloudsync.ProviderConfigurationException naming a missing or bad setting, never a value
     * @throws ProviderException when the remote cannot be reached or refuses the credentials
     */
    Provider open(ProviderConfig config, Secrets secrets);
}
