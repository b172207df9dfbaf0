package io.cloudsync.testkit.s3;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * S3Proxy over an in-memory blob store in this JVM, checking SigV2/SigV4 signatures, deciding racing
 * conditional writes atomically ({@link AtomicConditionalWrites}), listing no object before its upload
 * completes ({@link InFlightWritesUnlisted}) and failing a request when a test asks ({@link TransientFaults}).
 */
final class S3ProxyServer extends RunningServer {

    private final S3Proxy proxy;
    private final TransientFaults store;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy, TransientFaults store) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    static S3ProxyServer start(String accessKeyId, String secretAccessKey) {
        TransientFaults store = new TransientFaults(new InFlightWritesUnlisted(new AtomicConditionalWrites(new TransientNio2BlobStore())));
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKeyId, secretAccessKey)
                // the SDK sends headers (such as x-amz-mp-object-size) that S3Proxy would refuse with 501
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within 30 s (state " + proxy.getState() + ')');
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting S3Proxy", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy failed to start", e);
        }
        return new S3ProxyServer(proxy, store);
    }

    @Override
    URI endpoint() {
        return endpoint;
    }

    @Override
    void failNextRequest(String bucket) {
        store.failNext(bucket);
    }

    @Override
    void createBucket(String name) {
        store.createContainer(name);
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy failed to stop", e);
        } finally {
            try {
                store.close();
            } catch (Exception e) {
                // the in-memory store has nothing left to release
            }
        }
    }
}
