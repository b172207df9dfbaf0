package io.cloudsync.testkit;

import io.cloudsync.Secret;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import io.cloudsync.testkit.internal.InMemoryProvider;
import io.cloudsync.testkit.internal.InMemoryStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code memory} provider: a remote held in this JVM's memory, for tests of the engine, of
 * hosts and of the testkit itself. Registered for {@link java.util.ServiceLoader}.
 *
 * <p>Each remote is a named store shared by every provider opened with the same {@code store}
 * setting, so a provider opened again sees what an earlier one wrote, as with a real backend;
 * stores live until {@link #dropStore} or the end of the JVM. Uploads are atomic and checked
 * against the entry's SHA-256 ({@link Capability#SERVER_SHA256}), manifest writes honour their
 * precondition atomically ({@link Capability#CONDITIONAL_METADATA_PUT}), and listings report
 * sizes, digests and modification times ({@link Capability#LISTING}). It passes the whole
 * {@link ProviderContract} with no known violation.
 *
 * <p>An optional secret {@code token} imitates credentials: the first provider opened on a store
 * fixes it, and later opens with another token fail with
 * {@link io.cloudsync.spi.ProviderException.Kind#AUTHENTICATION}.
 *
 * <p>Wrap an opened provider in {@link FaultInjectingProvider} to make it fail, slow down or crash.
 *
 * @since 0.1.0
 */
public final class InMemoryProviderFactory implements ProviderFactory {

    /** The provider id. */
    public static final String ID = "memory";

    /** Name of the shared store; providers opened with the same name see the same remote. */
    public static final ConfigKey STORE = ConfigKey.required("store",
            "Name of the in-memory store; providers opened with the same name share one remote");

    /** Optional credentials, read from {@code cloud_sync.memory.token}. */
    public static final ConfigKey TOKEN = ConfigKey.secret("token",
            "Imitation credentials: the first open of a store fixes it, later opens must present the same value", false);

    /** Required by {@link java.util.ServiceLoader}. */
    public InMemoryProviderFactory() {
    }

    /**
     * Settings for the store {@code name}.
     *
     * @param name the store name
     * @return settings with {@code store=name}
     */
    public static ProviderConfig config(String name) {
        return ProviderConfig.builder().service(ID).put(STORE.name(), name).build();
    }

    /**
     * Forgets a store and everything in it. Providers still open on it keep working on the old
     * content; a later open starts empty.
     *
     * @param name the store name
     */
    public static void dropStore(String name) {
        InMemoryStore.drop(name);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "In-memory remote for tests, shared by name within one JVM";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.SERVER_SHA256, Capability.CONDITIONAL_METADATA_PUT, Capability.LISTING, Capability.SERVER_SIDE_COPY);
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(STORE, TOKEN);
    }

    @Override
    public Provider open(ProviderConfig config, Secrets secrets) {
        config.requireValid(configKeys());
        String name = config.require(STORE.name());
        Optional<Secret> token = secrets.get(secretsKey() + '.' + TOKEN.name());
        return new InMemoryProvider(InMemoryStore.open(name, token, secretsKey() + '.' + TOKEN.name()));
    }

    @Override
    public String toString() {
        return "InMemoryProviderFactory[id=memory]";
    }
}
