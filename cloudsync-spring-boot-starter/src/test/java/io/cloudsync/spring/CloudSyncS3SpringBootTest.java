package io.cloudsync.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Secret;
import io.cloudsync.SyncStatus;
import io.cloudsync.Vault;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.Vaults;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.testkit.s3.EmbeddedS3Server;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole Spring Boot application with the starter: the settings and the vault's passphrase from
 * properties, a schedule that syncs to an S3 server this test starts (S3Proxy, which checks every
 * request's signature, so the credentials must really come out of the vault), and the Actuator health
 * and Micrometer metrics that the run leaves.
 */
@SpringBootTest(classes = CloudSyncS3SpringBootTest.App.class)
class CloudSyncS3SpringBootTest {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    private static final String PASSPHRASE = "spring boot test passphrase";
    private static final Map<String, String> FILES = Map.of("docs/a.txt", "alpha", "docs/deep/b.txt", "bravo",
            "docs/c.bin", "x".repeat(100_000));

    private static Path work;

    @Autowired
    CloudSync cloudSync;

    @Autowired
    CloudSyncRuns runs;

    @Autowired
    MeterRegistry registry;

    @Autowired
    HealthIndicator cloudSyncHealthIndicator;

    /** The application: nothing of its own, all from the auto-configuration. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        work = Files.createTempDirectory("cloudsync-spring-");
        Path root = Files.createDirectories(work.resolve("project"));
        for (Map.Entry<String, String> f : FILES.entrySet()) {
            Path file = root.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }
        Path vaultFile = work.resolve("secrets/cloudsync.secrets.json");
        Vault vault = Vaults.create(vaultFile, Secret.of(PASSPHRASE));
        vault.set(EmbeddedS3Server.SECRETS_KEY, Secret.of("{\"access_key_id\":\"" + S3.accessKeyId()
                + "\",\"secret_access_key\":\"" + S3.secretAccessKey() + "\"}"));

        registry.add("cloudsync.root", root::toString);
        registry.add("cloudsync.state-directory", () -> work.resolve("state").toString());
        registry.add("cloudsync.features.enable_cloud_sync", () -> "true");
        registry.add("cloudsync.features.enable_cloud_sync_s3", () -> "true");
        registry.add("cloudsync.sync.include", () -> "docs");
        registry.add("cloudsync.services.s3.bucket", S3::bucket);
        registry.add("cloudsync.services.s3.endpoint-url", () -> S3.endpoint().toString());
        registry.add("cloudsync.services.s3.prefix", () -> "spring-boot-test");
        registry.add("cloudsync.vault.file", vaultFile::toString);
        registry.add("cloudsync.vault.passphrase", () -> PASSPHRASE);
        registry.add("cloudsync.schedule.s3.cron", () -> "* * * * * *");
        registry.add("cloudsync.schedule.s3.snapshot", () -> "spring");
    }

    @Test
    void theScheduleSyncsToS3_healthIsUp_metricsCountTheFiles_andAPullGivesTheSameTree() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (runs.last("s3").isEmpty()) {
            assertThat(System.nanoTime()).as("a scheduled run within 90 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        CloudSyncRuns.LastRun last = runs.last("s3").orElseThrow();
        assertThat(last.error()).as("the run's error").isNull();
        assertThat(last.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(last.snapshot()).isEqualTo("spring");

        Health health = cloudSyncHealthIndicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsKey("s3");

        // the first run sends every file; a later one (the cron fires each second) sends none
        assertThat(registry.get("cloudsync.sync.files").tag("service", "s3").tag("snapshot", "spring")
                .tag("outcome", "uploaded").counter().count()).isEqualTo(FILES.size());
        assertThat(registry.get("cloudsync.sync.duration").tag("service", "s3").tag("status", "success").timer().count())
                .isPositive();
        assertThat(registry.get("cloudsync.sync.last.success.age").tag("service", "s3").gauge().value()).isNotNegative();

        Path target = work.resolve("pulled");
        PullResult pulled = cloudSync.pull("s3", "spring", target, false);
        assertThat(pulled.written()).isEqualTo(FILES.size());
        assertThat(pulled.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(tree(target)).isEqualTo(new TreeMap<>(FILES));
    }

    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(f -> {
                try {
                    out.put(dir.relativize(f).toString().replace('\\', '/'), Files.readString(f, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return out;
    }
}
