package io.cloudsync.core;

import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Small helpers to build manifests in tests. */
final class TestManifests {

    static final Instant T0 = Instant.parse("2024-05-01T10:00:00.123456789Z");

    private TestManifests() {
    }

    static String sha(String content) {
        return Digests.hex(Digests.sha256().digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    static ManifestEntry entry(String path, String content) {
        return new ManifestEntry(path, content.getBytes(StandardCharsets.UTF_8).length, T0, sha(content));
    }

    static ManifestEntry entry(String path, String content, Instant mtime) {
        return new ManifestEntry(path, content.getBytes(StandardCharsets.UTF_8).length, mtime, sha(content));
    }

    static Manifest manifest(ManifestEntry... entries) {
        return Manifest.of("test", "/project", T0, new ArrayList<>(List.of(entries)));
    }

    /**
     * The manifest committed for {@code snapshot} in a {@code local} remote folder, read as the engine
     * reads it (format 1 or 2).
     */
    static Manifest committed(Path remoteDirectory, String snapshot) {
        try (Provider p = new LocalProviderFactory().open(ProviderConfig.builder().put("directory", remoteDirectory.toString())
                .build(), Secrets.none())) {
            return SnapshotManifests.read(p, snapshot).orElseThrow(() -> new AssertionError("no manifest of " + snapshot
                    + " in " + remoteDirectory));
        }
    }
}
