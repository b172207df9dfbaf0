package io.cloudsync.core;

import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.core.internal.engine.SyncErrors;
import io.cloudsync.spi.Provider;
import java.nio.file.Path;

/**
 * What every operation of one {@link CloudSync} shares: where the project and its state are, the
 * configuration, how a request becomes a remote, the local scan, the cache of committed manifests
 * and the listeners. Immutable; its parts are thread-safe.
 *
 * @param root the project root, absolute
 * @param stateDirectory the state folder, absolute
 * @param config the configuration
 * @param providers the providers available
 * @param targets how a request becomes a remote
 * @param scanner the local scan
 * @param cache the committed manifests
 * @param listeners who hears of plans, progress and outcomes
 * @param sleeper how retries wait
 */
record RunContext(Path root, Path stateDirectory, CloudSyncConfig config, Providers providers, Targets targets,
                  LocalScan scanner, ManifestCache cache, Listeners listeners, Retry.Sleeper sleeper) {

    /**
     * The retry policy for calls to {@code provider} on behalf of one snapshot: the provider's own, or
     * the configured one; each retry goes to the listeners.
     */
    Retry retryFor(Provider provider, String service, String snapshot) {
        return Retry.forProvider(config.engine(), provider, sleeper).observed((e, attempt, delay) -> listeners.retry(
                new io.cloudsync.SyncListener.RetryEvent(service, snapshot, SyncErrors.kindOf(e.kind()), attempt, delay)));
    }
}
