package io.cloudsync.spi;

/** The version of this SPI. A provider returns {@link #CURRENT} from {@link ProviderFactory#spiVersion()}. */
public final class SpiVersion {

    /**
     * The SPI version this jar defines; raised whenever the SPI gains a method or a capability.
     * Version 2 added {@link Provider#retryPolicy()}; version 3 added the upload that reports its
     * progress, {@link Provider#upload(String, io.cloudsync.ManifestEntry, java.nio.file.Path,
     * java.util.function.LongConsumer)}; version 4 added the metadata area
     * ({@link Provider#getMetadata}, {@link Provider#putMetadata}, {@link Provider#deleteMetadata},
     * {@link Provider#listMetadata}, {@link Capability#CONDITIONAL_METADATA_PUT}), which replaces
     * {@code readManifest}/{@code writeManifest} (the engine now encodes manifests itself), and
     * {@link Provider#copy} with {@link Capability#SERVER_SIDE_COPY}, and {@link Provider#flush()}
     * (a default no-op; still version 4, which no release has shipped yet).
     */
    public static final int CURRENT = 4;

    /**
     * The oldest SPI version the engine still accepts. Version 4 removed {@code readManifest} and
     * {@code writeManifest}, so a provider built for an earlier version cannot hold a manifest and is
     * refused; rebuild it against this release's cloudsync-api.
     */
    public static final int OLDEST_SUPPORTED = 4;

    private SpiVersion() {
    }
}
