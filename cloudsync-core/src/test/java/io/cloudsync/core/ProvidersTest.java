package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.ProviderNotFoundException;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvidersTest {

    @TempDir
    Path dir;

    /** A loader that serves a chosen META-INF/services file and nothing else of that name. */
    private ClassLoader servingServices(String... classNames) throws IOException {
        Path file = dir.resolve("services-" + System.nanoTime());
        Files.writeString(file, String.join("\n", classNames) + "\n", StandardCharsets.UTF_8);
        URL url = file.toUri().toURL();
        return new ClassLoader(getClass().getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                if (name.equals("META-INF/services/" + ProviderFactory.class.getName())) {
                    return Collections.enumeration(List.of(url));
                }
                return super.getResources(name);
            }
        };
    }

    @Test
    void load_findsTheBuiltInLocalProvider() {
        Providers providers = Providers.load();

        assertThat(providers.ids()).contains("local");
        assertThat(providers.require("local")).isInstanceOf(LocalProviderFactory.class);
    }

    @Test
    void require_unknownId_listsFoundIdsAndTheDependencyToAdd() {
        Providers providers = Providers.of(new LocalProviderFactory());

        assertThatThrownBy(() -> providers.require("gdrive"))
                .isInstanceOf(ProviderNotFoundException.class)
                .hasMessageContaining("No cloudsync provider with id \"gdrive\". Found: [local].")
                .hasMessageContaining("Add io.cloudsync:cloudsync-provider-gdrive")
                .hasMessageContaining("META-INF/services/io.cloudsync.spi.ProviderFactory");
    }

    @Test
    void load_twoFactoriesWithOneId_failsNamingBoth() throws IOException {
        ClassLoader loader = servingServices(Alpha.class.getName(), AlphaAgain.class.getName());

        assertThatThrownBy(() -> Providers.load(loader))
                .isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("two providers claim the id \"alpha\"")
                .hasMessageContaining(Alpha.class.getName())
                .hasMessageContaining(AlphaAgain.class.getName());
    }

    @Test
    void load_brokenEntry_isReportedWithoutHidingTheOthers() throws IOException {
        ClassLoader loader = servingServices("com.example.DoesNotExist", Alpha.class.getName());

        Providers providers = Providers.load(loader);

        assertThat(providers.ids()).containsExactly("alpha");
        assertThat(providers.problems()).singleElement().asString().contains("com.example.DoesNotExist");
        assertThatThrownBy(() -> providers.require("beta")).hasMessageContaining("problem: ")
                .hasMessageContaining("com.example.DoesNotExist");
    }

    @Test
    void load_spiTooNew_isRefusedWithBothVersions() throws IOException {
        Providers providers = Providers.load(servingServices(FromTheFuture.class.getName()));

        assertThat(providers.ids()).isEmpty();
        assertThat(providers.problems()).singleElement().asString()
                .contains("implements SPI version " + (SpiVersion.CURRENT + 1))
                .contains("supports versions " + SpiVersion.OLDEST_SUPPORTED + " to " + SpiVersion.CURRENT)
                .contains("cloudsync-bom");
    }

    @Test
    void load_providerBuiltForSpi3_isRefusedNamingItsIdVersionWhatChangedAndWhatToDo() throws IOException {
        Providers providers = Providers.load(servingServices(FromSpi3.class.getName(), Alpha.class.getName()));

        assertThat(providers.ids()).containsExactly("alpha");
        assertThat(providers.problems()).singleElement().asString()
                .contains("provider \"old\"", FromSpi3.class.getName(), "built for SPI version 3")
                .contains("versions 4 to " + SpiVersion.CURRENT)
                .contains("metadata area", "replaces readManifest/writeManifest")
                .contains("rebuild the provider against cloudsync-api", "docs/PROVIDERS.md");
        assertThatThrownBy(() -> providers.require("old")).hasMessageContaining("built for SPI version 3");
    }

    @Test
    void with_explicitProviderBuiltForAnOlderSpi_isNotUsed() {
        Providers providers = Providers.of(new LocalProviderFactory()).with(new FromSpi3());

        assertThat(providers.ids()).containsExactly("local");
        assertThat(providers.problems()).singleElement().asString().contains("built for SPI version 3");
    }

    @Test
    void spiVersion_isFour_andOlderVersionsAreNoLongerSupported() {
        assertThat(SpiVersion.CURRENT).isEqualTo(4);
        assertThat(SpiVersion.OLDEST_SUPPORTED).isEqualTo(4);
        assertThat(new LocalProviderFactory().spiVersion()).isEqualTo(4);
    }

    @Test
    void load_thirdPartyClaimingAReservedId_isAnError() throws IOException {
        ClassLoader loader = servingServices(FakeS3.class.getName());

        assertThatThrownBy(() -> Providers.load(loader))
                .isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("provider id \"s3\" is reserved");
    }

    @Test
    void with_explicitFactory_replacesTheDiscoveredOne() {
        Providers providers = Providers.of(new LocalProviderFactory()).with(new Alpha());

        assertThat(providers.ids()).containsExactly("alpha", "local");
    }

    public static class Alpha implements ProviderFactory {
        @Override
        public String id() {
            return "alpha";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public List<ConfigKey> configKeys() {
            return List.of();
        }

        @Override
        public Provider open(ProviderConfig config, Secrets secrets) {
            throw new UnsupportedOperationException("discovery test double");
        }
    }

    public static class AlphaAgain extends Alpha {
    }

    public static class FromTheFuture extends Alpha {
        @Override
        public String id() {
            return "future";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT + 1;
        }
    }

    /** What a provider compiled against the SPI 3 api reports (the constant was inlined as 3). */
    public static class FromSpi3 extends Alpha {
        @Override
        public String id() {
            return "old";
        }

        @Override
        public int spiVersion() {
            return 3;
        }
    }

    public static class FakeS3 extends Alpha {
        @Override
        public String id() {
            return "s3";
        }
    }
}
