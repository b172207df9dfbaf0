package io.cloudsync.provider.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.s3.S3Fixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
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
        // the provider ships no HTTP client of the SDK's; the raw client runs on the provider's own
        raw = S3Client.builder().httpClientBuilder(QuietHttpClient.builder())
                .endpointOverride(server().endpoint()).region(Region.of(server().region())).forcePathStyle(true)
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

    static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    static String sha256(byte[] bytes) {
        return Digests.hex(Digests.sha256().digest(bytes));
    }

    static ManifestEntry entry(String path, Path file) throws IOException {
        return new ManifestEntry(path, Files.size(file), MTIME, sha256(file));
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
        ManifestEntry lie = new ManifestEntry("a.bin", 5000, MTIME, sha256(file("other", 5000, 4)));

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
        ManifestEntry e2 = new ManifestEntry("big.bin", 11 * MIB, MTIME.plusSeconds(60), sha256(changed));
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

    // ---- metadata area -------------------------------------------------------------------------

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    String metaKey(String name) {
        return prefix + "/.cloudsync/" + name;
    }

    @Test
    void getMetadata_whenNoneStored_isEmptyAfterOneGet() {
        Recorder recorder = new Recorder();
        S3Provider p = open(recorder);

        assertThat(p.getMetadata("manifests/snap.json")).isEmpty();
        assertThat(recorder.attempted).containsExactly("GetObject");
    }

    @Test
    void putMetadata_thenGet_returnsTheSameBytesAndTheEtagAsVersion() {
        S3Provider writer = open();
        byte[] bytes = utf8("{\"format\":1,\"any\":\"bytes the engine chose\"}");

        String version = writer.putMetadata("manifests/snap.json", bytes, MetadataPrecondition.none());

        Recorder recorder = new Recorder();
        MetadataObject read = open(recorder).getMetadata("manifests/snap.json").orElseThrow();
        assertThat(read.bytes()).isEqualTo(bytes);
        assertThat(read.version()).isEqualTo(version).isEqualTo(head(metaKey("manifests/snap.json")).eTag());
        assertThat(recorder.attempted).containsExactly("GetObject");
        HeadObjectResponse head = head(metaKey("manifests/snap.json"));
        assertThat(head.contentType()).isEqualTo("application/json");
        assertThat(head.contentLength()).isEqualTo(bytes.length);
    }

    @Test
    void putMetadata_nonJsonName_isStoredAsOctetStreamUnderTheMetadataFolder() {
        open().putMetadata("leases/run", new byte[] {0, 1, 2}, MetadataPrecondition.none());

        assertThat(head(metaKey("leases/run")).contentType()).isEqualTo("application/octet-stream");
        assertThat(open().getMetadata("leases/run").orElseThrow().bytes()).containsExactly(0, 1, 2);
    }

    @Test
    void putMetadata_sendsTheSha256OfTheBytesForTheStoreToCheck() {
        List<String> checksums = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutionInterceptor spy = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                    software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest put) {
                    checksums.add(put.checksumSHA256());
                }
            }
        };
        byte[] bytes = utf8("abc");

        open(spy).putMetadata("x.json", bytes, MetadataPrecondition.none());

        assertThat(checksums).containsExactly(S3Provider.base64(sha256(bytes)));
    }

    @Test
    void manifestWrittenByTheCodeBeforeSpi4_isReadUnderItsName() {
        // the key the code before SPI 4 wrote snapshot "snap"'s manifest to, with its content type
        byte[] old = utf8("{\"format\":1,\"snapshot\":\"snap\"}");
        raw.putObject(b -> b.bucket(server().bucket()).key(prefix + "/.cloudsync/manifests/snap.json")
                .contentType("application/json"), RequestBody.fromBytes(old));

        assertThat(open().getMetadata("manifests/snap.json").orElseThrow().bytes()).isEqualTo(old);
        assertThat(open().listMetadata("manifests/").toList()).containsExactly("manifests/snap.json");
    }

    @Test
    void putMetadata_ifAbsentWhenNothingStored_stores() {
        S3Provider p = open();

        String version = p.putMetadata("manifests/snap.json", utf8("a"), MetadataPrecondition.ifAbsent());

        assertThat(p.getMetadata("manifests/snap.json").orElseThrow().version()).isEqualTo(version);
    }

    @Test
    void putMetadata_ifAbsentWhenOneIsStored_isRefusedByTheStoreAsConflict() {
        open().putMetadata("manifests/snap.json", utf8("a"), MetadataPrecondition.ifAbsent());
        Recorder recorder = new Recorder();

        assertThatThrownBy(() -> open(recorder).putMetadata("manifests/snap.json", utf8("b"), MetadataPrecondition.ifAbsent()))
                .isInstanceOfSatisfying(ProviderException.class,
                        ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFLICT));
        assertThat(recorder.attempted).as("the store decides, no read first").containsExactly("PutObject");
        assertThat(open().getMetadata("manifests/snap.json").orElseThrow().bytes()).isEqualTo(utf8("a"));
    }

    @Test
    void putMetadata_ifVersionMatching_replacesItWithANewVersion() {
        S3Provider p = open();
        String first = p.putMetadata("manifests/snap.json", utf8("first"), MetadataPrecondition.none());

        String second = open().putMetadata("manifests/snap.json", utf8("second"), MetadataPrecondition.ifVersion(first));

        assertThat(second).isNotEqualTo(first);
        MetadataObject read = open().getMetadata("manifests/snap.json").orElseThrow();
        assertThat(read.bytes()).isEqualTo(utf8("second"));
        assertThat(read.version()).isEqualTo(second);
    }

    @Test
    void putMetadata_ifVersionOfAnOlderState_isRefusedByTheStoreAsConflict() {
        S3Provider p = open();
        String first = p.putMetadata("manifests/snap.json", utf8("first"), MetadataPrecondition.none());
        open().putMetadata("manifests/snap.json", utf8("another run"), MetadataPrecondition.none());
        Recorder recorder = new Recorder();

        assertThatThrownBy(() -> open(recorder).putMetadata("manifests/snap.json", utf8("mine"),
                MetadataPrecondition.ifVersion(first)))
                .isInstanceOfSatisfying(ProviderException.class,
                        ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFLICT));
        assertThat(recorder.attempted).containsExactly("PutObject");
        assertThat(open().getMetadata("manifests/snap.json").orElseThrow().bytes()).isEqualTo(utf8("another run"));
    }

    @Test
    void putMetadata_ifVersionWhenNothingIsStored_isConflict() {
        S3Provider p = open();
        String gone = p.putMetadata("manifests/snap.json", utf8("first"), MetadataPrecondition.none());
        p.deleteMetadata("manifests/snap.json");

        assertThatThrownBy(() -> p.putMetadata("manifests/snap.json", utf8("b"), MetadataPrecondition.ifVersion(gone)))
                .isInstanceOfSatisfying(ProviderException.class,
                        ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFLICT));
        assertThat(p.getMetadata("manifests/snap.json")).isEmpty();
    }

    /**
     * Two runs read the same version and both commit: the one whose put reaches the store second loses,
     * although its own read was current. The rival write is made while the loser's PutObject is already
     * on its way (after the provider has done whatever it does before sending), so this fails for a
     * provider that checks the version itself and then writes unconditionally.
     */
    @Test
    void putMetadata_ifVersion_whenAnotherRunWinsTheRaceAfterTheRead_isConflict() {
        String base = open().putMetadata("manifests/snap.json", utf8("base"), MetadataPrecondition.none());
        S3Provider rival = open();
        S3Provider loser = open(beforeSendingPutOf(metaKey("manifests/snap.json"),
                () -> rival.putMetadata("manifests/snap.json", utf8("rival"), MetadataPrecondition.ifVersion(base))));

        assertThat(loser.getMetadata("manifests/snap.json").orElseThrow().version()).isEqualTo(base);
        assertThatThrownBy(() -> loser.putMetadata("manifests/snap.json", utf8("loser"), MetadataPrecondition.ifVersion(base)))
                .isInstanceOfSatisfying(ProviderException.class,
                        ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFLICT));
        assertThat(open().getMetadata("manifests/snap.json").orElseThrow().bytes()).isEqualTo(utf8("rival"));
    }

    /** As above for two runs creating the same object: the second create loses. */
    @Test
    void putMetadata_ifAbsent_whenAnotherRunCreatesItFirst_isConflict() {
        S3Provider rival = open();
        S3Provider loser = open(beforeSendingPutOf(metaKey("manifests/new.json"),
                () -> rival.putMetadata("manifests/new.json", utf8("rival"), MetadataPrecondition.ifAbsent())));

        assertThat(loser.getMetadata("manifests/new.json")).isEmpty();
        assertThatThrownBy(() -> loser.putMetadata("manifests/new.json", utf8("loser"), MetadataPrecondition.ifAbsent()))
                .isInstanceOfSatisfying(ProviderException.class,
                        ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFLICT));
        assertThat(open().getMetadata("manifests/new.json").orElseThrow().bytes()).isEqualTo(utf8("rival"));
    }

    /** Runs {@code rival} once, just before the first PutObject of {@code key} is sent. */
    static ExecutionInterceptor beforeSendingPutOf(String key, Runnable rival) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context.BeforeTransmission context,
                    software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest put && put.key().equals(key) && done.compareAndSet(false, true)) {
                    rival.run();
                }
            }
        };
    }

    @Test
    void deleteMetadata_isIdempotentAndLeavesOtherNames() {
        S3Provider p = open();
        p.putMetadata("manifests/a.json", utf8("a"), MetadataPrecondition.none());
        p.putMetadata("manifests/b.json", utf8("b"), MetadataPrecondition.none());

        p.deleteMetadata("manifests/a.json");
        p.deleteMetadata("manifests/a.json");
        p.deleteMetadata("never/there");

        assertThat(p.getMetadata("manifests/a.json")).isEmpty();
        assertThat(exists(metaKey("manifests/a.json"))).isFalse();
        assertThat(p.getMetadata("manifests/b.json")).isPresent();
    }

    @Test
    void listMetadata_returnsTheNamesUnderThePrefixSortedAndNoFiles() throws IOException {
        S3Provider p = open();
        for (String name : List.of("manifests/b.json", "manifests/a.json", "manifests2/x", "leases/l", "manifests/a/z")) {
            p.putMetadata(name, utf8(name), MetadataPrecondition.none());
        }
        Path f = file("a.bin", 10, 16);
        p.upload("manifests", entry("a.json", f), f); // a snapshot's file, not metadata
        raw.putObject(b -> b.bucket(server().bucket()).key(prefix + "/.cloudsync/manifests/"), RequestBody.fromString(""));

        try (Stream<String> all = p.listMetadata("")) {
            assertThat(all).containsExactly("leases/l", "manifests/a.json", "manifests/a/z", "manifests/b.json", "manifests2/x");
        }
        try (Stream<String> manifests = p.listMetadata("manifests/")) {
            assertThat(manifests).containsExactly("manifests/a.json", "manifests/a/z", "manifests/b.json");
        }
        try (Stream<String> partial = p.listMetadata("manifests")) {
            assertThat(partial).containsExactly("manifests/a.json", "manifests/a/z", "manifests/b.json", "manifests2/x");
        }
        assertThat(p.listMetadata("nothing/").toList()).isEmpty();
    }

    @Test
    void listMetadata_ofMoreThanOnePageOf1000Keys_returnsEveryName() {
        S3Provider p = open();
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 1003; i++) {
            names.add(String.format("chunks/%05d", i));
        }
        // written through the raw client in parallel, to keep the test short
        names.parallelStream().forEach(n -> raw.putObject(b -> b.bucket(server().bucket()).key(metaKey(n)),
                RequestBody.fromBytes(new byte[] {1})));
        Recorder recorder = new Recorder();
        S3Provider reader = open(recorder);

        assertThat(reader.listMetadata("chunks/").toList()).containsExactlyElementsOf(names);
        assertThat(recorder.attempted("ListObjectsV2")).isEqualTo(2);
    }

    @Test
    void metadataName_invalid_isRefusedWithTheRule() {
        S3Provider p = open();

        assertThatThrownBy(() -> p.getMetadata("manifests/../x")).isInstanceOfSatisfying(ProviderException.class, ex -> {
            assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFIGURATION);
            assertThat(ex.getMessage()).contains("manifests/../x").contains("'..'");
        });
        assertThatThrownBy(() -> p.putMetadata("", new byte[0], MetadataPrecondition.none()))
                .isInstanceOf(ProviderException.class);
        assertThatThrownBy(() -> p.listMetadata("/x")).isInstanceOf(ProviderException.class);
    }

    // ---- server-side copy ----------------------------------------------------------------------

    @Test
    void copy_smallFile_isOneCopyObjectWithTheTargetsMetadata() throws IOException {
        S3Provider p = open();
        Path f = file("a.bin", 70_000, 17);
        ManifestEntry source = entry("docs/a.bin", f);
        p.upload("snap", source, f);
        ManifestEntry target = new ManifestEntry("moved/a b.bin", source.size(), MTIME.plusSeconds(3600), source.sha256());
        Recorder recorder = new Recorder();

        UploadReceipt receipt = open(recorder).copy("snap", "docs/a.bin", target);

        assertThat(recorder.attempted).containsExactly("CopyObject");
        assertThat(receipt.path()).isEqualTo("moved/a b.bin");
        assertThat(receipt.size()).isEqualTo(source.size());
        if (receipt.serverVerified()) {
            assertThat(receipt.sha256()).contains(source.sha256());
        }
        assertThat(Files.mismatch(f, downloaded(p, "snap", "moved/a b.bin"))).isEqualTo(-1);
        HeadObjectResponse head = head(key("snap", "moved/a b.bin"));
        assertThat(head.metadata()).containsEntry("sha256", source.sha256())
                .containsEntry("mtime", S3Provider.formatMtime(MTIME.plusSeconds(3600)));
        assertThat(head.contentType()).isEqualTo("application/octet-stream");
        assertThat(exists(key("snap", "docs/a.bin"))).as("a copy, not a move").isTrue();
    }

    @Test
    void copy_aboveTheThreshold_isAMultipartCopyOfRanges() throws IOException {
        S3Provider p = open();
        Path f = file("big.bin", 11 * MIB + 123, 18);
        ManifestEntry source = entry("big.bin", f);
        p.upload("snap", source, f);
        ManifestEntry target = new ManifestEntry("copy/big.bin", source.size(), MTIME.plusSeconds(1), source.sha256());
        Recorder recorder = new Recorder();
        S3Provider copier = open(recorder);
        copier.multipartCopyAbove(5 * MIB, 5 * MIB);

        UploadReceipt receipt = copier.copy("snap", "big.bin", target);

        assertThat(recorder.attempted("CopyObject")).isZero();
        assertThat(recorder.succeeded("UploadPartCopy")).isEqualTo(3);
        assertThat(recorder.succeeded("CompleteMultipartUpload")).isEqualTo(1);
        assertThat(receipt.serverVerified()).as("nothing computed the whole file's sha256").isFalse();
        assertThat(receipt.size()).isEqualTo(source.size());
        assertThat(Files.mismatch(f, downloaded(p, "snap", "copy/big.bin"))).isEqualTo(-1);
        HeadObjectResponse head = head(key("snap", "copy/big.bin"));
        assertThat(head.metadata()).containsEntry("sha256", source.sha256())
                .containsEntry("mtime", S3Provider.formatMtime(MTIME.plusSeconds(1)));
        assertThat(head.contentType()).isEqualTo("application/octet-stream");
        assertThat(pendingUploadIds(key("snap", "copy/big.bin"))).isEmpty();
    }

    @Test
    void copy_ofAMissingSource_isNotFoundAndCreatesNothing() {
        S3Provider p = open();
        ManifestEntry target = new ManifestEntry("b.bin", 10, MTIME, Digests.EMPTY_SHA256);

        assertThatThrownBy(() -> p.copy("snap", "nope.bin", target)).isInstanceOfSatisfying(ProviderException.class, ex -> {
            assertThat(ex.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
            assertThat(ex.getMessage()).contains("nope.bin").contains("b.bin");
        });
        assertThat(exists(key("snap", "b.bin"))).isFalse();
    }

    @Test
    void copy_multipartOfAMissingSource_isNotFoundAndLeavesNoUpload() {
        S3Provider p = open();
        p.multipartCopyAbove(5 * MIB, 5 * MIB);
        ManifestEntry target = new ManifestEntry("b.bin", 11 * MIB, MTIME, Digests.EMPTY_SHA256);

        assertThatThrownBy(() -> p.copy("snap", "nope.bin", target)).isInstanceOfSatisfying(ProviderException.class,
                ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
        assertThat(exists(key("snap", "b.bin"))).isFalse();
        assertThat(pendingUploadIds(key("snap", "b.bin"))).isEmpty();
    }

    // ---- listing and deletes -------------------------------------------------------------------

    @Test
    void list_returnsTheSnapshotsFilesOnlyAcrossPages() throws IOException {
        S3Provider p = open();
        Path f = file("a.bin", 10, 14);
        for (String path : List.of("a", "b/c", "b/d", "z.txt")) {
            p.upload("snap", new ManifestEntry(path, 10, MTIME, sha256(f)), f);
        }
        p.upload("snap2", new ManifestEntry("other", 10, MTIME, sha256(f)), f);
        p.putMetadata("manifests/snap.json", utf8("{}"), MetadataPrecondition.none());
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

        assertThatThrownBy(() -> p.getMetadata("manifests/snap.json")).isInstanceOfSatisfying(ProviderException.class, ex -> {
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

        assertThatThrownBy(() -> p.getMetadata("manifests/snap.json")).isInstanceOfSatisfying(ProviderException.class, ex -> {
            assertThat(ex.kind()).isEqualTo(ProviderException.Kind.UNAVAILABLE);
            assertThat(ex.retryable()).isTrue();
        });
    }

    @Test
    void snapshotNamedLikeTheMetadataFolder_isRefused() {
        S3Provider p = open();

        assertThatThrownBy(() -> p.list(".cloudsync")).isInstanceOfSatisfying(ProviderException.class, ex -> {
            assertThat(ex.kind()).isEqualTo(ProviderException.Kind.CONFIGURATION);
            assertThat(ex.getMessage()).contains("reserved");
        });
    }
}
