/**
 * The cloudsync engine: the {@code CloudSync} facade, provider discovery, manifests, plans, the
 * vault and local backups. Implementation details live in {@code io.cloudsync.core.internal} and
 * may change in any release.
 */
package io.cloudsync.core;
