package io.cloudsync.testkit.s3;

import java.net.URI;

/**
 * One started server, shared through the root extension store and closed by JUnit when the run ends
 * (JUnit 5.13+ closes {@link AutoCloseable} store values; {@code Store.CloseableResource} is deprecated).
 * Each backend lives in its own class so that only the server library in use must be on the class path.
 */
abstract class RunningServer implements AutoCloseable {

    static RunningServer start(EmbeddedS3Server.Backend backend, String accessKeyId, String secretAccessKey) {
        try {
            return switch (backend) {
                case S3MOCK -> S3MockServer.start();
                case S3PROXY -> S3ProxyServer.start(accessKeyId, secretAccessKey);
            };
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("EmbeddedS3Server backend " + backend + " is not on the test class path: add "
                    + (backend == EmbeddedS3Server.Backend.S3MOCK ? "com.adobe.testing:s3mock-junit5"
                            : "org.gaul:s3proxy (and com.fasterxml.jackson.core:jackson-annotations 2.22+)")
                    + " as a test dependency", e);
        }
    }

    abstract URI endpoint();

    abstract void createBucket(String name);

    /** Makes the next request to {@code bucket} fail once with a 500; only servers that can say so. */
    void failNextRequest(String bucket) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot fail a request on demand; use S3PROXY");
    }

    @Override
    public abstract void close();
}
