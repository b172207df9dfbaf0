package io.cloudsync.testkit;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.RetryPolicy;
import io.cloudsync.spi.UploadReceipt;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * A {@link Provider} that forwards every method to a delegate: the base for wrappers that count,
 * log, slow down, break or otherwise change some calls and leave the rest alone. Override what
 * changes; everything else (including {@link #retryPolicy()} and {@link #close()}) reaches the
 * delegate unchanged, so a wrapped provider behaves as the provider itself.
 *
 * <pre>{@code
 * Provider counting = new ForwardingProvider(real) {
 *     @Override public void delete(String snapshot, String path) {
 *         deletes.incrementAndGet();
 *         super.delete(snapshot, path);
 *     }
 * };
 * }</pre>
 *
 * <p>Thread-safe when the delegate is and the overrides are.
 *
 * @since 0.1.0
 */
public class ForwardingProvider implements Provider {

    private final Provider delegate;

    /**
     * Wraps a provider.
     *
     * @param delegate the provider every call goes to
     */
    public ForwardingProvider(Provider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * The provider calls are forwarded to.
     *
     * @return the delegate
     */
    protected final Provider delegate() {
        return delegate;
    }

    @Override
    public Optional<MetadataObject> getMetadata(String name) {
        return delegate.getMetadata(name);
    }

    @Override
    public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
        return delegate.putMetadata(name, bytes, precondition);
    }

    @Override
    public void deleteMetadata(String name) {
        delegate.deleteMetadata(name);
    }

    @Override
    public Stream<String> listMetadata(String prefix) {
        return delegate.listMetadata(prefix);
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, LongConsumer sent) {
        return delegate.upload(snapshot, entry, localFile, sent);
    }

    /** Forwards to the delegate's own {@code upload} without progress (not to the progress variant). */
    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        return delegate.upload(snapshot, entry, localFile);
    }

    @Override
    public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
        return delegate.copy(snapshot, sourcePath, target);
    }

    @Override
    public void copyToMetadata(String snapshot, ManifestEntry source, String name) {
        delegate.copyToMetadata(snapshot, source, name);
    }

    @Override
    public void downloadMetadata(String name, Path target) {
        delegate.downloadMetadata(name, target);
    }

    @Override
    public void download(String snapshot, String path, Path target) {
        delegate.download(snapshot, path, target);
    }

    @Override
    public void delete(String snapshot, String path) {
        delegate.delete(snapshot, path);
    }

    @Override
    public Stream<RemoteEntry> list(String snapshot) {
        return delegate.list(snapshot);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public Optional<RetryPolicy> retryPolicy() {
        return delegate.retryPolicy();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        String name = getClass().getSimpleName();
        return (name.isEmpty() ? "ForwardingProvider" : name) + '[' + delegate + ']';
    }
}
