package io.cloudsync.testkit;

import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.TestInfo;

/**
 * Everything the contracts need to know about one provider, written once by its author and handed
 * to every contract: {@link ProviderContract} (or any of its families such as
 * {@link MetadataContract}), {@link ProviderFactoryContract} and the engine-level
 * {@code SyncContract} of cloudsync-testkit-sync.
 *
 * <pre>{@code
 * final class MyProviderUnderTest implements ProviderUnderTest {
 *     @Override public ProviderFactory factory() { return new MyProviderFactory(); }
 *     @Override public ProviderConfig freshRemote(TestInfo test) {
 *         return ProviderConfig.builder().put("container", "contract-" + UUID.randomUUID()).build();
 *     }
 * }
 *
 * class MyProviderContractTest extends ProviderContract {
 *     @Override protected ProviderUnderTest subject() { return new MyProviderUnderTest(); }
 * }
 * }</pre>
 *
 * <p>Only {@link #factory()} and {@link #freshRemote} are required; every other method is an
 * optional hook with a default that suits a provider without the feature.
 *
 * @since 0.1.0
 */
public interface ProviderUnderTest {

    /**
     * The factory under test.
     *
     * @return a factory, possibly a new instance per call
     */
    ProviderFactory factory();

    /**
     * Settings of an empty remote location used only by this test, such as a fresh key prefix or
     * folder. Called once per test; the contract may open it several times. When the result has no
     * {@link ProviderConfig#stateDirectory()}, the contract gives it a fresh folder, as the engine
     * gives each service its own.
     *
     * @param test the running test, handy for naming the location
     * @return the settings
     */
    ProviderConfig freshRemote(TestInfo test);

    /**
     * Secrets for {@link #freshRemote}.
     *
     * @return none by default
     */
    default Secrets secrets() {
        return Secrets.none();
    }

    /**
     * Sizes, threads and waits; system properties {@code cloudsync.testkit.*} override what this
     * returns.
     *
     * @return {@link ContractSettings#defaults()} by default
     */
    default ContractSettings settings() {
        return ContractSettings.defaults();
    }

    /**
     * Rules this provider is known to break, each with the reason. They are reported as aborted
     * tests with the reason, never hidden; a listed rule that holds fails, so the list stays true.
     *
     * @return none by default
     */
    default Map<ContractRule, String> knownViolations() {
        return Map.of();
    }

    /**
     * Secrets that the remote of {@link #freshRemote} refuses: a wrong key, a revoked token, an
     * unknown account. R9.04 opens the provider with them and requires
     * {@link io.cloudsync.spi.ProviderException.Kind#AUTHENTICATION} from {@code open} or from the
     * first operation (never a retryable kind, which would make the engine retry a lost cause). When
     * empty, R9.04 is reported as skipped, saying that this is not proven.
     *
     * @return empty by default (a provider without credentials, or a fixture that accepts any)
     * @since 0.2.0
     */
    default Optional<Secrets> refusedSecrets() {
        return Optional.empty();
    }

    /**
     * How to interrupt an upload midway, as a killed process would. Required when the factory declares
     * {@link Capability#RESUMABLE_UPLOAD} (R6.* fail without it). R2.12 uses it for every provider;
     * without it R2.12 interrupts through the upload's progress callback instead
     * (the callback throws once half the file is reported), and reports a skip naming what is not proven when
     * the provider reports no progress midway. Supply it from the test without a setting in
     * {@code configKeys()}: open the provider's implementation with a test hook, or let a fixture
     * server drop the connection (the unknown-key check, D1.07, refuses a setting the factory does
     * not declare).
     *
     * @return empty by default
     */
    default Optional<UploadInterruption> uploadInterruption() {
        return Optional.empty();
    }

    /**
     * How to make the backend fail its next request with a transient error, as a server under load does.
     * R9.06 uses it to prove that the provider does not retry by itself (the engine retries, with its own
     * budget and with what the provider reports). When empty, R9.06 is reported as skipped, saying that
     * this is not proven.
     *
     * @return empty by default (a provider with no remote transport, or a fixture that cannot fail a request)
     * @since 0.2.0
     */
    default Optional<TransientFault> transientFault() {
        return Optional.empty();
    }
}
