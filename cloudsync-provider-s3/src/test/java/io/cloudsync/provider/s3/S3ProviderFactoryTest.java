package io.cloudsync.provider.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class S3ProviderFactoryTest {

    private final S3ProviderFactory factory = new S3ProviderFactory();

    private static ProviderConfig.Builder valid() {
        return ProviderConfig.builder().service("backup").put("bucket", "my-bucket").put("endpoint_url", "http://127.0.0.1:1");
    }

    private static Secrets secret(String json) {
        return Secrets.of(Map.of("cloud_sync.s3", Secret.of(json)));
    }

    @Test
    void serviceLoader_findsTheFactoryUnderIdS3() {
        assertThat(ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.id().equals("s3")).map(Object::getClass).toList()).containsExactly(S3ProviderFactory.class);
        assertThat(factory.spiVersion()).isEqualTo(SpiVersion.CURRENT);
        assertThat(factory.secretsKey()).isEqualTo("cloud_sync.s3");
        assertThat(factory.capabilities()).containsExactlyInAnyOrder(Capability.SERVER_SHA256,
                Capability.CONDITIONAL_METADATA_PUT, Capability.RESUMABLE_UPLOAD, Capability.LISTING,
                Capability.SERVER_SIDE_COPY);
        assertThat(factory.configKeys()).filteredOn(ConfigKey::required).extracting(ConfigKey::name).containsExactly("bucket");
    }

    @Test
    void open_withValidSettings_touchesNoNetworkAndCloses() {
        Provider p = factory.open(valid().build(), secret("{\"access_key_id\":\"a\",\"secret_access_key\":\"b\"}"));
        assertThat(p.toString()).contains("my-bucket").doesNotContain("\"b\"");
        p.close();
        p.close();
    }

    @Test
    void open_withoutBucket_namesTheKey() {
        assertThatThrownBy(() -> factory.open(ProviderConfig.builder().service("backup").build(), Secrets.none()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("bucket");
    }

    @Test
    void open_withMisspelledKey_namesIt() {
        assertThatThrownBy(() -> factory.open(valid().put("endpoint", "http://x").build(), Secrets.none()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("endpoint")
                .hasMessageContaining("endpoint_url");
    }

    @Test
    void open_withBadEndpoint_namesTheKeyWithoutEchoingThePassword() {
        assertThatThrownBy(() -> factory.open(valid().put("endpoint_url", "http://user:hunter2@host:9000").build(), Secrets.none()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("endpoint_url")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void open_withPartSizeBelowTheS3Minimum_namesTheKey() {
        assertThatThrownBy(() -> factory.open(valid().put("part_size", "1000").build(), Secrets.none()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("part_size").hasMessageContaining("5242880");
    }

    @Test
    void open_withBadPathStyleOrPrefix_namesTheKey() {
        assertThatThrownBy(() -> factory.open(valid().put("path_style", "yes").build(), Secrets.none()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("path_style");
        assertThatThrownBy(() -> factory.open(valid().put("prefix", "a/../b").build(), Secrets.none()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("prefix");
    }

    @Test
    void open_withVaultEntryThatIsNotJson_namesTheKeyButNeverTheSecret() {
        assertThatThrownBy(() -> factory.open(valid().build(), secret("AKIAEXAMPLE:very-secret-value")))
                .isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("cloud_sync.s3").hasMessageContaining("access_key_id")
                .hasMessageNotContaining("very-secret-value").hasNoCause();
    }

    @Test
    void open_withVaultEntryMissingAField_namesTheField() {
        assertThatThrownBy(() -> factory.open(valid().build(), secret("{\"access_key_id\":\"AKIAEXAMPLE\"}")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("secret_access_key")
                .hasMessageNotContaining("AKIAEXAMPLE");
        assertThatThrownBy(() -> factory.open(valid().build(),
                secret("{\"access_key_id\":\"a\",\"secret_access_key\":\"b\",\"secret_acces_key\":\"c\"}")))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("secret_acces_key");
    }

    @Test
    void open_withAwsSessionTokenField_acceptsItAsSessionToken() {
        Provider p = factory.open(valid().build(),
                secret("{\"access_key_id\":\"a\",\"secret_access_key\":\"b\",\"aws_session_token\":\"t\"}"));
        p.close();
        assertThat(factory.configKeys()).extracting(ConfigKey::name).contains("session_token", "aws_session_token");
    }

    @Test
    void open_withBothTokenNamesDiffering_refusesWithoutQuotingEither() {
        assertThatThrownBy(() -> factory.open(valid().build(), secret("{\"access_key_id\":\"a\",\"secret_access_key\":\"b\","
                + "\"session_token\":\"token-one\",\"aws_session_token\":\"token-two\"}")))
                .isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("session_token").hasMessageContaining("aws_session_token")
                .hasMessageNotContaining("token-one").hasMessageNotContaining("token-two");
        Provider same = factory.open(valid().build(), secret("{\"access_key_id\":\"a\",\"secret_access_key\":\"b\","
                + "\"session_token\":\"t\",\"aws_session_token\":\"t\"}"));
        same.close();
    }

    @Test
    void open_withACredentialAmongPlainSettings_refusesAndPointsAtTheVault() {
        for (String name : new String[] {"aws_session_token", "session_token", "secret_access_key"}) {
            assertThatThrownBy(() -> factory.open(valid().put(name, "hunter2").build(), Secrets.none()))
                    .isInstanceOf(ProviderConfigurationException.class)
                    .hasMessageContaining("'" + name + "' is a credential").hasMessageContaining("cloudsync vault set cloud_sync.s3")
                    .hasMessageNotContaining("hunter2");
        }
    }
}
