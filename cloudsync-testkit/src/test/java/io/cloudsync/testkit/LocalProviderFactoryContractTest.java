package io.cloudsync.testkit;

import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The built-in {@code local} factory keeps the discovery rules. The assertions are the contract's own rules; this class supplies the fixture. */
class LocalProviderFactoryContractTest extends ProviderFactoryContract {

    @TempDir
    static Path remote;

    @Override
    protected ProviderFactory factory() {
        return new LocalProviderFactory();
    }

    @Override
    protected ProviderConfig validConfig() {
        return ProviderConfig.builder().service("local").put("directory", remote.toString()).build();
    }
}
