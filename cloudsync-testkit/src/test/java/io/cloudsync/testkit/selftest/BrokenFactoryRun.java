package io.cloudsync.testkit.selftest;

import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import io.cloudsync.testkit.ContractRule;
import io.cloudsync.testkit.ForwardingProvider;
import io.cloudsync.testkit.InMemoryProviderFactory;
import io.cloudsync.testkit.ProviderFactoryContract;
import io.cloudsync.testkit.ProviderUnderTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.TestInfo;

/** The factory contract over {@link #current} broken factory; run only through EngineTestKit. */
public class BrokenFactoryRun extends ProviderFactoryContract {

    /** Broken factories and the rule that must catch each. */
    enum BrokenFactory {
        NOT_REGISTERED(ContractRule.D1_01),
        BAD_ID(ContractRule.D1_02),
        SPI_TOO_NEW(ContractRule.D1_03),
        UNDESCRIBED_KEY(ContractRule.D1_04),
        VAGUE_MISSING_KEY(ContractRule.D1_05),
        SECRET_IN_MESSAGE(ContractRule.D1_06),
        SECRET_IN_TO_STRING(ContractRule.D1_06),
        ACCEPTS_UNKNOWN_KEYS(ContractRule.D1_07);

        final ContractRule caughtBy;

        BrokenFactory(ContractRule caughtBy) {
            this.caughtBy = caughtBy;
        }
    }

    static volatile BrokenFactory current;

    static final ConfigKey TOKEN = ConfigKey.secret("token", "Access token", true);

    /**
     * The factory of {@link #current}, registered for ServiceLoader in the test resources (NOT_REGISTERED hands out a
     * subclass of its own, which is not), so that each defect fails its own rule and no other.
     */
    public static class Factory implements ProviderFactory {

        private final BrokenFactory broken = current;

        /** For ServiceLoader. */
        public Factory() {
        }

        @Override
        public String id() {
            return broken == BrokenFactory.BAD_ID ? "Broken_Factory" : "broken-factory";
        }

        @Override
        public int spiVersion() {
            return broken == BrokenFactory.SPI_TOO_NEW ? SpiVersion.CURRENT + 1 : SpiVersion.CURRENT;
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public List<ConfigKey> configKeys() {
            return List.of(broken == BrokenFactory.UNDESCRIBED_KEY ? ConfigKey.required("store", " ")
                    : InMemoryProviderFactory.STORE, TOKEN);
        }

        @Override
        public Provider open(ProviderConfig config, Secrets secrets) {
            if (broken == BrokenFactory.ACCEPTS_UNKNOWN_KEYS) {
                // checks what it needs, and nothing else
                if (config.get("store").isEmpty()) {
                    throw new ProviderConfigurationException("the setting 'store' is missing");
                }
            } else {
                try {
                    config.requireValid(configKeys());
                } catch (ProviderConfigurationException e) {
                    boolean missing = config.get("store").isEmpty();
                    throw broken == BrokenFactory.VAGUE_MISSING_KEY && missing ? new ProviderConfigurationException("bad configuration") : e;
                }
            }
            Secret token = secrets.require(secretsKey() + ".token");
            if (broken == BrokenFactory.SECRET_IN_MESSAGE && !token.revealString().startsWith("real")) {
                throw new ProviderConfigurationException("token " + token.revealString() + " is not valid");
            }
            Provider memory = new InMemoryProviderFactory().open(InMemoryProviderFactory.config(
                    config.get("store").orElse("broken-factory")), Secrets.none());
            return new ForwardingProvider(memory) {
                @Override
                public String toString() {
                    return broken == BrokenFactory.SECRET_IN_TO_STRING ? "Provider[token=" + token.revealString() + ']' : "Provider";
                }
            };
        }
    }

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                return current == BrokenFactory.NOT_REGISTERED ? new Factory() { } : new Factory();
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                return InMemoryProviderFactory.config("broken-factory");
            }

            @Override
            public Secrets secrets() {
                return Secrets.of(Map.of("cloud_sync.broken-factory.token", Secret.of("real-token-0123456789")));
            }
        };
    }
}
