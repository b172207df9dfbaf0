package io.cloudsync.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a run executes: parallelism, retries, delete guards, the remote lease, the bandwidth limit,
 * the trash.
 *
 * @param parallelism operations in flight at once
 * @param retryAttempts attempts per operation, the first included
 * @param retryInitialDelay delay before the first retry; doubled each time, with full jitter
 * @param retryMaxDelay the longest delay between two attempts
 * @param deleteGuardMaxFraction the largest share of the remote's files a run may delete
 * @param deleteGuardMinFiles the share guard applies only to remotes with more files than this
 * @param deleteGuardMaxDeletes the largest number of files a run may delete
 * @param leaseTtl how long a run's remote lease lasts without a renewal (it is renewed every third of
 *     that); zero takes no lease (docs/SYNC.md, "Several hosts")
 * @param bandwidthLimit bytes per second shared by every transfer of a run ({@code sync.bwlimit},
 *     read by {@link io.cloudsync.Bandwidth#parse}); 0 for no limit. A request's
 *     {@link io.cloudsync.SyncRequest#bandwidthLimit()} wins over it (docs/SYNC.md, "Bandwidth limit")
 * @param trashDays how many days a file a run deletes or overwrites on the remote stays recoverable
 *     in the snapshot's trash ({@code sync.trash_days}); 0 keeps nothing (docs/SYNC.md, "Trash")
 */
public record EngineSettings(int parallelism, int retryAttempts, Duration retryInitialDelay, Duration retryMaxDelay,
                             double deleteGuardMaxFraction, long deleteGuardMinFiles, long deleteGuardMaxDeletes,
                             Duration leaseTtl, long bandwidthLimit, int trashDays) {

    /** The default {@link #trashDays()}: 30. */
    public static final int DEFAULT_TRASH_DAYS = 30;

    /** The default {@link #leaseTtl()}: two minutes. */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(120);

    /**
     * Validates the settings.
     *
     * @param parallelism see the record component
     * @param retryAttempts see the record component
     * @param retryInitialDelay see the record component
     * @param retryMaxDelay see the record component
     * @param deleteGuardMaxFraction see the record component
     * @param deleteGuardMinFiles see the record component
     * @param deleteGuardMaxDeletes see the record component
     * @param leaseTtl see the record component
     * @param bandwidthLimit see the record component
     * @param trashDays see the record component
     */
    public EngineSettings {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        if (retryAttempts < 1) {
            throw new IllegalArgumentException("retryAttempts must be at least 1, was " + retryAttempts);
        }
        Objects.requireNonNull(retryInitialDelay, "retryInitialDelay");
        Objects.requireNonNull(retryMaxDelay, "retryMaxDelay");
        if (deleteGuardMaxFraction < 0 || deleteGuardMaxFraction > 1) {
            throw new IllegalArgumentException("deleteGuardMaxFraction must be from 0 to 1, was " + deleteGuardMaxFraction);
        }
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        if (leaseTtl.isNegative()) {
            throw new IllegalArgumentException("leaseTtl must be zero (no lease) or positive, was " + leaseTtl);
        }
        if (bandwidthLimit < 0) {
            throw new IllegalArgumentException("bandwidthLimit must be 0 (no limit) or a number of bytes per second, was "
                    + bandwidthLimit);
        }
        if (trashDays < 0) {
            throw new IllegalArgumentException("trashDays must be 0 (keep nothing) or a number of days, was " + trashDays);
        }
    }

    /**
     * The settings as before the trash existed, with the default {@link #trashDays()}.
     *
     * @param parallelism see the record component
     * @param retryAttempts see the record component
     * @param retryInitialDelay see the record component
     * @param retryMaxDelay see the record component
     * @param deleteGuardMaxFraction see the record component
     * @param deleteGuardMinFiles see the record component
     * @param deleteGuardMaxDeletes see the record component
     * @param leaseTtl see the record component
     * @param bandwidthLimit see the record component
     */
    public EngineSettings(int parallelism, int retryAttempts, Duration retryInitialDelay, Duration retryMaxDelay,
                          double deleteGuardMaxFraction, long deleteGuardMinFiles, long deleteGuardMaxDeletes,
                          Duration leaseTtl, long bandwidthLimit) {
        this(parallelism, retryAttempts, retryInitialDelay, retryMaxDelay, deleteGuardMaxFraction, deleteGuardMinFiles,
                deleteGuardMaxDeletes, leaseTtl, bandwidthLimit, DEFAULT_TRASH_DAYS);
    }

    /**
     * The settings as before the bandwidth limit existed: no limit.
     *
     * @param parallelism see the record component
     * @param retryAttempts see the record component
     * @param retryInitialDelay see the record component
     * @param retryMaxDelay see the record component
     * @param deleteGuardMaxFraction see the record component
     * @param deleteGuardMinFiles see the record component
     * @param deleteGuardMaxDeletes see the record component
     * @param leaseTtl see the record component
     */
    public EngineSettings(int parallelism, int retryAttempts, Duration retryInitialDelay, Duration retryMaxDelay,
                          double deleteGuardMaxFraction, long deleteGuardMinFiles, long deleteGuardMaxDeletes,
                          Duration leaseTtl) {
        this(parallelism, retryAttempts, retryInitialDelay, retryMaxDelay, deleteGuardMaxFraction, deleteGuardMinFiles,
                deleteGuardMaxDeletes, leaseTtl, 0);
    }

    /**
     * The settings as before the remote lease existed, with the default {@link #leaseTtl()}.
     *
     * @param parallelism see the record component
     * @param retryAttempts see the record component
     * @param retryInitialDelay see the record component
     * @param retryMaxDelay see the record component
     * @param deleteGuardMaxFraction see the record component
     * @param deleteGuardMinFiles see the record component
     * @param deleteGuardMaxDeletes see the record component
     */
    public EngineSettings(int parallelism, int retryAttempts, Duration retryInitialDelay, Duration retryMaxDelay,
                          double deleteGuardMaxFraction, long deleteGuardMinFiles, long deleteGuardMaxDeletes) {
        this(parallelism, retryAttempts, retryInitialDelay, retryMaxDelay, deleteGuardMaxFraction, deleteGuardMinFiles,
                deleteGuardMaxDeletes, DEFAULT_LEASE_TTL);
    }

    /**
     * Eight operations in flight (many small files are latency-bound, not CPU-bound), five attempts
     * from 200 ms up to 10 s, a guard against deleting more than half of a remote of over ten files, and
     * a remote lease of two minutes, no bandwidth limit, a trash of 30 days.
     *
     * @return the defaults
     */
    public static EngineSettings defaults() {
        return new EngineSettings(8, 5, Duration.ofMillis(200), Duration.ofSeconds(10), 0.5, 10, Long.MAX_VALUE,
                DEFAULT_LEASE_TTL, 0, DEFAULT_TRASH_DAYS);
    }

    /**
     * A builder starting from the defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /**
     * A builder starting from these settings.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link EngineSettings}. */
    public static final class Builder {
        private int parallelism;
        private int retryAttempts;
        private Duration retryInitialDelay;
        private Duration retryMaxDelay;
        private double deleteGuardMaxFraction;
        private long deleteGuardMinFiles;
        private long deleteGuardMaxDeletes;
        private Duration leaseTtl;
        private long bandwidthLimit;
        private int trashDays;

        private Builder(EngineSettings s) {
            parallelism = s.parallelism;
            retryAttempts = s.retryAttempts;
            retryInitialDelay = s.retryInitialDelay;
            retryMaxDelay = s.retryMaxDelay;
            deleteGuardMaxFraction = s.deleteGuardMaxFraction;
            deleteGuardMinFiles = s.deleteGuardMinFiles;
            deleteGuardMaxDeletes = s.deleteGuardMaxDeletes;
            leaseTtl = s.leaseTtl;
            bandwidthLimit = s.bandwidthLimit;
            trashDays = s.trashDays;
        }

        /**
         * Sets the parallelism.
         *
         * @param n operations in flight
         * @return this builder
         */
        public Builder parallelism(int n) {
            parallelism = n;
            return this;
        }

        /**
         * Sets the attempts per operation.
         *
         * @param n attempts, the first included
         * @return this builder
         */
        public Builder retryAttempts(int n) {
            retryAttempts = n;
            return this;
        }

        /**
         * Sets the first retry delay.
         *
         * @param d the delay
         * @return this builder
         */
        public Builder retryInitialDelay(Duration d) {
            retryInitialDelay = d;
            return this;
        }

        /**
         * Sets the longest retry delay.
         *
         * @param d the delay
         * @return this builder
         */
        public Builder retryMaxDelay(Duration d) {
            retryMaxDelay = d;
            return this;
        }

        /**
         * Sets the delete guard's share.
         *
         * @param f from 0 to 1
         * @return this builder
         */
        public Builder deleteGuardMaxFraction(double f) {
            deleteGuardMaxFraction = f;
            return this;
        }

        /**
         * Sets the remote size below which the share guard does not apply.
         *
         * @param n files
         * @return this builder
         */
        public Builder deleteGuardMinFiles(long n) {
            deleteGuardMinFiles = n;
            return this;
        }

        /**
         * Sets the largest number of deletes.
         *
         * @param n files
         * @return this builder
         */
        public Builder deleteGuardMaxDeletes(long n) {
            deleteGuardMaxDeletes = n;
            return this;
        }

        /**
         * Sets how long the remote lease lasts without a renewal.
         *
         * @param d the time to live; zero takes no lease
         * @return this builder
         */
        public Builder leaseTtl(Duration d) {
            leaseTtl = d;
            return this;
        }

        /**
         * Sets the bandwidth limit of every run.
         *
         * @param bytesPerSecond bytes per second, 0 for no limit
         * @return this builder
         */
        public Builder bandwidthLimit(long bytesPerSecond) {
            bandwidthLimit = bytesPerSecond;
            return this;
        }

        /**
         * Sets how many days deleted and overwritten files stay in the trash.
         *
         * @param days days, 0 to keep nothing
         * @return this builder
         */
        public Builder trashDays(int days) {
            trashDays = days;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         */
        public EngineSettings build() {
            return new EngineSettings(parallelism, retryAttempts, retryInitialDelay, retryMaxDelay,
                    deleteGuardMaxFraction, deleteGuardMinFiles, deleteGuardMaxDeletes, leaseTtl, bandwidthLimit, trashDays);
        }
    }
}
