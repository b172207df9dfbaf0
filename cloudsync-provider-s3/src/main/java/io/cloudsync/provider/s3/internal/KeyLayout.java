package io.cloudsync.provider.s3.internal;

import io.cloudsync.PathRules;
import io.cloudsync.spi.ProviderException;
import java.util.Optional;

/**
 * Where things live in the bucket: files at {@code <prefix>/<snapshot>/<path>}, manifests at
 * {@code <prefix>/.cloudsync/manifests/<snapshot>.json}. A snapshot may not be called
 * {@code .cloudsync}, so no file can ever land on a manifest key.
 */
final class KeyLayout {

    static final String META_FOLDER = ".cloudsync";

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

    String manifestKey(String snapshot) {
        return base + META_FOLDER + "/manifests/" + requireSnapshot(snapshot) + ".json";
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

    static String requireSnapshot(String snapshot) {
        if (snapshot == null || snapshot.isEmpty() || snapshot.equals(".") || snapshot.equals("..")
                || snapshot.equals(META_FOLDER) || snapshot.indexOf('/') >= 0 || snapshot.indexOf('\\') >= 0
                || snapshot.chars().anyMatch(c -> c < 0x20)) {
            throw new ProviderException(ProviderException.Kind.CONFIGURATION, "snapshot name \"" + snapshot
                    + "\" cannot be stored on S3: use a single path segment without '/', '\\' or control characters,"
                    + " other than '.', '..' and '" + META_FOLDER + "'");
        }
        return snapshot;
    }
}
