package io.cloudsync.testkit;

import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The engine over the built-in {@code local} provider keeps the sync contract. The assertions are the contract's own rules; this class supplies the fixture. */
class LocalSyncContractTest extends SyncContract {

    @TempDir
    static Path remotes;

    @Override
    protected ProviderFactory factory() {
        return new LocalProviderFactory();
    }

    @Override
    protected ProviderConfig freshRemote(TestInfo test) {
        try {
            return ProviderConfig.builder().service("local")
                    .put("directory", Files.createTempDirectory(remotes, "remote-").toString()).build();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
