package io.cloudsync.provider.s3.internal;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import io.cloudsync.spi.UploadReceipt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

/**
 * Server-side copies inside the bucket: one CopyObject up to {@link #MAX_SINGLE_COPY} (S3's limit
 * for it), a multipart upload of UploadPartCopy ranges above. The copy gets the target entry's
 * sha256 and mtime as user metadata (MetadataDirective REPLACE) and the files' content type. Not
 * resumable: a failed multipart copy is aborted, and the next attempt copies again (no bytes go over
 * the client's network either way).
 */
final class S3Copier {

    private static final Logger LOG = LoggerFactory.getLogger(S3Copier.class);

    /** The largest object one CopyObject may copy: 5 GiB. */
    static final long MAX_SINGLE_COPY = 5L * 1024 * 1024 * 1024;
    /** Bytes per UploadPartCopy by default; S3 allows 5 MiB to 5 GiB per part. */
    static final long DEFAULT_COPY_PART_SIZE = 512L * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final ExecutorService pool;
    private volatile long threshold = MAX_SINGLE_COPY;
    private volatile long partSize = DEFAULT_COPY_PART_SIZE;

    S3Copier(S3Client s3, String bucket, ExecutorService pool) {
        this.s3 = s3;
        this.bucket = bucket;
        this.pool = pool;
    }

    /** For tests of the multipart path with small objects: copies of more than {@code bytes} go in parts of {@code part}. */
    void multipartAbove(long bytes, long part) {
        if (bytes > MAX_SINGLE_COPY || part < S3Settings.MIN_PART_SIZE || part > MAX_SINGLE_COPY) {
            throw new IllegalArgumentException("copy threshold must be at most 5 GiB and the part size 5 MiB to 5 GiB, were "
                    + bytes + " and " + part);
        }
        this.threshold = bytes;
        this.partSize = part;
    }

    UploadReceipt copy(String sourceKey, String targetKey, String sourceUrl, String targetUrl, ManifestEntry target,
            Map<String, String> metadata) {
        String what = sourceUrl + " to " + targetUrl;
        try {
            return target.size() > threshold
                    ? copyInParts(sourceKey, targetKey, what, target, metadata)
                    : copyWhole(sourceKey, targetKey, what, target, metadata);
        } catch (SdkException e) {
            throw notFoundOrMapped(e, what, target);
        }
    }

    private UploadReceipt copyWhole(String sourceKey, String targetKey, String what, ManifestEntry target,
            Map<String, String> metadata) {
        // The store computes a new SHA-256 over the copied bytes (checksumAlgorithm), which makes an honest receipt.
        CopyObjectResponse response = s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(sourceKey)
                .destinationBucket(bucket).destinationKey(targetKey)
                .metadataDirective(MetadataDirective.REPLACE).metadata(metadata)
                .contentType("application/octet-stream").checksumAlgorithm(ChecksumAlgorithm.SHA256));
        String reported = response.copyObjectResult() == null ? null : response.copyObjectResult().checksumSHA256();
        String expected = S3Provider.base64(target.sha256());
        if (reported == null || reported.contains("-")) {
            return UploadReceipt.unverified(target.path(), target.size()); // no full-object checksum (S3Proxy)
        }
        if (!reported.equals(expected)) {
            deleteQuietly(targetKey);
            throw new ProviderException(Kind.INTEGRITY, "copied " + what + " but the store reports sha256 " + reported
                    + " (base64) instead of " + expected + " of the manifest entry; the copy was deleted", target.path(), null);
        }
        return UploadReceipt.verified(target.path(), target.size(), target.sha256());
    }

    private UploadReceipt copyInParts(String sourceKey, String targetKey, String what, ManifestEntry target,
            Map<String, String> metadata) {
        HeadObjectResponse source = s3.headObject(b -> b.bucket(bucket).key(sourceKey));
        long size = source.contentLength() == null ? -1 : source.contentLength();
        if (size != target.size()) {
            throw new ProviderException(Kind.INTEGRITY, "cannot copy " + what + ": the source has " + size
                    + " bytes but the manifest entry says " + target.size(), target.path(), null);
        }
        long part = MultipartUploader.partSizeFor(size, partSize);
        // No checksumAlgorithm: its part checksums would prove nothing about the whole file's sha256, and
        // stores that do not return them for UploadPartCopy (S3Mock) then refuse to complete the upload.
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(targetKey)
                .contentType("application/octet-stream").metadata(metadata)).uploadId();
        int count = (int) ((size + part - 1) / part);
        LOG.info("s3.copy.multipart.start key={} upload_id={} parts={} part_size={}", targetKey, uploadId, count, part);
        try {
            List<CompletableFuture<CompletedPart>> parts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int number = i + 1;
                long first = i * part;
                long last = Math.min(size, first + part) - 1;
                parts.add(CompletableFuture.supplyAsync(() -> {
                    // If-Match on the source: a source replaced while its parts are copied fails the copy instead of mixing
                    UploadPartCopyResponse r = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(sourceKey)
                            .destinationBucket(bucket).destinationKey(targetKey).uploadId(uploadId).partNumber(number)
                            .copySourceRange("bytes=" + first + '-' + last).copySourceIfMatch(source.eTag()));
                    return CompletedPart.builder().partNumber(number).eTag(r.copyPartResult().eTag()).build();
                }, pool));
            }
            List<CompletedPart> completed = new ArrayList<>(count);
            for (CompletableFuture<CompletedPart> f : parts) {
                completed.add(f.join());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(targetKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(completed)));
        } catch (RuntimeException e) {
            abort(targetKey, uploadId);
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof SdkException s) {
                throw notFoundOrMapped(s, what, target);
            }
            throw e;
        }
        LOG.info("s3.copy.multipart.complete key={} upload_id={} parts={}", targetKey, uploadId, count);
        // The parts' checksums are over ranges of bytes this provider never saw: nothing to compare the sha256 with.
        return UploadReceipt.unverified(target.path(), target.size());
    }

    private ProviderException notFoundOrMapped(SdkException e, String what, ManifestEntry target) {
        if (S3Errors.isNotFound(e)) {
            return new ProviderException(Kind.NOT_FOUND, "cannot copy " + what + ": the source file is not stored ("
                    + (S3Errors.code(e).isEmpty() ? "HTTP 404" : S3Errors.code(e)) + ')', target.path(), e);
        }
        return S3Errors.map(e, "copy", what, target.path(), bucket);
    }

    private void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            LOG.info("s3.copy.multipart.abort key={} upload_id={}", key, uploadId);
        } catch (SdkException e) {
            LOG.warn("s3.copy.multipart.abort_failed key={} upload_id={} error={} hint={}", key, uploadId,
                    S3Errors.code(e).isEmpty() ? e.getClass().getSimpleName() : S3Errors.code(e),
                    "the bucket's AbortIncompleteMultipartUpload lifecycle rule will clean it up");
        }
    }

    private void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            LOG.warn("s3.copy.delete_failed key={} error={}", key, S3Errors.code(e));
        }
    }
}
