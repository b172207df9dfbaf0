package io.cloudsync.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code cloudsync.*} properties: where the project is, the same sections as
 * {@code config/cloudsync.json} ({@code features}, {@code sync}, {@code services}, {@code backups}, under
 * the same keys: {@code snapshot_prefix} and {@code snapshot-prefix} both bind), the vault, the schedule
 * and the health check. When none of the four sections is set, {@code <root>/config/cloudsync.json} is
 * read instead, as the command line reads it.
 */
@ConfigurationProperties(prefix = "cloudsync")
public class CloudSyncProperties {

    /** Whether cloudsync is configured at all; false leaves every bean out. */
    private boolean enabled = true;

    /** The project root to mirror. */
    private Path root = Path.of(".");

    /** The state folder (journals, locks, manifest cache); default: cache/cloud under the root. */
    private @Nullable Path stateDirectory;

    /** Feature flags, such as enable_cloud_sync: true and enable_cloud_sync_s3: true (one per service). */
    private Map<String, Boolean> features = new LinkedHashMap<>();

    /** What to sync and how the engine runs: the sync section of config/cloudsync.json. */
    private final Sync sync = new Sync();

    /** The services: name to settings, such as provider: s3 and bucket: my-bucket. */
    private Map<String, Map<String, String>> services = new LinkedHashMap<>();

    /** Retention of local backups: the backups section of config/cloudsync.json. */
    private final Backups backups = new Backups();

    /** The vault that holds the providers' credentials. */
    private final Vault vault = new Vault();

    /** Scheduled syncs: service name to its schedule. */
    private Map<String, Schedule> schedule = new LinkedHashMap<>();

    /** The health indicator. */
    private final Health health = new Health();

    /**
     * Whether cloudsync is configured.
     *
     * @return false to leave it out
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Turns cloudsync on or off.
     *
     * @param enabled false to leave it out
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The project root.
     *
     * @return the root
     */
    public Path getRoot() {
        return root;
    }

    /**
     * Sets the project root.
     *
     * @param root the root
     */
    public void setRoot(Path root) {
        this.root = root;
    }

    /**
     * The state folder, or {@code null} for the default.
     *
     * @return the folder
     */
    public @Nullable Path getStateDirectory() {
        return stateDirectory;
    }

    /**
     * Sets the state folder.
     *
     * @param stateDirectory the folder
     */
    public void setStateDirectory(@Nullable Path stateDirectory) {
        this.stateDirectory = stateDirectory;
    }

    /**
     * The feature flags.
     *
     * @return flag to value
     */
    public Map<String, Boolean> getFeatures() {
        return features;
    }

    /**
     * Sets the feature flags.
     *
     * @param features flag to value
     */
    public void setFeatures(Map<String, Boolean> features) {
        this.features = features;
    }

    /**
     * The {@code sync} section.
     *
     * @return the section
     */
    public Sync getSync() {
        return sync;
    }

    /**
     * The services.
     *
     * @return name to settings
     */
    public Map<String, Map<String, String>> getServices() {
        return services;
    }

    /**
     * Sets the services.
     *
     * @param services name to settings
     */
    public void setServices(Map<String, Map<String, String>> services) {
        this.services = services;
    }

    /**
     * The {@code backups} section.
     *
     * @return the section
     */
    public Backups getBackups() {
        return backups;
    }

    /**
     * The vault.
     *
     * @return its settings
     */
    public Vault getVault() {
        return vault;
    }

    /**
     * The schedules.
     *
     * @return service to schedule
     */
    public Map<String, Schedule> getSchedule() {
        return schedule;
    }

    /**
     * Sets the schedules.
     *
     * @param schedule service to schedule
     */
    public void setSchedule(Map<String, Schedule> schedule) {
        this.schedule = schedule;
    }

    /**
     * The health indicator's settings.
     *
     * @return the settings
     */
    public Health getHealth() {
        return health;
    }

    /**
     * Whether any section of {@code config/cloudsync.json} is set here.
     *
     * @return true when the properties hold the configuration
     */
    boolean configured() {
        return !features.isEmpty() || !services.isEmpty() || sync.set() || backups.set();
    }

