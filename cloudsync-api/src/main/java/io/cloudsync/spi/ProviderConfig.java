package io.cloudsync.spi;

import io.cloudsync.ProviderConfigurationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The plain (non-secret) settings of one configured remote, plus the folder where the provider
 * may keep resume state. Immutable. {@link #toString()} shows key names only.
 */
public final class ProviderConfig {

    private final String service;
    private final SortedMap<String, String> values;
    private final @Nullable Path stateDirectory;

    private ProviderConfig(Builder b) {
        this.service = Objects.requireNonNull(b.service, "service");
        this.values = Collections.unmodifiableSortedMap(new TreeMap<>(b.values));
        this.stateDirectory = b.stateDirectory;
    }

    /**
     * Starts a configuration.
     *
     * @return a builder for service {@code "default"} with no settings
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this configuration's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder().service(service);
        b.values.putAll(values);
        b.stateDirectory = stateDirectory;
        return b;
    }

    /**
     * The configured service name this remote belongs to.
     *
     * @return never {@code null}
     */
    public String service() {
        return service;
    }

    /**
     * Every setting.
     *
     * @return an unmodifiable sorted map
     */
    public SortedMap<String, String> values() {
        return values;
    }

    /**
     * One setting.
     *
     * @param key the key
     * @return the value, or empty
     */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * A setting the provider cannot work without.
     *
     * @param key the key
     * @return the value
     * @throws ProviderConfigurationException naming the key when it is absent or blank
     */
    public String require(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new ProviderConfigurationException("setting '" + key + "' of service '" + service
                    + "' is required; set it in the service's section of the configuration file or with --set "
                    + key + "=VALUE");
        }
        return value;
    }

    /**
     * A boolean setting.
     *
     * @param key the key
     * @param fallback the value when the key is absent
     * @return the value
     * @throws ProviderConfigurationException when the value is not {@code true} or {@code false}
     */
    public boolean getBoolean(String key, boolean fallback) {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new ProviderConfigurationException("setting '" + key + "' of service '" + service
                + "' must be true or false, was \"" + value + '"');
    }

    /**
     * A whole-number setting.
     *
     * @param key the key
     * @param fallback the value when the key is absent
     * @param min the smallest value allowed
     * @return the value
     * @throws ProviderConfigurationException when the value is not a number of at least {@code min}
     */
    public long getLong(String key, long fallback, long min) {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ProviderConfigurationException("setting '" + key + "' of service '" + service
                + "' must be a whole number of at least " + min + ", was \"" + value + '"');
    }

    /**
     * A folder where the provider may keep state across runs (multipart upload ids, resumable
     * session URIs). The engine gives each service its own.
     *
     * @return the folder, or empty when the host gave none
     */
    public Optional<Path> stateDirectory() {
        return Optional.ofNullable(stateDirectory);
    }

    /**
     * Checks the settings against a provider's keys: every required plain key is present and no
     * unknown key is given (a typo would otherwise be silently ignored).
     *
     * @param keys the provider's {@link ProviderFactory#configKeys()}
     * @throws ProviderConfigurationException naming the missing or unknown keys, never values
     */
    public void requireValid(List<ConfigKey> keys) {
        Set<String> known = new TreeSet<>();
        List<String> missing = new ArrayList<>();
        for (ConfigKey key : keys) {
            known.add(key.name());
            if (key.required() && !key.secret() && (!values.containsKey(key.name()) || values.get(key.name()).isBlank())) {
                missing.add(key.name());
            }
        }
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!missing.isEmpty() && !unknown.isEmpty()) {
            // most often one misspelt required key: name both sides
            throw new ProviderConfigurationException("service '" + service + "' is missing required setting(s) "
                    + missing + " and has unknown setting(s) " + unknown + "; known settings are " + known);
        }
        if (!missing.isEmpty()) {
            throw new ProviderConfigurationException("service '" + service + "' is missing required setting(s) "
                    + missing + "; set them in the service's section of the configuration file or with --set KEY=VALUE");
        }
        if (!unknown.isEmpty()) {
            throw new ProviderConfigurationException("service '" + service + "' has unknown setting(s) " + unknown
                    + "; known settings are " + known);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProviderConfig c && c.service.equals(service) && c.values.equals(values)
                && Objects.equals(c.stateDirectory, stateDirectory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(service, values, stateDirectory);
    }

    @Override
    public String toString() {
        return "ProviderConfig[service=" + service + ", keys=" + values.keySet() + ']';
    }

    /** Builds a {@link ProviderConfig}. Not thread-safe. */
    public static final class Builder {
        private String service = "default";
        private final Map<String, String> values = new TreeMap<>();
        private @Nullable Path stateDirectory;

        private Builder() {
        }

        /**
         * Sets the service name.
         *
         * @param name the configured service name
         * @return this builder
         */
        public Builder service(String name) {
            this.service = Objects.requireNonNull(name, "service");
            return this;
        }

        /**
         * Sets one setting.
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder put(String key, String value) {
            values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, () -> "value of " + key));
            return this;
        }

        /**
         * Sets several settings.
         *
         * @param settings key to value
         * @return this builder
         */
        public Builder putAll(Map<String, String> settings) {
            settings.forEach(this::put);
            return this;
        }

        /**
         * Sets the provider's state folder.
         *
         * @param directory a folder the provider may create and write
         * @return this builder
         */
        public Builder stateDirectory(Path directory) {
            this.stateDirectory = Objects.requireNonNull(directory, "stateDirectory");
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the immutable configuration
         */
        public ProviderConfig build() {
            return new ProviderConfig(this);
        }
    }
}
