package io.cloudsync.testkit.selftest;

import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.testkit.ContractSettings;
import io.cloudsync.testkit.InMemoryProviderFactory;
import io.cloudsync.testkit.ProviderContract;
import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.testkit.UploadInterruption;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.TestInfo;

/** A correct resumable provider keeps every rule, R6.* included, with a chunk threshold declared. The assertions are the contract's own rules; this class supplies the fixture. */
class ResumableMemoryContractTest extends ProviderContract {

    private final ResumableMemoryFactory factory = new ResumableMemoryFactory(ResumableMemoryFactory.Flaw.NONE);
    private String store;

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                return factory;
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                store = "resumable-" + UUID.randomUUID();
                return InMemoryProviderFactory.config(store);
            }

            @Override
            public ContractSettings settings() {
                return ContractSettings.defaults().withLargeFileBytes(512 * 1024)
                        .withMultipartThresholdBytes(ResumableMemoryFactory.CHUNK).withListingReportsSha256(true);
            }

            @Override
            public Optional<UploadInterruption> uploadInterruption() {
                return Optional.of(ResumableMemoryFactory.interruption(factory, store));
            }
        };
    }
}
