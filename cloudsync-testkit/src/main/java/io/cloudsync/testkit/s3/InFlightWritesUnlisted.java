package io.cloudsync.testkit.s3;

import java.io.InputStream;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Keeps S3Proxy's in-flight temporary objects out of listings, as AWS S3 never lists an object before its
 * upload completes. S3Proxy's in-memory store writes each object under {@code <key>-<uuid>} and renames it
 * when the upload ends, and a listing meanwhile shows that name (which R7.04 rightly refuses). Here, while
 * a put, copy or multipart completion of a key runs, and for five seconds after (a listing that began
 * before the write ended may still hold the name), a listing leaves out that key's {@code -<uuid>} names.
 */
final class InFlightWritesUnlisted extends ForwardingBlobStore {

    private static final String UUID = "-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    /** Writes in flight per bucket and key. */
    private final ConcurrentMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    /**
     * When a write of a bucket and key last ended ({@link System#nanoTime()}): a listing that began
     * before it ended may still show its temporary name, so the name stays hidden a while after.
     */
    private final ConcurrentMap<String, Long> ended = new ConcurrentHashMap<>();
    private static final long HIDE_AFTER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    InFlightWritesUnlisted(BlobStore delegate) {
        super(delegate);
    }

    private <T> T writing(String bucket, String key, Supplier<T> write) {
        String id = bucket + '/' + key;
        inFlight.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        try {
            return write.get();
        } finally {
            ended.put(id, System.nanoTime());
            inFlight.computeIfPresent(id, (k, n) -> n.decrementAndGet() == 0 ? null : n);
        }
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        return writing(request.bucket(), request.key(), () -> super.putBlob(request, content));
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        return writing(request.destinationBucket(), request.destinationKey(), () -> super.copyBlob(request));
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
            CompleteMultipartUploadRequest request) {
        return writing(request.bucket(), request.key(), () -> super.completeMultipartUpload(upload, request));
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        ListObjectsV2Response response = super.list(request);
        String bucket = request.bucket() + '/';
        long now = System.nanoTime();
        ended.values().removeIf(t -> now - t > HIDE_AFTER_NANOS);
        java.util.Set<String> writing = new java.util.HashSet<>(inFlight.keySet());
        writing.addAll(ended.keySet());
        List<Pattern> temporary = writing.stream()
                .filter(id -> id.startsWith(bucket))
                .map(id -> Pattern.compile(Pattern.quote(id.substring(bucket.length())) + UUID))
                .toList();
        if (temporary.isEmpty() || !response.hasContents()) {
            return response;
        }
        List<S3Object> listed = response.contents().stream()
                .filter(o -> temporary.stream().noneMatch(t -> t.matcher(o.key()).matches()))
                .toList();
        return listed.size() == response.contents().size() ? response
                : response.toBuilder().contents(listed).keyCount(listed.size()).build();
    }
}
