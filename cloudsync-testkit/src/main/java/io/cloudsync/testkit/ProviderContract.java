package io.cloudsync.testkit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The whole provider contract: what every {@link io.cloudsync.spi.Provider} must do so that the
 * engine can trust it with someone's files. A provider author describes the provider once in a
 * {@link ProviderUnderTest}, extends this class in a test and runs it with JUnit Jupiter:
 *
 * <pre>{@code
 * class MyProviderContractTest extends ProviderContract {
 *     @Override protected ProviderUnderTest subject() { return new MyProviderUnderTest(); }
 * }
 * }</pre>
 *
 * <p>It runs every rule family as a nested test class: {@link MetadataContract} (R1, R5),
 * {@link FileContract} (R2, R3, R4, R8), {@link ResumeContract} (R6), {@link ListingContract}
 * (R7), {@link LifecycleContract} (R9) and {@link CopyContract} (R10). An author who wants only some
 * of them extends those families instead; {@link ProviderFactoryContract} (D1) is separate, as is
 * the engine-level {@code SyncContract} (S1) of cloudsync-testkit-sync. Every rule is listed once in
 * {@link ContractRule} and explained in {@code docs/PROVIDERS.md}.
 *
 * <p>Each test opens the remote through {@link io.cloudsync.spi.ProviderFactory#open} as the engine
 * would. When the configuration from {@link ProviderUnderTest#freshRemote} has no
 * {@link io.cloudsync.spi.ProviderConfig#stateDirectory()}, the contract gives it a fresh folder, as
 * the engine gives each service its own.
 *
 * @since 0.1.0
 */
public abstract class ProviderContract {

    /** For subclasses. */
    protected ProviderContract() {
    }

    /**
     * The provider under test, as its author describes it once for every contract.
     *
     * @return the provider under test
     */
    protected abstract ProviderUnderTest subject();

    /** R1 and R5. */
    @Nested
    @DisplayName("metadata area (R1, R5)")
    public final class MetadataRules extends MetadataContract {
        /** Created by JUnit. */
        public MetadataRules() {
        }

        @Override
        protected ProviderUnderTest subject() {
            return ProviderContract.this.subject();
        }
    }

    /** R2, R3, R4 and R8. */
    @Nested
    @DisplayName("files (R2, R3, R4, R8)")
    public final class FileRules extends FileContract {
        /** Created by JUnit. */
        public FileRules() {
        }

        @Override
        protected ProviderUnderTest subject() {
            return ProviderContract.this.subject();
        }
    }

    /** R6. */
    @Nested
    @DisplayName("resumable uploads (R6)")
    public final class ResumeRules extends ResumeContract {
        /** Created by JUnit. */
        public ResumeRules() {
        }

        @Override
        protected ProviderUnderTest subject() {
            return ProviderContract.this.subject();
        }
    }

    /** R7. */
    @Nested
    @DisplayName("listing (R7)")
    public final class ListingRules extends ListingContract {
        /** Created by JUnit. */
        public ListingRules() {
        }

        @Override
        protected ProviderUnderTest subject() {
            return ProviderContract.this.subject();
        }
    }

    /** R9. */
    @Nested
    @DisplayName("concurrency and lifecycle (R9)")
    public final class LifecycleRules extends LifecycleContract {
        /** Created by JUnit. */
        public LifecycleRules() {
        }

        @Override
        protected ProviderUnderTest subject() {
            return ProviderContract.this.subject();
        }
    }

    /** R10. */
    @Nested
    @DisplayName("server-side copy (R10)")
    public final class CopyRules extends CopyContract {
        /** Created by JUnit. */
        public CopyRules() {
        }

        @Override
        protected ProviderUnderTest subject() {
            return ProviderContract.this.subject();
        }
    }
}