    @Override
    public String toString() {
        return "CloudSyncProperties[root=" + root + ", services=" + services.keySet() + ", schedule=" + schedule.keySet()
                + ", vault=" + vault + ']';
    }

    /** The {@code sync} section; every key is optional, with the defaults of docs/SYNC.md. */
    public static class Sync {
        /** Paths under the root to mirror; default: the whole root. */
        private List<String> include = new ArrayList<>();
        /** Globs to leave out, such as logs/** or *.tmp. */
        private List<String> exclude = new ArrayList<>();
        /** Prefix of every snapshot name. */
        private @Nullable String snapshotPrefix;
        /** The root to use when none is given. */
        private @Nullable String defaultRoot;
        /** Operations in flight at once (1 to 256). */
        private @Nullable Integer parallelism;
        /** Attempts per remote call, the first included (1 to 100). */
        private @Nullable Integer retryAttempts;
        /** First wait between attempts, in milliseconds. */
        private @Nullable Long retryInitialDelayMs;
        /** Longest wait between attempts, in milliseconds. */
        private @Nullable Long retryMaxDelayMs;
        /** Largest fraction of the remote's files that one run may delete (0 to 1). */
        private @Nullable Double deleteGuardMaxFraction;
        /** Snapshots with fewer files than this are not held to the fraction. */
        private @Nullable Long deleteGuardMinFiles;
        /** Most files one run may delete. */
        private @Nullable Long deleteGuardMaxDeletes;
        /** How long the remote lease lasts without renewal, in seconds. */
        private @Nullable Long leaseSeconds;
        /** Bandwidth limit of a run, binary units as in rclone, such as 8M; off for none. */
        private @Nullable String bwlimit;
        /** Days the trash keeps overwritten and deleted versions; 0 keeps none. */
        private @Nullable Integer trashDays;

        boolean set() {
            return !include.isEmpty() || !exclude.isEmpty() || snapshotPrefix != null || defaultRoot != null || parallelism != null
                    || retryAttempts != null || retryInitialDelayMs != null || retryMaxDelayMs != null
                    || deleteGuardMaxFraction != null || deleteGuardMinFiles != null || deleteGuardMaxDeletes != null
                    || leaseSeconds != null || bwlimit != null || trashDays != null;
        }

        /** Each key with its value, under its name in {@code config/cloudsync.json}; unset keys left out. */
        Map<String, Object> asJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            if (!include.isEmpty()) {
                out.put("include", include);
            }
            if (!exclude.isEmpty()) {
                out.put("exclude", exclude);
            }
            putIfSet(out, "snapshot_prefix", snapshotPrefix);
            putIfSet(out, "default_root", defaultRoot);
            putIfSet(out, "parallelism", parallelism);
            putIfSet(out, "retry_attempts", retryAttempts);
            putIfSet(out, "retry_initial_delay_ms", retryInitialDelayMs);
            putIfSet(out, "retry_max_delay_ms", retryMaxDelayMs);
            putIfSet(out, "delete_guard_max_fraction", deleteGuardMaxFraction);
            putIfSet(out, "delete_guard_min_files", deleteGuardMinFiles);
            putIfSet(out, "delete_guard_max_deletes", deleteGuardMaxDeletes);
            putIfSet(out, "lease_seconds", leaseSeconds);
            putIfSet(out, "bwlimit", bwlimit);
            putIfSet(out, "trash_days", trashDays);
            return out;
        }

        /** @return paths to mirror */
        public List<String> getInclude() {
            return include;
        }

        /** @param include paths to mirror */
        public void setInclude(List<String> include) {
            this.include = include;
        }

        /** @return globs to leave out */
        public List<String> getExclude() {
            return exclude;
        }

        /** @param exclude globs to leave out */
        public void setExclude(List<String> exclude) {
            this.exclude = exclude;
        }

        /** @return the snapshot prefix */
        public @Nullable String getSnapshotPrefix() {
            return snapshotPrefix;
        }

        /** @param snapshotPrefix the snapshot prefix */
        public void setSnapshotPrefix(@Nullable String snapshotPrefix) {
            this.snapshotPrefix = snapshotPrefix;
        }

