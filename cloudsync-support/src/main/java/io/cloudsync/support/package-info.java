/**
 * What providers, the testkit and the tools may share without depending on the engine
 * ({@code cloudsync-core}): {@link io.cloudsync.support.AtomicFiles} (temp file, fsync, atomic move),
 * {@link io.cloudsync.support.StateStore} (small durable records such as resumable upload sessions)
 * and {@link io.cloudsync.support.Json} (the one Jackson setup). Stable for providers to use; it
 * holds no engine logic and no format the engine owns.
 */
@NullMarked
package io.cloudsync.support;

import org.jspecify.annotations.NullMarked;
