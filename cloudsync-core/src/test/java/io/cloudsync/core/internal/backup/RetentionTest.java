package io.cloudsync.core.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.BackupException;
import io.cloudsync.core.RetentionPolicy;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** The pure keep-or-remove decision, on fixed timestamps (newest first, as the catalog orders them). */
class RetentionTest {

    private static List<Instant> times(String... isoNewestFirst) {
        return Arrays.stream(isoNewestFirst).map(Instant::parse).toList();
    }

    private static RetentionPolicy.Builder policy() {
        return RetentionPolicy.builder();
    }

    @Test
    void keepLast_keepsTheNNewest_andRemovesTheRest() {
        List<Instant> t = times("2026-12-05T10:00:00Z", "2026-12-04T10:00:00Z", "2026-12-03T10:00:00Z",
                "2026-12-02T10:00:00Z");

        assertThat(Retention.decide(policy().keepLast(2).build(), t))
                .containsExactly(List.of("last"), List.of("last"), List.of(), List.of());
    }

    @Test
    void keepLast_largerThanTheCount_keepsEverything() {
        List<Instant> t = times("2026-12-05T10:00:00Z", "2026-12-04T10:00:00Z");

        assertThat(Retention.decide(policy().keepLast(10).build(), t)).containsExactly(List.of("last"), List.of("last"));
    }

    @Test
    void emptyPolicy_allRulesZero_keepsEverything() {
        List<Instant> t = times("2026-12-05T10:00:00Z", "2026-12-04T10:00:00Z");

        assertThat(policy().keepLast(0).keepDaily(0).build().isEmpty()).isTrue();
        assertThat(Retention.decide(RetentionPolicy.none(), t))
                .containsExactly(List.of(Retention.NO_POLICY), List.of(Retention.NO_POLICY));
        assertThat(Retention.decide(RetentionPolicy.none(), List.of())).isEmpty();
    }

    @Test
    void keepDaily_countsOnlyDaysThatHaveBackups_andKeepsTheNewestOfEachDay() {
        // three backups on the 8th, none from the 4th to the 6th: the gap uses up no count
        List<Instant> t = times("2026-12-08T18:00:00Z", "2026-12-08T12:00:00Z", "2026-12-08T06:00:00Z",
                "2026-12-07T09:00:00Z", "2026-12-03T23:59:59Z", "2026-12-03T00:00:00Z", "2026-12-02T10:00:00Z",
                "2026-12-01T10:00:00Z");

        assertThat(Retention.decide(policy().keepDaily(3).build(), t)).containsExactly(
                List.of("daily 2026-12-08"), List.of(), List.of(),
                List.of("daily 2026-12-07"),
                List.of("daily 2026-12-03"), List.of(), List.of(), List.of());
    }

    @Test
    void keepDaily_withCountsLeftAtTheOldest_keepsTheOldestToo_asRestic() {
        List<Instant> t = times("2026-12-08T18:00:00Z", "2026-12-08T12:00:00Z", "2026-12-08T06:00:00Z");

        assertThat(Retention.decide(policy().keepDaily(5).build(), t))
                .containsExactly(List.of("daily 2026-12-08"), List.of(), List.of("daily 2026-12-08 (oldest)"));
        // with no count left, the oldest goes like any other
        assertThat(Retention.decide(policy().keepDaily(1).build(), t))
                .containsExactly(List.of("daily 2026-12-08"), List.of(), List.of());
    }

    @Test
    void daysAreUtc_whateverTheDefaultTimeZone() {
        TimeZone before = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati")); // UTC+14
            List<Instant> t = times("2026-12-02T00:30:00Z", "2026-12-01T23:30:00Z", "2026-12-01T11:00:00Z");

            assertThat(Retention.decide(policy().keepDaily(2).build(), t))
                    .containsExactly(List.of("daily 2026-12-02"), List.of("daily 2026-12-01"), List.of());
        } finally {
            TimeZone.setDefault(before);
        }
    }

    @Test
    void keepWeekly_usesIsoWeeks_mondayToSunday_acrossTheYearBoundary() {
        // Mon 2027-01-04 starts 2027-W01; Fri 2027-01-01 and Thu 2026-12-31 are both in 2026-W53;
        // Sun 2026-12-06 ends 2026-W49 and Mon 2026-12-07 starts 2026-W50
        List<Instant> t = times("2027-01-04T08:00:00Z", "2027-01-03T20:00:00Z", "2027-01-01T08:00:00Z",
                "2026-12-31T08:00:00Z", "2026-12-07T08:00:00Z", "2026-12-06T23:00:00Z", "2026-11-30T00:00:00Z");

        assertThat(Retention.decide(policy().keepWeekly(4).build(), t)).containsExactly(
                List.of("weekly 2027-W01"),
                List.of("weekly 2026-W53"), List.of(), List.of(),
                List.of("weekly 2026-W50"),
                List.of("weekly 2026-W49"), List.of());
    }

    @Test
    void keepMonthly_usesCalendarMonths() {
        List<Instant> t = times("2026-12-01T00:00:00Z", "2026-11-30T23:59:59Z", "2026-11-01T00:00:00Z",
                "2026-10-31T12:00:00Z", "2026-09-15T12:00:00Z");

        assertThat(Retention.decide(policy().keepMonthly(2).build(), t)).containsExactly(
                List.of("monthly 2026-12"), List.of("monthly 2026-11"), List.of(), List.of(), List.of());
    }

    @Test
    void rules_combineByUnion_eachKeptBackupListsEveryRuleThatKeepsIt() {
        List<Instant> t = times("2026-12-08T18:00:00Z", "2026-12-08T06:00:00Z", "2026-12-07T09:00:00Z",
                "2026-12-01T10:00:00Z", "2026-11-20T10:00:00Z", "2026-10-20T10:00:00Z");

        List<List<String>> d = Retention.decide(policy().keepLast(2).keepDaily(2).keepWeekly(2).keepMonthly(3).build(), t);

        assertThat(d).containsExactly(
                List.of("last", "daily 2026-12-08", "weekly 2026-W50", "monthly 2026-12"),
                List.of("last"),
                List.of("daily 2026-12-07"), // Monday 2026-12-07 is in the week already kept
                List.of("weekly 2026-W49"),
                List.of("monthly 2026-11"),
                List.of("monthly 2026-10"));
    }

    @Test
    void negativeCounts_areRefused_namingTheRule() {
        assertThatThrownBy(() -> policy().keepDaily(-1).build()).isInstanceOf(BackupException.class)
                .hasMessageContaining("keep_daily").hasMessageContaining("-1")
                .extracting(e -> ((BackupException) e).reason()).isEqualTo(BackupException.Reason.INVALID_ARGUMENT);
        assertThatThrownBy(() -> policy().keepLast(-3).build()).hasMessageContaining("keep_last");
    }

    @Test
    void policy_isAValue() {
        RetentionPolicy p = policy().keepLast(3).keepMonthly(12).build();

        assertThat(p).isEqualTo(p.toBuilder().build()).hasSameHashCodeAs(p.toBuilder().build())
                .isNotEqualTo(p.toBuilder().keepLast(4).build());
        assertThat(p).hasToString("keep-last 3, keep-monthly 12");
        assertThat(RetentionPolicy.none()).hasToString("no rule");
    }
}
