package io.cloudsync.testkit.s3;

import io.cloudsync.Secret;
import io.cloudsync.spi.Secrets;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * An S3-compatible store a test runs against, with a fresh bucket for the current test class:
 * what {@link EmbeddedS3Server} (in-process) and {@link LocalStackS3} (LocalStack in Docker) have in
 * common, so that one test base or contract helper serves every fixture.
 *
 * <p>Clients must use path-style addressing. Thread-safe once the fixture has started.
 */
public interface S3Fixture {

    /** The vault key the fixtures' {@link #credentials()} use, as the {@code s3} provider expects. */
    String SECRETS_KEY = "cloud_sync.s3";

    /**
     * The store's address, for example {@code http://127.0.0.1:PORT}.
     *
     * @return the endpoint
     * @throws IllegalStateException before the fixture has started
     */
    URI endpoint();

    /**
     * The empty bucket created for the current test class.
     *
     * @return the bucket name
     * @throws IllegalStateException before the fixture has started
     */
    String bucket();

    /**
     * The region to configure clients with.
     *
     * @return the region name, such as {@code us-east-1}
     */
    String region();

    /**
     * The access key the store accepts.
     *
     * @return the access key id
     */
    String accessKeyId();

    /**
     * The secret key the store accepts: a fixed test value, not a real credential.
     *
     * @return the secret access key
     */
    String secretAccessKey();

    /**
     * A vault view holding valid credentials for this store under {@link #SECRETS_KEY}, in the JSON
     * form the {@code s3} provider reads: {@code {"access_key_id": ..., "secret_access_key": ...}}.
     *
     * @return the secrets
     */
    default Secrets credentials() {
        return credentials(accessKeyId(), secretAccessKey());
    }

    /**
     * Whether this store rejects requests whose SigV4 signature does not match its keys.
     *
     * @return true when wrong credentials are refused
     */
    boolean checksSignatures();

    /**
     * Whether this store returns {@code x-amz-checksum-*} values in its responses.
     *
     * @return true when stored checksums are echoed
     */
    boolean returnsChecksums();

    /**
     * A vault view holding the given credentials under {@link #SECRETS_KEY}, for tests of wrong keys.
     *
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret key
     * @return the secrets
     */
    static Secrets credentials(String accessKeyId, String secretAccessKey) {
        String json = "{\"access_key_id\":\"" + jsonEscape(accessKeyId) + "\",\"secret_access_key\":\""
                + jsonEscape(secretAccessKey) + "\"}";
        return Secrets.of(Map.of(SECRETS_KEY, Secret.of(json)));
    }

    private static String jsonEscape(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Whether {@link #failNextRequest()} works on this server.
     *
     * @return false by default
     * @since 0.2.0
     */
    default boolean failsRequests() {
        return false;
    }

    /**
     * Makes the next request to this fixture's bucket fail once with 500 {@code InternalError}, as S3 does
     * under load, for {@link io.cloudsync.testkit.ProviderUnderTest#transientFault()} (R9.06).
     *
     * @throws UnsupportedOperationException when {@link #failsRequests()} is false
     * @since 0.2.0
     */
    default void failNextRequest() {
        throw new UnsupportedOperationException(this + " cannot fail a request on demand");
    }
}
