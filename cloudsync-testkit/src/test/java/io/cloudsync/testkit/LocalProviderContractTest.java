package io.cloudsync.testkit;

import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The built-in {@code local} provider keeps the whole provider contract, with no known violation. The assertions are the contract's own rules; this class supplies the fixture. */
class LocalProviderContractTest extends ProviderContract {

    @TempDir
    static Path remotes;

    @Override
    protected ProviderFactory factory() {
        return new LocalProviderFactory();
    }

    @Override
    protected ProviderConfig freshRemote(TestInfo test) {
        try {
            Path dir = java.nio.file.Files.createTempDirectory(remotes, "remote-");
            return ProviderConfig.builder().service("local").put("directory", dir.toString()).build();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
