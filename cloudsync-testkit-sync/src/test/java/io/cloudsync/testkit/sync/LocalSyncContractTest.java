package io.cloudsync.testkit.sync;

import io.cloudsync.testkit.ProviderUnderTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The engine over the built-in {@code local} provider keeps the sync contract. The assertions are the contract's own rules; this class supplies the fixture. */
class LocalSyncContractTest extends SyncContract {

    @TempDir
    static Path remotes;

    @Override
    protected ProviderUnderTest subject() {
        return new LocalUnderTest(remotes);
    }
}
