package io.cloudsync.provider.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.core.internal.hash.Hashing;
import io.cloudsync.spi.ManifestPrecondition;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.s3.S3Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** Behaviour every S3-compatible server must show through the provider; one subclass per fixture. */
abstract class S3ProviderTestBase {

    static final int MIB = 1024 * 1024;
    static final Instant MTIME = Instant.parse("2024-05-06T07:08:09.123456789Z");

    @TempDir
    Path dir;

    String prefix;
    S3Client raw;
    private final java.util.List<AutoCloseable> open = new java.util.ArrayList<>();

    abstract S3Fixture server();

    @BeforeEach
    void setUp() {
        prefix = "t/" + UUID.randomUUID();
        raw = S3Client.builder().endpointOverride(server().endpoint()).region(Region.of(server().region())).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server().accessKeyId(), server().secretAccessKey())))
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        raw.close();
    }

    ProviderConfig.Builder config() {
        return ProviderConfig.builder().service("test")
                .put("bucket", server().bucket())
                .put("prefix", prefix)
                .put("endpoint_url", server().endpoint().toString())
                .put("multipart_threshold", String.valueOf(5 * MIB))
                .put("part_size", String.valueOf(5 * MIB))
                .stateDirectory(dir.resolve("state"));
    }

    S3Provider open(ExecutionInterceptor... interceptors) {
        return open(config().build(), server().credentials(), Clock.systemUTC(), interceptors);
    }

    S3Provider open(ProviderConfig config, Secrets secrets, Clock clock, ExecutionInterceptor... interceptors) {
        S3Provider p = S3Provider.open(config, secrets, S3Fixture.SECRETS_KEY, List.of(interceptors), clock);
        open.add(p);
        return p;
    }

    Path file(String name, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    static ManifestEntry entry(String path, Path file) throws IOException {
        return new ManifestEntry(path, Files.size(file), MTIME, Hashing.sha256(file));
    }

    String key(String snapshot, String path) {
        return prefix + "/" + snapshot + "/" + path;
    }

    HeadObjectResponse head(String key) {
        return raw.headObject(b -> b.bucket(server().bucket()).key(key));
    }

    boolean exists(String key) {
        try {
            head(key);
            return true;
        } catch (SdkException e) {
            if (S3Errors.status(e) == 404) {
                return false;
            }
            throw e;
        }
    }

    List<String> pendingUploadIds(String key) {
        return raw.listMultipartUploads(b -> b.bucket(server().bucket()).prefix(key)).uploads().stream()
                .filter(u -> u.key().equals(key)).map(MultipartUpload::uploadId).toList();
    }

    Path downloaded(S3Provider p, String snapshot, String path) {
        Path target = dir.resolve("down-" + UUID.randomUUID());
        p.download(snapshot, path, target);
        return target;
    }

    // ---- transfers ------------------------------------------------------------------------------

    @Test
    void upload_smallFile_roundTripsWithSha256AndMtimeInMetadata() throws IOException {
        S3Provider p = open();
        Path f = file("a.bin", 100_000, 1);
        ManifestEntry e = entry("docs/a b.bin", f);

        UploadReceipt receipt = p.upload("snap", e, f);

        assertThat(receipt.sha256()).contains(e.sha256());
        assertThat(receipt.serverVerified()).isTrue();
        assertThat(Files.mismatch(f, downloaded(p, "snap", "docs/a b.bin"))).isEqualTo(-1);
        HeadObjectResponse head = head(key("snap", "docs/a b.bin"));
        assertThat(head.metadata()).containsEntry("sha256", e.sha256()).containsEntry("mtime", "1714979289.123456789");
        assertThat(S3Provider.parseMtime(head.metadata().get("mtime"))).isEqualTo(MTIME);
        assertThat(head.contentLength()).isEqualTo(100_000L);
    }

    @Test
    void upload_emptyFile_roundTrips() throws IOException {
        S3Provider p = open();
        Path f = Files.write(dir.resolve("empty"), new byte[0]);
        ManifestEntry e = entry("empty", f);
        assertThat(e.sha256()).isEqualTo(Digests.EMPTY_SHA256);

        p.upload("snap", e, f);

        assertThat(Files.size(downloaded(p, "snap", "empty"))).isZero();
        assertThat(head(key("snap", "empty")).metadata()).containsEntry("sha256", Digests.EMPTY_SHA256);
    }

    @Test
    void upload_fileAboveThreshold_goesUpInPartsAndRoundTrips() throws IOException {
        Recorder recorder = new Recorder();
        S3Provider p = open(recorder);
        Path f = file("big.bin", 11 * MIB + 123, 2);
        ManifestEntry e = entry("big.bin", f);

        UploadReceipt receipt = p.upload("snap", e, f);

        assertThat(receipt.serverVerified()).isTrue();
        assertThat(recorder.succeeded("UploadPart")).isEqualTo(3);
        assertThat(recorder.attempted("PutObject")).isZero();
        assertThat(Files.mismatch(f, downloaded(p, "snap", "big.bin"))).isEqualTo(-1);
        HeadObjectResponse head = head(key("snap", "big.bin"));
        assertThat(head.metadata()).containsEntry("sha256", e.sha256());
        assertThat(head.eTag()).endsWith("-3\"");
        assertThat(pendingUploadIds(key("snap", "big.bin"))).isEmpty();
        assertThat(Files.list(dir.resolve("state/s3-multipart"))).isEmpty();
    }

    @Test
    void upload_wrongSha256_isRefusedByTheStoreAsIntegrityAndLeavesNothing() throws IOException {
        Recorder recorder = new Recorder();
        S3Provider p = open(recorder);
        Path f = file("a.bin", 5000, 3);
        ManifestEntry lie = new ManifestEntry("a.bin", 5000, MTIME, Hashing.sha256(file("other", 5000, 4)));

        assertThatThrownBy(() -> p.upload("snap", lie, f))
                .isInstanceOfSatisfying(ProviderException.class, ex -> {
                    assertThat(ex.kind()).isEqualTo(ProviderException.Kind.INTEGRITY);
                    assertThat(ex.retryable()).isFalse();
                    assertThat(ex.remotePath()).contains("a.bin");
                });
        // the bytes really went to the server, which refused them
        assertThat(recorder.attempted("PutObject")).isEqualTo(1);
        assertThat(exists(key("snap", "a.bin"))).isFalse();
    }

    @Test
    void upload_multipartFileNotMatchingItsSha256_isRefusedBeforeAnythingIsSent() throws IOException {
        Recorder recorder = new Recorder();
        S3Provider p = open(recorder);
        Path f = file("big.bin", 6 * MIB, 5);
        ManifestEntry lie = new ManifestEntry("big.bin", 6 * MIB, MTIME, Digests.EMPTY_SHA256);

        assertThatThrownBy(() -> p.upload("snap", lie, f)).isInstanceOfSatisfying(ProviderException.class,
                ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.INTEGRITY));
        assertThat(recorder.attempted).isEmpty();
        assertThat(exists(key("snap", "big.bin"))).isFalse();
    }

    @Test
    void upload_partCorruptedOnTheWay_isRefusedByTheStoreAndTheUploadAborted() throws IOException {
        // Rewrites the part's x-amz-checksum-sha256 as if the bytes had changed in transit.
        ExecutionInterceptor corrupt = new ExecutionInterceptor() {
            @Override
            public software.amazon.awssdk.http.SdkHttpRequest modifyHttpRequest(
                    software.amazon.awssdk.core.interceptor.Context.ModifyHttpRequest context,
                    software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                if (context.request() instanceof UploadPartRequest u && u.partNumber() == 2) {
                    return context.httpRequest().toBuilder()
                            .putHeader("x-amz-checksum-sha256", S3Provider.base64(Digests.EMPTY_SHA256)).build();
                }
                return context.httpRequest();
            }
        };
        S3Provider p = open(corrupt);
        Path f = file("big.bin", 11 * MIB, 6);

        assertThatThrownBy(() -> p.upload("snap", entry("big.bin", f), f)).isInstanceOfSatisfying(ProviderException.class,
                ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.INTEGRITY));
        assertThat(exists(key("snap", "big.bin"))).isFalse();
        assertThat(pendingUploadIds(key("snap", "big.bin"))).isEmpty();
    }

    @Test
    void upload_localFileSizeDiffersFromEntry_isIntegrityError() throws IOException {
        S3Provider p = open();
        Path f = file("a.bin", 10, 7);
        ManifestEntry e = new ManifestEntry("a.bin", 11, MTIME, Digests.EMPTY_SHA256);

        assertThatThrownBy(() -> p.upload("snap", e, f)).isInstanceOfSatisfying(ProviderException.class,
                ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.INTEGRITY));
    }

    @Test
    void upload_multipart_reportsTheSumOfStoredPartsOncePerPart() throws IOException {
        S3Provider p = open();
        Path f = file("big.bin", 11 * MIB + 123, 3); // parts of 5 MiB, 5 MiB, 1 MiB + 123
        ManifestEntry e = entry("big.bin", f);
        List<Long> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

        p.upload("snap", e, f, sent::add);

        // parts go up in parallel, so any of them may finish first: each value is a sum of whole parts
        java.util.Set<Long> sums = java.util.Set.of(5L * MIB, 1L * MIB + 123, 10L * MIB, 6L * MIB + 123, e.size());
        assertThat(sent).hasSize(3).doesNotHaveDuplicates().isSorted().allMatch(sums::contains)
                .last().isEqualTo(e.size());
    }

    @Test
    void upload_singlePut_reportsTheWholeSizeOnceItIsStored() throws IOException {
        S3Provider p = open();
        Path f = file("small.bin", 70_000, 4);
        List<Long> sent = new java.util.ArrayList<>();

        p.upload("snap", entry("small.bin", f), f, sent::add);

        assertThat(sent).containsExactly(70_000L);
    }

    @Test
    void upload_resumedMultipart_countsThePartsStoredBeforeFromTheStart() throws IOException {
        Path f = file("big.bin", 21 * MIB, 9); // 5 parts: four of 5 MiB, one of 1 MiB
        ManifestEntry e = entry("big.bin", f);
        S3Provider before = open(Recorder.failingAfter(UploadPartRequest.class, 2));
        List<Long> firstSent = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> before.upload("snap", e, f, firstSent::add)).isInstanceOf(ProviderException.class);
        before.close();
        assertThat(firstSent).isNotEmpty().allMatch(n -> n < e.size());

        Recorder second = new Recorder();
        S3Provider after = open(second);
        List<Long> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        after.upload("snap", e, f, sent::add);

        long partsSentNow = second.succeeded("UploadPart");
        assertThat(sent).hasSize(1 + (int) partsSentNow).doesNotHaveDuplicates().isSorted()
                .last().isEqualTo(e.size());
        assertThat(sent.get(0)).as("the parts stored before this call, reported before any is sent")
                .isEqualTo(firstSent.get(firstSent.size() - 1));
    }

    // ---- multipart resume ----------------------------------------------------------------------

    @Test
    void upload_afterInterruptedMultipart_resumesInANewInstanceWithoutResendingParts() throws IOException {
        Path f = file("big.bin", 21 * MIB, 8); // 5 parts
        ManifestEntry e = entry("big.bin", f);
        Recorder first = Recorder.failingAfter(UploadPartRequest.class, 2);
        S3Provider before = open(first);

        assertThatThrownBy(() -> before.upload("snap", e, f)).isInstanceOfSatisfying(ProviderException.class,
                ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.UNAVAILABLE));
        before.close(); // the "process" ends
        long stored = first.succeeded("UploadPart");
        assertThat(stored).isBetween(1L, 2L);
        assertThat(exists(key("snap", "big.bin"))).isFalse();
        List<String> pending = pendingUploadIds(key("snap", "big.bin"));
        assertThat(pending).hasSize(1);

        Recorder second = new Recorder();
        S3Provider after = open(second);
        after.upload("snap", e, f);

        assertThat(second.attempted("CreateMultipartUpload")).isZero();
        assertThat(second.attempted("UploadPart")).isEqualTo(5 - stored);
        assertThat(Files.mismatch(f, downloaded(after, "snap", "big.bin"))).isEqualTo(-1);
        assertThat(pendingUploadIds(key("snap", "big.bin"))).isEmpty();
    }

    @Test
    void upload_fileChangedSinceInterruptedMultipart_abortsTheOldUploadAndStartsOver() throws IOException {
        Path f = file("big.bin", 11 * MIB, 9);
        S3Provider before = open(Recorder.failingAfter(UploadPartRequest.class, 1));
        assertThatThrownBy(() -> before.upload("snap", entry("big.bin", f), f)).isInstanceOf(ProviderException.class);
        before.close();
        List<String> old = pendingUploadIds(key("snap", "big.bin"));
        assertThat(old).hasSize(1);

        Path changed = file("big.bin", 11 * MIB, 10);
        ManifestEntry e2 = new ManifestEntry("big.bin", 11 * MIB, MTIME.plusSeconds(60), Hashing.sha256(changed));
        Recorder second = new Recorder();
        S3Provider after = open(second);
        after.upload("snap", e2, changed);

        assertThat(second.succeeded("AbortMultipartUpload")).isEqualTo(1);
        assertThat(second.attempted("UploadPart")).isEqualTo(3);
        assertThat(pendingUploadIds(key("snap", "big.bin"))).isEmpty();
        assertThat(Files.mismatch(changed, downloaded(after, "snap", "big.bin"))).isEqualTo(-1);
    }

    @Test
    void upload_interruptedWithoutStateFolder_abortsTheUploadItCannotResume() throws IOException {
        ProviderConfig noState = ProviderConfig.builder().service("test").putAll(config().build().values()).build();
        S3Provider p = open(noState, server().credentials(), Clock.systemUTC(),
                Recorder.failingAfter(UploadPartRequest.class, 1));
        Path f = file("big.bin", 11 * MIB, 11);

        assertThatThrownBy(() -> p.upload("snap", entry("big.bin", f), f)).isInstanceOf(ProviderException.class);

        assertThat(pendingUploadIds(key("snap", "big.bin"))).isEmpty();
    }

    @Test
    void open_withUploadRecordOlderThanAbandonAfterDays_abortsIt() throws IOException {
        Path f = file("big.bin", 11 * MIB, 12);
        S3Provider before = open(Recorder.failingAfter(UploadPartRequest.class, 1));
        assertThatThrownBy(() -> before.upload("snap", entry("big.bin", f), f)).isInstanceOf(ProviderException.class);
        assertThat(pendingUploadIds(key("snap", "big.bin"))).hasSize(1);

        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(8)), ZoneOffset.UTC);
        open(config().build(), server().credentials(), later);

        assertThat(pendingUploadIds(key("snap", "big.bin"))).isEmpty();
        assertThat(Files.list(dir.resolve("state/s3-multipart"))).isEmpty();
    }

    @Test
    void delete_ofPathWithInterruptedUpload_abortsThatUpload() throws IOException {
        Path f = file("big.bin", 11 * MIB, 13);
        S3Provider p = open(Recorder.failingAfter(UploadPartRequest.class, 1));
        assertThatThrownBy(() -> p.upload("snap", entry("big.bin", f), f)).isInstanceOf(ProviderException.class);

        p.delete("snap", "big.bin");

        assertThat(pendingUploadIds(key("snap", "big.bin"))).isEmpty();
    }

    // ---- manifests -----------------------------------------------------------------------------

    static Manifest manifest(String name, String... paths) {
        return Manifest.of(name, "/root", Instant.parse("2025-01-02T03:04:05Z"), Stream.of(paths)
                .map(p -> new ManifestEntry(p, p.length(), MTIME, Digests.EMPTY_SHA256)).toList());
    }

    @Test
    void readManifest_whenNoneStored_isEmptyAfterOneGet() {
        Recorder recorder = new Recorder();
        S3Provider p = open(recorder);

        assertThat(p.readManifest("snap")).isEmpty();
        assertThat(recorder.attempted).containsExactly("GetObject");
    }

    @Test
    void writeManifest_thenRead_returnsTheSameManifestWithOneGet() {
        S3Provider writer = open();
        Manifest m = manifest("snap", "a", "b/c");
        writer.writeManifest("snap", m, ManifestPrecondition.none());

        Recorder recorder = new Recorder();
        S3Provider reader = open(recorder);
        assertThat(reader.readManifest("snap")).contains(m);
        assertThat(recorder.attempted).containsExactly("GetObject");
        assertThat(exists(prefix + "/.cloudsync/manifests/snap.json")).isTrue();
    }

    @Test
    void writeManifest_ifChecksumOfStaleManifest_isRefusedByTheStoreAsConflict() {
        Recorder recorder = new Recorder();
        S3Provider p = open(recorder);
        Manifest first = manifest("snap", "a");
        p.writeManifest("snap", first, ManifestPrecondition.ifAbsent());
        open().writeManifest("snap", manifest("snap", "a", "b"), ManifestPrecondition.none()); // another run

        assertThatThrownBy(() -> p.writeManifest("snap", manifest("snap", "c"), ManifestPrecondition.ifChecksum(first.checksum())))
                .isInstanceOfSatisfying(ProviderException.class,
                        ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFLICT));
        // no HEAD: the ETag remembered from the first write went out as If-Match and the store refused it
        assertThat(recorder.attempted).containsExactly("PutObject", "PutObject");
        assertThat(open().readManifest("snap")).contains(manifest("snap", "a", "b"));
    }

    @Test
    void writeManifest_ifChecksumNotKnownToThisInstance_checksTheStoredManifestFirst() {
        open().writeManifest("snap", manifest("snap", "a", "b"), ManifestPrecondition.none());

        assertThatThrownBy(() -> open().writeManifest("snap", manifest("snap", "c"),
                ManifestPrecondition.ifChecksum(manifest("snap", "a").checksum())))
                .isInstanceOfSatisfying(ProviderException.class,
                        ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFLICT));
        assertThat(open().readManifest("snap")).contains(manifest("snap", "a", "b"));
    }

    @Test
    void writeManifest_ifAbsentWhenOneIsStored_isRefusedByTheStoreAsConflict() {
        open().writeManifest("snap", manifest("snap", "a"), ManifestPrecondition.ifAbsent());
        Recorder recorder = new Recorder();

        assertThatThrownBy(() -> open(recorder).writeManifest("snap", manifest("snap", "b"), ManifestPrecondition.ifAbsent()))
                .isInstanceOfSatisfying(ProviderException.class,
                        ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFLICT));
        assertThat(recorder.attempted).containsExactly("PutObject");
        assertThat(open().readManifest("snap")).contains(manifest("snap", "a"));
    }

    @Test
    void writeManifest_ifChecksumWhenNoneIsStored_isConflict() {
        assertThatThrownBy(() -> open().writeManifest("snap", manifest("snap", "b"),
                ManifestPrecondition.ifChecksum(manifest("snap", "a").checksum())))
                .isInstanceOfSatisfying(ProviderException.class,
                        ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFLICT));
    }

    @Test
    void writeManifest_ifChecksumMatching_replacesIt() {
        S3Provider p = open();
        Manifest first = manifest("snap", "a");
        p.writeManifest("snap", first, ManifestPrecondition.none());
        Manifest second = manifest("snap", "a", "b");

        open().writeManifest("snap", second, ManifestPrecondition.ifChecksum(first.checksum()));

        assertThat(open().readManifest("snap")).contains(second);
    }

    @Test
    void readManifest_damaged_isIntegrityError() {
        raw.putObject(b -> b.bucket(server().bucket()).key(prefix + "/.cloudsync/manifests/snap.json"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("{not json"));

        assertThatThrownBy(() -> open().readManifest("snap")).isInstanceOfSatisfying(ProviderException.class,
                ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.INTEGRITY));
    }

    // ---- listing and deletes -------------------------------------------------------------------

    @Test
    void list_returnsTheSnapshotsFilesOnlyAcrossPages() throws IOException {
        S3Provider p = open();
        Path f = file("a.bin", 10, 14);
        for (String path : List.of("a", "b/c", "b/d", "z.txt")) {
            p.upload("snap", new ManifestEntry(path, 10, MTIME, Hashing.sha256(f)), f);
        }
        p.upload("snap2", new ManifestEntry("other", 10, MTIME, Hashing.sha256(f)), f);
        p.writeManifest("snap", manifest("snap", "a"), ManifestPrecondition.none());
        p.listPageSize(2);

        try (Stream<RemoteEntry> listed = p.list("snap")) {
            assertThat(listed).containsExactly(RemoteEntry.of("a", 10), RemoteEntry.of("b/c", 10),
                    RemoteEntry.of("b/d", 10), RemoteEntry.of("z.txt", 10));
        }
    }

    @Test
    void delete_isIdempotent() throws IOException {
        S3Provider p = open();
        Path f = file("a.bin", 10, 15);
        p.upload("snap", entry("a", f), f);

        p.delete("snap", "a");
        p.delete("snap", "a");
        p.delete("snap", "never-there");

        assertThat(exists(key("snap", "a"))).isFalse();
    }

    @Test
    void download_missingFile_isNotFound() {
        S3Provider p = open();

        assertThatThrownBy(() -> p.download("snap", "nope", dir.resolve("x"))).isInstanceOfSatisfying(ProviderException.class,
                ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
        assertThat(dir.resolve("x")).doesNotExist();
    }

    // ---- errors --------------------------------------------------------------------------------

    @Test
    void anyOperation_onMissingBucket_isConfigurationNamingTheBucket() {
        S3Provider p = open(config().put("bucket", "no-such-bucket-" + UUID.randomUUID().toString().substring(0, 8)).build(),
                server().credentials(), Clock.systemUTC());

        assertThatThrownBy(() -> p.readManifest("snap")).isInstanceOfSatisfying(ProviderException.class, ex -> {
            assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFIGURATION);
            assertThat(ex.getMessage()).contains("no-such-bucket-").contains("does not exist");
        });
    }

    @Test
    void anyOperation_whenServerUnreachable_isRetryableUnavailable() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        S3Provider p = open(config().put("endpoint_url", "http://127.0.0.1:" + port).build(), server().credentials(),
                Clock.systemUTC());

        assertThatThrownBy(() -> p.readManifest("snap")).isInstanceOfSatisfying(ProviderException.class, ex -> {
            assertThat(ex.kind()).isEqualTo(ProviderException.Kind.UNAVAILABLE);
            assertThat(ex.retryable()).isTrue();
        });
    }

    @Test
    void snapshotNamedLikeTheMetadataFolder_isRefused() {
        S3Provider p = open();

        assertThatThrownBy(() -> p.readManifest(".cloudsync")).isInstanceOfSatisfying(ProviderException.class,
                ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFIGURATION));
    }
}
