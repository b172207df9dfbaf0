package io.cloudsync.provider.s3.internal;

import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns SDK failures into {@link ProviderException}s with the kind the engine acts on. Messages say
 * what failed, on which key, and how to fix it; they carry the S3 error code and message (which never
 * hold credentials) but never request headers or signed URLs.
 */
final class S3Errors {

    private S3Errors() {
    }

    /** The S3 error code of a service exception, or the empty string. */
    static String code(Throwable e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null) {
            return s.awsErrorDetails().errorCode();
        }
        return "";
    }

    static int status(Throwable e) {
        return e instanceof AwsServiceException s ? s.statusCode() : 0;
    }

    static boolean isNotFound(Throwable e) {
        String code = code(e);
        return status(e) == 404 && !code.equals("NoSuchBucket") && !code.equals("NoSuchUpload");
    }

    static boolean isNoSuchUpload(Throwable e) {
        String code = code(e);
        return code.equals("NoSuchUpload") || code.equals("InvalidPart") || code.equals("InvalidPartOrder");
    }

    static boolean isPreconditionFailed(Throwable e) {
        String code = code(e);
        return status(e) == 412 || code.equals("PreconditionFailed") || code.equals("ConditionalRequestConflict");
    }

    /**
     * Maps a failure.
     *
     * @param e what the SDK threw
     * @param action what was attempted, such as "upload"
     * @param url the s3:// address concerned
     * @param path the manifest path, or {@code null}
     * @param bucket the bucket, for configuration messages
     */
    static ProviderException map(SdkException e, String action, String url, String path, String bucket) {
        if (e instanceof AwsServiceException s) {
            return mapService(s, action, url, path, bucket);
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SdkClientException && detail.contains("Unable to load credentials")) {
            return new ProviderException(Kind.AUTHENTICATION, "cannot " + action + ' ' + url + ": no AWS credentials found."
                    + " Store them with 'cloudsync vault set cloud_sync.s3' as {\"access_key_id\": ..., \"secret_access_key\": ...},"
                    + " or set 'profile', or configure the SDK default chain (AWS_ACCESS_KEY_ID, ~/.aws/credentials, an instance role)",
                    path, null);
        }
        // Client-side failures are connection problems: refused, reset, timed out, unknown host.
        return new ProviderException(Kind.UNAVAILABLE, "cannot " + action + ' ' + url + ": " + detail
                + " (check that the store is reachable and 'endpoint_url' is right)", path, e);
    }

    static ProviderException mapIo(IOException e, String action, String url, String path) {
        return new ProviderException(Kind.UNAVAILABLE, "cannot " + action + ' ' + url + ": " + e, path, e);
    }

    static ProviderException mapUnchecked(UncheckedIOException e, String action, String url, String path) {
        return mapIo(e.getCause(), action, url, path);
    }

    private static ProviderException mapService(AwsServiceException e, String action, String url, String path, String bucket) {
        int status = e.statusCode();
        String code = code(e);
        String s3Message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? ""
                : e.awsErrorDetails().errorMessage();
        String what = "cannot " + action + ' ' + url + ": " + (code.isEmpty() ? "HTTP " + status : code + " (HTTP " + status + ')')
                + (s3Message.isEmpty() ? "" : " " + s3Message);
        String lower = code.toLowerCase(Locale.ROOT);
        if (status == 429 || code.equals("SlowDown") || lower.contains("throttl") || code.equals("RequestLimitExceeded")
                || code.equals("TooManyRequests")) {
            return new ProviderException(Kind.THROTTLED, what + "; the store asked to slow down", path, retryAfter(e), e);
        }
        if (code.equals("BadDigest") || code.equals("InvalidDigest") || code.equals("XAmzContentSHA256Mismatch")
                || code.equals("XAmzContentChecksumMismatch") || (status == 400 && s3Message.toLowerCase(Locale.ROOT).contains("checksum"))) {
            return new ProviderException(Kind.INTEGRITY, what + "; the bytes sent do not match their SHA-256, so the store"
                    + " refused them (did the file change while it was being uploaded?)", path, e);
        }
        if (status >= 500) {
            return new ProviderException(Kind.UNAVAILABLE, what, path, retryAfter(e), e);
        }
        if (code.equals("NoSuchBucket")) {
            return new ProviderException(Kind.CONFIGURATION, what + "; bucket '" + bucket + "' does not exist"
                    + " (check 'bucket', 'region' and 'endpoint_url', or create the bucket)", path, e);
        }
        if (code.equals("PermanentRedirect") || code.equals("AuthorizationHeaderMalformed") || code.equals("IllegalLocationConstraintException")
                || status == 301) {
            return new ProviderException(Kind.CONFIGURATION, what + "; bucket '" + bucket + "' is in another region: set 'region'"
                    + " to the bucket's region", path, e);
        }
        if (status == 403 || status == 401 || code.equals("InvalidAccessKeyId") || code.equals("SignatureDoesNotMatch")
                || code.equals("ExpiredToken") || code.equals("InvalidToken") || code.equals("TokenRefreshRequired")) {
            return new ProviderException(Kind.AUTHENTICATION, what + "; check the credentials in the vault entry cloud_sync.s3"
                    + " (or the profile / default chain) and that the IAM policy in docs/S3.md is attached", path, e);
        }
        if (isPreconditionFailed(e)) {
            return new ProviderException(Kind.CONFLICT, what + "; another writer changed it first", path, e);
        }
        if (status == 404) {
            return new ProviderException(Kind.NOT_FOUND, what, path, e);
        }
        return new ProviderException(Kind.PERMANENT, what, path, e);
    }

    private static Duration retryAfter(AwsServiceException e) {
        if (e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null) {
            return null;
        }
        Optional<String> header = e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After");
        try {
            return header.map(String::trim).map(Long::parseLong).filter(s -> s >= 0).map(Duration::ofSeconds).orElse(null);
        } catch (NumberFormatException ex) {
            return null; // an HTTP date: the engine's own backoff applies
        }
    }
}
