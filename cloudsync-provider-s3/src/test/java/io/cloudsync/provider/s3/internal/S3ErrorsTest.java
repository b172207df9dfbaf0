package io.cloudsync.provider.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Error kinds for answers the embedded servers cannot be made to give (throttling, 5xx, redirects). */
class S3ErrorsTest {

    private static ProviderException map(int status, String code, String message, String retryAfter) {
        SdkHttpResponse.Builder http = SdkHttpResponse.builder().statusCode(status);
        if (retryAfter != null) {
            http.putHeader("Retry-After", retryAfter);
        }
        S3Exception e = (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).sdkHttpResponse(http.build()).build())
                .build();
        return S3Errors.map(e, "upload", "s3://b/k", "k", "b");
    }

    @Test
    void map_slowDownAnd429_areThrottledWithRetryAfter() {
        ProviderException slow = map(503, "SlowDown", "Please reduce your request rate.", "3");
        assertThat(slow.kind()).isEqualTo(Kind.THROTTLED);
        assertThat(slow.retryable()).isTrue();
        assertThat(slow.retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(map(429, "TooManyRequests", "", null).kind()).isEqualTo(Kind.THROTTLED);
    }

    @Test
    void map_otherServerErrorsAndConnectionFailures_areUnavailable() {
        assertThat(map(500, "InternalError", "We encountered an internal error.", null).kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(map(503, "ServiceUnavailable", "", null).kind()).isEqualTo(Kind.UNAVAILABLE);
        ProviderException io = S3Errors.map(SdkClientException.create("Unable to execute HTTP request",
                new IOException("Connection reset")), "upload", "s3://b/k", "k", "b");
        assertThat(io.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(io.retryable()).isTrue();
    }

    @Test
    void map_accessDeniedAndMissingCredentials_areAuthentication() {
        assertThat(map(403, "AccessDenied", "Access Denied", null).kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(map(400, "ExpiredToken", "The provided token has expired.", null).kind()).isEqualTo(Kind.AUTHENTICATION);
        ProviderException none = S3Errors.map(SdkClientException.create("Unable to load credentials from any of the providers"
                + " in the chain"), "upload", "s3://b/k", "k", "b");
        assertThat(none.kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(none.getMessage()).contains("cloud_sync.s3");
    }

    @Test
    void map_bucketProblems_areConfigurationNamingTheFix() {
        ProviderException missing = map(404, "NoSuchBucket", "The specified bucket does not exist", null);
        assertThat(missing.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(missing.getMessage()).contains("bucket 'b' does not exist");
        ProviderException region = map(301, "PermanentRedirect", "The bucket you are attempting to access must be addressed"
                + " using the specified endpoint.", null);
        assertThat(region.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(region.getMessage()).contains("'region'");
    }

    @Test
    void map_checksumAndPreconditionAndOtherClientErrors() {
        assertThat(map(400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.", null).kind())
                .isEqualTo(Kind.INTEGRITY);
        assertThat(map(412, "PreconditionFailed", "", null).kind()).isEqualTo(Kind.CONFLICT);
        assertThat(map(404, "NoSuchKey", "", null).kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(map(400, "InvalidArgument", "", null).kind()).isEqualTo(Kind.PERMANENT);
    }
}
