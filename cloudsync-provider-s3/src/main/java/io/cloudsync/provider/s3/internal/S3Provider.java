package io.cloudsync.provider.s3.internal;

import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.spi.ManifestPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The {@code s3} provider: one S3 client and connection pool per instance, shared by every thread
 * the engine runs. Thread-safe.
 */
public final class S3Provider implements Provider {

    private static final Logger LOG = LoggerFactory.getLogger(S3Provider.class);

    /** User metadata key (x-amz-meta-sha256): lower-case hex SHA-256 of the file. */
    static final String META_SHA256 = "sha256";
    /** User metadata key (x-amz-meta-mtime): seconds since the epoch with nanoseconds, as rclone writes it. */
    static final String META_MTIME = "mtime";
    /** User metadata key of manifests: the manifest's content checksum, for compare-and-set without a GET. */
    static final String META_MANIFEST_CHECKSUM = "cloudsync-manifest-checksum";

    private final S3Settings settings;
    private final S3Client s3;
    private final AutoCloseable credentials;
    private final KeyLayout layout;
    private final ExecutorService partPool;
    private final MultipartUploader multipart;
    private final Map<String, StoredManifest> manifestTags = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int listPageSize = 1000;

    /** The ETag of the manifest last read or written, so that a compare-and-set needs no extra request. */
    private record StoredManifest(String checksum, String etag) {
    }

    private S3Provider(S3Settings settings, S3Client s3, AutoCloseable credentials, Clock clock) {
        this.settings = settings;
        this.s3 = s3;
        this.credentials = credentials;
        this.layout = new KeyLayout(settings.bucket(), settings.prefix());
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "cloudsync-s3-part-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.partPool = Executors.newFixedThreadPool(settings.parallelParts(), factory);
        this.multipart = new MultipartUploader(s3, settings, partPool,
                settings.stateDir().map(UploadStateStore::new).orElse(null), clock);
    }

    /**
     * Opens a provider: validates settings, resolves where credentials come from (without calling the
     * network), builds the client and aborts multipart uploads nobody resumed in time.
     *
     * @param config the validated settings
     * @param secrets the provider's vault view
     * @param secretsKey the vault key holding the credentials JSON
     * @return the provider
     */
    public static S3Provider open(ProviderConfig config, Secrets secrets, String secretsKey) {
        return open(config, secrets, secretsKey, List.of(), Clock.systemUTC());
    }

    static S3Provider open(ProviderConfig config, Secrets secrets, String secretsKey, List<ExecutionInterceptor> interceptors,
            Clock clock) {
        S3Settings settings = S3Settings.from(config);
        S3Clients.Credentials creds = S3Clients.credentials(settings, secrets, secretsKey);
        S3Client client = S3Clients.build(settings, creds.provider(), interceptors);
        S3Provider provider = new S3Provider(settings, client, creds.provider() instanceof AutoCloseable c ? c : null, clock);
        LOG.info("s3.open service={} bucket={} prefix={} endpoint={} region={} credentials={} state={}", settings.service(),
                settings.bucket(), settings.prefix(), settings.endpoint() == null ? "aws" : settings.endpoint(),
                settings.region() == null ? "sdk-chain" : settings.region(), creds.source(),
                settings.stateDir().isPresent() ? "yes" : "none");
        provider.multipart.sweepAbandoned();
        return provider;
    }

