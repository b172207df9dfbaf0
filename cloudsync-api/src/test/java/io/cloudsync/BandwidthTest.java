package io.cloudsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The RATE syntax: rclone's binary units, a bare number in KiB/s, 0 and off for no limit. */
class BandwidthTest {

    @ParameterizedTest(name = "{0} = {1} B/s")
    @CsvSource({
        "512k, 524288",
        "512K, 524288",
        "8M, 8388608",
        "1.5M, 1572864",
        "1G, 1073741824",
        "1t, 1099511627776",
        "100B, 100",
        "1b, 1",
        "512, 524288",
        "1.5, 1536",
        ".5M, 524288",
        "2MiB, 2097152",
        "2mib/s, 2097152",
        "8M/s, 8388608",
        "' 8M ', 8388608",
        "0, 0",
        "0M, 0",
        "0.0, 0",
        "off, 0",
        "OFF, 0",
    })
    void parse_acceptsRcloneForms(String rate, long bytesPerSecond) {
        assertThat(Bandwidth.parse(rate)).isEqualTo(bytesPerSecond);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "  ", "fast", "-1M", "+1M", "8X", "M", "1.M", "1,5M", "8 Mbit", "08:00,512k", "10M:100k",
        "1e6", "0x10", "unlimited"})
    void parse_refusesWhatIsNotARate_namingTheValueAndTheForms(String rate) {
        assertThatThrownBy(() -> Bandwidth.parse(rate)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + rate + "\"")
                .hasMessageContaining("512k, 8M, 1.5M or 1G")
                .hasMessageContaining("0 or off");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"8MB", "8mb", "1.5GB", "512kB/s"})
    void parse_refusesDecimalUnits_ratherThanGuessing(String rate) {
        assertThatThrownBy(() -> Bandwidth.parse(rate)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + rate + "\"").hasMessageContaining("binary").hasMessageContaining("8M");
    }

    @Test
    void parse_refusesLessThanAByte_andTooMuch_andNull() {
        assertThatThrownBy(() -> Bandwidth.parse("0.5B")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"0.5B\"").hasMessageContaining("less than one byte");
        assertThatThrownBy(() -> Bandwidth.parse("99999999999T")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
        assertThatThrownBy(() -> Bandwidth.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @ParameterizedTest(name = "{0} B/s = {1}")
    @CsvSource({"0, off", "1, 1B", "1000, 1000B", "1024, 1K", "524288, 512K", "1572864, 1.5M", "8388608, 8M",
        "1073741824, 1G", "1536, 1.5K", "1025, 1025B"})
    void format_writesWhatParseReadsBack(long bytesPerSecond, String text) {
        assertThat(Bandwidth.format(bytesPerSecond)).isEqualTo(text);
        assertThat(Bandwidth.parse(text)).isEqualTo(bytesPerSecond);
    }

    @Test
    void syncRequest_carriesTheLimit_emptyMeaningTheConfigurationsAndZeroMeaningNone() {
        SyncRequest unset = SyncRequest.builder("local", "nightly").build();
        SyncRequest none = unset.toBuilder().bandwidthLimit(0).build();
        SyncRequest limited = unset.toBuilder().bandwidthLimit(Bandwidth.parse("8M")).build();

        assertThat(unset.bandwidthLimit()).isEmpty();
        assertThat(none.bandwidthLimit()).hasValue(0);
        assertThat(limited.bandwidthLimit()).hasValue(8L << 20);
        assertThat(limited.toBuilder().build()).isEqualTo(limited).hasSameHashCodeAs(limited);
        assertThat(limited).isNotEqualTo(unset).isNotEqualTo(none);
        assertThat(limited.toString()).contains("bandwidthLimit=8M");
        assertThatThrownBy(() -> unset.toBuilder().bandwidthLimit(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bandwidthLimit").hasMessageContaining("-1");
    }
}