        /** @return the default root */
        public @Nullable String getDefaultRoot() {
            return defaultRoot;
        }

        /** @param defaultRoot the default root */
        public void setDefaultRoot(@Nullable String defaultRoot) {
            this.defaultRoot = defaultRoot;
        }

        /** @return operations in flight */
        public @Nullable Integer getParallelism() {
            return parallelism;
        }

        /** @param parallelism operations in flight */
        public void setParallelism(@Nullable Integer parallelism) {
            this.parallelism = parallelism;
        }

        /** @return attempts per call */
        public @Nullable Integer getRetryAttempts() {
            return retryAttempts;
        }

        /** @param retryAttempts attempts per call */
        public void setRetryAttempts(@Nullable Integer retryAttempts) {
            this.retryAttempts = retryAttempts;
        }

        /** @return the first wait, ms */
        public @Nullable Long getRetryInitialDelayMs() {
            return retryInitialDelayMs;
        }

        /** @param retryInitialDelayMs the first wait, ms */
        public void setRetryInitialDelayMs(@Nullable Long retryInitialDelayMs) {
            this.retryInitialDelayMs = retryInitialDelayMs;
        }

        /** @return the longest wait, ms */
        public @Nullable Long getRetryMaxDelayMs() {
            return retryMaxDelayMs;
        }

        /** @param retryMaxDelayMs the longest wait, ms */
        public void setRetryMaxDelayMs(@Nullable Long retryMaxDelayMs) {
            this.retryMaxDelayMs = retryMaxDelayMs;
        }

        /** @return the delete guard's fraction */
        public @Nullable Double getDeleteGuardMaxFraction() {
            return deleteGuardMaxFraction;
        }

        /** @param deleteGuardMaxFraction the delete guard's fraction */
        public void setDeleteGuardMaxFraction(@Nullable Double deleteGuardMaxFraction) {
            this.deleteGuardMaxFraction = deleteGuardMaxFraction;
        }

        /** @return the delete guard's least snapshot size */
        public @Nullable Long getDeleteGuardMinFiles() {
            return deleteGuardMinFiles;
        }

        /** @param deleteGuardMinFiles the delete guard's least snapshot size */
        public void setDeleteGuardMinFiles(@Nullable Long deleteGuardMinFiles) {
            this.deleteGuardMinFiles = deleteGuardMinFiles;
        }

        /** @return the most deletes per run */
        public @Nullable Long getDeleteGuardMaxDeletes() {
            return deleteGuardMaxDeletes;
        }

        /** @param deleteGuardMaxDeletes the most deletes per run */
        public void setDeleteGuardMaxDeletes(@Nullable Long deleteGuardMaxDeletes) {
            this.deleteGuardMaxDeletes = deleteGuardMaxDeletes;
        }

        /** @return the lease's lifetime, s */
        public @Nullable Long getLeaseSeconds() {
            return leaseSeconds;
        }

        /** @param leaseSeconds the lease's lifetime, s */
        public void setLeaseSeconds(@Nullable Long leaseSeconds) {
            this.leaseSeconds = leaseSeconds;
        }

        /** @return the bandwidth limit */
        public @Nullable String getBwlimit() {
            return bwlimit;
        }

        /** @param bwlimit the bandwidth limit */
        public void setBwlimit(@Nullable String bwlimit) {
            this.bwlimit = bwlimit;
        }

        /** @return days in the trash */
        public @Nullable Integer getTrashDays() {
            return trashDays;
        }

