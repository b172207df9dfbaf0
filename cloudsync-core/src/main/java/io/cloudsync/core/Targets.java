package io.cloudsync.core;

import io.cloudsync.ConfigurationException;
import io.cloudsync.FeatureDisabledException;
import io.cloudsync.SyncRequest;
import io.cloudsync.Vault;
import io.cloudsync.spi.Names;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place that turns a request into a remote: whether the service is known and enabled, the
 * snapshot name (prefix and rule), the provider and its settings ({@link RemoteTarget#of}), the
 * upload state folder and the credentials. Immutable and thread-safe.
 */
final class Targets {

    /** The engine's snapshot rule; stricter than {@link Names#requireSnapshot}, which it implies. */
    private static final String SNAPSHOT_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    private final CloudSyncConfig config;
    private final Providers providers;
    private final Vault vault;
    private final Path stateDirectory;

    /**
     * Resolves against one configuration.
     *
     * @param config the configuration
     * @param providers the providers available
     * @param vault the vault providers get their secrets from; {@code null} for none
     * @param stateDirectory the state folder; uploads keep their resume state under it
     */
    Targets(CloudSyncConfig config, Providers providers, Vault vault, Path stateDirectory) {
        this.config = Objects.requireNonNull(config, "config");
        this.providers = Objects.requireNonNull(providers, "providers");
        this.vault = vault;
        this.stateDirectory = Objects.requireNonNull(stateDirectory, "stateDirectory");
    }

    /**
     * The snapshot name a request means: the configured {@code sync.snapshot_prefix} and the
     * requested name, 1-128 letters, digits, {@code .}, {@code _} or {@code -}, starting with a letter
     * or digit (which also keeps it a snapshot name of the SPI, {@link Names#requireSnapshot}).
     *
     * @param config the configuration with the prefix
     * @param requested the name as requested
     * @return the prefixed name
     * @throws ConfigurationException naming the name, the prefix and where the prefix comes from
     */
    static String snapshotName(CloudSyncConfig config, String requested) {
        String name = config.snapshotPrefix() + requested;
        if (!name.matches(SNAPSHOT_PATTERN) || !Names.isSnapshot(name)) {
            throw new ConfigurationException("snapshot name \"" + name + "\" (prefix \"" + config.snapshotPrefix()
                    + "\" from " + config.source() + ") must be 1-128 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    /**
     * The snapshot name of a request, see {@link #snapshotName(CloudSyncConfig, String)}.
     *
     * @param request the request
     * @return the prefixed name
     */
    String snapshotName(SyncRequest request) {
        return snapshotName(config, request.snapshot());
    }

    /**
     * Resolves the request's remote: its snapshot name, provider, settings and credentials key.
     * Opens nothing.
     *
     * @param request the request
     * @return the target
     * @throws ConfigurationException when the snapshot name is not valid
     */
    Target resolve(SyncRequest request) {
        String snapshot = snapshotName(request);
        RemoteTarget remote = RemoteTarget.of(config, request.service(), request.serviceConfig());
        ProviderConfig providerConfig = ProviderConfig.builder().service(remote.service()).putAll(remote.settings())
                .stateDirectory(stateDirectory.resolve("uploads").resolve(remote.service())).build();
        return new Target(remote, snapshot, providerConfig, request.credentialsKey());
    }

    /**
     * The factory of the target's provider, when it is on the class path.
     *
     * @param target the target
     * @return the factory, or empty
     */
    Optional<ProviderFactory> find(Target target) {
        return providers.find(target.providerId());
    }

    /**
     * The factory of the target's provider.
     *
     * @param target the target
     * @return the factory
     * @throws io.cloudsync.ProviderNotFoundException when it is not on the class path
     */
    ProviderFactory require(Target target) {
        return providers.require(target.providerId());
    }

    /**
     * Opens the target's remote with its settings and secrets.
     *
     * @param target the target
     * @param factory its factory ({@link #find} or {@link #require})
     * @return the open provider; the caller closes it
     */
    Provider open(Target target, ProviderFactory factory) {
        return factory.open(target.providerConfig(), secretsFor(target, factory));
    }

    /** The vault's view under the request's credentials key, or the provider's own; none without a vault. */
    private Secrets secretsFor(Target target, ProviderFactory factory) {
        if (vault == null) {
            return Secrets.none();
        }
        return vault.scope(target.credentialsKey().orElse(factory.secretsKey()));
    }

    /**
     * Checks that a service may be used: it is known, and the master flag and its own flag are on.
     *
     * @param service the service
     * @param what what is refused, such as {@code "run a sync"}
     * @throws ConfigurationException when the service is unknown
     * @throws FeatureDisabledException when a flag is off
     */
    void requireEnabled(String service, String what) {
        requireKnownService(service);
        requireFlag(CloudSyncConfig.MASTER_FLAG, what);
        requireFlag(CloudSyncConfig.serviceFlag(service), what + " with service \"" + service + '"');
    }

    /**
     * Checks that a feature flag is on.
     *
     * @param flag the flag
     * @param what what is refused when it is off
     * @throws FeatureDisabledException saying how to turn it on
     */
    void requireFlag(String flag, String what) {
        if (!config.enabled(flag)) {
            throw new FeatureDisabledException(flag, "cannot " + what + ": feature flag \"" + flag
                    + "\" is off; set \"features\": {\"" + flag + "\": true} in " + config.source());
        }
    }

    /**
     * A service is known when the configuration has a section for it, or its name is a provider id
     * (on the class path, or first-party: its jar may just be absent, which a dry run tolerates).
     */
    private void requireKnownService(String service) {
        if (config.services().contains(service) || providers.find(service).isPresent() || Providers.isFirstParty(service)) {
            return;
        }
        throw new ConfigurationException("unknown service \"" + service + "\": " + config.source()
                + (config.services().isEmpty() ? " configures no service" : " configures " + config.services())
                + " under \"services\", and no provider has that id (found " + providers.ids() + "); use one of those,"
                + " or add a section \"" + service + "\" under \"services\"");
    }
}
