package io.cloudsync.testkit.example;

import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.testkit.ProviderContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The example provider keeps the whole contract; the assertions are the contract's own rules. */
class FolderProviderContractTest extends ProviderContract {

    @TempDir
    Path remotes;

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
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
        };
    }
}
