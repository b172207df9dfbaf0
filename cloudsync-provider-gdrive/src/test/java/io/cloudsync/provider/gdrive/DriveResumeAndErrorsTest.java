package io.cloudsync.provider.gdrive;

import static io.cloudsync.provider.gdrive.DriveFixture.CHUNK;
import static io.cloudsync.provider.gdrive.DriveFixture.entry;
import static io.cloudsync.provider.gdrive.DriveFixture.file;
import static io.cloudsync.provider.gdrive.DriveFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.gdrive.StoredFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DriveResumeAndErrorsTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @TempDir
    Path dir;

    private static final int SIZE = 4 * CHUNK + 1000;

    @Test
    void upload_interruptedThenNewProviderWithSameStateDir_sendsOnlyTheMissingBytes() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        Path state = dir.resolve("state");
        byte[] content = randomBytes(SIZE, 1);
        ManifestEntry e = entry("big/file.bin", content);
        Path local = file(dir, "big", content);
        long start = DRIVE.uploadBytesReceived();
        DRIVE.failChunksAfter(2, 1);
        try (Provider p = fx.open(state)) {
            assertThatThrownBy(() -> p.upload("s", e, local))
                    .isInstanceOfSatisfying(ProviderException.class, ex -> {
                        assertThat(ex.kind()).isEqualTo(Kind.UNAVAILABLE);
                        assertThat(ex.retryable()).isTrue();
                        assertThat(ex.getMessage()).doesNotContain("upload_id");
                    });
        }
        assertThat(stateFiles(state)).hasSize(1);
        // the name states have always had (sha256 of snapshot NUL path), so sessions the code before StateStore started resume
        assertThat(stateFiles(state).get(0).getFileName().toString()).isEqualTo(io.cloudsync.Digests.hex(io.cloudsync.Digests
                .sha256().digest("s\0big/file.bin".getBytes(java.nio.charset.StandardCharsets.UTF_8))) + ".json");
        assertThat(Files.readString(stateFiles(state).get(0))).contains("\"offset\":" + 2 * CHUNK);
        // two chunks kept; the third was refused
        assertThat(DRIVE.uploadBytesReceived() - start).isEqualTo(2L * CHUNK);
        long beforeResume = DRIVE.uploadBytesReceived();

        try (Provider p = fx.open(state)) {
            UploadReceipt r = p.upload("s", e, local);
            assertThat(r.serverVerified()).isTrue();
            p.download("s", "big/file.bin", dir.resolve("out"));
        }
        assertThat(DRIVE.uploadBytesReceived() - beforeResume).isEqualTo(SIZE - 2L * CHUNK);
        assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(content);
        assertThat(stateFiles(state)).isEmpty();
        assertThat(DRIVE.files().stream().filter(f -> f.name().equals("file.bin"))).hasSize(1);
    }

    @Test
    void upload_resumable_reportsEachConfirmedChunk_andAContinuedSessionStartsFromWhatDriveKept() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        Path state = dir.resolve("state");
        byte[] content = randomBytes(SIZE, 11);
        ManifestEntry e = entry("progress.bin", content);
        Path local = file(dir, "progress", content);
        List<Long> interrupted = new java.util.ArrayList<>();
        DRIVE.failChunksAfter(2, 1);
        try (Provider p = fx.open(state)) {
            assertThatThrownBy(() -> p.upload("s", e, local, interrupted::add)).isInstanceOf(ProviderException.class);
        }
        assertThat(interrupted).containsExactly((long) CHUNK, 2L * CHUNK);

        List<Long> sent = new java.util.ArrayList<>();
        try (Provider p = fx.open(state)) {
            p.upload("s", e, local, sent::add);
        }
        assertThat(sent).containsExactly(2L * CHUNK, 3L * CHUNK, 4L * CHUNK, (long) SIZE);
    }

    @Test
    void upload_smallFile_reportsItsSizeOnceStored() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] content = randomBytes(CHUNK / 2, 12);
        List<Long> sent = new java.util.ArrayList<>();
        try (Provider p = fx.open(dir.resolve("state"))) {
            p.upload("s", entry("small.bin", content), file(dir, "small", content), sent::add);
        }
        assertThat(sent).containsExactly((long) CHUNK / 2);
    }

    @Test
    void upload_fileChangedSinceInterruption_startsOver() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        Path state = dir.resolve("state");
        byte[] v1 = randomBytes(SIZE, 2);
        DRIVE.failChunksAfter(1, 1);
        try (Provider p = fx.open(state)) {
            assertThatThrownBy(() -> p.upload("s", entry("f.bin", v1), file(dir, "f", v1)))
                    .isInstanceOf(ProviderException.class);
        }
        byte[] v2 = randomBytes(SIZE, 3);
        long before = DRIVE.uploadBytesReceived();
        try (Provider p = fx.open(state)) {
            p.upload("s", entry("f.bin", v2), file(dir, "f", v2));
            p.download("s", "f.bin", dir.resolve("out"));
        }
        assertThat(DRIVE.uploadBytesReceived() - before).isEqualTo(SIZE);
        assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(v2);
    }

    @Test
    void upload_dailyQuotaReached_stopsWithQuotaErrorAndResumesNextDay() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        Path state = dir.resolve("state");
        byte[] content = randomBytes(SIZE, 4);
        ManifestEntry e = entry("q.bin", content);
        Path local = file(dir, "q", content);
        DRIVE.dailyUploadQuota(2L * CHUNK);
        long start = DRIVE.uploadBytesReceived();
        try (Provider p = fx.open(state)) {
            assertThatThrownBy(() -> p.upload("s", e, local))
                    .isInstanceOfSatisfying(ProviderException.class, ex -> {
                        assertThat(ex.kind()).isEqualTo(Kind.QUOTA_EXCEEDED);
                        assertThat(ex.stopsRun()).isTrue();
                        assertThat(ex.retryable()).isFalse();
                        assertThat(ex.getMessage()).contains("quota").contains("run the sync again");
                    });
        }
        DRIVE.resetFaults(); // the quota resets
        try (Provider p = fx.open(state)) {
            p.upload("s", e, local);
        }
        // 2 chunks kept before the stop, the rest after it: nothing taken twice
        assertThat(DRIVE.uploadBytesReceived() - start).isEqualTo(SIZE);
        StoredFile stored = DRIVE.files().stream().filter(f -> f.name().equals("q.bin")).findFirst().orElseThrow();
        assertThat(stored.content()).isEqualTo(content);
    }

    @Test
    void upload_uploadLimitExceededReason_isQuotaExceeded() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        DRIVE.dailyUploadQuota(0, "uploadLimitExceeded");
        byte[] c = {1, 2, 3};
        try (Provider p = fx.open(null)) {
            assertThatThrownBy(() -> p.upload("s", entry("a", c), file(dir, "a", c)))
                    .isInstanceOfSatisfying(ProviderException.class,
                            ex -> assertThat(ex.kind()).isEqualTo(Kind.QUOTA_EXCEEDED));
        }
    }

    @Test
    void calls_rateLimitedOrFailing_mapToRetryableKindsWithoutClientRetries() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] c = {9};
        Path local = file(dir, "r", c);
        try (Provider p = fx.open(null)) {
            long before = DRIVE.requestCount(r -> true);
            DRIVE.rateLimitNextCalls(1);
            assertKind(() -> p.upload("s", entry("r", c), local), Kind.THROTTLED);
            assertThat(DRIVE.requestCount(r -> true) - before).isEqualTo(1); // the Java client did not retry
            DRIVE.failNextCalls(1, 403, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded");
            assertKind(() -> p.upload("s", entry("r", c), local), Kind.THROTTLED);
            DRIVE.failNextCalls(1, 429, "usageLimits", "rateLimitExceeded", "Too Many Requests");
            assertKind(() -> p.upload("s", entry("r", c), local), Kind.THROTTLED);
            DRIVE.failNextCalls(1, 503, "global", "backendError", "Backend Error");
            assertKind(() -> p.upload("s", entry("r", c), local), Kind.UNAVAILABLE);
            DRIVE.failNextCalls(1, 403, "global", "insufficientFilePermissions", "The user does not have sufficient permissions");
            assertKind(() -> p.upload("s", entry("r", c), local), Kind.AUTHENTICATION);
            // the engine's retry then succeeds
            assertThat(p.upload("s", entry("r", c), local).serverVerified()).isTrue();
        }
    }

    @Test
    void upload_wrongSha256_isRejectedAndLeavesNothing() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] c = randomBytes(100, 5);
        byte[] big = randomBytes(2 * CHUNK + 5, 6);
        ManifestEntry lying = new ManifestEntry("x.bin", c.length, DriveFixture.MTIME, "0".repeat(64));
        ManifestEntry lyingBig = new ManifestEntry("y.bin", big.length, DriveFixture.MTIME, "1".repeat(64));
        try (Provider p = fx.open(null)) {
            assertKind(() -> p.upload("s", lying, file(dir, "x", c)), Kind.INTEGRITY);
            assertKind(() -> p.upload("s", lyingBig, file(dir, "y", big)), Kind.INTEGRITY);
            try (Stream<io.cloudsync.spi.RemoteEntry> listed = p.list("s")) {
                assertThat(listed).isEmpty();
            }
        }
    }

    @Test
    void upload_bytesDamagedOnTheWay_isRejectedAndTheOldVersionStays() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] v1 = randomBytes(100, 7);
        byte[] v2 = randomBytes(100, 8);
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("x.bin", v1), file(dir, "v1", v1));
            DRIVE.corruptNextUploads(1);
            assertKind(() -> p.upload("s", entry("x.bin", v2), file(dir, "v2", v2)), Kind.INTEGRITY);
            p.download("s", "x.bin", dir.resolve("out"));
        }
        assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(v1);
    }

    @Test
    void calls_afterTokenRevoked_refreshTransparently() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        byte[] c = {1};
        try (Provider p = fx.open(null)) {
            p.upload("s", entry("a", c), file(dir, "a", c));
            long tokens = DRIVE.tokenRequests();
            DRIVE.revokeTokens();
            p.upload("s", entry("b", c), file(dir, "b", c));
            assertThat(DRIVE.tokenRequests()).isEqualTo(tokens + 1);
        }
    }

    @Test
    void open_keyUnknownToGoogle_isAuthenticationErrorWithoutKeyMaterial() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        FakeDriveServer other = FakeDriveServer.create().start();
        String foreignKey;
        try {
            foreignKey = other.newServiceAccountJson("stranger@test.iam.gserviceaccount.com")
                    .replace(other.tokenUri(), DRIVE.tokenUri());
        } finally {
            other.close();
        }
        var secrets = io.cloudsync.spi.Secrets.of(java.util.Map.of("cloud_sync.gdrive.credentials",
                io.cloudsync.Secret.of(foreignKey)));
        byte[] c = {1};
        try (Provider p = new GoogleDriveProviderFactory().open(fx.config(null).build(), secrets)) {
            assertThatThrownBy(() -> p.upload("s", entry("a", c), file(dir, "a", c)))
                    .isInstanceOfSatisfying(ProviderException.class, ex -> {
                        assertThat(ex.kind()).isEqualTo(Kind.AUTHENTICATION);
                        assertThat(ex.getMessage()).doesNotContain("PRIVATE KEY").contains("cloud_sync.gdrive.credentials");
                    });
        }
    }

    @Test
    void upload_outsideSharedDriveAsServiceAccount_isConfigurationError() throws Exception {
        DriveFixture fx = new DriveFixture(DRIVE);
        DRIVE.serviceAccountQuotaMode(true);
        var config = fx.config(null).put("parent_id", "root").build();
        byte[] c = {1};
        try (Provider p = new GoogleDriveProviderFactory().open(config, fx.secrets())) {
            assertThatThrownBy(() -> p.upload("s", entry("a", c), file(dir, "a", c)))
                    .isInstanceOfSatisfying(ProviderException.class, ex -> {
                        assertThat(ex.kind()).isEqualTo(Kind.CONFIGURATION);
                        assertThat(ex.getMessage()).contains("shared drive");
                    });
        }
    }

    private static void assertKind(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Kind kind) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProviderException.class, ex -> assertThat(ex.kind()).isEqualTo(kind));
    }

    private static List<Path> stateFiles(Path state) throws Exception {
        Path folder = state.resolve("uploads").resolve("gdrive");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".json")).toList();
        }
    }
}
