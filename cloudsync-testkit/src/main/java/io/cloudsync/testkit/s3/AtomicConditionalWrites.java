package io.cloudsync.testkit.s3;

import java.io.InputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Makes S3Proxy decide racing conditional writes atomically, as AWS S3 does. S3Proxy checks
 * {@code If-Match} / {@code If-None-Match} of a PutObject against the stored object and then writes,
 * in two steps, so two racing writers that both saw the same version could both succeed. Here every
 * write of one key (put, copy onto it, multipart completion, delete) holds that key's lock, and a
 * conditional put checks its precondition again inside the lock, failing with the answer S3Proxy
 * itself gives (412 {@code PreconditionFailed}, or 404 {@code NoSuchKey} for {@code If-Match} on a
 * missing key). Writes of different keys stay concurrent.
 */
final class AtomicConditionalWrites extends ForwardingBlobStore {

    /** One monitor per key ever written: a test server's keys are few enough to keep them all. */
    private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

    AtomicConditionalWrites(BlobStore delegate) {
        super(delegate);
    }

    private Object lock(String bucket, String key) {
        return locks.computeIfAbsent(bucket + '/' + key, k -> new Object());
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        synchronized (lock(request.bucket(), request.key())) {
            if (request.ifMatch() != null || request.ifNoneMatch() != null) {
                check(delegate().blobMetadataIfPresent(request.bucket(), request.key()), request.ifMatch(),
                        request.ifNoneMatch());
            }
            return super.putBlob(request, content);
        }
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        synchronized (lock(request.destinationBucket(), request.destinationKey())) {
            return super.copyBlob(request);
        }
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
            CompleteMultipartUploadRequest request) {
        synchronized (lock(request.bucket(), request.key())) {
            return super.completeMultipartUpload(upload, request);
        }
    }

    /** Also serves DeleteObjects: {@link BlobStore#removeBlobs} removes key by key through this method. */
    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        synchronized (lock(request.bucket(), request.key())) {
            return super.removeBlob(request);
        }
    }

    /** The precondition as S3 states it, against the object as it is now (null when there is none). */
    private static void check(HeadObjectResponse current, String ifMatch, String ifNoneMatch) {
        if (ifMatch != null) {
            if (current == null) {
                throw new S3ProxyException(S3ErrorCode.NO_SUCH_KEY);
            }
            if (!ifMatch.equals("*") && !sameTag(ifMatch, current.eTag())) {
                throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
            }
        }
        if (ifNoneMatch != null && current != null && (ifNoneMatch.equals("*") || sameTag(ifNoneMatch, current.eTag()))) {
            throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
        }
    }

    private static boolean sameTag(String condition, String etag) {
        return etag != null && unquoted(condition).equals(unquoted(etag));
    }

    private static String unquoted(String tag) {
        return tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"") ? tag.substring(1, tag.length() - 1) : tag;
    }
}
