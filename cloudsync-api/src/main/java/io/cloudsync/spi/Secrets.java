package io.cloudsync.spi;

import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.Secret;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** A read-only view of the vault limited to one provider's keys, such as {@code cloud_sync.s3}. */
public interface Secrets {

    /**
     * Reads a secret.
     *
     * @param key a full dotted key
     * @return the value, or empty when the view has no such key
     */
    Optional<Secret> get(String key);

    /**
     * The keys this view holds.
     *
     * @return key names, never values
     */
    Set<String> keys();

    /**
     * Reads a secret the provider cannot work without.
     *
     * @param key a full dotted key
     * @return the value
     * @throws ProviderConfigurationException naming the key when it is absent
     */
    default Secret require(String key) {
        return get(key).orElseThrow(() -> new ProviderConfigurationException("secret '" + key
                + "' is not in the vault; add it with 'cloudsync vault set " + key + "' and retry"));
    }

    /**
     * A view with no secrets.
     *
     * @return an empty view
     */
    static Secrets none() {
        return of(Map.of());
    }

    /**
     * A view over a fixed map, for tests and hosts that keep secrets elsewhere.
     *
     * @param secrets key to value
     * @return the view
     */
    static Secrets of(Map<String, Secret> secrets) {
        Map<String, Secret> copy = new TreeMap<>(secrets);
        return new Secrets() {
            @Override
            public Optional<Secret> get(String key) {
                return Optional.ofNullable(copy.get(key));
            }

            @Override
            public Set<String> keys() {
                return java.util.Collections.unmodifiableSet(copy.keySet());
            }

            @Override
            public String toString() {
                return "Secrets" + copy.keySet();
            }
        };
    }
}
