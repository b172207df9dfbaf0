package io.cloudsync.core.internal.backup;

import io.cloudsync.core.RetentionPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The keep-or-remove decision of a {@link RetentionPolicy}: a pure function of the policy and the
 * archives' times, nothing read or written. It follows restic's {@code forget}: the archives are
 * walked newest first; each rule with counts left keeps an archive whose bucket (itself, its UTC day,
 * ISO week or month) differs from that of the archive the rule kept last, and uses up one count;
 * a day, week or month rule that still has counts at the oldest archive keeps that one too.
 */
public final class Retention {

    /** The reason of every archive under an empty policy. */
    public static final String NO_POLICY = "no policy";

    private record Rule(String name, int count, Function<Instant, String> bucket) {
    }

    private Retention() {
    }

    /**
     * Decides which archives a policy keeps.
     *
     * @param policy the policy; an empty one keeps every archive with reason {@value #NO_POLICY}
     * @param newestFirst the archives' times, newest first (the order of the catalog)
     * @return for each time, in the same order, why it is kept ({@code "last"}, {@code "daily 2026-12-01"},
     *     {@code "weekly 2026-W49"}, {@code "monthly 2026-12"}, with {@code " (oldest)"} when kept as the
     *     oldest archive of a rule with counts left); an empty list means remove it
     */
    public static List<List<String>> decide(RetentionPolicy policy, List<Instant> newestFirst) {
        Objects.requireNonNull(policy, "policy");
        List<List<String>> out = new ArrayList<>(newestFirst.size());
        if (policy.isEmpty()) {
            newestFirst.forEach(t -> out.add(List.of(NO_POLICY)));
            return out;
        }
        List<Rule> rules = List.of(
                new Rule("last", policy.keepLast(), null),
                new Rule("daily", policy.keepDaily(), Retention::day),
                new Rule("weekly", policy.keepWeekly(), Retention::week),
                new Rule("monthly", policy.keepMonthly(), Retention::month));
        int[] left = rules.stream().mapToInt(Rule::count).toArray();
        String[] lastBucket = new String[rules.size()];
        for (int i = 0; i < newestFirst.size(); i++) {
            Instant time = Objects.requireNonNull(newestFirst.get(i), "time");
            boolean oldest = i == newestFirst.size() - 1;
            List<String> reasons = new ArrayList<>();
            for (int r = 0; r < rules.size(); r++) {
                if (left[r] <= 0) {
                    continue;
                }
                Rule rule = rules.get(r);
                if (rule.bucket() == null) {
                    reasons.add(rule.name());
                    left[r]--;
                    continue;
                }
                String bucket = rule.bucket().apply(time);
                if (!bucket.equals(lastBucket[r])) {
                    reasons.add(rule.name() + ' ' + bucket);
                } else if (oldest) {
                    reasons.add(rule.name() + ' ' + bucket + " (oldest)");
                } else {
                    continue;
                }
                lastBucket[r] = bucket;
                left[r]--;
            }
            out.add(List.copyOf(reasons));
        }
        return out;
    }

    private static LocalDate date(Instant time) {
        return LocalDate.ofInstant(time, ZoneOffset.UTC);
    }

    static String day(Instant time) {
        return date(time).toString();
    }

    static String week(Instant time) {
        LocalDate d = date(time);
        return String.format(java.util.Locale.ROOT, "%04d-W%02d", d.get(IsoFields.WEEK_BASED_YEAR),
                d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    static String month(Instant time) {
        LocalDate d = date(time);
        return String.format(java.util.Locale.ROOT, "%04d-%02d", d.getYear(), d.getMonthValue());
    }
}
