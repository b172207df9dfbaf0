package com.example.cloudsync.folder;

import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.testkit.sync.SyncContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The real engine over the example provider keeps the sync contract; the assertions are the contract's own rules. */
class FolderSyncContractTest extends SyncContract {

    @TempDir
    Path remotes;

    @Override
    protected ProviderUnderTest subject() {
        return new FolderProviderUnderTest(remotes);
    }
}
