package com.example.cloudsync.folder;

import io.cloudsync.testkit.ProviderFactoryContract;
import io.cloudsync.testkit.ProviderUnderTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The example factory keeps the factory contract; the assertions are the contract's own rules. */
class FolderProviderFactoryContractTest extends ProviderFactoryContract {

    @TempDir
    Path remotes;

    @Override
    protected ProviderUnderTest subject() {
        return new FolderProviderUnderTest(remotes);
    }
}
