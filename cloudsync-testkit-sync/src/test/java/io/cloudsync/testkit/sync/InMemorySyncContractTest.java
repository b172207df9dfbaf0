package io.cloudsync.testkit.sync;

import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.testkit.InMemoryProviderFactory;
import io.cloudsync.testkit.ProviderUnderTest;
import java.util.UUID;
import org.junit.jupiter.api.TestInfo;

/** The engine over the {@code memory} provider keeps the sync contract. The assertions are the contract's own rules; this class supplies the fixture. */
class InMemorySyncContractTest extends SyncContract {

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                return new InMemoryProviderFactory();
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                return InMemoryProviderFactory.config("sync-" + UUID.randomUUID());
            }
        };
    }
}
