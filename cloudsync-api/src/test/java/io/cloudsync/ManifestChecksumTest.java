package io.cloudsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link ManifestChecksum}: the incremental form of the manifest checksum. */
class ManifestChecksumTest {

    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    private static String sha(int seed) {
        return Digests.hex(Digests.sha256().digest(("content " + seed).getBytes(StandardCharsets.UTF_8)));
    }

    /** The documented rule written out the plain way. */
    private static String byTheRule(List<ManifestEntry> entries) {
        ByteArrayOutputStream canonical = new ByteArrayOutputStream();
        for (ManifestEntry e : entries) {
            canonical.writeBytes((e.path() + '\0' + e.size() + '\0' + e.sha256() + '\n').getBytes(StandardCharsets.UTF_8));
        }
        return Digests.hex(Digests.sha256().digest(canonical.toByteArray()));
    }

    @Test
    void entriesAddedOneByOne_giveTheRulesChecksumAndCounts() {
        SplittableRandom random = new SplittableRandom(5);
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            entries.add(new ManifestEntry("d" + random.nextInt(50) + "/\u00e9t\u00e9-" + i, random.nextInt(1 << 20), T, sha(i)));
        }
        entries.sort((a, b) -> PathRules.compare(a.path(), b.path()));
        ManifestChecksum checksum = new ManifestChecksum();
        long bytes = 0;
        for (ManifestEntry e : entries) {
            checksum.add(e);
            bytes += e.size();
        }

        assertThat(checksum.hex()).isEqualTo(byTheRule(entries)).isEqualTo(Manifest.checksumOf(entries));
        assertThat(checksum.hex()).as("read again").isEqualTo(byTheRule(entries));
        assertThat(checksum.entries()).isEqualTo(3_000);
        assertThat(checksum.bytes()).isEqualTo(bytes);
        assertThat(checksum.lastPath()).isEqualTo(entries.get(entries.size() - 1).path());
    }

    @Test
    void nothingAdded_isTheSha256OfNothing() {
        ManifestChecksum checksum = new ManifestChecksum();

        assertThat(checksum.hex()).isEqualTo(Digests.EMPTY_SHA256);
        assertThat(checksum.lastPath()).isNull();
    }

    @Test
    void anEntryOutOfOrder_isRefusedNamingBothPaths() {
        ManifestChecksum checksum = new ManifestChecksum("manifest \"nightly\"").add(new ManifestEntry("b", 1, T, sha(1)));

        assertThatThrownBy(() -> checksum.add(new ManifestEntry("a", 1, T, sha(2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("manifest \"nightly\" is not sorted: \"b\" comes before \"a\"");
        assertThatThrownBy(() -> checksum.add(new ManifestEntry("b", 1, T, sha(3))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("manifest \"nightly\" lists \"b\" twice");
        assertThat(checksum.entries()).as("refused entries are not counted").isEqualTo(1);
    }

    @Test
    void addingAfterTheChecksumWasRead_isRefused() {
        ManifestChecksum checksum = new ManifestChecksum().add(new ManifestEntry("a", 1, T, sha(1)));
        checksum.hex();

        assertThatThrownBy(() -> checksum.add(new ManifestEntry("b", 1, T, sha(2))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already computed");
    }

    @Test
    void checksumOf_refusesUnsortedLists() {
        List<ManifestEntry> unsorted = List.of(new ManifestEntry("z", 1, T, sha(1)), new ManifestEntry("a", 1, T, sha(2)));

        assertThatThrownBy(() -> Manifest.checksumOf(unsorted)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"z\" comes before \"a\"");
    }
}
