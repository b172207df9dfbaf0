/**
 * Micrometer metrics of cloudsync runs: {@link io.cloudsync.micrometer.CloudSyncMetrics}, a
 * {@link io.cloudsync.SyncListener} that records every dry run and run of the instance it listens to in
 * a {@code MeterRegistry}. The meters, their tags and units are listed in docs/OBSERVABILITY.md.
 */
@NullMarked
package io.cloudsync.micrometer;

import org.jspecify.annotations.NullMarked;
