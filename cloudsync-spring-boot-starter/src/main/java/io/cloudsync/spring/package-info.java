/**
 * Spring Boot auto-configuration of cloudsync: a {@link io.cloudsync.core.CloudSync} bean configured from
 * {@code cloudsync.*} properties ({@link io.cloudsync.spring.CloudSyncProperties}), the Micrometer metrics of
 * {@code cloudsync-micrometer} on the application's registry, an Actuator health indicator
 * ({@link io.cloudsync.spring.CloudSyncHealthIndicator}) and scheduled syncs
 * ({@link io.cloudsync.spring.CloudSyncScheduler}). docs/SPRING.md is the guide.
 */
@NullMarked
package io.cloudsync.spring;

import org.jspecify.annotations.NullMarked;
