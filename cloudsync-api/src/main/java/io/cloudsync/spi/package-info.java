/**
 * The provider SPI: what a backend implements so that cloudsync can mirror snapshots to it.
 *
 * <p>A provider ships a {@link io.cloudsync.spi.ProviderFactory} registered in
 * {@code META-INF/services/io.cloudsync.spi.ProviderFactory}. The factory is cheap and describes the
 * provider; {@link io.cloudsync.spi.ProviderFactory#open} returns the {@link io.cloudsync.spi.Provider}
 * that does the work. Providers never retry: they report failures as
 * {@link io.cloudsync.spi.ProviderException} with a kind, and the engine owns the retry policy.
 * {@code docs/PROVIDERS.md} is the guide; {@code cloudsync-testkit} checks the contract.
 */
@NullMarked
package io.cloudsync.spi;

import org.jspecify.annotations.NullMarked;
