package io.cloudsync.testkit;

import io.cloudsync.spi.ProviderConfig;

/**
 * How {@link LifecycleContract} makes the backend under test fail one request the way a server under
 * load does (HTTP 500 or 503, a throttling answer), for R9.06: providers never retry, the engine does.
 * Supplied through {@link ProviderUnderTest#transientFault()}, typically by a fixture server that
 * answers its next request with 503 ({@code FakeDriveServer#failNextCalls}, the S3Proxy fixture's
 * {@code EmbeddedS3Server#failNextRequest}).
 *
 * <p>What the contract does with it: it opens a provider, makes one request go through (so that
 * tokens and ids are fetched), then for each operation (getMetadata, putMetadata, listMetadata,
 * upload, download, delete, list and copy where declared) calls {@link #failNextRequest} and the
 * operation, and requires a {@link io.cloudsync.spi.ProviderException} of a retryable kind. An
 * operation that succeeds has retried the failed request by itself (an SDK's own retries left on),
 * which multiplies the engine's retry budget and hides throttling from it.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface TransientFault {

    /**
     * Makes the next request that a provider opened on {@code config} sends fail once with a transient
     * error (a 500 or 503, or the backend's equivalent); the request after it is answered normally.
     *
     * @param config the settings of the test's remote, as the contract opened the provider with them
     */
    void failNextRequest(ProviderConfig config);
}
