package io.cloudsync.core;

import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import java.nio.charset.StandardCharsets;
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
}
