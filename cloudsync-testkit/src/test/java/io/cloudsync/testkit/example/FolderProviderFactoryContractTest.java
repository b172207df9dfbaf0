package io.cloudsync.testkit.example;

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
    protected ProviderFactory factory() {
        return new FolderProviderFactory();
    }

    @Override
    protected ProviderConfig validConfig() {
        return ProviderConfig.builder().put("directory", remote.toString()).build();
    }
}
