package com.example.cloudsync.folder;

import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.testkit.ProviderUnderTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.TestInfo;

/** The example provider, described once for every contract: a fresh folder per test. */
final class FolderProviderUnderTest implements ProviderUnderTest {

    private final Path remotes;

    FolderProviderUnderTest(Path remotes) {
        this.remotes = remotes;
    }

    @Override
    public ProviderFactory factory() {
        return new FolderProviderFactory();
    }

    @Override
    public ProviderConfig freshRemote(TestInfo test) {
        try {
            Path folder = Files.createTempDirectory(remotes, "remote-");
            return ProviderConfig.builder().put("directory", folder.toString()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
