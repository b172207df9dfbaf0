package io.cloudsync.provider.gdrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class GoogleDriveProviderFactoryTest {

    private final GoogleDriveProviderFactory factory = new GoogleDriveProviderFactory();
    private final ProviderConfig.Builder minimal = ProviderConfig.builder().put("parent_id", "p").put("manifest_parent_id", "m");

    @Test
    void serviceLoader_findsTheFactoryUnderIdGdrive() {
        assertThat(ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::type))
                .contains(GoogleDriveProviderFactory.class);
        assertThat(factory.id()).isEqualTo("gdrive");
        assertThat(factory.spiVersion()).isEqualTo(SpiVersion.CURRENT);
        // no CONDITIONAL_METADATA_PUT: Drive has no compare-and-set
        assertThat(factory.capabilities()).containsExactlyInAnyOrder(Capability.SERVER_SHA256,
                Capability.RESUMABLE_UPLOAD, Capability.LISTING, Capability.SERVER_SIDE_COPY);
        assertThat(factory.configKeys()).extracting(ConfigKey::name).contains("parent_id", "manifest_parent_id",
                "scopes", "root_url", "supports_all_drives", "credentials");
    }

    @Test
    void open_withoutParentId_namesTheSetting() {
        ProviderConfig config = ProviderConfig.builder().put("manifest_parent_id", "m").build();
        assertThatThrownBy(() -> factory.open(config, Secrets.none()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("parent_id");
    }

    @Test
    void open_withoutCredentials_namesTheVaultKey() {
        assertThatThrownBy(() -> factory.open(minimal.build(), Secrets.none()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("cloud_sync.gdrive.credentials");
    }

    @Test
    void open_credentialsNotAKeyFile_saysWhatIsExpectedWithoutEchoingTheValue() {
        String secretValue = "{\"type\":\"service_account\",\"private_key\":\"TOPSECRETVALUE\"}";
        Secrets secrets = Secrets.of(Map.of("cloud_sync.gdrive.credentials", Secret.of(secretValue)));
        assertThatThrownBy(() -> factory.open(minimal.build(), secrets))
                .isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("service-account key file")
                .hasMessageNotContaining("TOPSECRETVALUE")
                .hasNoCause();
    }

    @Test
    void open_badSettings_areRejectedWithTheValue() {
        Secrets none = Secrets.none();
        assertThatThrownBy(() -> factory.open(minimal.put("chunk_size", "1000000").build(), none))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("262144");
        assertThatThrownBy(() -> factory.open(minimal.put("chunk_size", "262144").put("root_url", "ftp://x").build(), none))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("root_url");
        assertThatThrownBy(() -> factory.open(ProviderConfig.builder().put("parent_id", "p").put("manifest_parent_id", "m")
                        .put("bucket", "b").build(), none))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("bucket");
    }

    @Test
    void retryPolicy_isGooglesBackoffUnlessATestScalesItDown() {
        ProviderConfig plain = ProviderConfig.builder().put("parent_id", "p").put("manifest_parent_id", "m").build();
        io.cloudsync.spi.RetryPolicy google = io.cloudsync.provider.gdrive.internal.DriveSettings.from(plain).retryPolicy();
        assertThat(google).isEqualTo(io.cloudsync.provider.gdrive.internal.DriveSettings.RETRY_POLICY);
        // from 1-2 s up to 32-64 s, and never less than a minute and a half in all
        assertThat(google.step(1)).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(google.step(6)).isEqualTo(java.time.Duration.ofSeconds(64));
        assertThat(google.minimumTotalWait()).isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(90));
        ProviderConfig halved = ProviderConfig.builder().put("parent_id", "p").put("manifest_parent_id", "m")
                .put("retry_delay_scale", "0.5").build();
        assertThat(io.cloudsync.provider.gdrive.internal.DriveSettings.from(halved).retryPolicy())
                .isEqualTo(new io.cloudsync.spi.RetryPolicy(8, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(32)));
        ProviderConfig wrong = ProviderConfig.builder().put("parent_id", "p").put("manifest_parent_id", "m")
                .put("retry_delay_scale", "2").build();
        assertThatThrownBy(() -> factory.open(wrong, Secrets.none()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("retry_delay_scale");
    }
}
