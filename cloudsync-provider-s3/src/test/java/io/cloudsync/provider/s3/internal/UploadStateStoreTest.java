package io.cloudsync.provider.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resume records on support's StateStore stay the files the code before it wrote and read. */
class UploadStateStoreTest {

    @TempDir
    Path state;

    /** The record file as the code before the support module wrote it, byte for byte in its field order. */
    private static final String OLD_RECORD = "{\"version\":1,\"bucket\":\"b\",\"key\":\"p/snap/big.bin\",\"upload_id\":\"up-1\","
            + "\"size\":11534336,\"mtime\":\"2024-05-06T07:08:09.123456789Z\",\"sha256\":\"" + "ab".repeat(32) + "\","
            + "\"part_size\":5242880,\"created_at\":\"2026-12-01T00:00:00Z\",\"parts\":[{\"number\":1,\"etag\":\"\\\"e1\\\"\","
            + "\"sha256\":\"" + "cd".repeat(32) + "\",\"size\":5242880}]}";

    /** sha256(bucket NUL key), computed here independently of the store. */
    private static String oldFileName(String bucket, String key) throws NoSuchAlgorithmException {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update((bucket + "\0" + key).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d.digest()) + ".json";
    }

    @Test
    void recordWrittenByTheOldCode_isLoadedForResume() throws Exception {
        Path folder = Files.createDirectories(state.resolve("s3-multipart"));
        Files.writeString(folder.resolve(oldFileName("b", "p/snap/big.bin")), OLD_RECORD);

        UploadRecord r = new UploadStateStore(state).load("b", "p/snap/big.bin").orElseThrow();

        assertThat(r.uploadId()).isEqualTo("up-1");
        assertThat(r.size()).isEqualTo(11534336L);
        assertThat(r.mtime()).isEqualTo(Instant.parse("2024-05-06T07:08:09.123456789Z"));
        assertThat(r.parts()).containsOnlyKeys(1);
        assertThat(r.parts().get(1).etag()).isEqualTo("\"e1\"");
        assertThat(new UploadStateStore(state).all()).extracting(UploadRecord::uploadId).containsExactly("up-1");
    }

    @Test
    void save_writesTheOldFileNameAndFormat() throws Exception {
        TreeMap<Integer, UploadRecord.Part> parts = new TreeMap<>();
        parts.put(1, new UploadRecord.Part(1, "\"e1\"", "cd".repeat(32), 5242880));
        new UploadStateStore(state).save(new UploadRecord("b", "p/snap/big.bin", "up-1", 11534336L,
                Instant.parse("2024-05-06T07:08:09.123456789Z"), "ab".repeat(32), 5242880, Instant.parse("2026-12-01T00:00:00Z"),
                parts));

        Path file = state.resolve("s3-multipart").resolve(oldFileName("b", "p/snap/big.bin"));
        assertThat(Files.readString(file)).isEqualTo(OLD_RECORD);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void recordOfAnotherKey_isNotLoaded_andADamagedOneIsRemoved() throws IOException, NoSuchAlgorithmException {
        Path folder = Files.createDirectories(state.resolve("s3-multipart"));
        Path damaged = Files.writeString(folder.resolve(oldFileName("b", "k")), "{\"version\":1,\"bucket\":\"b\"");
        UploadStateStore store = new UploadStateStore(state);

        assertThat(store.load("b", "k")).isEmpty();
        assertThat(damaged).doesNotExist();
        assertThat(store.load("b", "other")).isEmpty();
    }
}
