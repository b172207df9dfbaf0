package io.cloudsync.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.SyncListener;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.FaultInjectingProvider;
import io.cloudsync.testkit.FaultInjectingProvider.Operation;
import io.cloudsync.testkit.InMemoryProviderFactory;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters after real dry runs and runs of the engine over the kit's in-memory remote. */
class CloudSyncMetricsTest {

    @TempDir
    Path root;
    final MockClock clock = new MockClock();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    final CloudSyncMetrics metrics = new CloudSyncMetrics(registry);
    final String store = "metrics-" + UUID.randomUUID();
    volatile UnaryOperator<FaultInjectingProvider.Builder> faults = b -> b;

    @BeforeEach
    void tree() throws Exception {
        Files.writeString(root.resolve("a.txt"), "alpha");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/b.txt"), "bravo!");
        Files.writeString(root.resolve("docs/c.txt"), "charlie");
    }

    private CloudSync cloudSync(SyncListener... more) {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("remote")
                .service("remote", Map.of("provider", "faulty", "store", store))
                .engine(EngineSettings.builder().parallelism(1).retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build())
                .build();
        CloudSync.Builder b = CloudSync.builder().root(root).config(config).provider(new Faulty()).listener(metrics);
        for (SyncListener l : more) {
            b.listener(l);
        }
        return b.build();
    }

