package io.cloudsync.testkit.internal;

import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.ProviderFactory;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A factory that stands for another under a prefixed id, declaring what it declares; subclasses
 * decide what {@code open} returns (the kit wraps the author's provider to count calls or inject faults).
 */
public abstract class RenamedFactory implements ProviderFactory {

    /** The factory this one stands for. */
    protected final ProviderFactory delegate;
    private final String id;

    /**
     * Wraps a factory.
     *
     * @param prefix put before the delegate's id, such as {@code "contract-"}
     * @param delegate the factory this one stands for
     */
    protected RenamedFactory(String prefix, ProviderFactory delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.id = prefix + delegate.id();
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final int spiVersion() {
        return delegate.spiVersion();
    }

    @Override
    public final Set<Capability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public final List<ConfigKey> configKeys() {
        return delegate.configKeys();
    }
}
