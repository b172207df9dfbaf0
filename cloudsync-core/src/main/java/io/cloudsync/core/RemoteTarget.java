package io.cloudsync.core;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The remote a configured service names: which provider serves it and the settings that provider is
 * opened with. Every sync, dry run, pull and verify resolves its service through {@link #of}, so a
 * front end that wants to show or check a service (such as {@code cloudsync doctor}) sees exactly
 * what a run would use.
 *
 * <p>The provider is the service's {@value CloudSyncConfig#PROVIDER_KEY} setting, or the service
 * name itself when there is none; the settings are the service's section of the configuration,
 * overlaid by a request's {@link io.cloudsync.SyncRequest#serviceConfig() settings}, without the
 * {@value CloudSyncConfig#PROVIDER_KEY} key. Secrets are never among them: they come from the vault.
 * Immutable and thread-safe.
 */
public final class RemoteTarget {

    private final String service;
    private final String providerId;
    private final SortedMap<String, String> settings;

    private RemoteTarget(String service, String providerId, SortedMap<String, String> settings) {
        this.service = service;
        this.providerId = providerId;
        this.settings = Collections.unmodifiableSortedMap(settings);
    }

    /**
     * The remote of a service as configured.
     *
     * @param config the configuration
     * @param service the service name; it need not be configured (then its name is the provider id)
     * @return the target, never {@code null}
     */
    public static RemoteTarget of(CloudSyncConfig config, String service) {
        return of(config, service, Map.of());
    }

    /**
     * The remote of a service, with some settings overridden as a request overrides them.
     *
     * @param config the configuration
     * @param service the service name; it need not be configured (then its name is the provider id)
     * @param overrides settings that win over the configured ones; a {@value CloudSyncConfig#PROVIDER_KEY}
     *     key among them chooses the provider
     * @return the target, never {@code null}
     */
    public static RemoteTarget of(CloudSyncConfig config, String service, Map<String, String> overrides) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(overrides, "overrides");
        SortedMap<String, String> settings = new TreeMap<>(config.service(service));
        settings.putAll(overrides);
        String providerId = settings.remove(CloudSyncConfig.PROVIDER_KEY);
        return new RemoteTarget(service, providerId != null ? providerId : service, settings);
    }

    /**
     * The service name.
     *
     * @return never {@code null}
     */
    public String service() {
        return service;
    }

    /**
     * The id of the provider that serves the service.
     *
     * @return never {@code null}
     */
    public String providerId() {
        return providerId;
    }

    /**
     * The settings the provider is opened with.
     *
     * @return sorted by key, unmodifiable, never {@code null}
     */
    public SortedMap<String, String> settings() {
        return settings;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RemoteTarget t && service.equals(t.service) && providerId.equals(t.providerId)
                && settings.equals(t.settings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(service, providerId, settings);
    }

    /**
     * The service, the provider and the names of the settings; their values are left out, as a
     * misplaced credential may be among them.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return "RemoteTarget[service=" + service + ", provider=" + providerId + ", settings=" + settings.keySet() + ']';
    }
}
