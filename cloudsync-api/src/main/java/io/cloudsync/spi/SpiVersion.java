package io.cloudsync.spi;

/** The version of this SPI. A provider returns {@link #CURRENT} from {@link ProviderFactory#spiVersion()}. */
public final class SpiVersion {

    /**
     * The SPI version this jar defines; raised whenever the SPI gains a method or a capability.
     * Version 2 added {@link Provider#retryPolicy()}; version 3 added the upload that reports its
     * progress, {@link Provider#upload(String, io.cloudsync.ManifestEntry, java.nio.file.Path,
     * java.util.function.LongConsumer)}.
     */
    public static final int CURRENT = 3;

    /** The oldest SPI version the engine still accepts. */
    public static final int OLDEST_SUPPORTED = 1;

    private SpiVersion() {
    }
}
