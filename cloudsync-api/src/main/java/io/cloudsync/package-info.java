/**
 * The host-facing API of cloudsync: manifests, plans, sync requests and results, listener events,
 * the secrets vault and the exception tree. Everything here is immutable unless it says otherwise,
 * and no type in this package depends on anything but the JDK (and JSpecify's nullness annotations,
 * which are not needed at run time). Nothing is null unless marked {@code @Nullable}.
 *
 * <p>Provider authors look at {@link io.cloudsync.spi} instead.
 */
@NullMarked
package io.cloudsync;

import org.jspecify.annotations.NullMarked;
