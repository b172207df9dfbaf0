package io.cloudsync.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudsync.Secret;
import io.cloudsync.SyncListener;
import io.cloudsync.Vault;
import io.cloudsync.VaultException;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.Vaults;
import io.cloudsync.micrometer.CloudSyncMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configures cloudsync in a Spring Boot application: {@link CloudSync} from {@code cloudsync.*}
 * ({@link CloudSyncProperties}), with every {@link SyncListener} bean listening; {@link CloudSyncRuns};
 * {@link CloudSyncMetrics} on the application's {@link MeterRegistry} when it has one; the
 * {@link CloudSyncHealthIndicator} when Actuator's health support is there; and the
 * {@link CloudSyncScheduler}. {@code cloudsync.enabled=false} turns it all off. Each bean gives way to one
 * of the application's own.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "cloudsync.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CloudSyncProperties.class)
public class CloudSyncAutoConfiguration {

    /** What configuration errors call the settings when they come from properties. */
    static final String SOURCE = "application properties (cloudsync.*)";

    private static final Logger LOG = LoggerFactory.getLogger(CloudSyncAutoConfiguration.class);

    /** Creates the configuration; Spring calls it. */
    public CloudSyncAutoConfiguration() {
    }

    /**
     * The last run of each service.
     *
     * @param clock the application's clock, if it has one
     * @return the runs, timed by that clock or the system's
     */
    @Bean
    @ConditionalOnMissingBean
    public CloudSyncRuns cloudSyncRuns(ObjectProvider<Clock> clock) {
        return new CloudSyncRuns(clock.getIfAvailable(Clock::systemUTC));
    }

    /**
     * The instance, configured from the properties (or {@code <root>/config/cloudsync.json} when they hold
     * no section of it), with the vault when its file exists and a passphrase is given.
     *
     * @param properties the {@code cloudsync.*} properties
     * @param listeners every {@link SyncListener} bean, the runs and metrics among them
     * @param metrics the metrics, told of a vault that does not open
     * @param environment where {@code CLOUDSYNC_SECRETS_KEY} is looked up when {@code cloudsync.vault.passphrase} is unset
     * @return the instance
     * @throws io.cloudsync.ConfigurationException when a setting is wrong, naming it
     * @throws VaultException when the vault does not open (a wrong passphrase, a damaged file)
     */
    @Bean
    @ConditionalOnMissingBean
    public CloudSync cloudSync(CloudSyncProperties properties, ObjectProvider<SyncListener> listeners,
                               ObjectProvider<CloudSyncMetrics> metrics, Environment environment) {
        Path root = properties.getRoot().toAbsolutePath().normalize();
        CloudSyncConfig config = properties.configured()
                ? CloudSyncConfig.fromJson(json(properties), SOURCE)
                : CloudSyncConfig.load(root.resolve(CloudSyncConfig.DEFAULT_FILE));
        CloudSync.Builder b = CloudSync.builder().root(root).config(config);
        Path state = properties.getStateDirectory();
        if (state != null) {
            b.stateDirectory(state.toAbsolutePath().normalize());
        }
        Path vaultFile = properties.getVault().getFile() != null ? properties.getVault().getFile() : root.resolve(Vaults.DEFAULT_FILE);
        Vault vault = vault(vaultFile, passphrase(properties, environment), metrics);
        if (vault != null) {
            b.vault(vault);
        }
        listeners.orderedStream().forEach(b::listener);
        return b.build();
    }

    /**
     * Runs the scheduled syncs; checks the schedules when the application starts.
     *
     * @param cloudSync the instance
     * @param properties the schedules
     * @return the scheduler, started with the application
     */
    @Bean
    @ConditionalOnMissingBean
    public CloudSyncScheduler cloudSyncScheduler(CloudSync cloudSync, CloudSyncProperties properties) {
        return new CloudSyncScheduler(cloudSync, properties.getSchedule());
    }

    /** The metrics, on the application's registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        CloudSyncMetrics cloudSyncMetrics(MeterRegistry registry) {
            return new CloudSyncMetrics(registry);
        }
    }

    /** The health indicator, when Actuator's health support is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnBooleanProperty(name = "management.health.cloudsync.enabled", matchIfMissing = true)
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "cloudSyncHealthIndicator")
        CloudSyncHealthIndicator cloudSyncHealthIndicator(CloudSyncRuns runs, CloudSyncScheduler scheduler,
                                                          CloudSyncProperties properties) {
            Duration fixed = properties.getHealth().getStaleAfter();
            Map<String, @Nullable Duration> byService = new LinkedHashMap<>();
            for (CloudSyncScheduler.Entry e : scheduler.entries()) {
                Duration interval = CloudSyncScheduler.interval(e);
                byService.put(e.service(), interval == null ? null : interval.multipliedBy(2));
            }
            return new CloudSyncHealthIndicator(runs, byService.keySet(), service -> fixed != null ? fixed : byService.get(service));
        }
    }

    /** The passphrase: {@code cloudsync.vault.passphrase}, else {@code CLOUDSYNC_SECRETS_KEY} from the environment. */
    private static @Nullable String passphrase(CloudSyncProperties properties, Environment environment) {
        String p = properties.getVault().getPassphrase();
        if (p == null || p.isEmpty()) {
            p = environment.getProperty(Vaults.PASSPHRASE_ENV);
        }
        return p == null || p.isEmpty() ? null : p;
    }

    private static @Nullable Vault vault(Path file, @Nullable String passphrase, ObjectProvider<CloudSyncMetrics> metrics) {
        if (!Vaults.exists(file)) {
            return null;
        }
        if (passphrase == null) {
            LOG.atWarn().setMessage("cloudsync.vault").addKeyValue("file", file).addKeyValue("status", "not_opened")
                    .addKeyValue("reason", "no passphrase: set " + Vaults.PASSPHRASE_ENV
                            + " or cloudsync.vault.passphrase; providers get no secrets from it").log();
            return null;
        }
        Secret secret = Secret.of(passphrase);
        try {
            return Vaults.open(file, secret);
        } catch (VaultException e) {
            metrics.ifAvailable(CloudSyncMetrics::vaultUnlockFailed);
            throw e;
        } finally {
            secret.destroy();
        }
    }

    /** The properties as a {@code config/cloudsync.json} document, for {@link CloudSyncConfig#fromJson}. */
    static byte[] json(CloudSyncProperties p) {
        Map<String, Object> doc = new LinkedHashMap<>();
        if (!p.getFeatures().isEmpty()) {
            doc.put("features", p.getFeatures());
        }
        Map<String, Object> sync = p.getSync().asJson();
        if (!sync.isEmpty()) {
            doc.put("sync", sync);
        }
        if (!p.getServices().isEmpty()) {
            Map<String, Object> services = new LinkedHashMap<>();
            p.getServices().forEach((name, settings) -> services.put(name, snakeKeys(settings)));
            doc.put("services", services);
        }
        Map<String, Object> backups = p.getBackups().asJson();
        if (!backups.isEmpty()) {
            doc.put("backups", backups);
        }
        try {
            return new ObjectMapper().writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the cloudsync.* properties as JSON", e);
        }
    }

    /** Keys as the file writes them: {@code endpoint-url} (kebab case, as Spring prefers) becomes {@code endpoint_url}. */
    private static <V> Map<String, V> snakeKeys(Map<String, V> m) {
        return m.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().replace('-', '_'),
                Map.Entry::getValue, (a, b) -> b, LinkedHashMap::new));
    }
}
