package io.cloudsync.testkit.s3;

import java.io.IOException;
import java.net.URI;
import org.testcontainers.containers.Container;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One started LocalStack container with only S3 enabled, shared through the root extension store
 * and stopped by JUnit when the run ends. The only class of the fixture that touches Testcontainers'
 * container API, so that the rest loads without it.
 */
final class RunningLocalStack implements AutoCloseable {

    private final LocalStackContainer container;
    private final String image;

    private RunningLocalStack(LocalStackContainer container, String image) {
        this.container = container;
        this.image = image;
    }

    static RunningLocalStack start(String image) {
        LocalStackContainer container = new LocalStackContainer(
                DockerImageName.parse(image).asCompatibleSubstituteFor("localstack/localstack"))
                .withServices("s3");
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        if (token != null && !token.isBlank()) {
            // images that need a licence read it from here; never logged
            container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
        }
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw new IllegalStateException("LocalStack container " + image + " did not start (" + e.getMessage()
                    + "); check that Docker can pull and run the image, or choose another one with -D"
                    + LocalStackS3.IMAGE_PROPERTY + "=IMAGE", e);
        }
        return new RunningLocalStack(container, image);
    }

    URI endpoint() {
        return container.getEndpoint();
    }

    String region() {
        return container.getRegion();
    }

    String accessKeyId() {
        return container.getAccessKey();
    }

    String secretAccessKey() {
        return container.getSecretKey();
    }

    String image() {
        return image;
    }

    void createBucket(String name) {
        Container.ExecResult r;
        try {
            r = container.execInContainer("awslocal", "s3api", "create-bucket", "--bucket", name);
        } catch (IOException e) {
            throw new IllegalStateException("could not create bucket " + name + " in LocalStack " + image, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating bucket " + name + " in LocalStack", e);
        }
        if (r.getExitCode() != 0) {
            throw new IllegalStateException("could not create bucket " + name + " in LocalStack " + image + ": awslocal exited with "
                    + r.getExitCode() + ": " + r.getStderr().strip());
        }
    }

    @Override
    public void close() {
        container.stop();
    }
}
