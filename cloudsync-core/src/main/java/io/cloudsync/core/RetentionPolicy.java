package io.cloudsync.core;

import io.cloudsync.BackupException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which backups to keep, after restic's {@code forget} policy (see docs/BACKUPS.md, "Retention").
 * Each rule keeps some archives; an archive kept by any rule is kept, every other one is removed.
 *
 * <ul>
 *   <li>{@link #keepLast()} {@code n}: the {@code n} newest archives.</li>
 *   <li>{@link #keepDaily()} {@code n}: for each of the last {@code n} days that have archives, the
 *       newest archive of that day.</li>
 *   <li>{@link #keepWeekly()} {@code n}: the same for ISO-8601 weeks (Monday to Sunday).</li>
 *   <li>{@link #keepMonthly()} {@code n}: the same for calendar months.</li>
 * </ul>
 *
 * <p>Days, weeks and months are those of UTC, as are the times in archive names. As in restic 0.17,
 * when a day, week or month rule has counts left after the oldest archive, the oldest archive is
 * kept too, so that the history kept is as long as the policy allows. A rule of {@code 0} is off; a
 * policy whose rules are all off is {@linkplain #isEmpty() empty} and keeps every archive.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class RetentionPolicy {

    private static final RetentionPolicy NONE = new RetentionPolicy(0, 0, 0, 0);

    private final int keepLast;
    private final int keepDaily;
    private final int keepWeekly;
    private final int keepMonthly;

    private RetentionPolicy(int keepLast, int keepDaily, int keepWeekly, int keepMonthly) {
        this.keepLast = requireCount("keep_last", keepLast);
        this.keepDaily = requireCount("keep_daily", keepDaily);
        this.keepWeekly = requireCount("keep_weekly", keepWeekly);
        this.keepMonthly = requireCount("keep_monthly", keepMonthly);
    }

    private static int requireCount(String rule, int n) {
        if (n < 0) {
            throw new BackupException(BackupException.Reason.INVALID_ARGUMENT, rule + " must be 0 (off) or more, was " + n);
        }
        return n;
    }

    /**
     * The empty policy: every rule off, every archive kept.
     *
     * @return the empty policy, never {@code null}
     */
    public static RetentionPolicy none() {
        return NONE;
    }

    /**
     * Starts a policy with every rule off.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this policy's rules.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().keepLast(keepLast).keepDaily(keepDaily).keepWeekly(keepWeekly).keepMonthly(keepMonthly);
    }

    /**
     * How many of the newest archives to keep.
     *
     * @return 0 (off) or more
     */
    public int keepLast() {
        return keepLast;
    }

    /**
     * For how many of the last days that have archives to keep the newest archive of the day (UTC).
     *
     * @return 0 (off) or more
     */
    public int keepDaily() {
        return keepDaily;
    }

    /**
     * For how many of the last ISO weeks that have archives to keep the newest archive of the week (UTC).
     *
     * @return 0 (off) or more
     */
    public int keepWeekly() {
        return keepWeekly;
    }

    /**
     * For how many of the last calendar months that have archives to keep the newest archive of the month (UTC).
     *
     * @return 0 (off) or more
     */
    public int keepMonthly() {
        return keepMonthly;
    }

    /**
     * Whether every rule is off; an empty policy keeps every archive.
     *
     * @return true when no rule is set
     */
    public boolean isEmpty() {
        return keepLast == 0 && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetentionPolicy p && p.keepLast == keepLast && p.keepDaily == keepDaily
                && p.keepWeekly == keepWeekly && p.keepMonthly == keepMonthly;
    }

    @Override
    public int hashCode() {
        return ((keepLast * 31 + keepDaily) * 31 + keepWeekly) * 31 + keepMonthly;
    }

    /**
     * The rules that are on, such as {@code keep-last 3, keep-daily 7}, or {@code no rule}.
     *
     * @return a short description for messages
     */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (keepLast > 0) {
            parts.add("keep-last " + keepLast);
        }
        if (keepDaily > 0) {
            parts.add("keep-daily " + keepDaily);
        }
        if (keepWeekly > 0) {
            parts.add("keep-weekly " + keepWeekly);
        }
        if (keepMonthly > 0) {
            parts.add("keep-monthly " + keepMonthly);
        }
        return parts.isEmpty() ? "no rule" : String.join(", ", parts);
    }

    /** Builds a {@link RetentionPolicy}; every rule starts off (0). Not thread-safe. */
    public static final class Builder {
        private int keepLast;
        private int keepDaily;
        private int keepWeekly;
        private int keepMonthly;

        private Builder() {
        }

        /**
         * Sets {@link RetentionPolicy#keepLast()}.
         *
         * @param n 0 (off) or more
         * @return this builder
         */
        public Builder keepLast(int n) {
            this.keepLast = n;
            return this;
        }

        /**
         * Sets {@link RetentionPolicy#keepDaily()}.
         *
         * @param n 0 (off) or more
         * @return this builder
         */
        public Builder keepDaily(int n) {
            this.keepDaily = n;
            return this;
        }

        /**
         * Sets {@link RetentionPolicy#keepWeekly()}.
         *
         * @param n 0 (off) or more
         * @return this builder
         */
        public Builder keepWeekly(int n) {
            this.keepWeekly = n;
            return this;
        }

        /**
         * Sets {@link RetentionPolicy#keepMonthly()}.
         *
         * @param n 0 (off) or more
         * @return this builder
         */
        public Builder keepMonthly(int n) {
            this.keepMonthly = n;
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the immutable policy
         * @throws BackupException ({@code INVALID_ARGUMENT}) when a rule is negative, naming it
         */
        public RetentionPolicy build() {
            return new RetentionPolicy(keepLast, keepDaily, keepWeekly, keepMonthly);
        }
    }
}
