package io.cloudsync.testkit.sync;

import io.cloudsync.testkit.ProviderFactoryContract;
import io.cloudsync.testkit.ProviderUnderTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The built-in {@code local} factory keeps the discovery rules. The assertions are the contract's own rules; this class supplies the fixture. */
class LocalProviderFactoryContractTest extends ProviderFactoryContract {

    @TempDir
    static Path remotes;

    @Override
    protected ProviderUnderTest subject() {
        return new LocalUnderTest(remotes);
    }
}
