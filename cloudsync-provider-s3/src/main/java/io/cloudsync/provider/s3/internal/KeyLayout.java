package io.cloudsync.provider.s3.internal;

import io.cloudsync.PathRules;
import io.cloudsync.spi.Names;
import io.cloudsync.spi.ProviderException;
import java.util.Optional;

/**
 * Where things live in the bucket: files at {@code <prefix>/<snapshot>/<path>}, metadata object N at
 * {@code <prefix>/.cloudsync/N} (so the manifest {@code manifests/<snapshot>.json} is at the key the
 * code before SPI 4 wrote it to). A snapshot may not be called {@code .cloudsync}
 * ({@link Names#RESERVED_SNAPSHOT}), so no file can ever land on a metadata key.
 */
final class KeyLayout {

    static final String META_FOLDER = Names.RESERVED_SNAPSHOT;

    private final String bucket;
    private final String base;

    KeyLayout(String bucket, String prefix) {
        this.bucket = bucket;
        this.base = prefix.isEmpty() ? "" : prefix + '/';
    }

    String fileKey(String snapshot, String path) {
        return snapshotPrefix(snapshot) + PathRules.requireCanonical(path);
    }

    String snapshotPrefix(String snapshot) {
        return base + requireSnapshot(snapshot) + '/';
    }

    /** The key of metadata object {@code name}. */
    String metadataKey(String name) {
        return metadataPrefix() + requireMetadataName(name);
    }

    /** The key prefix of the metadata area; every metadata key starts with it. */
    String metadataPrefix() {
        return base + META_FOLDER + '/';
    }

    /** The metadata name of a listed key under {@link #metadataPrefix()}, or empty for keys no valid name maps to. */
    Optional<String> metadataNameOf(String key) {
        String area = metadataPrefix();
        if (!key.startsWith(area)) {
            return Optional.empty();
        }
        String name = key.substring(area.length());
        return name.isEmpty() || !isMetadataName(name) ? Optional.empty() : Optional.of(name);
    }

    /** The manifest path of a listed key under {@code snapshotPrefix}, or empty for keys no manifest path maps to. */
    Optional<String> pathOf(String snapshotPrefix, String key) {
        if (!key.startsWith(snapshotPrefix) || key.length() == snapshotPrefix.length()) {
            return Optional.empty();
        }
        String rest = key.substring(snapshotPrefix.length());
        try {
            String canonical = PathRules.requireCanonical(rest);
            return canonical.equals(rest) ? Optional.of(canonical) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    String url(String key) {
        return "s3://" + bucket + '/' + key;
    }

    /** {@link Names#requireSnapshot}, failing as a {@code CONFIGURATION} provider error. */
    static String requireSnapshot(String snapshot) {
        try {
            return Names.requireSnapshot(snapshot);
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ProviderException.Kind.CONFIGURATION, "cannot be stored on S3: " + e.getMessage());
        }
    }

    /** {@link Names#requireMetadataName}, failing as a {@code CONFIGURATION} provider error. */
    static String requireMetadataName(String name) {
        try {
            return Names.requireMetadataName(name);
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ProviderException.Kind.CONFIGURATION, "cannot be stored on S3: " + e.getMessage());
        }
    }

    /** {@link Names#requireMetadataPrefix}, failing as a {@code CONFIGURATION} provider error. */
    static String requireMetadataPrefix(String prefix) {
        try {
            return Names.requireMetadataPrefix(prefix);
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ProviderException.Kind.CONFIGURATION, "cannot list on S3: " + e.getMessage());
        }
    }

    private static boolean isMetadataName(String name) {
        try {
            Names.requireMetadataName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
