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

/** The contract over a resumable provider with {@link #flaw}; run only through EngineTestKit. */
public class FlawedResumeRun extends ProviderContract {

    static volatile ResumableMemoryFactory.Flaw flaw = ResumableMemoryFactory.Flaw.NONE;
    static volatile boolean withoutInterruption;

    private final ResumableMemoryFactory factory = new ResumableMemoryFactory(flaw);
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
                store = "flawed-" + UUID.randomUUID();
                return InMemoryProviderFactory.config(store);
            }

            @Override
            public ContractSettings settings() {
                return ContractSettings.defaults().withLargeFileBytes(256 * 1024);
            }

            @Override
            public Optional<UploadInterruption> uploadInterruption() {
                return withoutInterruption ? Optional.empty() : Optional.of(ResumableMemoryFactory.interruption(factory, store));
            }
        };
    }
}
