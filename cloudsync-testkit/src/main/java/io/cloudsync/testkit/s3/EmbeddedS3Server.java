package io.cloudsync.testkit.s3;

import io.cloudsync.spi.Secrets;
import java.net.URI;
import java.util.Objects;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a real S3-compatible server inside the test JVM, on 127.0.0.1 and
 * a free port, and gives every test class a fresh, empty bucket.
 *
 * <p>Register it as a {@code static} field so that it starts before the class's tests:
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);
 * ...
 * ProviderConfig.builder().put("bucket", S3.bucket()).put("endpoint_url", S3.endpoint().toString())
 *         .put("path_style", "true").put("region", S3.region()).build();
 * }</pre>
 * An instance field works too (the bucket is then created before the first test of each instance).
 *
 * <p>One server per backend is started per JVM, kept in the root extension store and stopped when
 * the test run ends, so that many test classes pay for the start once. The backends differ, and a
 * provider's tests should run against both, so that neither server's gaps hide a bug:
 * <ul>
 *   <li>{@link Backend#S3MOCK} (Adobe S3Mock, Spring Boot): returns and verifies
 *       {@code x-amz-checksum-*}, supports part-wise GETs; does not check credentials. Needs
 *       {@code com.adobe.testing:s3mock-junit5} on the test class path. It starts Spring Boot, whose
 *       logging system this class switches off (system property
 *       {@code org.springframework.boot.logging.LoggingSystem=none}) unless the property is already set.</li>
 *   <li>{@link Backend#S3PROXY} (S3Proxy, in-memory store): checks SigV4 signatures against
 *       {@link #accessKeyId()} / {@link #secretAccessKey()} and rejects a wrong
 *       {@code x-amz-checksum-sha256}, but returns no checksums. Needs {@code org.gaul:s3proxy} (and
 *       {@code jackson-annotations} 2.22 or newer) on the test class path.</li>
 * </ul>
 * Both server libraries are optional dependencies of the testkit: add the one you use.
 *
 * <p>Thread-safe after the class's {@code beforeAll}.
 */
public final class EmbeddedS3Server implements S3Fixture, BeforeAllCallback, BeforeEachCallback {

    /** The S3-compatible server implementation to run. */
    public enum Backend {
        /** Adobe S3Mock: verifies and returns checksums; accepts any credentials. */
        S3MOCK,
        /**
         * S3Proxy over an in-memory store: checks SigV4 signatures; returns no checksums; decides racing
         * conditional writes ({@code If-Match} / {@code If-None-Match}) atomically and lists no object before
         * its upload completes, as AWS S3 does; fails a request on demand ({@link #failNextRequest()}).
         */
        S3PROXY
    }

    /** The vault key the fixture's {@link #credentials()} uses, as the {@code s3} provider expects. */
    public static final String SECRETS_KEY = S3Fixture.SECRETS_KEY;

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedS3Server.class);
    private static final String ACCESS_KEY_ID = "cloudsync-test";
    private static final String SECRET_ACCESS_KEY = "cloudsync-test-secret";

    private final Backend backend;
    private volatile RunningServer server;
    private volatile String bucket;

    private EmbeddedS3Server(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /**
     * A fixture on S3Mock, the server that checks most of the S3 protocol.
     *
     * @return a new extension
     */
    public static EmbeddedS3Server create() {
        return new EmbeddedS3Server(Backend.S3MOCK);
    }

    /**
     * A fixture on the given server.
     *
     * @param backend which server to run
     * @return a new extension
     */
    public static EmbeddedS3Server create(Backend backend) {
        return new EmbeddedS3Server(backend);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (bucket == null) {
            start(context);
        }
    }

    private synchronized void start(ExtensionContext context) {
        RunningServer running = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(backend, b -> RunningServer.start(b, ACCESS_KEY_ID, SECRET_ACCESS_KEY),
                        RunningServer.class);
        String name = BucketNames.forTestClass(context.getRequiredTestClass());
        running.createBucket(name);
        this.server = running;
        this.bucket = name;
    }

    /**
     * Which server runs.
     *
     * @return the backend
     */
    public Backend backend() {
        return backend;
    }

    /**
     * The server's address, {@code http://127.0.0.1:PORT} (S3Mock: {@code http://localhost:PORT}).
     * Clients must use path-style addressing.
     *
     * @return the endpoint
     * @throws IllegalStateException before the extension has started
     */
    @Override
    public URI endpoint() {
        return running().endpoint();
    }

    /**
     * The empty bucket created for the current test class.
     *
     * @return the bucket name
     * @throws IllegalStateException before the extension has started
     */
    @Override
    public String bucket() {
        running();
        return bucket;
    }

    /**
     * The region to configure clients with.
     *
     * @return {@code us-east-1}
     */
    @Override
    public String region() {
        return "us-east-1";
    }

    /**
     * The access key the server accepts.
     *
     * @return the access key id
     */
    @Override
    public String accessKeyId() {
        return ACCESS_KEY_ID;
    }

    /**
     * The secret key the server accepts. A fixed test value, not a real credential.
     *
     * @return the secret access key
     */
    @Override
    public String secretAccessKey() {
        return SECRET_ACCESS_KEY;
    }

    /**
     * A vault view holding valid credentials for this server under {@link #SECRETS_KEY}, in the JSON
     * form the {@code s3} provider reads: {@code {"access_key_id": ..., "secret_access_key": ...}}.
     *
     * @return the secrets
     */
    @Override
    public Secrets credentials() {
        return credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    }

    /**
     * A vault view holding the given credentials under {@link #SECRETS_KEY}, for tests of wrong keys.
     *
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret key
     * @return the secrets
     */
    public static Secrets credentials(String accessKeyId, String secretAccessKey) {
        return S3Fixture.credentials(accessKeyId, secretAccessKey);
    }

    /**
     * Whether this server rejects requests whose SigV4 signature does not match its keys.
     *
     * @return true for S3Proxy
     */
    @Override
    public boolean checksSignatures() {
        return backend == Backend.S3PROXY;
    }

    /**
     * Whether this server returns {@code x-amz-checksum-*} values in its responses.
     *
     * @return true for S3Mock
     */
    @Override
    public boolean returnsChecksums() {
        return backend == Backend.S3MOCK;
    }

    /**
     * Whether {@link #failNextRequest()} works: on S3Proxy, whose store the fixture wraps.
     *
     * @return true for S3Proxy
     */
    @Override
    public boolean failsRequests() {
        return backend == Backend.S3PROXY;
    }

    /**
     * Makes the next request to this fixture's bucket fail once with 500 {@code InternalError}.
     *
     * @throws UnsupportedOperationException on S3Mock
     */
    @Override
    public void failNextRequest() {
        running().failNextRequest(bucket());
    }

    @Override
    public String toString() {
        return "EmbeddedS3Server[" + backend + (bucket == null ? "" : ", bucket=" + bucket) + ']';
    }

    private RunningServer running() {
        RunningServer s = server;
        if (s == null) {
            throw new IllegalStateException("EmbeddedS3Server has not started: register it with @RegisterExtension"
                    + " on a static field (or an instance field) of the test class");
        }
        return s;
    }
}
