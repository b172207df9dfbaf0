package io.cloudsync.core.internal.remote;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.core.ManifestJson;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Names;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The snapshots' manifests in a provider's metadata area: the one place that names them
 * ({@code manifests/<snapshot>.json}), encodes and decodes them ({@link ManifestJson}, format 1) and
 * keeps the version tag each was read or written with, so that a write replaces exactly what this
 * run saw: {@link MetadataPrecondition#ifVersion} after a read found a manifest,
 * {@link MetadataPrecondition#ifAbsent} after a read found none. Another run's commit in between is
 * then a {@link ProviderException.Kind#CONFLICT}, and nothing it wrote is lost.
 *
 * <p>One instance serves one open provider for one run. Tags live only here: a new run (a resumed
 * one too) reads the manifest again and so starts from the tag of what the remote holds then. Safe
 * for use from several threads; a snapshot's read and writes are not concurrent.
 */
public final class RemoteManifests {

    /** The folder of the metadata area that holds manifests. */
    public static final String PREFIX = "manifests/";

    /** Stands for "read, and no manifest was there". */
    private static final String ABSENT = "";

    private final Provider provider;
    private final Retry retry;
    /** Per snapshot: the version tag of the manifest as last read or written, or {@link #ABSENT}. */
    private final Map<String, String> versions = new ConcurrentHashMap<>();

    /**
     * Manifests of one open provider.
     *
     * @param provider the provider
     * @param retry how its retryable failures are retried
     */
    public RemoteManifests(Provider provider, Retry retry) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    /**
     * The metadata name of a snapshot's manifest.
     *
     * @param snapshot the snapshot name, valid by {@link Names#requireSnapshot}
     * @return {@code manifests/<snapshot>.json}
     * @throws IllegalArgumentException when the snapshot name is not valid
     */
    public static String nameOf(String snapshot) {
        // Names.MAX_SNAPSHOT leaves room for the suffix, so a valid snapshot always names a valid object
        return Names.requireMetadataName(PREFIX + Names.requireSnapshot(snapshot) + ".json");
    }

    /**
     * Reads a snapshot's manifest and remembers its version tag for the next {@link #write}.
     *
     * @param snapshot the snapshot
     * @return the manifest, or empty when the remote has none
     * @throws ProviderException when it cannot be read; {@link ProviderException.Kind#INTEGRITY} when
     *     the stored bytes are not a valid manifest
     */
    public Optional<Manifest> read(String snapshot) {
        String name = nameOf(snapshot);
        Optional<MetadataObject> stored = retry.call(() -> provider.getMetadata(name));
        if (stored.isEmpty()) {
            versions.put(snapshot, ABSENT);
            return Optional.empty();
        }
        Manifest manifest = decode(snapshot, name, stored.get());
        versions.put(snapshot, stored.get().version());
        return Optional.of(manifest);
    }

    /**
     * Writes a snapshot's manifest over the one {@link #read} (or the last {@code write}) saw, and
     * remembers the new version tag.
     *
     * <p>When the put is refused with {@link ProviderException.Kind#CONFLICT}, the manifest is read
     * once more: an earlier attempt of this very put may have been stored with its answer lost (the
     * retry then finds the old tag gone). If the remote holds exactly the bytes this write sent, it is
     * this write, and it counts as done; otherwise the conflict stands.
     *
     * @param snapshot the snapshot
     * @param manifest the manifest to store
     * @throws ProviderException when it cannot be written; {@link ProviderException.Kind#CONFLICT}
     *     when another run changed the manifest since it was read
     * @throws IllegalStateException when the snapshot's manifest was not read first
     */
    public void write(String snapshot, Manifest manifest) {
        String name = nameOf(snapshot);
        String seen = versions.get(snapshot);
        if (seen == null) {
            throw new IllegalStateException("the manifest of snapshot \"" + snapshot
                    + "\" is written without having been read; the precondition of the write would be unknown");
        }
        MetadataPrecondition precondition = seen.equals(ABSENT)
                ? MetadataPrecondition.ifAbsent() : MetadataPrecondition.ifVersion(seen);
        byte[] bytes = ManifestJson.toBytes(manifest);
        String version;
        try {
            version = retry.call(() -> provider.putMetadata(name, bytes, precondition));
        } catch (ProviderException e) {
            if (e.kind() != ProviderException.Kind.CONFLICT) {
                throw e;
            }
            Optional<MetadataObject> now = retry.call(() -> provider.getMetadata(name));
            if (now.isEmpty() || !Arrays.equals(now.get().bytes(), bytes)) {
                throw e;
            }
            version = now.get().version();
        }
        if (version == null || version.isEmpty()) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, "the provider stored the manifest of snapshot \""
                    + snapshot + "\" but returned no version tag; it breaks the SPI (Provider.putMetadata)");
        }
        versions.put(snapshot, version);
    }

    private static Manifest decode(String snapshot, String name, MetadataObject stored) {
        try {
            return ManifestJson.fromBytes(stored.bytes(), name);
        } catch (ManifestFormatException e) {
            throw new ProviderException(ProviderException.Kind.INTEGRITY, "the manifest of snapshot \"" + snapshot
                    + "\" on the remote (metadata object " + name + ") is damaged: " + e.getMessage()
                    + "; nothing was changed. Put back a good copy (the state folder's manifest cache keeps the last one"
                    + " this machine committed, see docs/FORMATS.md), or delete it so that the next sync treats the"
                    + " snapshot as empty and uploads every file again", null, e);
        }
    }
}
