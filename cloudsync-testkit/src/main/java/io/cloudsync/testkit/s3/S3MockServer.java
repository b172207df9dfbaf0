package io.cloudsync.testkit.s3;

import com.adobe.testing.s3mock.testsupport.common.S3MockStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Adobe S3Mock (Spring Boot) in this JVM, plain HTTP on a free port. Its object store lives in a
 * temporary folder of ours that {@link #close()} deletes: S3Mock's own clean-up bean is lazily
 * created and so never ran, which left one store (~100 MB after the contract) in {@code /tmp} per run.
 */
final class S3MockServer extends RunningServer {

    private static final String LOGGING_SYSTEM = "org.springframework.boot.logging.LoggingSystem";

    private final S3MockStarter starter;
    private final Path storeRoot;
    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private S3MockServer(S3MockStarter starter, Path storeRoot) {
        this.starter = starter;
        this.storeRoot = storeRoot;
        this.endpoint = URI.create("http://127.0.0.1:" + starter.getHttpPort());
    }

    static S3MockServer start() {
        // Spring Boot otherwise insists on Logback and fails when another SLF4J binding is present.
        if (System.getProperty(LOGGING_SYSTEM) == null) {
            System.setProperty(LOGGING_SYSTEM, "none");
        }
        Path storeRoot;
        try {
            storeRoot = Files.createTempDirectory("cloudsync-s3mock-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for S3Mock's store", e);
        }
        S3MockStarter starter = new S3MockStarter(Map.of(
                "com.adobe.testing.s3mock.store.root", storeRoot.toString(),
                "http.port", "0",
                "server.port", "0",
                "secureConnection", false,
                "silent", true,
                "com.adobe.testing.s3mock.store.retain-files-on-exit", false)) {
        };
        starter.start();
        return new S3MockServer(starter, storeRoot);
    }

    @Override
    URI endpoint() {
        return endpoint;
    }

    @Override
    void createBucket(String name) {
        // S3Mock does not check signatures, so a plain PUT creates the bucket.
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/" + name))
                .timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("S3Mock refused to create bucket " + name + ": HTTP "
                        + response.statusCode() + ' ' + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach S3Mock at " + endpoint + " to create bucket " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating bucket " + name, e);
        }
    }

    @Override
    public void close() {
        try {
            starter.stop();
        } finally {
            deleteTree(storeRoot);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete S3Mock's store " + root, e);
        }
    }
}
