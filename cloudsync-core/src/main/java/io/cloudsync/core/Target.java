package io.cloudsync.core;

import io.cloudsync.spi.ProviderConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * One snapshot of one remote, resolved once for a run, pull or verify ({@link Targets#resolve}).
 *
 * @param remote the service, its provider id and settings
 * @param snapshot the snapshot name with the configured prefix, checked
 * @param providerConfig what the provider is opened with (the settings and the upload state folder)
 * @param credentialsKey the vault prefix the request asked for; empty for the provider's own
 */
record Target(RemoteTarget remote, String snapshot, ProviderConfig providerConfig, Optional<String> credentialsKey) {

    /**
     * Checks that nothing is missing.
     *
     * @param remote see the record component
     * @param snapshot see the record component
     * @param providerConfig see the record component
     * @param credentialsKey see the record component
     */
    Target {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(providerConfig, "providerConfig");
        Objects.requireNonNull(credentialsKey, "credentialsKey");
    }

    /**
     * The service name.
     *
     * @return never {@code null}
     */
    String service() {
        return remote.service();
    }

    /**
     * The id of the provider that serves the service.
     *
     * @return never {@code null}
     */
    String providerId() {
        return remote.providerId();
    }
}
