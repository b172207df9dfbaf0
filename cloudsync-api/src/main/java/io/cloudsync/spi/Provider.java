package io.cloudsync.spi;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * One open remote. Files of a snapshot live under their manifest paths; the snapshot's manifest
 * lives apart, where no file of the project can collide with it.
 *
 * <p>What the engine guarantees: {@link #upload}, {@link #download}, {@link #delete} and
 * {@link #list} may be called from several threads at once, but never twice at once for one path;
 * {@link #readManifest} and {@link #writeManifest} are never called concurrently for one snapshot;
 * the manifest is written only after every upload it names has returned successfully.
 *
 * <p>What the provider guarantees: an upload is atomic (a failed or interrupted upload leaves
 * nothing readable under the final name, and never a partial file), a delete is idempotent,
 * and every failure is a {@link ProviderException} with the right {@link ProviderException.Kind}.
 * Providers do not retry; the engine does, within the budget of {@link #retryPolicy()}.
 */
public interface Provider extends AutoCloseable {

    /**
     * Reads a snapshot's manifest.
     *
     * @param snapshot the snapshot name
     * @return the manifest, or empty when the remote has none for {@code snapshot} yet
     * @throws ProviderException when it cannot be read; {@link ProviderException.Kind#INTEGRITY}
     *     when the stored manifest is damaged
     */
    Optional<Manifest> readManifest(String snapshot);

    /**
     * Writes a snapshot's manifest, replacing the previous one atomically.
     *
     * @param snapshot the snapshot name
     * @param manifest the manifest
     * @param precondition a condition on the stored manifest; honoured atomically by providers that
     *     declare {@link Capability#CONDITIONAL_MANIFEST_WRITE}
     * @throws ProviderException with {@link ProviderException.Kind#CONFLICT} when the precondition fails
     */
    void writeManifest(String snapshot, Manifest manifest, ManifestPrecondition precondition);

    /**
     * Stores one file under {@code entry.path()} in the snapshot, with its sha256 and mtime kept as
     * metadata where the backend allows. The bytes must hash to {@code entry.sha256()}: a provider
     * that can check this (server-side checksum, or hashing what it wrote) refuses a mismatch with
     * {@link ProviderException.Kind#INTEGRITY} and leaves nothing readable.
     *
     * @param snapshot the snapshot name
     * @param entry the file's manifest entry
     * @param localFile where to read the bytes
     * @return what was stored
     * @throws ProviderException on failure
     */
    UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile);

    /**
     * Stores one file as {@link #upload(String, ManifestEntry, Path)} does, and tells the engine how
     * far it got, so progress can count the bytes of uploads in flight. The engine calls this method,
     * never the three-argument one; the default ignores {@code sent} and calls the three-argument
     * method, so a provider that reports nothing needs no change.
     *
     * <p>{@code sent} receives the number of this file's bytes the remote has accepted so far in this
     * attempt: never more than {@code entry.size()}, and non-decreasing within one call of this method
     * (a new attempt, that is a new call, may start again from 0). Bytes an interrupted earlier upload
     * had stored and this call continues from count as accepted from the start. It may be called from
     * any thread, as rarely as the provider likes (per part or chunk is enough) or never; it must not
     * be called after this method has returned or thrown. It is cheap and never throws.
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
