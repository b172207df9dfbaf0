package io.cloudsync.testkit.selftest;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.ForwardingProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The "transport" of the broken providers: the next request can be made to fail with a 503
 * ({@link #failNext}), as a fixture server does for R9.06, and an "SDK" retries it {@code retries}
 * times, as the AWS and Google clients do unless told not to.
 */
final class FlakyBackend extends ForwardingProvider {

    private static final Map<String, AtomicBoolean> ARMED = new ConcurrentHashMap<>();

    private final AtomicBoolean armed;
    private final int retries;

    FlakyBackend(Provider provider, String store, int retries) {
        super(provider);
        this.armed = ARMED.computeIfAbsent(store, s -> new AtomicBoolean());
        this.retries = retries;
    }

    /** Makes the next request to {@code store} fail once with a 503. */
    static void failNext(String store) {
        ARMED.computeIfAbsent(store, s -> new AtomicBoolean()).set(true);
    }

    private <T> T request(Supplier<T> call) {
        for (int attempt = 0; ; attempt++) {
            if (!armed.getAndSet(false)) {
                return call.get();
            }
            if (attempt >= retries) {
                throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "503 Service Unavailable");
            }
        }
    }

    private void run(Runnable call) {
        request(() -> {
            call.run();
            return null;
        });
    }

    @Override
    public Optional<MetadataObject> getMetadata(String name) {
        return request(() -> delegate().getMetadata(name));
    }

    @Override
    public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
        return request(() -> delegate().putMetadata(name, bytes, precondition));
    }

    @Override
    public void deleteMetadata(String name) {
        run(() -> delegate().deleteMetadata(name));
    }

    @Override
    public Stream<String> listMetadata(String prefix) {
        return request(() -> delegate().listMetadata(prefix));
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, LongConsumer sent) {
        return request(() -> delegate().upload(snapshot, entry, localFile, sent));
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        return request(() -> delegate().upload(snapshot, entry, localFile));
    }

    @Override
    public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
        return request(() -> delegate().copy(snapshot, sourcePath, target));
    }

    @Override
    public void download(String snapshot, String path, Path target) {
        run(() -> delegate().download(snapshot, path, target));
    }

    @Override
    public void delete(String snapshot, String path) {
        run(() -> delegate().delete(snapshot, path));
    }

    @Override
    public Stream<RemoteEntry> list(String snapshot) {
        return request(() -> delegate().list(snapshot));
    }
}
