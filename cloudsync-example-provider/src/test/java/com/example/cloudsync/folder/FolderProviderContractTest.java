package com.example.cloudsync.folder;

import io.cloudsync.testkit.ProviderContract;
import io.cloudsync.testkit.ProviderUnderTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The example provider keeps the whole contract; the assertions are the contract's own rules. */
class FolderProviderContractTest extends ProviderContract {

    @TempDir
    Path remotes;

    @Override
    protected ProviderUnderTest subject() {
        return new FolderProviderUnderTest(remotes);
    }
}
