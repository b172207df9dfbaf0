/**
 * The original design's HTTP surface over a {@link io.cloudsync.core.CloudSync}: {@code /api/sync/*},
 * {@code /api/backup/*}, the hooks stream {@code /api/modder/hooks} (server-sent events or WebSocket),
 * {@code /api/docs} and {@code /api/health}.
 *
 * <p>{@link io.cloudsync.http.CloudSyncApi} is framework-neutral (a request in, a response out), so a
 * host that already runs a web framework can mount it; {@link io.cloudsync.http.CloudSyncHttpServer}
 * serves it over HTTP/1.1 (on plain JDK sockets), bound to 127.0.0.1 unless told otherwise, behind a bearer token.
 */
package io.cloudsync.http;
