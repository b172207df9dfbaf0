package io.cloudsync.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample of docs/SPRING.md: a web application whose only cloudsync code is its
 * {@code application.yml}. The starter builds the {@code CloudSync}, runs the scheduled syncs, and
 * Actuator reports them at {@code /actuator/health} and {@code /actuator/prometheus}.
 */
@SpringBootApplication
public class SampleApplication {

    /** Where the project folder is unless {@code CLOUDSYNC_SAMPLE_ROOT} says otherwise, as application.yml has it. */
    static final String DEFAULT_ROOT = "cloudsync-sample/project";

    /** Creates the application; Spring calls it. */
    public SampleApplication() {
    }

    /**
     * Starts the application.
     *
     * @param args Spring Boot's arguments, such as {@code --server.port=8081}
     * @throws IOException when the sample's project folder cannot be created
     */
    public static void main(String[] args) throws IOException {
        seed();
        SpringApplication.run(SampleApplication.class, args);
    }

    /**
     * Gives the default project folder a file to mirror when it has none, so that the first scheduled run
     * sends something; a folder named by {@code CLOUDSYNC_SAMPLE_ROOT} is the user's and left alone.
     */
    private static void seed() throws IOException {
        if (System.getenv("CLOUDSYNC_SAMPLE_ROOT") != null) {
            return;
        }
        Path docs = Paths.get(System.getProperty("java.io.tmpdir"), DEFAULT_ROOT, "docs");
        if (!Files.isDirectory(docs)) {
            Files.createDirectories(docs);
            Files.writeString(docs.resolve("hello.txt"), "Edit or add files under " + docs
                    + "; the next scheduled run mirrors them.\n");
        }
    }
}
