package io.cloudsync.testkit.sync;

import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.testkit.ProviderUnderTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.TestInfo;

/** The built-in {@code local} provider, described once for every contract: a fresh folder per test. */
final class LocalUnderTest implements ProviderUnderTest {

    private final Path remotes;

    LocalUnderTest(Path remotes) {
        this.remotes = remotes;
    }

    @Override
    public ProviderFactory factory() {
        return new LocalProviderFactory();
    }

    @Override
    public ProviderConfig freshRemote(TestInfo test) {
        try {
            return ProviderConfig.builder().service("local")
                    .put("directory", Files.createTempDirectory(remotes, "remote-").toString()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
