package io.cloudsync.testkit.internal;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Names;
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
    public Optional<MetadataObject> getMetadata(String name) {
        requireOpen();
        Names.requireMetadataName(name);
        InMemoryStore.Meta meta = store.metadata().get(name);
        return meta == null ? Optional.empty() : Optional.of(new MetadataObject(meta.bytes(), meta.version()));
    }

    /** Compare and set: the precondition is checked and the object replaced in one atomic step. */
    @Override
    public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
        requireOpen();
        Names.requireMetadataName(name);
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(precondition, "precondition");
        InMemoryStore.Meta put = new InMemoryStore.Meta(bytes.clone(), store.nextVersion());
        store.metadata().compute(name, (n, current) -> {
            Optional<MetadataObject> stored = current == null ? Optional.empty()
                    : Optional.of(new MetadataObject(current.bytes(), current.version()));
            if (!precondition.allows(stored)) {
                throw new ProviderException(ProviderException.Kind.CONFLICT, "metadata object '" + name + "' in memory store '"
                        + store.name() + "' does not match " + precondition + "; it is "
                        + (current == null ? "absent" : "at version " + current.version())
                        + ". Someone else changed it: read it again and re-plan", null, null);
            }
            return put;
        });
        return put.version();
    }

    @Override
    public void deleteMetadata(String name) {
        requireOpen();
        Names.requireMetadataName(name);
        store.metadata().remove(name);
    }

    @Override
    public Stream<String> listMetadata(String prefix) {
        requireOpen();
        Names.requireMetadataPrefix(prefix);
        List<String> names = store.metadata().keySet().stream().filter(n -> n.startsWith(prefix)).toList();
        return names.stream();
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        return upload(snapshot, entry, localFile, n -> { });
    }

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, java.util.function.LongConsumer sent) {
        requireOpen();
        byte[] bytes;
        try (java.io.InputStream in = Files.newInputStream(localFile)) {
            // read in steps and report each, as a provider that sends parts does; nothing is stored until the end
            java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                read.write(buffer, 0, n);
                sent.accept(read.size());
            }
            bytes = read.toByteArray();
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
    public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
        requireOpen();
        Objects.requireNonNull(target, "target");
        InMemoryStore.Blob source = store.files(snapshot).get(sourcePath);
        if (source == null) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND, "cannot copy " + sourcePath + " to " + target.path()
                    + ": no file " + sourcePath + " in snapshot '" + snapshot + "' of memory store '" + store.name() + '\'',
                    sourcePath, null);
        }
        if (source.bytes().length != target.size() || !source.sha256().equals(target.sha256())) {
            throw new ProviderException(ProviderException.Kind.INTEGRITY, "refused to copy " + sourcePath + " to " + target.path()
                    + ": the stored source has " + source.bytes().length + " bytes with sha256 " + source.sha256()
                    + " but the target entry says " + target.size() + " bytes with sha256 " + target.sha256(),
                    target.path(), null);
        }
        store.files(snapshot).put(target.path(), new InMemoryStore.Blob(source.bytes(), source.sha256(), target.mtime()));
        return UploadReceipt.verified(target.path(), source.bytes().length, source.sha256());
    }

    @Override
    public void copyToMetadata(String snapshot, ManifestEntry source, String name) {
        requireOpen();
        Names.requireMetadataName(name);
        InMemoryStore.Blob blob = store.files(snapshot).get(source.path());
        if (blob == null) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND, "cannot keep " + source.path() + " as metadata object '"
                    + name + "': no file " + source.path() + " in snapshot '" + snapshot + "' of memory store '" + store.name()
                    + '\'', source.path(), null);
        }
        if (blob.bytes().length != source.size() || !blob.sha256().equals(source.sha256())) {
            throw new ProviderException(ProviderException.Kind.INTEGRITY, "refused to keep " + source.path() + " as metadata object '"
                    + name + "': the stored file has " + blob.bytes().length + " bytes with sha256 " + blob.sha256()
                    + " but its entry says " + source.size() + " bytes with sha256 " + source.sha256(), source.path(), null);
        }
        store.metadata().put(name, new InMemoryStore.Meta(blob.bytes(), store.nextVersion()));
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
