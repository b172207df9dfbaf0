package io.cloudsync.testkit.selftest;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.ManifestPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** Forwards everything; each broken provider overrides the one thing it gets wrong. */
class DelegatingProvider implements Provider {

    final Provider delegate;

    DelegatingProvider(Provider delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<Manifest> readManifest(String snapshot) {
        return delegate.readManifest(snapshot);
    }

    @Override
    public void writeManifest(String snapshot, Manifest manifest, ManifestPrecondition precondition) {
        delegate.writeManifest(snapshot, manifest, precondition);
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        return delegate.upload(snapshot, entry, localFile);
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
    public void close() {
        delegate.close();
    }
}
