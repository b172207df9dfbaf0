package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Manifest#checksumOf} against the rule in docs/FORMATS.md, written out the plain way. */
class ManifestChecksumTest {

    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    /** The documented rule: per entry, UTF-8 path, NUL, decimal size, NUL, sha256 hex, newline. */
    private static String byTheRule(List<ManifestEntry> entries) {
        ByteArrayOutputStream canonical = new ByteArrayOutputStream();
        for (ManifestEntry e : entries) {
            String line = e.path() + '\0' + e.size() + '\0' + e.sha256() + '\n';
            canonical.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        }
        MessageDigest sha = Digests.sha256();
        return Digests.hex(sha.digest(canonical.toByteArray()));
    }

    private static String sha(int seed) {
        return Digests.hex(Digests.sha256().digest(("content " + seed).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void empty_isTheSha256OfNothing() {
        assertThat(Manifest.checksumOf(List.of()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void edgeSizesAndUnicodePaths_matchTheRule() {
        List<ManifestEntry> entries = new ArrayList<>(List.of(
                new ManifestEntry("a", 0, T, sha(1)),
                new ManifestEntry("b", 9, T, sha(2)),
                new ManifestEntry("c", 10, T, sha(3)),
                new ManifestEntry("caf\u00e9/\u00e9t\u00e9 \u65e5\u672c.txt", 1_000_000_007L, T, sha(4)),
                new ManifestEntry("d", Long.MAX_VALUE, T, sha(5))));
        Manifest m = Manifest.of("t", "/", T, entries);

        assertThat(m.checksum()).isEqualTo(byTheRule(m.entries()));
    }

    @Test
    void manyEntriesAndAPathLongerThanTheBuffer_matchTheRule() {
        SplittableRandom random = new SplittableRandom(11);
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            long size = random.nextInt(4) == 0 ? random.nextLong(Long.MAX_VALUE) : random.nextInt(100_000);
            entries.add(new ManifestEntry("dir" + (i % 37) + "/file-" + i + ".bin", size, T, sha(i)));
        }
        String longName = "x".repeat(200) + "/";
        entries.add(new ManifestEntry(longName.repeat(120) + "end", 42, T, sha(-1))); // ~24 KB path
        Manifest m = Manifest.of("t", "/", T, entries);

        assertThat(m.checksum()).isEqualTo(byTheRule(m.entries()));
    }
}
