package io.cloudsync.testkit.selftest;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.ForwardingProvider;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/** Stores every file under {@code rename(path)}, as a backend with its own naming rules would, and lists what it stored. */
final class RenamingProvider extends ForwardingProvider {

    private final UnaryOperator<String> rename;

    RenamingProvider(Provider delegate, UnaryOperator<String> rename) {
        super(delegate);
        this.rename = rename;
    }

    private ManifestEntry renamed(ManifestEntry e) {
        return new ManifestEntry(rename.apply(e.path()), e.size(), e.mtime(), e.sha256());
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, LongConsumer sent) {
        UploadReceipt r = delegate().upload(snapshot, renamed(entry), localFile, sent);
        return r.serverVerified() ? UploadReceipt.verified(entry.path(), r.size(), r.sha256().orElseThrow())
                : UploadReceipt.unverified(entry.path(), r.size());
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        return upload(snapshot, entry, localFile, n -> { });
    }

    @Override
    public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
        UploadReceipt r = delegate().copy(snapshot, rename.apply(sourcePath), renamed(target));
        return r.serverVerified() ? UploadReceipt.verified(target.path(), r.size(), r.sha256().orElseThrow())
                : UploadReceipt.unverified(target.path(), r.size());
    }

    @Override
    public void download(String snapshot, String path, Path target) {
        delegate().download(snapshot, rename.apply(path), target);
    }

    @Override
    public void delete(String snapshot, String path) {
        delegate().delete(snapshot, rename.apply(path));
    }
}
