package io.cloudsync.core;

import io.cloudsync.Manifest;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.core.internal.remote.RemoteManifests;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the manifest a provider's metadata area holds for a snapshot, as the engine reads it:
 * format 1 or format 2 (root and chunks), checked throughout (docs/FORMATS.md). For tools and tests
 * that look at a remote without running a sync. Thread-safe (stateless).
 */
public final class SnapshotManifests {

    private SnapshotManifests() {
    }

    /**
     * Reads a snapshot's committed manifest, retrying as the engine does with default settings.
     *
     * @param provider an open provider
     * @param snapshot the snapshot name
     * @return the manifest, or empty when the remote has none
     * @throws ProviderException when it cannot be read; {@link ProviderException.Kind#INTEGRITY} when
     *     what is stored is not a valid manifest
     */
    public static Optional<Manifest> read(Provider provider, String snapshot) {
        Objects.requireNonNull(provider, "provider");
        return new RemoteManifests(provider, Retry.forProvider(EngineSettings.defaults(), provider, Retry.THREAD_SLEEP))
                .read(snapshot);
    }
}
