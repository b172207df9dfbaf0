package io.cloudsync.testkit.internal;

import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.ManifestPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** The provider of {@link io.cloudsync.testkit.InMemoryProviderFactory}. Thread-safe. */
public final class InMemoryProvider implements Provider {

    private final InMemoryStore store;
    private volatile boolean closed;

    /**
     * Opens a provider over a store.
     *
     * @param store the store
     */
    public InMemoryProvider(InMemoryStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Optional<Manifest> readManifest(String snapshot) {
        requireOpen();
        return Optional.ofNullable(store.manifests().get(snapshot));
    }

    @Override
    public void writeManifest(String snapshot, Manifest manifest, ManifestPrecondition precondition) {
        requireOpen();
        Objects.requireNonNull(manifest, "manifest");
        store.manifests().compute(snapshot, (s, current) -> {
            boolean holds = switch (precondition.kind()) {
                case NONE -> true;
                case ABSENT -> current == null;
                case CHECKSUM -> current != null && current.checksum().equals(precondition.checksum().orElseThrow());
            };
            if (!holds) {
                throw new ProviderException(ProviderException.Kind.CONFLICT, "manifest of snapshot '" + snapshot
                        + "' in memory store '" + store.name() + "' does not match " + precondition + "; it is "
                        + (current == null ? "absent" : "at checksum " + current.checksum())
                        + ". Someone else changed it: read it again and re-plan", null, null);
            }
            return manifest;
        });
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        requireOpen();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(localFile);
        } catch (IOException e) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, "cannot read local file " + localFile
                    + " to upload " + entry.path() + ": " + e, entry.path(), e);
        }
        String sha = Digests.hex(Digests.sha256().digest(bytes));
        if (bytes.length != entry.size() || !sha.equals(entry.sha256())) {
            throw new ProviderException(ProviderException.Kind.INTEGRITY, "refused " + entry.path() + ": the local file "
                    + localFile + " has " + bytes.length + " bytes with sha256 " + sha + " but the entry says "
                    + entry.size() + " bytes with sha256 " + entry.sha256() + "; the file changed since it was scanned",
                    entry.path(), null);
        }
        store.files(snapshot).put(entry.path(), new InMemoryStore.Blob(bytes, sha, entry.mtime()));
        return UploadReceipt.verified(entry.path(), bytes.length, sha);
    }

    @Override
    public void download(String snapshot, String path, Path target) {
        requireOpen();
        InMemoryStore.Blob blob = store.files(snapshot).get(path);
        if (blob == null) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no file " + path + " in snapshot '" + snapshot
                    + "' of memory store '" + store.name() + '\'', path, null);
        }
        try {
            AtomicFiles.write(target, blob.bytes());
        } catch (IOException e) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, "cannot write " + target + " while downloading "
                    + path + ": " + e, path, e);
        }
    }

    @Override
    public void delete(String snapshot, String path) {
        requireOpen();
        store.files(snapshot).remove(path);
    }

    @Override
    public Stream<RemoteEntry> list(String snapshot) {
        requireOpen();
        List<RemoteEntry> entries = store.files(snapshot).entrySet().stream()
                .map(e -> RemoteEntry.of(e.getKey(), e.getValue().bytes().length, e.getValue().sha256(), e.getValue().mtime()))
                .toList();
        return entries.stream();
    }

    @Override
    public void close() {
        closed = true;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the memory provider for store '" + store.name() + "' is closed");
        }
    }

    @Override
    public String toString() {
        return "InMemoryProvider[store=" + store.name() + ']';
    }
}
