package com.example.cloudsync.folder;

import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Example provider: a folder as the remote. Cheap to construct; nothing happens before open(). */
public final class FolderProviderFactory implements ProviderFactory {

    static final ConfigKey DIRECTORY = ConfigKey.required("directory", "Folder that holds the snapshots");

    /** Required by ServiceLoader. */
    public FolderProviderFactory() {
    }

    @Override
    public String id() {
        return "example-folder";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT; // inlined at compile time: the version this provider was built against
    }

    @Override
    public String description() {
        return "Example: a folder as the remote";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.SERVER_SHA256, Capability.LISTING); // it hashes what it writes; it can list
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(DIRECTORY);
    }

    @Override
    public Provider open(ProviderConfig config, Secrets secrets) {
        config.requireValid(configKeys()); // names missing and unknown keys, never values
        return new FolderProvider(Path.of(config.require(DIRECTORY.name())));
    }
}
