package io.cloudsync.testkit.selftest;

import io.cloudsync.Secret;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import io.cloudsync.testkit.ContractRule;
import io.cloudsync.testkit.ContractSettings;
import io.cloudsync.testkit.InMemoryProviderFactory;
import io.cloudsync.testkit.ProviderContract;
import io.cloudsync.testkit.ProviderUnderTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.TestInfo;

/**
 * The contract over {@link #current} broken provider. Run only through {@code EngineTestKit} by
 * {@link ProviderContractSelfTest}, which sets the fields first (the name keeps surefire away).
 */
public class BrokenProviderRun extends ProviderContract {

    static volatile BrokenProvider current;
    static volatile Map<ContractRule, String> knownViolations = Map.of();

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                BrokenProvider broken = current;
                return new ProviderFactory() {
                    @Override
                    public String id() {
                        return "broken-" + broken.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                    }

                    @Override
                    public int spiVersion() {
                        return SpiVersion.CURRENT;
                    }

                    @Override
                    public Set<Capability> capabilities() {
                        return broken.capabilities();
                    }

                    @Override
                    public List<ConfigKey> configKeys() {
                        return List.of(InMemoryProviderFactory.STORE);
                    }

                    @Override
                    public Provider open(ProviderConfig config, Secrets secrets) {
                        return broken.open(config, secrets);
                    }
                };
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                return InMemoryProviderFactory.config("broken-" + UUID.randomUUID());
            }

            @Override
            public Secrets secrets() {
                return Secrets.of(Map.of("cloud_sync.broken.token", Secret.of(BrokenProvider.TOKEN)));
            }

            @Override
            public java.util.Optional<Secrets> refusedSecrets() {
                return java.util.Optional.of(Secrets.of(Map.of("cloud_sync.broken.token", Secret.of(BrokenProvider.REFUSED_TOKEN))));
            }

            @Override
            public java.util.Optional<io.cloudsync.testkit.TransientFault> transientFault() {
                return java.util.Optional.of(config -> FlakyBackend.failNext(config.require(InMemoryProviderFactory.STORE.name())));
            }

            @Override
            public ContractSettings settings() {
                return current.settings();
            }

            @Override
            public Map<ContractRule, String> knownViolations() {
                return knownViolations;
            }
        };
    }
}
