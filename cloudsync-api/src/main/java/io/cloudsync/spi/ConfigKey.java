package io.cloudsync.spi;

import java.util.Objects;

/**
 * One setting a provider understands, described so that tools can list and validate it.
 *
 * @param name snake_case name such as {@code bucket}
 * @param description one line for people
 * @param required whether {@link ProviderFactory#open} fails without it
 * @param secret whether it is read from the vault rather than from plain configuration
 */
public record ConfigKey(String name, String description, boolean required, boolean secret) {

    /**
     * Validates the name.
     *
     * @param name see the record component
     * @param description see the record component
     * @param required see the record component
     * @param secret see the record component
     * @throws IllegalArgumentException quoting a name that is not snake_case
     */
    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("config key must be snake_case, was \"" + name + '"');
        }
    }

    /**
     * A required plain setting.
     *
     * @param name the key
     * @param description one line for people
     * @return the key
     */
    public static ConfigKey required(String name, String description) {
        return new ConfigKey(name, description, true, false);
    }

    /**
     * An optional plain setting.
     *
     * @param name the key
     * @param description one line for people
     * @return the key
     */
    public static ConfigKey optional(String name, String description) {
        return new ConfigKey(name, description, false, false);
    }

    /**
     * A setting read from the vault.
     *
     * @param name the key inside the provider's vault entry
     * @param description one line for people
     * @param required whether the provider cannot work without it
     * @return the key
     */
    public static ConfigKey secret(String name, String description, boolean required) {
        return new ConfigKey(name, description, required, true);
    }
}
