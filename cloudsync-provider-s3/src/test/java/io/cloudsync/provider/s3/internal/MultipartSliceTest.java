package io.cloudsync.provider.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A part's bytes can be read again after a reset, as the SDK's signer needs before the client sends them. */
class MultipartSliceTest {

    @Test
    void slice_readsItsRange_andResetsToTheMarkOrTheStart(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("f.bin"), "0123456789abcdef", StandardCharsets.US_ASCII);
        try (InputStream in = MultipartUploader.slice(file, 4, 8)) {
            assertThat(in.markSupported()).isTrue();
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("456789ab");
            in.reset(); // no mark yet: back to the start of the slice
            assertThat(new String(in.readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("456");
            in.mark(Integer.MAX_VALUE);
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("789ab");
            in.reset();
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("789ab");
        }
    }
}
