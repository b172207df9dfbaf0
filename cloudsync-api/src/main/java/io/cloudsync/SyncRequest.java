package io.cloudsync;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What to sync and how. Immutable; build one with {@link #builder} and change a copy with
 * {@link #toBuilder}.
 */
public final class SyncRequest {

    /** Value of the {@code max*} limits that means "no limit". */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private final String service;
    private final String snapshot;
    private final boolean commitManifest;
    private final List<String> include;
    private final List<String> exclude;
    private final Map<String, String> serviceConfig;
    private final @Nullable String credentialsKey;
    private final boolean allowMassDelete;
    private final long maxUploads;
    private final long maxDeletes;
    private final long maxBytes;
    private final Duration lockWait;
    private final boolean summaryOnly;
    private final @Nullable ApprovedPlan approvedPlan;
    private final @Nullable Long bandwidthLimit;

    private SyncRequest(Builder b) {
        this.service = requireName(b.service, "service");
        this.snapshot = requireName(b.snapshot, "snapshot");
        this.commitManifest = b.commitManifest;
        this.include = List.copyOf(b.include);
        this.exclude = List.copyOf(b.exclude);
        this.serviceConfig = Map.copyOf(b.serviceConfig);
        this.credentialsKey = b.credentialsKey;
        this.allowMassDelete = b.allowMassDelete;
        this.maxUploads = requireLimit(b.maxUploads, "maxUploads");
        this.maxDeletes = requireLimit(b.maxDeletes, "maxDeletes");
        this.maxBytes = requireLimit(b.maxBytes, "maxBytes");
        this.lockWait = Objects.requireNonNull(b.lockWait, "lockWait");
        this.summaryOnly = b.summaryOnly;
        this.approvedPlan = b.approvedPlan;
        this.bandwidthLimit = b.bandwidthLimit == null ? null
                : Bandwidth.requireRate(b.bandwidthLimit, "bandwidthLimit");
        if (lockWait.isNegative()) {
            throw new IllegalArgumentException("lockWait must not be negative, was " + lockWait);
        }
    }

    private static String requireName(String value, String what) {
        if (value == null || !value.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException(what + " must be 1-128 letters, digits, '.', '_' or '-' (not starting"
                    + " with '.', '_' or '-'), was \"" + value + '"');
        }
        return value;
    }

    private static long requireLimit(long value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative, was " + value);
        }
        return value;
    }

    /**
     * Starts a request for one service and snapshot.
     *
     * @param service the configured service id, such as {@code "s3"} or {@code "local"}
     * @param snapshot the snapshot name, such as {@code "nightly"}
     * @return a builder with the defaults: commit the manifest, default include and exclude, no limits
     */
    public static Builder builder(String service, String snapshot) {
        return new Builder(service, snapshot);
    }

    /**
     * A builder holding this request's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(service, snapshot);
        b.commitManifest = commitManifest;
        b.include = include;
        b.exclude = exclude;
        b.serviceConfig = serviceConfig;
        b.credentialsKey = credentialsKey;
        b.allowMassDelete = allowMassDelete;
        b.maxUploads = maxUploads;
        b.maxDeletes = maxDeletes;
        b.maxBytes = maxBytes;
        b.lockWait = lockWait;
        b.summaryOnly = summaryOnly;
        b.approvedPlan = approvedPlan;
        b.bandwidthLimit = bandwidthLimit;
        return b;
    }

    /**
     * The service id.
     *
     * @return never {@code null}
     */
    public String service() {
        return service;
    }

    /**
     * The snapshot name.
     *
     * @return never {@code null}
     */
    public String snapshot() {
        return snapshot;
    }

    /**
     * Whether a fully successful run writes the refreshed manifest to the remote and the cache.
     *
     * @return true by default
     */
    public boolean commitManifest() {
        return commitManifest;
    }

    /**
     * Paths (relative to the project root) this run is narrowed to; empty means the whole mirror (the
     * configured {@code sync.include}, else the whole root). A narrowed run uploads and deletes only
     * files under these paths (whole segments: {@code assets} covers {@code assets/x}, not
     * {@code assets2/x}); the remote keeps every file outside them, and so does the committed
     * manifest. A path must lie within the configured {@code sync.include}; {@code ./} and trailing
     * slashes are dropped, and an absolute path or one with {@code ..} is refused with a
     * {@link ConfigurationException} when the run starts.
     *
     * @return never {@code null}
     */
    public List<String> include() {
        return include;
    }

    /**
     * Extra exclude globs, added to the configured and built-in ones.
     *
     * @return never {@code null}
     */
    public List<String> exclude() {
        return exclude;
    }

    /**
     * Provider settings that override the configuration file's section for this service.
     *
     * @return never {@code null}
     */
    public Map<String, String> serviceConfig() {
        return serviceConfig;
    }

    /**
     * The vault key holding this service's credentials; empty means {@code cloud_sync.<service>}.
     *
     * @return the key, or empty
     */
    public java.util.Optional<String> credentialsKey() {
        return java.util.Optional.ofNullable(credentialsKey);
    }

    /**
     * Whether the delete guards may be overridden for this run.
     *
     * @return false by default
     */
    public boolean allowMassDelete() {
        return allowMassDelete;
    }

    /**
     * Largest number of uploads the plan may hold before the run refuses it.
     *
     * @return {@link #UNLIMITED} by default
     */
    public long maxUploads() {
        return maxUploads;
    }

    /**
     * Largest number of deletes the plan may hold before the run refuses it.
     *
     * @return {@link #UNLIMITED} by default
     */
    public long maxDeletes() {
        return maxDeletes;
    }

    /**
     * Largest number of bytes the plan may upload before the run refuses it.
     *
     * @return {@link #UNLIMITED} by default
     */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * How long a run waits for another run on the same service and snapshot to finish.
     *
     * @return {@link Duration#ZERO} (fail at once) by default
     */
    public Duration lockWait() {
        return lockWait;
    }

    /**
     * Whether the caller wants the counts of the operation rather than every entry: the streaming
     * form for large trees. The engine works over sorted streams either way; with this set, the
     * result does not gather the entries it touched (a sync's or dry run's plan and manifests, a
     * pull's or verify's manifest) into memory, so that its memory does not grow with the tree. What
     * a result then leaves out, and how to read it instead, is said by each result type.
     *
     * @return false by default: results hold the in-memory {@code Manifest} and {@code Plan}
     */
    public boolean summaryOnly() {
        return summaryOnly;
    }

    /**
     * The plan this run must execute, if one was approved: the run plans as always and, when its plan
     * is not the approved one (the local tree or the remote changed since), refuses before anything
     * moves with {@link PlanRefusedException.Reason#CHANGED}. A run that continues an interrupted run
     * of the same approved plan (whose withdrawal or partial commit changed the remote) is let through:
     * the engine remembers which remote manifests its runs of that plan wrote. A dry run with an
     * approved plan reports the same refusal.
     *
     * @return the approved plan; empty by default (the run executes whatever it plans)
     */
    public java.util.Optional<ApprovedPlan> approvedPlan() {
        return java.util.Optional.ofNullable(approvedPlan);
    }

    /**
     * The bandwidth limit of this run, in bytes per second, shared by every transfer of the run: the
     * uploads of a sync (with their read-back checks) and the downloads of a pull. {@code 0} means no
     * limit; empty means the configured {@code sync.bwlimit} applies (no limit when that is unset).
     * {@link Bandwidth#parse} reads the RATE syntax of the CLI and the configuration. What is and is
     * not limited, and how closely, is described in docs/SYNC.md ("Bandwidth limit").
     *
     * @return bytes per second, 0 for no limit, or empty to use the configuration's
     */
    public java.util.OptionalLong bandwidthLimit() {
        return bandwidthLimit == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(bandwidthLimit);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SyncRequest r)) {
            return false;
        }
        return service.equals(r.service) && snapshot.equals(r.snapshot) && commitManifest == r.commitManifest
                && include.equals(r.include) && exclude.equals(r.exclude) && serviceConfig.equals(r.serviceConfig)
                && Objects.equals(credentialsKey, r.credentialsKey) && allowMassDelete == r.allowMassDelete
                && maxUploads == r.maxUploads && maxDeletes == r.maxDeletes && maxBytes == r.maxBytes
                && lockWait.equals(r.lockWait) && summaryOnly == r.summaryOnly
                && Objects.equals(approvedPlan, r.approvedPlan)
                && Objects.equals(bandwidthLimit, r.bandwidthLimit);
    }

    @Override
    public int hashCode() {
        return Objects.hash(service, snapshot, commitManifest, include, exclude, serviceConfig, credentialsKey,
                allowMassDelete, maxUploads, maxDeletes, maxBytes, lockWait, summaryOnly, approvedPlan, bandwidthLimit);
    }

    @Override
    public String toString() {
        return "SyncRequest[service=" + service + ", snapshot=" + snapshot + ", commitManifest=" + commitManifest
                + ", include=" + include + ", exclude=" + exclude + ", serviceConfigKeys="
                + new TreeMap<>(serviceConfig).keySet() + ", allowMassDelete=" + allowMassDelete
                + (approvedPlan == null ? "" : ", approvedPlan=" + approvedPlan.id())
                + (bandwidthLimit == null ? "" : ", bandwidthLimit=" + Bandwidth.format(bandwidthLimit)) + ']';
    }

    /** Builds a {@link SyncRequest}. Not thread-safe. */
    public static final class Builder {
        private final String service;
        private final String snapshot;
        private boolean commitManifest = true;
        private List<String> include = List.of();
        private List<String> exclude = List.of();
        private Map<String, String> serviceConfig = Map.of();
        private @Nullable String credentialsKey;
        private boolean allowMassDelete;
        private long maxUploads = UNLIMITED;
        private long maxDeletes = UNLIMITED;
        private long maxBytes = UNLIMITED;
        private Duration lockWait = Duration.ZERO;
        private boolean summaryOnly;
        private @Nullable ApprovedPlan approvedPlan;
        private @Nullable Long bandwidthLimit;

        private Builder(String service, String snapshot) {
            this.service = service;
            this.snapshot = snapshot;
        }

        /**
         * Sets whether a fully successful run commits the manifest.
         *
         * @param commit false to leave the remote and cached manifests untouched
         * @return this builder
         */
        public Builder commitManifest(boolean commit) {
            this.commitManifest = commit;
            return this;
        }

        /**
         * Narrows the run to these paths; see {@link SyncRequest#include()}.
         *
         * @param paths relative paths such as {@code "assets"}; empty means the whole mirror
         * @return this builder
         */
        public Builder include(List<String> paths) {
            this.include = List.copyOf(paths);
            return this;
        }

        /**
         * Sets extra exclude globs.
         *
         * @param globs glob patterns matched against manifest paths
         * @return this builder
         */
        public Builder exclude(List<String> globs) {
            this.exclude = List.copyOf(globs);
            return this;
        }

        /**
         * Sets provider settings that override the configuration file.
         *
         * @param settings key to value
         * @return this builder
         */
        public Builder serviceConfig(Map<String, String> settings) {
            this.serviceConfig = Map.copyOf(settings);
            return this;
        }

        /**
         * Sets the vault key that holds the credentials.
         *
         * @param key a dotted key such as {@code "cloud_sync.s3"}
         * @return this builder
         */
        public Builder credentialsKey(String key) {
            this.credentialsKey = Objects.requireNonNull(key, "credentialsKey");
            return this;
        }

        /**
         * Allows the run to pass the delete guards.
         *
         * @param allow true to allow mass deletes and deletes from an empty or missing local tree
         * @return this builder
         */
        public Builder allowMassDelete(boolean allow) {
            this.allowMassDelete = allow;
            return this;
        }

        /**
         * Refuses plans with more uploads than this.
         *
         * @param max a count, or {@link SyncRequest#UNLIMITED}
         * @return this builder
         */
        public Builder maxUploads(long max) {
            this.maxUploads = max;
            return this;
        }

        /**
         * Refuses plans with more deletes than this.
         *
         * @param max a count, or {@link SyncRequest#UNLIMITED}
         * @return this builder
         */
        public Builder maxDeletes(long max) {
            this.maxDeletes = max;
            return this;
        }

        /**
         * Refuses plans that upload more bytes than this.
         *
         * @param max bytes, or {@link SyncRequest#UNLIMITED}
         * @return this builder
         */
        public Builder maxBytes(long max) {
            this.maxBytes = max;
            return this;
        }

        /**
         * Waits up to this long for another run on the same service and snapshot.
         *
         * @param wait zero to fail at once
         * @return this builder
         */
        public Builder lockWait(Duration wait) {
            this.lockWait = wait;
            return this;
        }

        /**
         * Asks for counts rather than every entry; see {@link SyncRequest#summaryOnly()}.
         *
         * @param only true for the streaming form
         * @return this builder
         */
        public Builder summaryOnly(boolean only) {
            this.summaryOnly = only;
            return this;
        }

        /**
         * Makes the run execute this plan or refuse; see {@link SyncRequest#approvedPlan()}.
         *
         * @param plan the approved plan
         * @return this builder
         */
        public Builder approvedPlan(ApprovedPlan plan) {
            this.approvedPlan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /**
         * Limits the bandwidth of this run, overriding the configured {@code sync.bwlimit}; see
         * {@link SyncRequest#bandwidthLimit()}.
         *
         * @param bytesPerSecond bytes per second, or 0 for no limit (even when the configuration sets
         *     one); {@link Bandwidth#parse} turns text such as {@code "8M"} into this number
         * @return this builder
         */
        public Builder bandwidthLimit(long bytesPerSecond) {
            this.bandwidthLimit = bytesPerSecond;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the immutable request
         * @throws IllegalArgumentException naming the bad value
         */
        public SyncRequest build() {
            return new SyncRequest(this);
        }
    }
}
