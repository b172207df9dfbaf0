package io.cloudsync.testkit.example;

import org.junit.jupiter.api.TestInfo;
import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.testkit.ProviderFactoryContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The example factory keeps the factory contract; the assertions are the contract's own rules. */
class FolderProviderFactoryContractTest extends ProviderFactoryContract {

    @TempDir
    Path remote;

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                return new FolderProviderFactory();
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                return ProviderConfig.builder().put("directory", remote.toString()).build();
            }
        };
    }
}
