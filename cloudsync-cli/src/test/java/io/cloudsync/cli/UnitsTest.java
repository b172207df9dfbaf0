package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void parseSize_unitsAndFractions_giveBytes() {
        assertThat(Units.parseSize("1500")).isEqualTo(1500);
        assertThat(Units.parseSize("10MB")).isEqualTo(10_000_000);
        assertThat(Units.parseSize("10mb")).isEqualTo(10_000_000);
        assertThat(Units.parseSize("1.5GB")).isEqualTo(1_500_000_000L);
        assertThat(Units.parseSize("512KiB")).isEqualTo(512 * 1024);
        assertThat(Units.parseSize("2M")).isEqualTo(2_000_000);
        assertThat(Units.parseSize("1 GiB")).isEqualTo(1L << 30);
    }

    @Test
    void parseSize_garbage_throwsWithAnExample() {
        assertThatThrownBy(() -> Units.parseSize("ten")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("such as 1500, 10MB");
        assertThatThrownBy(() -> Units.parseSize("99999999999TB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void parseDuration_unitsAndIso_giveDurations() {
        assertThat(Units.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Units.parseDuration("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Units.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.parseDuration("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(Units.parseDuration("PT2S")).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void parseDuration_garbageOrNegative_throws() {
        assertThatThrownBy(() -> Units.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("30s, 5m");
        assertThatThrownBy(() -> Units.parseDuration("PT-1S")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void bytesAndDuration_print_readably() {
        assertThat(Units.bytes(999)).isEqualTo("999 B");
        assertThat(Units.bytes(1234)).isEqualTo("1.2 KB");
        assertThat(Units.bytes(10_000_000)).isEqualTo("10.0 MB");
        assertThat(Units.duration(Duration.ofMillis(250))).isEqualTo("0.25 s");
        assertThat(Units.duration(Duration.ofSeconds(185))).isEqualTo("3 min 5 s");
    }
}
