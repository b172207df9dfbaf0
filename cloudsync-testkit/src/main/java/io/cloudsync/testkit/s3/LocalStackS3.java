package io.cloudsync.testkit.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs LocalStack's S3 in Docker through Testcontainers and gives every
 * test class a fresh, empty bucket; the same {@link S3Fixture} as {@link EmbeddedS3Server}, so one
 * test base runs on both.
 *
 * <p>Register it as a {@code static} field:
 * <pre>{@code
 * @RegisterExtension
 * static final LocalStackS3 S3 = LocalStackS3.create();
 * }</pre>
 * An instance field works too (the bucket is then created before the first test of each instance).
 *
 * <p>When no Docker engine is reachable (Testcontainers' usual lookup: {@code DOCKER_HOST},
 * {@code ~/.testcontainers.properties}, the local socket), every test of the class is
 * <em>aborted</em> before it runs (reported as skipped, not failed) with a message saying to start
 * Docker; so is a {@code @BeforeAll} method that asks the fixture for its endpoint or bucket. The check runs once per
 * JVM and is given at most {@link #DOCKER_CHECK_TIMEOUT}; with no engine at all it takes about a
 * second. When Docker is there but the container cannot start, the tests fail.
 *
 * <p>One container per image is started per JVM, kept in the root extension store and stopped when
 * the run ends. The image is {@link #DEFAULT_IMAGE} unless the system property
 * {@value #IMAGE_PROPERTY} names another (for example a mirror, or {@code localstack/localstack-pro});
 * an environment variable {@code LOCALSTACK_AUTH_TOKEN}, when set, is passed to the container.
 * LocalStack accepts any credentials (it does not check signatures by default) and stores and
 * returns {@code x-amz-checksum-*} values.
 *
 * <p>Needs {@code org.testcontainers:testcontainers-localstack} on the test class path (an optional
 * dependency of the testkit) and, to run rather than skip, a Docker engine. Thread-safe after the
 * class's {@code beforeAll}.
 */
public final class LocalStackS3 implements S3Fixture, BeforeAllCallback, BeforeEachCallback {

    /** The LocalStack image used unless {@value #IMAGE_PROPERTY} names another. */
    public static final String DEFAULT_IMAGE = "localstack/localstack:4.4";

    /** The system property that overrides {@link #DEFAULT_IMAGE}. */
    public static final String IMAGE_PROPERTY = "cloudsync.localstack.image";

    /** How long a test class waits for the answer to "is a Docker engine reachable?". */
    public static final Duration DOCKER_CHECK_TIMEOUT = Duration.ofSeconds(10);

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackS3.class);

    private final String image;
    private volatile RunningLocalStack server;
    private volatile String bucket;
    private volatile String skipReason;

    private LocalStackS3(String image) {
        this.image = Objects.requireNonNull(image, "image");
        if (image.isBlank()) {
            throw new IllegalArgumentException("LocalStackS3 image must not be blank: give a Docker image such as "
                    + DEFAULT_IMAGE);
        }
    }

    /**
     * A fixture on the image named by the system property {@value #IMAGE_PROPERTY}, or {@link #DEFAULT_IMAGE}.
     *
     * @return a new extension
     */
    public static LocalStackS3 create() {
        String configured = System.getProperty(IMAGE_PROPERTY);
        return new LocalStackS3(configured == null || configured.isBlank() ? DEFAULT_IMAGE : configured.strip());
    }

    /**
     * A fixture on the given LocalStack image.
     *
     * @param image a Docker image of LocalStack, such as {@code localstack/localstack:4.4}
     * @return a new extension
     * @throws IllegalArgumentException if the image name is blank
     */
    public static LocalStackS3 create(String image) {
        return new LocalStackS3(image);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start(context);
    }

    /**
     * Aborts the test when no Docker engine is reachable. The abort happens here, per test, rather
     * than once in {@code beforeAll}, because Maven Surefire reports a class aborted in
     * {@code beforeAll} as "Tests run: 0, Skipped: 0"; this way every test shows as skipped.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (bucket == null && skipReason == null) {
            start(context);
        }
        if (skipReason != null) {
            Assumptions.abort(skipReason);
        }
    }

    private synchronized void start(ExtensionContext context) {
        skipReason = noDockerReason();
        if (skipReason != null) {
            return;
        }
        RunningLocalStack running = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(image, RunningLocalStack::start, RunningLocalStack.class);
        String name = BucketNames.forTestClass(context.getRequiredTestClass());
        running.createBucket(name);
        this.server = running;
        this.bucket = name;
    }

    /** Null when an engine answered; else why the tests are skipped and what to do. */
    private static String noDockerReason() {
        return switch (DockerCheck.await(DOCKER_CHECK_TIMEOUT)) {
            case AVAILABLE -> null;
            case ABSENT -> "Skipped: no Docker engine is reachable (Testcontainers looked at DOCKER_HOST,"
                    + " ~/.testcontainers.properties and the local Docker socket). Install and start Docker, or point"
                    + " DOCKER_HOST at a running engine, to run the LocalStack S3 fixture";
            case TIMED_OUT -> "Skipped: no Docker engine answered within " + DOCKER_CHECK_TIMEOUT.toSeconds()
                    + " s. Start Docker (or check DOCKER_HOST) to run the LocalStack S3 fixture";
            case LIBRARY_MISSING -> throw new IllegalStateException("LocalStackS3 needs Testcontainers on the test class"
                    + " path: add org.testcontainers:testcontainers-localstack as a test dependency");
        };
    }

    /**
     * The Docker image the fixture runs.
     *
     * @return the image name
     */
    public String image() {
        return image;
    }

    /**
     * The container's S3 address, {@code http://HOST:PORT} (usually {@code localhost}). Clients must
     * use path-style addressing.
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
     * The region LocalStack runs in.
     *
     * @return the container's region, {@code us-east-1} unless configured otherwise
     */
    @Override
    public String region() {
        RunningLocalStack s = server;
        return s == null ? "us-east-1" : s.region();
    }

    /**
     * The access key to sign with (LocalStack accepts any).
     *
     * @return the access key id
     * @throws IllegalStateException before the extension has started
     */
    @Override
    public String accessKeyId() {
        return running().accessKeyId();
    }

    /**
     * The secret key to sign with: LocalStack's fixed test value, not a real credential.
     *
     * @return the secret access key
     * @throws IllegalStateException before the extension has started
     */
    @Override
    public String secretAccessKey() {
        return running().secretAccessKey();
    }

    /**
     * Whether LocalStack rejects wrong signatures: it does not, by default.
     *
     * @return false
     */
    @Override
    public boolean checksSignatures() {
        return false;
    }

    /**
     * Whether LocalStack returns stored {@code x-amz-checksum-*} values: it does.
     *
     * @return true
     */
    @Override
    public boolean returnsChecksums() {
        return true;
    }

    @Override
    public String toString() {
        return "LocalStackS3[" + image + (bucket == null ? "" : ", bucket=" + bucket) + ']';
    }

    private RunningLocalStack running() {
        RunningLocalStack s = server;
        if (s == null && skipReason != null) {
            Assumptions.abort(skipReason);
        }
        if (s == null) {
            throw new IllegalStateException("LocalStackS3 has not started: register it with @RegisterExtension on a static"
                    + " field (or an instance field) of the test class");
        }
        return s;
    }
}
