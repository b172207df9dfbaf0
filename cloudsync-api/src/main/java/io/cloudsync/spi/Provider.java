package io.cloudsync.spi;

import io.cloudsync.ManifestEntry;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * One open remote. A provider stores bytes; the engine owns every format. It offers two areas:
 *
 * <ul>
 *   <li><b>Files</b> of a snapshot, under their manifest paths: {@link #upload}, {@link #download},
 *       {@link #delete}, {@link #list} and, where declared, {@link #copy}.</li>
 *   <li><b>Metadata objects</b>, in an area of the provider's own where no project file can collide
 *       (for example a {@code .cloudsync/} folder beside the snapshots, which is why no snapshot is
 *       called {@value Names#RESERVED_SNAPSHOT}): {@link #getMetadata}, {@link #putMetadata},
 *       {@link #deleteMetadata}, {@link #listMetadata}, {@link #downloadMetadata} and, where declared,
 *       {@link #copyToMetadata}. The engine alone names, encodes and checks what
 *       goes there (manifests, and later manifest chunks, leases and plan records; docs/FORMATS.md),
 *       so every backend stores the same bytes. A provider never parses them.</li>
 * </ul>
 *
 * <p>What the engine guarantees: file operations may be called from several threads at once, but
 * never twice at once for one path; metadata operations are never called concurrently for one name
 * by one engine; the manifest is put only after every upload it names has returned successfully and
 * a {@link #flush()} after it has returned.
 * Names follow {@link Names}.
 *
 * <p>What the provider guarantees: an upload is atomic (a failed or interrupted upload leaves
 * nothing readable under the final name, and never a partial file); a put of a metadata object is
 * atomic (a reader sees the old bytes or the new, never a mix); deletes are idempotent; every
 * failure is a {@link ProviderException} with the right {@link ProviderException.Kind}. Providers do
 * not retry; the engine does, within the budget of {@link #retryPolicy()}.
 *
 * @since SPI version 4 for the metadata area and {@link #copy}
 */
public interface Provider extends AutoCloseable {

    // ------------------------------------------------------------------ metadata area

    /**
     * Reads one metadata object.
     *
     * @param name the object's name, valid by {@link Names#requireMetadataName}
     * @return the bytes and version tag, or empty when nothing is stored under {@code name}
     * @throws ProviderException when it cannot be read
     * @since SPI version 4
     */
    default Optional<MetadataObject> getMetadata(String name) {
        throw new UnsupportedOperationException(getClass().getName() + " was built for an SPI before version 4");
    }

    /**
     * Stores one metadata object, replacing what is stored under {@code name} atomically.
     *
     * @param name the object's name, valid by {@link Names#requireMetadataName}
     * @param bytes the bytes to store, exactly; not modified
     * @param precondition a condition on what is stored now; checked by every provider, atomically by
     *     those that declare {@link Capability#CONDITIONAL_METADATA_PUT}
     * @return the version tag of the stored object, as a later {@link #getMetadata} reports it
     * @throws ProviderException with {@link ProviderException.Kind#CONFLICT} when the precondition does
     *     not hold; nothing is stored then
     * @since SPI version 4
     */
    default String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
        throw new UnsupportedOperationException(getClass().getName() + " was built for an SPI before version 4");
    }

    /**
     * Deletes one metadata object. Idempotent: deleting a name with nothing stored succeeds.
     *
     * @param name the object's name, valid by {@link Names#requireMetadataName}
     * @throws ProviderException on failure
     * @since SPI version 4
     */
    default void deleteMetadata(String name) {
        throw new UnsupportedOperationException(getClass().getName() + " was built for an SPI before version 4");
    }

    /**
     * Lists the names of the metadata objects that start with {@code prefix}, in ascending order of
     * their UTF-16 {@code String} order. Objects put before the call and not deleted are listed (a
     * provider whose backend lists with a delay reads through to make this hold). The caller closes
     * the stream.
     *
     * @param prefix the start every listed name has; {@code ""} for all, valid by
     *     {@link Names#requireMetadataPrefix}
     * @return the names
     * @throws ProviderException when the area cannot be listed
     * @since SPI version 4
     */
    default Stream<String> listMetadata(String prefix) {
        throw new UnsupportedOperationException(getClass().getName() + " was built for an SPI before version 4");
    }

    /**
     * Keeps a stored file of the snapshot as the metadata object {@code name}, by a copy on the remote
     * (its bytes are not sent again), replacing what is stored under that name. Requires
     * {@link Capability#SERVER_SIDE_COPY}. The engine keeps the version of a file a run is about to
     * delete or overwrite this way (the snapshot's trash, docs/FORMATS.md), so the file itself is
     * left as it is. Atomic like {@link #putMetadata}. A provider that can check the stored bytes
     * against {@code source.sha256()} refuses a mismatch with {@link ProviderException.Kind#INTEGRITY}
     * and stores nothing under {@code name}.
     *
     * @param snapshot the snapshot name
     * @param source the manifest entry of the stored file: its path, size and sha256
     * @param name the metadata object's name, valid by {@link Names#requireMetadataName}
     * @throws ProviderException with {@link ProviderException.Kind#NOT_FOUND} when no file is stored at
     *     {@code source.path()}; nothing is stored under {@code name} then
     * @throws UnsupportedOperationException when the provider does not declare
     *     {@link Capability#SERVER_SIDE_COPY}
     * @since SPI version 4
     */
    default void copyToMetadata(String snapshot, ManifestEntry source, String name) {
        throw new UnsupportedOperationException("provider does not declare Capability.SERVER_SIDE_COPY");
    }

    /**
     * Copies one metadata object to a local file, replacing it, without holding it in memory (a kept
     * file version can be as large as any file). The default reads it with {@link #getMetadata}; a
     * provider whose metadata objects can be large streams instead.
     *
     * @param name the object's name, valid by {@link Names#requireMetadataName}
     * @param target where to write the bytes; its parent exists
     * @throws ProviderException with {@link ProviderException.Kind#NOT_FOUND} when nothing is stored
     *     under {@code name}; {@code target} is then not created
     * @since SPI version 4
     */
    default void downloadMetadata(String name, Path target) {
        MetadataObject object = getMetadata(name).orElseThrow(() -> new ProviderException(ProviderException.Kind.NOT_FOUND,
                "no metadata object '" + name + "' is stored", null, null));
        try {
            java.nio.file.Files.write(target, object.bytes());
        } catch (java.io.IOException e) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, "cannot write metadata object '" + name + "' to "
                    + target + ": " + e.getMessage(), null, e);
        }
    }

    // ------------------------------------------------------------------ files

    /**
     * Stores one file under {@code entry.path()} in the snapshot, with its sha256 and mtime kept as
     * metadata where the backend allows, and tells the engine how far it got. The bytes must hash to
     * {@code entry.sha256()}: a provider that can check this (server-side checksum, or hashing what it
     * wrote) refuses a mismatch with {@link ProviderException.Kind#INTEGRITY} and leaves nothing
     * readable. The receipt is honest: {@link UploadReceipt#verified} only when the provider itself
     * established the stored bytes' sha256.
     *
     * <p>{@code sent} receives the number of this file's bytes the remote has accepted so far in this
     * attempt: never more than {@code entry.size()}, and non-decreasing within one call (a new attempt,
     * that is a new call, may start again from 0). Bytes an interrupted earlier upload had stored and
     * this call continues from count as accepted from the start. It may be called from any thread, as
     * rarely as the provider likes (per part or chunk is enough) or never; it must not be called after
     * this method has returned or thrown. It is cheap and never throws.
     *
     * @param snapshot the snapshot name
     * @param entry the file's manifest entry
     * @param localFile where to read the bytes
     * @param sent receives the bytes accepted so far in this attempt
     * @return what was stored
     * @throws ProviderException on failure
     * @since SPI version 3
     */
    default UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, LongConsumer sent) {
        return upload(snapshot, entry, localFile);
    }

    /**
     * Stores one file as {@link #upload(String, ManifestEntry, Path, LongConsumer)} does, reporting no
     * progress.
     *
     * @param snapshot the snapshot name
     * @param entry the file's manifest entry
     * @param localFile where to read the bytes
     * @return what was stored
     * @throws ProviderException on failure
     */
    UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile);

    /**
     * Copies a stored file of the snapshot to {@code target.path()} without sending its bytes again,
     * replacing what is stored there. Requires {@link Capability#SERVER_SIDE_COPY}. Atomic like an
     * upload; the copy carries {@code target}'s sha256 and mtime as metadata. The engine calls it only
     * when the source's stored bytes have {@code target.sha256()} and {@code target.size()}.
     *
     * @param snapshot the snapshot name
     * @param sourcePath the manifest path of the stored file to copy
     * @param target the copy's manifest entry
     * @return what was stored, as {@link #upload} reports it
     * @throws ProviderException with {@link ProviderException.Kind#NOT_FOUND} when no file is stored at
     *     {@code sourcePath}
     * @throws UnsupportedOperationException when the provider does not declare
     *     {@link Capability#SERVER_SIDE_COPY}
     * @since SPI version 4
     */
    default UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
        throw new UnsupportedOperationException("provider does not declare Capability.SERVER_SIDE_COPY");
    }

    /**
     * Copies one file to {@code target}, replacing it.
     *
     * @param snapshot the snapshot name
     * @param path the manifest path
     * @param target where to write the bytes; its parent exists
     * @throws ProviderException with {@link ProviderException.Kind#NOT_FOUND} when there is no such file
     *     (also when the path is a folder, with files stored below it); {@code target} is then not created
     */
    void download(String snapshot, String path, Path target);

    /**
     * Deletes one file. Idempotent: deleting a path that is not there succeeds.
     *
     * @param snapshot the snapshot name
     * @param path the manifest path
     * @throws ProviderException on failure
     */
    void delete(String snapshot, String path);

    /**
     * Lists what is really stored for a snapshot (not its manifest). Requires
     * {@link Capability#LISTING}. The caller closes the stream.
     *
     * @param snapshot the snapshot name
     * @return the files, with paths relative to the snapshot
     * @throws UnsupportedOperationException when the provider does not declare {@link Capability#LISTING}
     */
    default Stream<RemoteEntry> list(String snapshot) {
        throw new UnsupportedOperationException("provider does not declare Capability.LISTING");
    }

    /**
     * Makes every upload, copy and delete that has returned before this call durable: after it
     * returns, a power cut or a crash of the machine cannot lose them. The engine records an
     * operation in its run journal, and commits a manifest naming a file, only after a flush that
     * covers it; it calls this once per batch of operations (for example every thousand files or
     * every second, and at the end of each phase), never concurrently with itself, while other
     * operations may be in flight.
     *
     * <p>The default does nothing, which is right for a backend that stores durably before it
     * answers (object stores, Google Drive, a provider that syncs each file itself). A provider that
     * defers its syncs (the built-in {@code local} provider writes files without an fsync each, and
     * syncs them and their folders here in one batch) does the deferred work here.
     *
     * <p>A failure means the operations it should have covered may be lost; the engine treats them
     * as failed (they are not journalled, and the next run does them again). A provider need not
     * remember them for a later flush.
     *
     * @throws ProviderException when the operations cannot be made durable
     * @since SPI version 4
     */
    default void flush() {
    }

    /**
     * The retry budget this provider's backend needs, when the engine's generic settings do not fit
     * it (for example a backend that documents backoff up to a minute). The engine retries this
     * provider's retryable failures with it, never less patiently than its own settings; see
     * {@link RetryPolicy} for the schedule. Called once per run, after {@code open}; must be cheap
     * and make no call to the backend.
     *
     * @return the policy, or empty (the default) to use the engine's settings as they are
     * @since SPI version 2
     */
    default Optional<RetryPolicy> retryPolicy() {
        return Optional.empty();
    }

    /**
     * Releases connections and threads. Idempotent.
     */
    @Override
    void close();
}
