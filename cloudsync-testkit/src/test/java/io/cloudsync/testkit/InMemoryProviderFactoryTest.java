package io.cloudsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.Secrets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InMemoryProviderFactoryTest {

    private final InMemoryProviderFactory factory = new InMemoryProviderFactory();

    @Test
    void open_sameStoreName_sharesState_dropStartsOver() {
        String store = "shared-" + UUID.randomUUID();
        try (Provider a = factory.open(InMemoryProviderFactory.config(store), Secrets.none())) {
            a.putMetadata("manifests/s.json", new byte[] {1}, MetadataPrecondition.none());
        }
        try (Provider b = factory.open(InMemoryProviderFactory.config(store), Secrets.none())) {
            assertThat(b.getMetadata("manifests/s.json")).isPresent();
        }
        InMemoryProviderFactory.dropStore(store);
        try (Provider c = factory.open(InMemoryProviderFactory.config(store), Secrets.none())) {
            assertThat(c.getMetadata("manifests/s.json")).isEmpty();
        }
    }

    @Test
    void open_withAnotherToken_failsWithAuthenticationAndNoTokenInTheMessage() {
        String store = "token-" + UUID.randomUUID();
        factory.open(InMemoryProviderFactory.config(store), tokens("first-secret-token")).close();

        assertThatThrownBy(() -> factory.open(InMemoryProviderFactory.config(store), tokens("second-secret-token")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.AUTHENTICATION))
                .hasMessageContaining("cloud_sync.memory.token")
                .hasMessageNotContaining("secret-token");
        InMemoryProviderFactory.dropStore(store);
    }

    @Test
    void open_withoutStore_namesTheKey() {
        assertThatThrownBy(() -> factory.open(io.cloudsync.spi.ProviderConfig.builder().build(), Secrets.none()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("store");
    }

    @Test
    void closedProvider_refusesWork() {
        Provider p = factory.open(InMemoryProviderFactory.config("closed-" + UUID.randomUUID()), Secrets.none());
        p.close();

        assertThatThrownBy(() -> p.getMetadata("manifests/s.json")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void isFoundByServiceLoader() {
        assertThat(java.util.ServiceLoader.load(io.cloudsync.spi.ProviderFactory.class).stream().map(s -> s.type().getName()))
                .contains(InMemoryProviderFactory.class.getName());
    }

    private static Secrets tokens(String token) {
        return Secrets.of(Map.of("cloud_sync.memory.token", Secret.of(token)));
    }
}