    private double counter(String name, String tag, String value) {
        var c = registry.find(name).tags("service", "remote", "snapshot", "nightly").tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    private double gauge(String name) {
        return registry.get(name).tags("service", "remote", "snapshot", "nightly").gauge().value();
    }

    @Test
    void run_countsFilesAndBytes_timesItBySuccess_andTheAgeOfTheSuccessGrowsWithTheClock() {
        SyncResult result = cloudSync().run(SyncRequest.builder("remote", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(counter(CloudSyncMetrics.FILES, "outcome", "uploaded")).isEqualTo(3);
        assertThat(counter(CloudSyncMetrics.FILES, "outcome", "deleted")).isZero();
        assertThat(counter(CloudSyncMetrics.FILES, "outcome", "failed")).isZero();
        assertThat(counter(CloudSyncMetrics.BYTES, "outcome", "uploaded")).isEqualTo(18);
        assertThat(counter(CloudSyncMetrics.BYTES, "outcome", "sent")).isEqualTo(18);
        Timer timer = registry.get(CloudSyncMetrics.DURATION).tags("service", "remote", "snapshot", "nightly", "status", "success").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(result.summary().duration().toNanos());
        assertThat(gauge(CloudSyncMetrics.IN_FLIGHT_FILES)).isZero();
        assertThat(gauge(CloudSyncMetrics.IN_FLIGHT_BYTES)).isZero();
        var age = registry.get(CloudSyncMetrics.LAST_SUCCESS_AGE).tags("service", "remote", "snapshot", "nightly").timeGauge();
        assertThat(age.value(TimeUnit.SECONDS)).isZero();
        clock.add(Duration.ofSeconds(90));
        assertThat(age.value(TimeUnit.SECONDS)).isEqualTo(90);
    }

    @Test
    void dryRun_setsThePlanGauges_andCountsNoFiles() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("remote", "nightly").build());
        Files.delete(root.resolve("a.txt"));
        Files.writeString(root.resolve("docs/d.txt"), "delta, new");

        SyncResult dry = cs.dryRun(SyncRequest.builder("remote", "nightly").build());

        assertThat(dry.summary().status()).isEqualTo(SyncStatus.DRY_RUN);
        assertThat(gauge(CloudSyncMetrics.PLAN_UPLOADS)).isEqualTo(1);
        assertThat(gauge(CloudSyncMetrics.PLAN_DELETES)).isEqualTo(1);
        assertThat(gauge(CloudSyncMetrics.PLAN_BYTES)).isEqualTo(10);
        assertThat(registry.get(CloudSyncMetrics.DURATION).tag("status", "dry_run").timer().count()).isEqualTo(1);
        assertThat(counter(CloudSyncMetrics.FILES, "outcome", "uploaded")).isEqualTo(3); // the first run's, no more
    }

    @Test
    void retries_areCountedByKind_andAFailureForGoodByItsKind_andThePartialRunLeavesTheAgeNaN() {
        faults = b -> b.fail(Operation.UPLOAD, "a.txt", ProviderException.Kind.THROTTLED, 2)
                .fail(Operation.UPLOAD, "docs/c.txt", ProviderException.Kind.INTEGRITY, Integer.MAX_VALUE);

        SyncResult result = cloudSync().run(SyncRequest.builder("remote", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.PARTIAL);
        assertThat(counter(CloudSyncMetrics.RETRIES, "kind", "throttled")).isEqualTo(2);
        assertThat(counter(CloudSyncMetrics.RETRIES, "kind", "integrity")).isZero();
        assertThat(counter(CloudSyncMetrics.ERRORS, "kind", "integrity")).isEqualTo(1);
        assertThat(counter(CloudSyncMetrics.FILES, "outcome", "uploaded")).isEqualTo(2);
        assertThat(counter(CloudSyncMetrics.FILES, "outcome", "failed")).isEqualTo(1);
        assertThat(registry.get(CloudSyncMetrics.DURATION).tag("status", "partial").timer().count()).isEqualTo(1);
        assertThat(registry.get(CloudSyncMetrics.LAST_SUCCESS_AGE).timeGauge().value(TimeUnit.SECONDS)).isNaN();
    }

    @Test
    void inFlightGauges_holdTheOperationsUnderWay_betweenTheirStartAndTheirProgressEvents() throws Exception {
        // the probe keeps its own account of what is in flight and compares the gauges with it at every event
        Map<String, Long> begun = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> mismatches = new CopyOnWriteArrayList<>();
        List<Long> filesSeen = new CopyOnWriteArrayList<>();
        SyncListener probe = new SyncListener() { // after the metrics: each event has reached them already
            @Override
            public synchronized void onStart(StartEvent event) {
                begun.put(event.action() + " " + event.path(), event.bytes());
                check("start " + event.path());
            }

            @Override
            public synchronized void onProgress(ProgressEvent event) {
                begun.remove(event.action() + " " + event.path());
                check("progress " + event.path());
            }

            private void check(String when) {
                long files = begun.size();
                long bytes = begun.values().stream().mapToLong(Long::longValue).sum();
                filesSeen.add((long) gauge(CloudSyncMetrics.IN_FLIGHT_FILES));
                if (gauge(CloudSyncMetrics.IN_FLIGHT_FILES) != files || gauge(CloudSyncMetrics.IN_FLIGHT_BYTES) != bytes) {
                    mismatches.add(when + ": gauges " + gauge(CloudSyncMetrics.IN_FLIGHT_FILES) + "/"
                            + gauge(CloudSyncMetrics.IN_FLIGHT_BYTES) + ", expected " + files + "/" + bytes);
                }
            }
        };
        CloudSync cs = cloudSync(probe);
        cs.run(SyncRequest.builder("remote", "nightly").build());

        assertThat(mismatches).isEmpty();
        assertThat(filesSeen).hasSize(6).contains(1L).allSatisfy(n -> assertThat(n).isBetween(0L, 2L)); // 2 × parallelism at most
        assertThat(gauge(CloudSyncMetrics.IN_FLIGHT_BYTES)).isZero();

        Files.delete(root.resolve("a.txt"));
        filesSeen.clear();
        cs.run(SyncRequest.builder("remote", "nightly").build());
        assertThat(mismatches).isEmpty();
        assertThat(filesSeen).containsExactly(1L, 0L); // the delete's start and its end
        assertThat(counter(CloudSyncMetrics.FILES, "outcome", "deleted")).isEqualTo(1);
    }

    @Test
    void aRunThatThrows_isCountedByCategory_notTimed_andADryRunThatThrowsNotAtAll() {
        CloudSync cs = cloudSync();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> cs.run(SyncRequest.builder("remote", "nightly").maxUploads(1).build()))
                .isInstanceOf(io.cloudsync.PlanRefusedException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cs.dryRun(SyncRequest.builder("other", "nightly").build()))
                .isInstanceOf(io.cloudsync.ConfigurationException.class);

        assertThat(counter(CloudSyncMetrics.FAILURES, "category", "limit")).isEqualTo(1);
        assertThat(registry.find(CloudSyncMetrics.FAILURES).counters()).as("the dry run is not counted").hasSize(1);
        assertThat(registry.find(CloudSyncMetrics.DURATION).timers()).as("no run had a result").isEmpty();
        assertThat(gauge(CloudSyncMetrics.IN_FLIGHT_FILES)).isZero();

        cs.run(SyncRequest.builder("remote", "nightly").build());
        assertThat(counter(CloudSyncMetrics.FAILURES, "category", "limit")).as("a success does not reset it").isEqualTo(1);
        assertThat(registry.get(CloudSyncMetrics.DURATION).tag("status", "success").timer().count()).isEqualTo(1);
    }

    @Test
    void vaultUnlockFailures_countEachFailureTold_beforeAnyRun() {
        assertThat(registry.get(CloudSyncMetrics.VAULT_UNLOCK_FAILURES).counter().count()).isZero();

        metrics.vaultUnlockFailed();
        metrics.vaultUnlockFailed();

        assertThat(registry.get(CloudSyncMetrics.VAULT_UNLOCK_FAILURES).counter().count()).isEqualTo(2);
        assertThat(registry.find(CloudSyncMetrics.DURATION).timers()).isEmpty();
        assertThat(metrics.toString()).contains("0 snapshots");
    }

    @Test
    void meters_areTaggedByServiceAndSnapshotOnly_neverByAFilePath() {
        cloudSync().run(SyncRequest.builder("remote", "nightly").build());

        registry.getMeters().forEach(m -> m.getId().getTags().forEach(t -> assertThat(t.getKey())
                .isIn("service", "snapshot", "status", "outcome", "kind")));
        assertThat(registry.getMeters()).extracting(m -> m.getId().getTag("snapshot")).doesNotContain("a.txt", "docs/b.txt");
    }

    /** The in-memory remote under another id, with the kit's faults of {@link #faults} on each provider opened. */
    private final class Faulty implements ProviderFactory {
        private final InMemoryProviderFactory memory = new InMemoryProviderFactory();

        @Override
        public String id() {
            return "faulty";
        }

        @Override
        public int spiVersion() {
            return memory.spiVersion();
        }

        @Override
        public Set<Capability> capabilities() {
            return memory.capabilities();
        }

        @Override
        public List<ConfigKey> configKeys() {
            return memory.configKeys();
        }

        @Override
        public String secretsKey() {
            return memory.secretsKey();
        }

        @Override
        public Provider open(ProviderConfig config, Secrets secrets) {
            return faults.apply(FaultInjectingProvider.wrap(memory.open(config, secrets))).build();
        }
    }
}
