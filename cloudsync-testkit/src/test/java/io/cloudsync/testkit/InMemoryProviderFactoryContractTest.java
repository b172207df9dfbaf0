package io.cloudsync.testkit;

import io.cloudsync.Secret;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.TestInfo;

/** The memory provider's factory keeps the factory contract, secrets included. The assertions are the contract's own rules; this class supplies the fixture. */
class InMemoryProviderFactoryContractTest extends ProviderFactoryContract {

    private final String store = "factory-contract-" + UUID.randomUUID();

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                return new InMemoryProviderFactory();
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                return InMemoryProviderFactory.config(store);
            }

            @Override
            public Secrets secrets() {
                return Secrets.of(Map.of("cloud_sync.memory.token", Secret.of("real-token-value-123")));
            }
        };
    }
}
