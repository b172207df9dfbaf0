package io.cloudsync.provider.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Digests;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetadataFormatTest {

    @Test
    void mtime_isWrittenAsRcloneDoesAndReadBackExactly() {
        Instant t = Instant.parse("2023-05-15T14:51:01.798129231Z");
        assertThat(S3Provider.formatMtime(t)).isEqualTo("1684162261.798129231");
        assertThat(S3Provider.parseMtime("1684162261.798129231")).isEqualTo(t);
        Instant beforeEpoch = Instant.ofEpochSecond(-2, 500_000_000);
        assertThat(S3Provider.formatMtime(beforeEpoch)).isEqualTo("-1.500000000");
        assertThat(S3Provider.parseMtime(S3Provider.formatMtime(beforeEpoch))).isEqualTo(beforeEpoch);
    }

    @Test
    void sha256Hex_becomesTheBase64S3Expects() {
        assertThat(S3Provider.base64(Digests.EMPTY_SHA256)).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    @Test
    void partSize_growsSoThatNoFileNeedsMoreThan10000Parts() {
        long fiveMib = 5L * 1024 * 1024;
        assertThat(MultipartUploader.partSizeFor(100L * fiveMib, fiveMib)).isEqualTo(fiveMib);
        long huge = 100_000L * fiveMib;
        long part = MultipartUploader.partSizeFor(huge, fiveMib);
        assertThat((huge + part - 1) / part).isLessThanOrEqualTo(10_000);
    }
}
