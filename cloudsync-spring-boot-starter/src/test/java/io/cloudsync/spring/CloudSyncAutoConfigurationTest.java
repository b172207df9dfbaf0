package io.cloudsync.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.SyncStatus;
import io.cloudsync.Vault;
import io.cloudsync.VaultException;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.Vaults;
import io.cloudsync.micrometer.CloudSyncMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The auto-configuration in an application context: binding, conditions, vault, schedule and health. */
class CloudSyncAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CloudSyncAutoConfiguration.class));

    @TempDir
    Path tmp;

    private Path project() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(Files.createDirectories(root.resolve("docs")).resolve("a.txt"), "alpha");
        Files.writeString(root.resolve("docs/b.txt"), "bravo");
        return root;
    }

    private String[] local(Path root) {
        return new String[] {"cloudsync.root=" + root, "cloudsync.features.enable_cloud_sync=true",
            "cloudsync.features.enable_cloud_sync_local=true", "cloudsync.services.local.directory=" + tmp.resolve("mirror"),
            "cloudsync.sync.include=docs"};
    }

    @Test
    void properties_bindToTheConfigurationFileKeys_kebabServiceKeysBecomeSnake() throws IOException {
        Path root = project();
        runner.withPropertyValues(local(root)).withPropertyValues("cloudsync.sync.parallelism=3",
                "cloudsync.sync.snapshot-prefix=app-", "cloudsync.sync.delete_guard_max_deletes=7",
                "cloudsync.services.s3.provider=s3", "cloudsync.services.s3.endpoint-url=http://127.0.0.1:9000",
                "cloudsync.backups.keep-last=4").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(CloudSync.class).hasSingleBean(CloudSyncScheduler.class);
                    CloudSync cs = context.getBean(CloudSync.class);
                    assertThat(cs.root()).isEqualTo(root.toAbsolutePath().normalize());
                    assertThat(cs.config().source()).isEqualTo(CloudSyncAutoConfiguration.SOURCE);
                    assertThat(cs.config().engine().parallelism()).isEqualTo(3);
                    assertThat(cs.config().engine().deleteGuardMaxDeletes()).isEqualTo(7);
                    assertThat(cs.config().snapshotPrefix()).isEqualTo("app-");
                    assertThat(cs.config().include()).containsExactly("docs");
                    assertThat(cs.config().enabled("enable_cloud_sync_local")).isTrue();
                    assertThat(cs.config().service("s3")).containsEntry("endpoint_url", "http://127.0.0.1:9000")
                            .containsEntry("provider", "s3").doesNotContainKey("endpoint-url");
                    assertThat(cs.config().retention().keepLast()).isEqualTo(4);
                });
    }

    @Test
    void noSectionInProperties_readsTheProjectsConfigFile() throws IOException {
        Path root = project();
        Files.writeString(Files.createDirectories(root.resolve("config")).resolve("cloudsync.json"),
                "{\"features\":{\"enable_cloud_sync\":true},\"services\":{\"mirror\":{\"provider\":\"local\",\"directory\":\"/tmp/x\"}}}");
        runner.withPropertyValues("cloudsync.root=" + root).run(context -> {
            CloudSync cs = context.getBean(CloudSync.class);
            assertThat(cs.config().source()).isEqualTo(root.resolve("config/cloudsync.json").toString());
            assertThat(cs.config().services()).containsExactly("mirror");
        });
    }

    @Test
    void aBadSetting_failsStartup_namingTheKeyAndTheProperties() throws IOException {
        runner.withPropertyValues(local(project())).withPropertyValues("cloudsync.sync.parallelism=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(cause(context.getStartupFailure(), ConfigurationException.class)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("sync.parallelism").hasMessageContaining(CloudSyncAutoConfiguration.SOURCE);
        });
    }

    @Test
    void disabled_leavesEveryBeanOut() {
        runner.withPropertyValues("cloudsync.enabled=false").run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(CloudSync.class).doesNotHaveBean(CloudSyncRuns.class).doesNotHaveBean(CloudSyncScheduler.class));
    }

    @Test
    void metrics_onlyWithTheApplicationsRegistry_andTheyRecordRuns() throws IOException {
        Path root = project();
        runner.withPropertyValues(local(root)).run(context -> assertThat(context).doesNotHaveBean(CloudSyncMetrics.class));
        runner.withPropertyValues(local(root)).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(CloudSyncMetrics.class);
            CloudSync cs = context.getBean(CloudSync.class);
            context.getBean(CloudSyncScheduler.class).runOnce("local", "nightly");
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("cloudsync.sync.files").tag("service", "local").tag("outcome", "uploaded").counter().count())
                    .isEqualTo(2.0);
            assertThat(registry.get("cloudsync.sync.duration").tag("status", "success").timer().count()).isEqualTo(1);
            assertThat(cs.root()).isEqualTo(root.toAbsolutePath().normalize());
        });
    }

    @Test
    void aRunTheApplicationStartsItself_thatIsRefused_isDownInHealth_andCountedInMetrics() throws IOException {
        Path root = project();
        runner.withPropertyValues(local(root)).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            CloudSync cs = context.getBean(CloudSync.class);
            assertThatThrownBy(() -> cs.run(io.cloudsync.SyncRequest.builder("local", "nightly").maxUploads(1).build()))
                    .isInstanceOf(io.cloudsync.PlanRefusedException.class);
            Health h = context.getBean(CloudSyncHealthIndicator.class).health();
            assertThat(h.getStatus()).isEqualTo(Status.DOWN);
            assertThat(h.getDetails().get("local").toString()).contains("lastRun=failed").contains("PlanRefusedException");
            assertThat(context.getBean(MeterRegistry.class).get("cloudsync.sync.failures").tag("service", "local")
                    .tag("category", "limit").counter().count()).isEqualTo(1.0);
        });
    }

    @Test
    void vault_rightPassphraseOpensIt_wrongOneFailsStartupAndIsCounted_noneLeavesItClosed() throws IOException {
        Path root = project();
        Path file = tmp.resolve("vault.json");
        Vault created = Vaults.create(file, Secret.of("right passphrase"));
        created.set("cloud_sync.s3", Secret.of("{}"));
        String[] props = {"cloudsync.vault.file=" + file};
        runner.withPropertyValues(local(root)).withPropertyValues(props)
                .withPropertyValues("cloudsync.vault.passphrase=right passphrase")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(CloudSync.class));
        // the environment's CLOUDSYNC_SECRETS_KEY, as any property source gives it
        runner.withPropertyValues(local(root)).withPropertyValues(props)
                .withPropertyValues(Vaults.PASSPHRASE_ENV + "=right passphrase")
                .run(context -> assertThat(context).hasNotFailed());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        runner.withPropertyValues(local(root)).withPropertyValues(props).withBean(MeterRegistry.class, () -> registry)
                .withPropertyValues("cloudsync.vault.passphrase=wrong passphrase").run(context -> {
                    assertThat(context).hasFailed();
                    Throwable cause = cause(context.getStartupFailure(), VaultException.class);
                    assertThat(cause).isInstanceOf(VaultException.class);
                    assertThat(((VaultException) cause).reason()).isEqualTo(VaultException.Reason.WRONG_PASSPHRASE);
                    assertThat(cause.getMessage()).doesNotContain("wrong passphrase");
                });
        assertThat(registry.get("cloudsync.vault.unlock.failures").counter().count()).isEqualTo(1.0);
        runner.withPropertyValues(local(root)).withPropertyValues(props).run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void schedule_badEntries_failStartupWithTheProperty() throws IOException {
        Path root = project();
        assertStartupFails(root, "unknown service", "cloudsync.schedule.nosuch.cron=0 0 2 * * *", "cloudsync.schedule.nosuch.snapshot=n")
                .hasMessageContaining("cloudsync.schedule.nosuch names a service that is not configured").hasMessageContaining("[local]");
        assertStartupFails(root, "bad cron", "cloudsync.schedule.local.cron=every night", "cloudsync.schedule.local.snapshot=n")
                .hasMessageContaining("cloudsync.schedule.local.cron \"every night\" is not a cron expression");
        assertStartupFails(root, "no snapshot", "cloudsync.schedule.local.cron=0 0 2 * * *")
                .hasMessageContaining("cloudsync.schedule.local.snapshot is missing");
        assertStartupFails(root, "no cron", "cloudsync.schedule.local.snapshot=n")
                .hasMessageContaining("cloudsync.schedule.local.cron is missing");
        assertStartupFails(root, "bad zone", "cloudsync.schedule.local.cron=0 0 2 * * *", "cloudsync.schedule.local.snapshot=n",
                "cloudsync.schedule.local.zone=Mars/Olympus").hasMessageContaining("cloudsync.schedule.local.zone \"Mars/Olympus\"");
    }

    private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertStartupFails(Path root, String what,
                                                                                                  String... props) {
        Throwable[] failure = new Throwable[1];
        runner.withPropertyValues(local(root)).withPropertyValues(props).run(context -> {
            assertThat(context).as(what).hasFailed();
            failure[0] = cause(context.getStartupFailure(), ConfigurationException.class);
        });
        return assertThat(failure[0]).as(what).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void schedule_runsTheSyncOnItsCron_andHealthGoesFromUnknownToUp() throws IOException {
        Path root = project();
        runner.withPropertyValues(local(root)).withPropertyValues("cloudsync.schedule.local.cron=* * * * * *",
                "cloudsync.schedule.local.snapshot=every-second").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(CloudSyncHealthIndicator.class);
                    CloudSyncRuns runs = context.getBean(CloudSyncRuns.class);
                    CloudSyncHealthIndicator health = context.getBean(CloudSyncHealthIndicator.class);
                    if (runs.last("local").isEmpty()) {
                        assertThat(health.health().getStatus()).isEqualTo(Status.UNKNOWN);
                    }
                    // the runner's context is not refreshed as an application's is: start the lifecycle by hand
                    context.getBean(CloudSyncScheduler.class).start();
                    await(() -> runs.last("local").isPresent(), "a scheduled run");
                    assertThat(runs.last("local").orElseThrow().status()).isEqualTo(SyncStatus.SUCCESS);
                    assertThat(runs.last("local").orElseThrow().snapshot()).isEqualTo("every-second");
                    Health h = health.health();
                    assertThat(h.getStatus()).isEqualTo(Status.UP);
                    assertThat(h.getDetails()).containsKey("local");
                    assertThat(Files.walk(tmp.resolve("mirror")).filter(Files::isRegularFile).count()).isPositive();
                });
    }

    @Test
    void schedule_aRunThatCannotReachTheRemote_isDownWithTheReason() throws IOException {
        Path root = project();
        runner.withPropertyValues("cloudsync.root=" + root, "cloudsync.features.enable_cloud_sync=true",
                "cloudsync.features.enable_cloud_sync_s3=true", "cloudsync.services.s3.bucket=nowhere",
                "cloudsync.services.s3.endpoint-url=http://127.0.0.1:1", "cloudsync.services.s3.region=us-east-1",
                "cloudsync.sync.retry-attempts=1", "cloudsync.schedule.s3.cron=0 0 2 * * *",
                "cloudsync.schedule.s3.snapshot=nightly").run(context -> {
                    assertThat(context).hasNotFailed();
                    CloudSyncHealthIndicator health = context.getBean(CloudSyncHealthIndicator.class);
                    assertThat(health.health().getStatus()).isEqualTo(Status.UNKNOWN);
                    context.getBean(CloudSyncScheduler.class).runOnce("s3", "nightly");
                    Health h = health.health();
                    assertThat(h.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(h.getDetails().get("s3").toString()).contains("lastRun=failed").contains("error=");
                });
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 60 s");
            }
            Thread.sleep(50);
        }
    }

    /** The first exception of {@code type} in the chain of causes, else the chain's root. */
    static Throwable cause(Throwable t, Class<? extends Throwable> type) {
        Throwable c = t;
        while (!type.isInstance(c) && c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
