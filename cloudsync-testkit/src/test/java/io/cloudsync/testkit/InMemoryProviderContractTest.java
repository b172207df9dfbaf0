package io.cloudsync.testkit;

import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;

/** The memory provider keeps the whole contract, with no known violation. The assertions are the contract's own rules; this class supplies the fixture. */
class InMemoryProviderContractTest extends ProviderContract {

    private String store;

    @AfterEach
    void dropStore() {
        if (store != null) {
            InMemoryProviderFactory.dropStore(store);
        }
    }

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                return new InMemoryProviderFactory();
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                store = "contract-" + UUID.randomUUID();
                return InMemoryProviderFactory.config(store);
            }

            @Override
            public ContractSettings settings() {
                return ContractSettings.defaults().withListingReportsSha256(true);
            }
        };
    }
}
