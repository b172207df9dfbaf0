package io.cloudsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ContractSettingsTest {

    @Test
    void withOverrides_systemPropertiesWinOverCode() {
        Properties p = new Properties();
        p.setProperty("cloudsync.testkit.consistencyWait", "PT5S");
        p.setProperty("cloudsync.testkit.largeFileBytes", "1048576");
        p.setProperty("cloudsync.testkit.listingReportsSha256", "true");

        ContractSettings s = ContractSettings.defaults().withLargeFileBytes(10).withOverrides(p);

        assertThat(s.consistencyWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.largeFileBytes()).isEqualTo(1048576);
        assertThat(s.listingReportsSha256()).isTrue();
        assertThat(s.multipartThresholdBytes()).isEmpty();
    }

    @Test
    void withOverrides_badValue_namesThePropertyAndTheValue() {
        Properties p = new Properties();
        p.setProperty("cloudsync.testkit.threads", "many");

        assertThatThrownBy(() -> ContractSettings.defaults().withOverrides(p))
                .hasMessageContaining("cloudsync.testkit.threads").hasMessageContaining("\"many\"");
    }

    @Test
    void withThreads_belowTwo_isRefused() {
        assertThatThrownBy(() -> ContractSettings.defaults().withThreads(1)).hasMessageContaining("threads must be at least 2");
    }
}
