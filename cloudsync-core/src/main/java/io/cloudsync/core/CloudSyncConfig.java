package io.cloudsync.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.Bandwidth;
import io.cloudsync.ConfigurationException;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Settings of a {@link CloudSync} instance: feature flags, what to sync, engine tuning and the
 * settings of each service. Usually read from {@code config/cloudsync.json}:
 *
 * <pre>{@code
 * {
 *   "features": { "enable_cloud_sync": true, "enable_cloud_sync_local": true },
 *   "sync": { "include": ["data", "assets"], "exclude": ["**&#47;*.tmp"], "snapshot_prefix": "",
 *             "parallelism": 8, "retry_attempts": 5 },
 *   "services": { "local": { "directory": "/mnt/mirror" },
 *                 "offsite": { "provider": "s3", "bucket": "my-bucket" } },
 *   "backups": { "keep_last": 3, "keep_daily": 7, "keep_weekly": 4, "keep_monthly": 12 }
 * }
 * }</pre>
 *
 * The optional {@code backups} section is the {@link RetentionPolicy} of local backups ({@link #retention()}).
 *
 * Every flag is false unless set. Immutable; build one in code with {@link #builder()}.
 */
public final class CloudSyncConfig {

    /** The file read by default, relative to the project root. */
    public static final String DEFAULT_FILE = "config/cloudsync.json";

    /** The master flag: no sync operation runs without it. */
    public static final String MASTER_FLAG = "enable_cloud_sync";

    /** Key of a service section that names the provider when it differs from the service name. */
    public static final String PROVIDER_KEY = "provider";

    private static final Set<String> TOP_LEVEL = Set.of("features", "sync", "services", "backups");
    private static final List<String> BACKUP_KEYS = List.of("keep_last", "keep_daily", "keep_weekly", "keep_monthly");
    private static final Set<String> SYNC_KEYS = Set.of("include", "exclude", "snapshot_prefix", "default_root",
            "parallelism", "retry_attempts", "retry_initial_delay_ms", "retry_max_delay_ms",
            "delete_guard_max_fraction", "delete_guard_min_files", "delete_guard_max_deletes", "lease_seconds",
            "bwlimit", "trash_days");

    private final Map<String, Boolean> features;
    private final List<String> include;
    private final List<String> exclude;
    private final String snapshotPrefix;
    private final String defaultRoot;
    private final EngineSettings engine;
    private final Map<String, SortedMap<String, String>> services;
    private final RetentionPolicy retention;
    private final String source;

    private CloudSyncConfig(Builder b) {
        this.features = Collections.unmodifiableMap(new TreeMap<>(b.features));
        this.include = List.copyOf(b.include);
        this.exclude = List.copyOf(b.exclude);
        this.snapshotPrefix = b.snapshotPrefix;
        this.defaultRoot = b.defaultRoot;
        this.engine = b.engine;
        Map<String, SortedMap<String, String>> copy = new TreeMap<>();
        b.services.forEach((k, v) -> copy.put(k, Collections.unmodifiableSortedMap(new TreeMap<>(v))));
        this.services = Collections.unmodifiableMap(copy);
        this.retention = b.retention;
        this.source = b.source;
    }

    /**
     * A configuration with every flag off and nothing configured.
     *
     * @return the defaults
     */
    public static CloudSyncConfig defaults() {
        return builder().build();
    }

    /**
     * Starts a configuration in code.
     *
     * @return a builder holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a configuration file. A missing file gives the defaults (every flag off).
     *
     * @param file the JSON file
     * @return the configuration
     * @throws ConfigurationException naming the file, the key and what was expected
     */
    public static CloudSyncConfig load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return builder().source(file.toString()).build();
        } catch (IOException e) {
            throw new ConfigurationException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        return fromJson(bytes, file.toString());
    }

    /**
     * Reads a configuration from JSON of the same shape as {@code config/cloudsync.json}, checked as
     * strictly as the file is: for a host that keeps the settings elsewhere (the Spring Boot starter
     * builds it from {@code cloudsync.*} properties).
     *
     * @param json the JSON document, UTF-8
     * @param source what to call it in error messages, such as {@code application.yml (cloudsync.*)}
     * @return the configuration
     * @throws ConfigurationException naming the source, the key and what was expected
     */
    public static CloudSyncConfig fromJson(byte[] json, String source) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException("configuration file " + source + " is not valid JSON: "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ')', e);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read configuration file " + source + ": " + e.getMessage(), e);
        }
        return parse(root, source);
    }

    static CloudSyncConfig parse(JsonNode root, String source) {
        Builder b = builder().source(source);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return b.build();
        }
        if (!root.isObject()) {
            throw bad(source, "(top level)", "a JSON object with \"features\", \"sync\" and \"services\"", root);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_LEVEL.contains(key)) {
                throw new ConfigurationException("configuration file " + source + " has unknown key \"" + key
                        + "\"; expected only " + new TreeMap<>(toMap(TOP_LEVEL)).keySet());
            }
        }
        JsonNode features = root.path("features");
        if (!features.isMissingNode()) {
            requireObject(features, source, "features");
            features.properties().forEach(f -> {
                if (!f.getValue().isBoolean()) {
                    throw bad(source, "features." + f.getKey(), "true or false", f.getValue());
                }
                b.feature(f.getKey(), f.getValue().booleanValue());
            });
        }
        JsonNode sync = root.path("sync");
        EngineSettings.Builder engine = EngineSettings.builder();
        if (!sync.isMissingNode()) {
            requireObject(sync, source, "sync");
            for (Iterator<String> it = sync.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!SYNC_KEYS.contains(key)) {
                    throw new ConfigurationException("configuration file " + source + " has unknown key \"sync." + key
                            + "\"; known keys are " + new TreeMap<>(toMap(SYNC_KEYS)).keySet());
                }
            }
            b.include(stringList(sync.path("include"), source, "sync.include"));
            b.exclude(stringList(sync.path("exclude"), source, "sync.exclude"));
            b.snapshotPrefix(text(sync.path("snapshot_prefix"), source, "sync.snapshot_prefix", ""));
            b.defaultRoot(text(sync.path("default_root"), source, "sync.default_root", null));
            EngineSettings d = EngineSettings.defaults();
            engine.parallelism((int) integer(sync.path("parallelism"), source, "sync.parallelism", d.parallelism(), 1, 256))
                    .retryAttempts((int) integer(sync.path("retry_attempts"), source, "sync.retry_attempts", d.retryAttempts(), 1, 100))
                    .retryInitialDelay(Duration.ofMillis(integer(sync.path("retry_initial_delay_ms"), source,
                            "sync.retry_initial_delay_ms", d.retryInitialDelay().toMillis(), 0, 3_600_000)))
                    .retryMaxDelay(Duration.ofMillis(integer(sync.path("retry_max_delay_ms"), source,
                            "sync.retry_max_delay_ms", d.retryMaxDelay().toMillis(), 0, 3_600_000)))
                    .deleteGuardMaxFraction(fraction(sync.path("delete_guard_max_fraction"), source,
                            "sync.delete_guard_max_fraction", d.deleteGuardMaxFraction()))
                    .deleteGuardMinFiles(integer(sync.path("delete_guard_min_files"), source,
                            "sync.delete_guard_min_files", d.deleteGuardMinFiles(), 0, Long.MAX_VALUE))
                    .deleteGuardMaxDeletes(integer(sync.path("delete_guard_max_deletes"), source,
                            "sync.delete_guard_max_deletes", d.deleteGuardMaxDeletes(), 0, Long.MAX_VALUE))
                    .leaseTtl(Duration.ofSeconds(integer(sync.path("lease_seconds"), source, "sync.lease_seconds",
                            d.leaseTtl().toSeconds(), 0, 86_400)))
                    .bandwidthLimit(bandwidth(sync.path("bwlimit"), source, "sync.bwlimit"))
                    .trashDays((int) integer(sync.path("trash_days"), source, "sync.trash_days", d.trashDays(), 0, 36_500));
        }
        b.engine(engine.build());
        JsonNode services = root.path("services");
        if (!services.isMissingNode()) {
            requireObject(services, source, "services");
            services.properties().forEach(s -> {
                String name = s.getKey();
                requireObject(s.getValue(), source, "services." + name);
                Map<String, String> settings = new LinkedHashMap<>();
                s.getValue().properties().forEach(kv -> {
                    JsonNode v = kv.getValue();
                    if (!v.isValueNode() || v.isNull()) {
                        throw bad(source, "services." + name + '.' + kv.getKey(), "a string, number or boolean", v);
                    }
                    settings.put(kv.getKey(), v.asText());
                });
                b.service(name, settings);
            });
        }
        JsonNode backups = root.path("backups");
        if (!backups.isMissingNode() && !backups.isNull()) {
            b.retention(retention(backups, source));
        }
        return b.build();
    }

    private static RetentionPolicy retention(JsonNode backups, String source) {
        requireObject(backups, source, "backups");
        for (Iterator<String> it = backups.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!BACKUP_KEYS.contains(key)) {
                throw new ConfigurationException("configuration file " + source + " has unknown key \"backups." + key
                        + "\"; known keys are " + BACKUP_KEYS + " (see docs/BACKUPS.md, \"Retention\")");
            }
        }
        int[] n = new int[BACKUP_KEYS.size()];
        for (int i = 0; i < n.length; i++) {
            String key = BACKUP_KEYS.get(i);
            JsonNode v = backups.path(key);
            if (v.isMissingNode() || v.isNull()) {
                continue;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
                throw new ConfigurationException(bad(source, "backups." + key, "a whole number, 0 (off) or more", v).getMessage()
                        + "; write it without quotes, such as \"" + key + "\": 7");
            }
            n[i] = v.intValue();
        }
        return RetentionPolicy.builder().keepLast(n[0]).keepDaily(n[1]).keepWeekly(n[2]).keepMonthly(n[3]).build();
    }

    private static Map<String, Integer> toMap(Set<String> keys) {
        Map<String, Integer> m = new TreeMap<>();
        keys.forEach(k -> m.put(k, 1));
        return m;
    }

    private static void requireObject(JsonNode node, String source, String key) {
        if (!node.isObject()) {
            throw bad(source, key, "a JSON object", node);
        }
    }

    private static ConfigurationException bad(String source, String key, String expected, JsonNode actual) {
        String shown = actual.isMissingNode() ? "nothing" : actual.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                + (actual.isValueNode() ? " " + abbreviate(actual.toString()) : "");
        return new ConfigurationException("configuration file " + source + ": \"" + key + "\" must be " + expected
                + ", found " + shown);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static List<String> stringList(JsonNode node, String source, String key) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw bad(source, key, "an array of strings", node);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw bad(source, key + "[" + out.size() + "]", "a string", item);
            }
            out.add(item.asText());
        }
        return out;
    }

    private static String text(JsonNode node, String source, String key, String fallback) {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw bad(source, key, "a string", node);
        }
        return node.asText();
    }

    /**
     * A rate in {@link Bandwidth}'s syntax: a string such as {@code "8M"}; missing or {@code null} is
     * no limit. A JSON number is refused: {@code 8388608} meant as bytes would be read as KiB/s.
     */
    private static long bandwidth(JsonNode node, String source, String key) {
        if (node.isMissingNode() || node.isNull()) {
            return Bandwidth.UNLIMITED;
        }
        if (!node.isTextual()) {
            throw bad(source, key, "a string with a rate such as \"8M\" or \"512k\" (binary units per second; a bare"
                    + " number is KiB/s, so write \"512\" for 512 KiB/s), or \"off\"", node);
        }
        try {
            return Bandwidth.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("configuration file " + source + " has an invalid \"" + key + "\": "
                    + e.getMessage());
        }
    }

    private static long integer(JsonNode node, String source, String key, long fallback, long min, long max) {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
            throw bad(source, key, "a whole number from " + min + " to " + max, node);
        }
        return node.asLong();
    }

    private static double fraction(JsonNode node, String source, String key, double fallback) {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber() || node.asDouble() < 0 || node.asDouble() > 1) {
            throw bad(source, key, "a number from 0 to 1", node);
        }
        return node.asDouble();
    }

    /**
     * Whether a feature flag is on. Flags are false unless configured.
     *
     * @param flag such as {@code enable_cloud_sync_s3}
     * @return the flag's value
     */
    public boolean enabled(String flag) {
        return features.getOrDefault(flag, false);
    }

    /**
     * The flag that gates a service: {@code enable_cloud_sync_<service>}.
     *
     * @param service the service name
     * @return the flag name
     */
    public static String serviceFlag(String service) {
        return MASTER_FLAG + "_" + service.replace('-', '_');
    }

    /**
     * Every configured flag.
     *
     * @return flag to value, sorted
     */
    public Map<String, Boolean> features() {
        return features;
    }

    /**
     * Paths to include by default; empty means the whole root.
     *
     * @return never {@code null}
     */
    public List<String> include() {
        return include;
    }

    /**
     * Exclude globs added to the built-in ones.
     *
     * @return never {@code null}
     */
    public List<String> exclude() {
        return exclude;
    }

    /**
     * A prefix put before every snapshot name.
     *
     * @return never {@code null}, empty by default
     */
    public String snapshotPrefix() {
        return snapshotPrefix;
    }

    /**
     * The project root to use when the host gives none.
     *
     * @return the root as written in the file, or empty
     */
    public Optional<String> defaultRoot() {
        return Optional.ofNullable(defaultRoot);
    }

    /**
     * Engine tuning.
     *
     * @return never {@code null}
     */
    public EngineSettings engine() {
        return engine;
    }

    /**
     * The configured service names.
     *
     * @return sorted names
     */
    public Set<String> services() {
        return services.keySet();
    }

    /**
     * The settings of one service, including {@link #PROVIDER_KEY} when present.
     *
     * @param service the service name
     * @return its settings, empty when the service has no section
     */
    public SortedMap<String, String> service(String service) {
        SortedMap<String, String> s = services.get(service);
        return s == null ? Collections.emptySortedMap() : s;
    }

    /**
     * The retention policy of local backups, from the {@code backups} section: what {@code backup
     * prune} applies, and {@code backup create} when it is given no count or policy of its own.
     *
     * @return never {@code null}; {@link RetentionPolicy#none()} when not configured
     */
    public RetentionPolicy retention() {
        return retention;
    }

    /**
     * Where this configuration came from.
     *
     * @return a file path, or {@code "(code)"}
     */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "CloudSyncConfig[source=" + source + ", features=" + features + ", services=" + services.keySet() + ']';
    }

    /** Builds a {@link CloudSyncConfig}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Boolean> features = new TreeMap<>();
        private List<String> include = List.of();
        private List<String> exclude = List.of();
        private String snapshotPrefix = "";
        private String defaultRoot;
        private EngineSettings engine = EngineSettings.defaults();
        private final Map<String, Map<String, String>> services = new TreeMap<>();
        private RetentionPolicy retention = RetentionPolicy.none();
        private String source = "(code)";

        private Builder() {
        }

        /**
         * Sets a feature flag.
         *
         * @param flag such as {@code enable_cloud_sync}
         * @param on its value
         * @return this builder
         */
        public Builder feature(String flag, boolean on) {
            features.put(Objects.requireNonNull(flag, "flag"), on);
            return this;
        }

        /**
         * Turns on the master flag and the flag of each named service.
         *
         * @param serviceNames services to enable
         * @return this builder
         */
        public Builder enable(String... serviceNames) {
            feature(MASTER_FLAG, true);
            for (String s : serviceNames) {
                feature(serviceFlag(s), true);
            }
            return this;
        }

        /**
         * Sets the default include paths.
         *
         * @param paths relative paths
         * @return this builder
         */
        public Builder include(List<String> paths) {
            this.include = List.copyOf(paths);
            return this;
        }

        /**
         * Sets extra exclude globs.
         *
         * @param globs glob patterns
         * @return this builder
         */
        public Builder exclude(List<String> globs) {
            this.exclude = List.copyOf(globs);
            return this;
        }

        /**
         * Sets the snapshot prefix.
         *
         * @param prefix put before every snapshot name
         * @return this builder
         */
        public Builder snapshotPrefix(String prefix) {
            this.snapshotPrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Sets the default project root.
         *
         * @param root a path, or {@code null} for none
         * @return this builder
         */
        public Builder defaultRoot(String root) {
            this.defaultRoot = root;
            return this;
        }

        /**
         * Sets engine tuning.
         *
         * @param settings the settings
         * @return this builder
         */
        public Builder engine(EngineSettings settings) {
            this.engine = Objects.requireNonNull(settings, "engine");
            return this;
        }

        /**
         * Sets the settings of a service.
         *
         * @param name the service name
         * @param settings its settings
         * @return this builder
         */
        public Builder service(String name, Map<String, String> settings) {
            services.put(Objects.requireNonNull(name, "name"), new TreeMap<>(settings));
            return this;
        }

        /**
         * Sets the retention policy of local backups.
         *
         * @param policy the policy; {@link RetentionPolicy#none()} for none
         * @return this builder
         */
        public Builder retention(RetentionPolicy policy) {
            this.retention = Objects.requireNonNull(policy, "policy");
            return this;
        }

        Builder source(String source) {
            this.source = source;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the immutable configuration
         */
        public CloudSyncConfig build() {
            return new CloudSyncConfig(this);
        }
    }
}
