package io.cloudsync.core.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Timestamps} against the JDK's own {@code Instant.toString()} and {@code Instant.parse}. */
class TimestampsTest {

    private static final long YEAR_0 = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

    @Test
    void format_equalsInstantToString_forEdgesAndManyRandomInstants() {
        List<Instant> edges = List.of(Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(-1, 500_000_000),
                Instant.ofEpochSecond(YEAR_0), Instant.ofEpochSecond(YEAR_0 - 1, 999_999_999),
                Instant.ofEpochSecond(YEAR_10000 - 1, 999_999_999), Instant.ofEpochSecond(YEAR_10000),
                Instant.parse("2024-02-29T23:59:59.000000001Z"), Instant.parse("2023-03-28T10:40:00.100Z"),
                Instant.parse("2023-03-28T10:40:00.000100Z"), Instant.parse("1969-12-31T23:59:59.999999Z"),
                Instant.MIN, Instant.MAX);
        for (Instant t : edges) {
            assertThat(Timestamps.format(t)).as("format of %s", t).isEqualTo(t.toString());
        }
        SplittableRandom random = new SplittableRandom(20261125);
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(YEAR_0 - 86_400L * 800, YEAR_10000 + 86_400L * 800);
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(random.nextInt(10) == 0 ? seconds - seconds % 60 : seconds, nanos);
            String text = t.toString();
            assertThat(Timestamps.format(t)).as("format of %s", text).isEqualTo(text);
            Instant parsed = Timestamps.parse(text);
            if (parsed != null) {
                assertThat(parsed).as("parse of %s", text).isEqualTo(t);
            } else {
                assertThat(t.getEpochSecond() < YEAR_0 || t.getEpochSecond() >= YEAR_10000)
                        .as("only years outside 0000-9999 are left to the JDK: %s", text).isTrue();
            }
        }
    }

    @Test
    void parse_acceptsAnyFractionLengthAndRefusesOtherForms() {
        assertThat(Timestamps.parse("2024-01-31T12:00:00.5Z")).isEqualTo(Instant.parse("2024-01-31T12:00:00.5Z"));
        assertThat(Timestamps.parse("2024-01-31T12:00:00.12345Z")).isEqualTo(Instant.parse("2024-01-31T12:00:00.12345Z"));
        for (String other : List.of("2024-02-30T00:00:00Z", "2024-01-31T24:00:00Z", "2024-01-31 12:00:00Z",
                "2024-01-31T12:00:00+01:00", "2024-01-31T12:00:00.Z", "2024-01-31T12:00:00.1234567890Z", "x")) {
            assertThat(Timestamps.parse(other)).as(other).isNull();
        }
    }
}