    @Override
    public Optional<Manifest> readManifest(String snapshot) {
        String key = layout.manifestKey(snapshot);
        String url = layout.url(key);
        ResponseBytes<GetObjectResponse> bytes;
        try {
            bytes = s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(key));
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                manifestTags.remove(snapshot);
                return Optional.empty();
            }
            throw S3Errors.map(e, "read the manifest", url, null, settings.bucket());
        }
        Manifest manifest;
        try {
            manifest = io.cloudsync.core.ManifestJson.fromBytes(bytes.asByteArray(), url);
        } catch (ManifestFormatException e) {
            throw new ProviderException(Kind.INTEGRITY, e.getMessage(), null, e);
        }
        manifestTags.put(snapshot, new StoredManifest(manifest.checksum(), bytes.response().eTag()));
        return Optional.of(manifest);
    }

    @Override
    public void writeManifest(String snapshot, Manifest manifest, ManifestPrecondition precondition) {
        String key = layout.manifestKey(snapshot);
        String url = layout.url(key);
        byte[] bytes = io.cloudsync.core.ManifestJson.toBytes(manifest);
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(settings.bucket()).key(key)
                .contentType("application/json").contentLength((long) bytes.length)
                .checksumSHA256(base64(sha256(bytes)))
                .metadata(Map.of(META_MANIFEST_CHECKSUM, manifest.checksum()));
        switch (precondition.kind()) {
            case NONE -> { }
            case ABSENT -> request.ifNoneMatch("*");
            case CHECKSUM -> request.ifMatch(etagOf(snapshot, key, url, precondition.checksum().orElseThrow()));
        }
        try {
            PutObjectResponse response = s3.putObject(request.build(), RequestBody.fromBytes(bytes));
            manifestTags.put(snapshot, new StoredManifest(manifest.checksum(), response.eTag()));
        } catch (SdkException e) {
            manifestTags.remove(snapshot);
            if (S3Errors.isPreconditionFailed(e)) {
                throw new ProviderException(Kind.CONFLICT, "manifest " + url + " was not written: " + describe(precondition)
                        + " no longer holds; another run changed it", null, e);
            }
            throw S3Errors.map(e, "write the manifest", url, null, settings.bucket());
        }
    }

    /** The ETag of the stored manifest, checked to have {@code checksum}; CONFLICT when it has not. */
    private String etagOf(String snapshot, String key, String url, String checksum) {
        StoredManifest known = manifestTags.get(snapshot);
        if (known != null && known.checksum().equals(checksum) && known.etag() != null) {
            return known.etag(); // If-Match still makes the store check that nothing changed since
        }
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(settings.bucket()).key(key));
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                throw new ProviderException(Kind.CONFLICT, "manifest " + url + " was not written: expected a stored manifest"
                        + " with checksum " + checksum + " but there is none", null, e);
            }
            throw S3Errors.map(e, "check the manifest", url, null, settings.bucket());
        }
        String stored = head.metadata().get(META_MANIFEST_CHECKSUM);
        if (stored == null) {
            Optional<Manifest> read = readManifest(snapshot);
            stored = read.map(Manifest::checksum).orElse(null);
            StoredManifest tag = manifestTags.get(snapshot);
            if (checksum.equals(stored) && tag != null) {
                return tag.etag();
            }
        }
        if (!checksum.equals(stored)) {
            throw new ProviderException(Kind.CONFLICT, "manifest " + url + " was not written: expected checksum " + checksum
                    + " but the stored manifest has " + stored + "; another run changed it", null, null);
        }
        return head.eTag();
    }

    private static String describe(ManifestPrecondition p) {
        return switch (p.kind()) {
            case NONE -> "no condition";
            case ABSENT -> "the condition 'no manifest stored yet'";
            case CHECKSUM -> "the condition 'stored manifest has checksum " + p.checksum().orElse("") + "'";
        };
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        return upload(snapshot, entry, localFile, n -> { });
    }

    /**
     * Reports progress per completed part of a multipart upload (parts a continued upload had stored
     * count from the start), and once at the end of a single PUT.
     */
    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, java.util.function.LongConsumer sent) {
        String key = layout.fileKey(snapshot, entry.path());
        String url = layout.url(key);
        long size;
        try {
            size = Files.size(localFile);
        } catch (IOException e) {
            throw new ProviderException(Kind.PERMANENT, "cannot upload " + url + ": cannot read " + localFile + ": " + e,
                    entry.path(), e);
        }
        if (size != entry.size()) {
            throw new ProviderException(Kind.INTEGRITY, "cannot upload " + url + ": the local file " + localFile + " has "
                    + size + " bytes but the manifest says " + entry.size() + " (it changed after it was hashed)",
                    entry.path(), null);
        }
        Map<String, String> metadata = Map.of(META_SHA256, entry.sha256(), META_MTIME, formatMtime(entry.mtime()));
        long resumedBytes = 0;
        if (size >= settings.multipartThreshold()) {
            resumedBytes = multipart.upload(key, url, entry, localFile, metadata, sent);
        } else {
            putSingle(key, url, entry, localFile, metadata);
            sent.accept(size);
        }
        return (settings.trustServerChecksum() ? UploadReceipt.verified(entry.path(), size, entry.sha256())
                : UploadReceipt.unverified(entry.path(), size)).withResumedBytes(resumedBytes);
    }

    private void putSingle(String key, String url, ManifestEntry entry, Path file, Map<String, String> metadata) {
        String expected = base64(entry.sha256());
        PutObjectResponse response;
        try {
            // The manifest's sha256 goes out as the x-amz-checksum-sha256 header: the store hashes what
            // arrives and refuses the object (BadDigest) unless it matches, so nothing wrong ever becomes
            // readable. No checksumAlgorithm on purpose: with it the SDK also sends a trailer with the
            // digest of what it read, and a store that checks the trailer would then accept any bytes.
            response = s3.putObject(b -> b.bucket(settings.bucket()).key(key).contentLength(entry.size())
                    .contentType("application/octet-stream").metadata(metadata)
                    .checksumSHA256(expected),
                    // a stream that can be reset, so that the signer's hashing pass and a resend both work
                    RequestBody.fromContentProvider(() -> MultipartUploader.slice(file, 0, entry.size()), entry.size(),
                            "application/octet-stream"));
        } catch (SdkException e) {
            throw S3Errors.map(e, "upload", url, entry.path(), settings.bucket());
        } catch (UncheckedIOException e) {
            throw S3Errors.mapUnchecked(e, "upload", url, entry.path());
        }
        if (response.checksumSHA256() != null && !response.checksumSHA256().equals(expected)) {
            try {
                s3.deleteObject(b -> b.bucket(settings.bucket()).key(key));
            } catch (SdkException e) {
                LOG.warn("s3.upload.delete_failed key={} error={}", key, S3Errors.code(e));
            }
            throw new ProviderException(Kind.INTEGRITY, "uploaded " + url + " but the store reports sha256 "
                    + response.checksumSHA256() + " (base64) instead of " + expected + "; the object was deleted",
                    entry.path(), null);
        }
    }

    @Override
    public void download(String snapshot, String path, Path target) {
        String key = layout.fileKey(snapshot, path);
        String url = layout.url(key);
        Path temp = null;
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(settings.bucket()).key(key)
                .checksumMode(ChecksumMode.ENABLED))) {
            temp = AtomicFiles.prepareTemp(target, false);
            MessageDigest digest = Digests.sha256();
            long copied = copy(in, temp, digest);
            Long length = in.response().contentLength();
            if (length != null && length != copied) {
                throw new ProviderException(Kind.UNAVAILABLE, "download of " + url + " ended after " + copied + " of "
                        + length + " bytes", path, null);
            }
            String stored = in.response().metadata().get(META_SHA256);
            String actual = Digests.hex(digest.digest());
            if (stored != null && Digests.isSha256Hex(stored) && !stored.equals(actual)) {
                throw new ProviderException(Kind.INTEGRITY, "downloaded " + url + " but its bytes hash to " + actual
                        + " while its metadata says " + stored, path, null);
            }
            AtomicFiles.commit(temp, target);
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                throw new ProviderException(Kind.NOT_FOUND, "cannot download " + url + ": no such file in snapshot '"
                        + snapshot + "'", path, e);
            }
            throw S3Errors.map(e, "download", url, path, settings.bucket());
        } catch (IOException e) {
            throw S3Errors.mapIo(e, "download", url, path);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warn("s3.download.temp_left file={} error={}", temp, e.toString());
                }
            }
        }
    }

    private static long copy(InputStream in, Path temp, MessageDigest digest) throws IOException {
        long copied = 0;
        byte[] buffer = new byte[128 * 1024];
        try (OutputStream out = Files.newOutputStream(temp)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                copied += n;
            }
        }
        return copied;
    }

    @Override
    public void delete(String snapshot, String path) {
        String key = layout.fileKey(snapshot, path);
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(key)); // S3 answers 204 for a missing key too
        } catch (SdkException e) {
            if (!S3Errors.isNotFound(e)) {
                throw S3Errors.map(e, "delete", layout.url(key), path, settings.bucket());
            }
        }
        multipart.abortPending(settings.bucket(), key);
    }

    @Override
    public Stream<RemoteEntry> list(String snapshot) {
        String prefix = layout.snapshotPrefix(snapshot);
        String url = layout.url(prefix);
        Iterator<S3Object> objects;
        try {
            int pageSize = listPageSize;
            objects = s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(prefix).maxKeys(pageSize))
                    .contents().iterator();
        } catch (SdkException e) {
            throw S3Errors.map(e, "list", url, null, settings.bucket());
        }
        Iterator<RemoteEntry> entries = new Iterator<>() {
            private RemoteEntry next;

            @Override
            public boolean hasNext() {
                try {
                    while (next == null && objects.hasNext()) {
                        S3Object o = objects.next();
                        Optional<String> path = layout.pathOf(prefix, o.key());
                        if (path.isPresent()) {
                            next = RemoteEntry.of(path.get(), o.size() == null ? 0 : o.size());
                        } else {
                            LOG.warn("s3.list.skip key={} reason=not_a_manifest_path", o.key());
                        }
                    }
                    return next != null;
                } catch (SdkException e) {
                    throw S3Errors.map(e, "list", url, null, settings.bucket());
                }
            }

            @Override
            public RemoteEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                RemoteEntry e = next;
                next = null;
                return e;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(entries, Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    /** For tests of paging: fewer keys per ListObjectsV2 page than S3's 1000. */
    void listPageSize(int keys) {
        this.listPageSize = keys;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        partPool.shutdownNow();
        s3.close();
        if (credentials != null) {
            try {
                credentials.close();
            } catch (Exception e) {
                LOG.debug("s3.close credentials={}", e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "S3Provider[" + layout.url(settings.prefix()) + ']';
    }

    static String base64(String hex) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    }

    private static String sha256(byte[] bytes) {
        return Digests.hex(Digests.sha256().digest(bytes));
    }

    /** rclone's form of x-amz-meta-mtime: decimal seconds since the epoch with nine fractional digits. */
    static String formatMtime(Instant mtime) {
        return BigDecimal.valueOf(mtime.getEpochSecond()).add(BigDecimal.valueOf(mtime.getNano(), 9)).toPlainString();
    }

    static Instant parseMtime(String value) {
        BigDecimal d = new BigDecimal(value.trim());
        BigDecimal seconds = d.setScale(0, java.math.RoundingMode.FLOOR);
        return Instant.ofEpochSecond(seconds.longValueExact(), d.subtract(seconds).movePointRight(9).longValue());
    }
}
