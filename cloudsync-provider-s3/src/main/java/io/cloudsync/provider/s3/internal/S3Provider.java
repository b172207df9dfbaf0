package io.cloudsync.provider.s3.internal;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
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

    private final S3Settings settings;
    private final S3Client s3;
    private final AutoCloseable credentials;
    private final KeyLayout layout;
    private final ExecutorService partPool;
    private final MultipartUploader multipart;
    private final S3Copier copier;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int listPageSize = 1000;

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
        this.copier = new S3Copier(s3, settings.bucket(), partPool);
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

    // ------------------------------------------------------------------ metadata area

    @Override
    public Optional<MetadataObject> getMetadata(String name) {
        String key = layout.metadataKey(name);
        ResponseBytes<GetObjectResponse> bytes;
        try {
            bytes = s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(key));
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                return Optional.empty();
            }
            throw S3Errors.map(e, "read", layout.url(key), null, settings.bucket());
        }
        return Optional.of(new MetadataObject(bytes.asByteArray(), versionOf(bytes.response().eTag(), "read", key)));
    }

    /**
     * One PutObject: {@code ifAbsent} sends {@code If-None-Match: *}, {@code ifVersion(tag)} sends
     * {@code If-Match: tag} (the tag is the ETag), so the store decides the condition atomically with
     * the write; its 412 (or 409 ConditionalRequestConflict for racing writes, or 404 for If-Match on
     * a missing key) is a {@code CONFLICT}.
     */
    @Override
    public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
        String key = layout.metadataKey(name);
        String url = layout.url(key);
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(settings.bucket()).key(key)
                .contentType(name.endsWith(".json") ? "application/json" : "application/octet-stream")
                .contentLength((long) bytes.length)
                .checksumSHA256(base64(sha256(bytes)));
        switch (precondition.kind()) {
            case NONE -> { }
            case ABSENT -> request.ifNoneMatch("*");
            case VERSION -> request.ifMatch(precondition.version().orElseThrow());
        }
        PutObjectResponse response;
        try {
            response = s3.putObject(request.build(), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            if (S3Errors.isPreconditionFailed(e)
                    || (precondition.kind() == MetadataPrecondition.Kind.VERSION && S3Errors.isNotFound(e))) {
                throw new ProviderException(Kind.CONFLICT, url + " was not written: " + describe(precondition)
                        + " no longer holds; another run changed it (" + S3Errors.code(e) + ", HTTP " + S3Errors.status(e) + ')',
                        null, e);
            }
            throw S3Errors.map(e, "write", url, null, settings.bucket());
        }
        return versionOf(response.eTag(), "write", key);
    }

    @Override
    public void deleteMetadata(String name) {
        String key = layout.metadataKey(name);
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(key)); // 204 for a missing key too
        } catch (SdkException e) {
            if (!S3Errors.isNotFound(e)) {
                throw S3Errors.map(e, "delete", layout.url(key), null, settings.bucket());
            }
        }
    }

    /**
     * Pages through ListObjectsV2 under {@code <prefix>/.cloudsync/<name prefix>} and sorts the names
     * by {@code String} order (S3 lists in UTF-8 byte order, which differs above U+FFFF). Keys that are
     * no valid metadata name (such as {@code dir/} markers made by consoles) are skipped.
     */
    @Override
    public Stream<String> listMetadata(String prefix) {
        String keyPrefix = layout.metadataPrefix() + KeyLayout.requireMetadataPrefix(prefix);
        String url = layout.url(keyPrefix);
        List<String> names = new ArrayList<>();
        try {
            int pageSize = listPageSize;
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(keyPrefix).maxKeys(pageSize))
                    .contents()) {
                Optional<String> name = layout.metadataNameOf(o.key());
                if (name.isPresent()) {
                    names.add(name.get());
                } else {
                    LOG.warn("s3.list_metadata.skip key={} reason=not_a_metadata_name", o.key());
                }
            }
        } catch (SdkException e) {
            throw S3Errors.map(e, "list", url, null, settings.bucket());
        }
        names.sort(null);
        return names.stream();
    }

    private String versionOf(String etag, String action, String key) {
        if (etag == null || etag.isEmpty()) {
            throw new ProviderException(Kind.PERMANENT, "cannot " + action + ' ' + layout.url(key) + ": the store answered"
                    + " without an ETag, which the s3 provider needs as the version of metadata objects (use a store that"
                    + " returns ETags, as every S3-compatible one should)", null, null);
        }
        return etag;
    }

    private static String describe(MetadataPrecondition p) {
        return switch (p.kind()) {
            case NONE -> "no condition";
            case ABSENT -> "the condition 'nothing stored yet'";
            case VERSION -> "the condition 'stored object has version " + p.version().orElse("") + "'";
        };
    }

    // ------------------------------------------------------------------ files

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

    /**
     * CopyObject up to 5 GiB, UploadPartCopy above, with the target's sha256 and mtime as metadata.
     * The receipt is verified only when the store reports a SHA-256 it computed over the copy and that
     * matches {@code target.sha256()} (a single CopyObject on AWS S3 and S3Mock).
     */
    @Override
    public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
        String sourceKey = layout.fileKey(snapshot, sourcePath);
        String targetKey = layout.fileKey(snapshot, target.path());
        Map<String, String> metadata = Map.of(META_SHA256, target.sha256(), META_MTIME, formatMtime(target.mtime()));
        return copier.copy(sourceKey, targetKey, layout.url(sourceKey), layout.url(targetKey), target, metadata);
    }

    /**
     * The same server-side copy as {@link #copy}, to the metadata object's key; a store that reports
     * the copy's SHA-256 has it checked against {@code source.sha256()}.
     */
    @Override
    public void copyToMetadata(String snapshot, ManifestEntry source, String name) {
        String sourceKey = layout.fileKey(snapshot, source.path());
        String targetKey = layout.metadataKey(name);
        Map<String, String> metadata = Map.of(META_SHA256, source.sha256(), META_MTIME, formatMtime(source.mtime()));
        UploadReceipt receipt = copier.copy(sourceKey, targetKey, layout.url(sourceKey), layout.url(targetKey), source, metadata);
        if (receipt.sha256().isPresent() && !receipt.sha256().get().equals(source.sha256())) {
            try {
                s3.deleteObject(b -> b.bucket(settings.bucket()).key(targetKey));
            } catch (SdkException e) {
                LOG.warn("s3.copy_to_metadata.delete_failed key={} error={}", targetKey, S3Errors.code(e));
            }
            throw new ProviderException(Kind.INTEGRITY, "kept " + layout.url(sourceKey) + " as " + layout.url(targetKey)
                    + " but the store reports sha256 " + receipt.sha256().get() + " instead of the manifest's "
                    + source.sha256() + "; the copy was deleted", source.path(), null);
        }
    }

    /** One GetObject streamed to a temporary file beside {@code target}, checked against the object's recorded sha256. */
    @Override
    public void downloadMetadata(String name, Path target) {
        getToFile(layout.metadataKey(name), null, target, "no such metadata object");
    }

    /** For tests of the multipart copy: copies of more than {@code bytes} go in parts of {@code part} bytes. */
    void multipartCopyAbove(long bytes, long part) {
        copier.multipartAbove(bytes, part);
    }

    @Override
    public void download(String snapshot, String path, Path target) {
        getToFile(layout.fileKey(snapshot, path), path, target, "no such file in snapshot '" + snapshot + "'");
    }

    /**
     * One GetObject (with the store's checksum check) streamed to a temporary file beside
     * {@code target}, checked against the length and the object's recorded sha256, then moved over it.
     *
     * @param path the manifest path for errors, or {@code null} for a metadata object
     * @param notFound what a missing key is, for the {@code NOT_FOUND} message
     */
    private void getToFile(String key, String path, Path target, String notFound) {
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
                throw new ProviderException(Kind.NOT_FOUND, "cannot download " + url + ": " + notFound, path, e);
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