        /** @param trashDays days in the trash */
        public void setTrashDays(@Nullable Integer trashDays) {
            this.trashDays = trashDays;
        }
    }

    /** The {@code backups} section: how many local backups to keep. */
    public static class Backups {
        /** The newest backups to keep, whatever their age. */
        private @Nullable Integer keepLast;
        /** Days with a backup to keep. */
        private @Nullable Integer keepDaily;
        /** Weeks with a backup to keep. */
        private @Nullable Integer keepWeekly;
        /** Months with a backup to keep. */
        private @Nullable Integer keepMonthly;

        boolean set() {
            return keepLast != null || keepDaily != null || keepWeekly != null || keepMonthly != null;
        }

        Map<String, Object> asJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            putIfSet(out, "keep_last", keepLast);
            putIfSet(out, "keep_daily", keepDaily);
            putIfSet(out, "keep_weekly", keepWeekly);
            putIfSet(out, "keep_monthly", keepMonthly);
            return out;
        }

        /** @return the newest to keep */
        public @Nullable Integer getKeepLast() {
            return keepLast;
        }

        /** @param keepLast the newest to keep */
        public void setKeepLast(@Nullable Integer keepLast) {
            this.keepLast = keepLast;
        }

        /** @return days to keep */
        public @Nullable Integer getKeepDaily() {
            return keepDaily;
        }

        /** @param keepDaily days to keep */
        public void setKeepDaily(@Nullable Integer keepDaily) {
            this.keepDaily = keepDaily;
        }

        /** @return weeks to keep */
        public @Nullable Integer getKeepWeekly() {
            return keepWeekly;
        }

        /** @param keepWeekly weeks to keep */
        public void setKeepWeekly(@Nullable Integer keepWeekly) {
            this.keepWeekly = keepWeekly;
        }

        /** @return months to keep */
        public @Nullable Integer getKeepMonthly() {
            return keepMonthly;
        }

        /** @param keepMonthly months to keep */
        public void setKeepMonthly(@Nullable Integer keepMonthly) {
            this.keepMonthly = keepMonthly;
        }
    }

    /** The vault: its file and its passphrase. */
    public static class Vault {
        /** The vault file; default: config/cloudsync.secrets.json under the root, opened when it exists. */
        private @Nullable Path file;
        /**
         * The passphrase; default: the environment variable CLOUDSYNC_SECRETS_KEY. Give it through a
         * property source that keeps secrets (the environment, a secrets manager), never in application.yml.
         */
        private @Nullable String passphrase;

        /** @return the vault file, or {@code null} for the default */
        public @Nullable Path getFile() {
            return file;
        }

        /** @param file the vault file */
        public void setFile(@Nullable Path file) {
            this.file = file;
        }

        /** @return the passphrase, or {@code null} */
        public @Nullable String getPassphrase() {
            return passphrase;
        }

        /** @param passphrase the passphrase */
        public void setPassphrase(@Nullable String passphrase) {
            this.passphrase = passphrase;
        }

        @Override
        public String toString() {
            return "Vault[file=" + file + ", passphrase=" + (passphrase == null ? "unset" : "***") + ']';
        }
    }

    /** When a service syncs on its own. */
    public static class Schedule {
        /** A Spring cron expression (seconds first), such as 0 0 2 * * * for 02:00 every day; required. */
        private @Nullable String cron;
        /** The snapshot to sync, as --snapshot names it; required. */
        private @Nullable String snapshot;
        /** The time zone of the cron expression, such as Europe/Berlin; default: the JVM's. */
        private @Nullable String zone;

        /** @return the cron expression */
        public @Nullable String getCron() {
            return cron;
        }

        /** @param cron the cron expression */
        public void setCron(@Nullable String cron) {
            this.cron = cron;
        }

        /** @return the snapshot */
        public @Nullable String getSnapshot() {
            return snapshot;
        }

        /** @param snapshot the snapshot */
        public void setSnapshot(@Nullable String snapshot) {
            this.snapshot = snapshot;
        }

        /** @return the time zone, or {@code null} */
        public @Nullable String getZone() {
            return zone;
        }

        /** @param zone the time zone */
        public void setZone(@Nullable String zone) {
            this.zone = zone;
        }
    }

    /** How the health indicator judges a service. */
    public static class Health {
        /**
         * A service whose last successful run is older than this is down (stale); default: twice the
         * interval of its schedule, and never for a service without one.
         */
        private @Nullable Duration staleAfter;

        /** @return the age past which a service is stale, or {@code null} */
        public @Nullable Duration getStaleAfter() {
            return staleAfter;
        }

        /** @param staleAfter the age past which a service is stale */
        public void setStaleAfter(@Nullable Duration staleAfter) {
            this.staleAfter = staleAfter;
        }
    }

    private static void putIfSet(Map<String, Object> out, String key, @Nullable Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }
}
