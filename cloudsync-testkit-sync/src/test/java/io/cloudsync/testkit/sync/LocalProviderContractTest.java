package io.cloudsync.testkit.sync;

import io.cloudsync.testkit.ProviderContract;
import io.cloudsync.testkit.ProviderUnderTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in {@code local} provider keeps the whole provider contract, with no known violation. The
 * assertions are the contract's own rules; this class supplies the fixture. It lives here, beside the
 * engine-level contract, because {@code local} comes from cloudsync-core, which the kit itself does not
 * depend on.
 */
class LocalProviderContractTest extends ProviderContract {

    @TempDir
    static Path remotes;

    @Override
    protected ProviderUnderTest subject() {
        return new LocalUnderTest(remotes);
    }
}
