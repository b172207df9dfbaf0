package io.cloudsync.testkit.selftest;

import io.cloudsync.Secret;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import io.cloudsync.testkit.ForwardingProvider;
import io.cloudsync.testkit.InMemoryProviderFactory;
import io.cloudsync.testkit.ProviderFactoryContract;
import io.cloudsync.testkit.ProviderUnderTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.TestInfo;

/**
 * The factory contract over a backend that fixes its credentials on first use (an encrypted store, a
 * fixture server that keeps the first token it sees), with one shared location as such a fixture
 * gives; run only through EngineTestKit.
 */
public class FirstUseCredentialsRun extends ProviderFactoryContract {

    static final String STORE = "first-use-credentials";
    static final String REAL_TOKEN = "real-first-use-token-0123456789";

    /** The token each store was first opened with. */
    static final Map<String, String> FIXED = new ConcurrentHashMap<>();

    /** When set, a refusal quotes the token it refused: the leak D1.06 must catch. */
    static volatile boolean quotesRefusedToken;

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                return new FirstUseFactory();
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                return InMemoryProviderFactory.config(STORE);
            }

            @Override
            public Secrets secrets() {
                return Secrets.of(Map.of("cloud_sync.first-use.token", Secret.of(REAL_TOKEN)));
            }
        };
    }

    private static final class FirstUseFactory implements ProviderFactory {

        static final ConfigKey TOKEN = ConfigKey.secret("token", "Access token, fixed by the first open", true);

        @Override
        public String id() {
            return "first-use";
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
            return List.of(InMemoryProviderFactory.STORE, TOKEN);
        }

        @Override
        public Provider open(ProviderConfig config, Secrets secrets) {
            config.requireValid(configKeys());
            String store = config.require("store");
            String token = secrets.require(secretsKey() + ".token").revealString();
            String fixed = FIXED.computeIfAbsent(store, s -> token);
            if (!fixed.equals(token)) {
                throw new ProviderException(ProviderException.Kind.AUTHENTICATION, quotesRefusedToken
                        ? "token " + token + " is not the one store '" + store + "' was created with"
                        : "the token is not the one store '" + store + "' was created with");
            }
            return new ForwardingProvider(new InMemoryProviderFactory().open(InMemoryProviderFactory.config(store),
                    Secrets.none())) {
                @Override
                public String toString() {
                    return "FirstUseProvider[" + store + ']';
                }
            };
        }
    }
}
