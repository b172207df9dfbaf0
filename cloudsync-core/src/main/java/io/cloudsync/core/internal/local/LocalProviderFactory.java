package io.cloudsync.core.internal.local;

import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import java.util.List;
import java.util.Set;

/** The built-in {@code local} provider: a folder (local, mounted or network) is the remote. */
public final class LocalProviderFactory implements ProviderFactory {

    /** The folder that holds snapshots and manifests. */
    public static final ConfigKey DIRECTORY = ConfigKey.required("directory",
            "Folder that holds the snapshots (<directory>/<snapshot>/<path>) and the metadata area with the manifests"
            + " (<directory>/.cloudsync/manifests)");

    /** Required by ServiceLoader. */
    public LocalProviderFactory() {
    }

    @Override
    public String id() {
        return "local";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "A local or mounted folder as the remote";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.SERVER_SHA256, Capability.CONDITIONAL_METADATA_PUT, Capability.LISTING,
                Capability.SERVER_SIDE_COPY);
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(DIRECTORY);
    }

    @Override
    public Provider open(ProviderConfig config, Secrets secrets) {
        config.requireValid(configKeys());
        return new LocalProvider(java.nio.file.Path.of(config.require(DIRECTORY.name())));
    }
}
