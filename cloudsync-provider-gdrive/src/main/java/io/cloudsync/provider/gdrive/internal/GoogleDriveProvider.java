package io.cloudsync.provider.gdrive.internal;

import com.google.api.client.http.ByteArrayContent;
import com.google.api.services.drive.model.File;
import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.PathRules;
import io.cloudsync.Secret;
import io.cloudsync.spi.ManifestPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.RetryPolicy;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Drive provider: files under {@code <parent_id>/<snapshot>/<path>} as real folders, manifests
 * as {@code <snapshot>.json} in {@code manifest_parent_id}. See docs/GDRIVE.md.
 */
public final class GoogleDriveProvider implements Provider {

    private static final Logger LOG = LoggerFactory.getLogger(GoogleDriveProvider.class);
    /** appProperties keys; key and value together must stay within Drive's 124 bytes. */
    static final String PROP_MARKER = "cloudsync";
    static final String PROP_SHA256 = "sha256";
    static final String PROP_MTIME = "mtime";
    static final String PROP_CHECKSUM = "manifest_checksum";
    private static final int MAX_PROPERTY_BYTES = 124;

    private final DriveSettings settings;
    private final DriveApi api;
    private final Creates creates;
    private final FolderTree tree;
    private final ResumableUpload resumable;
    private final UploadStates states;
    private final Map<String, Optional<Manifest>> manifests = new ConcurrentHashMap<>();
    private final Map<String, String> manifestIds = new ConcurrentHashMap<>();
    /** Files whose update failed in a way that may have stored it anyway: looked up afresh before the next upload. */
    private final Set<String> unsure = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private GoogleDriveProvider(DriveSettings settings, DriveApi api) {
        this.settings = settings;
        this.api = api;
        this.creates = new Creates(api);
        this.tree = new FolderTree(api, creates);
        this.states = new UploadStates(settings.state());
        this.resumable = new ResumableUpload(api, settings, states);
    }

    /**
     * Opens the provider. Cheap: no call is made until the first operation.
     *
     * @param settings validated settings
     * @param credentialsJson the service-account key file
     * @return the provider
     */
    public static GoogleDriveProvider open(DriveSettings settings, Secret credentialsJson) {
        GoogleDriveProvider provider = new GoogleDriveProvider(settings, DriveApi.open(settings, credentialsJson));
        LOG.info("gdrive.open service={} parent_id={} manifest_parent_id={} root_url={}", settings.service(),
                settings.parentId(), settings.manifestParentId(), settings.rootUrl());
        return provider;
    }

    /** Google's backoff for Drive (see {@link DriveSettings#RETRY_POLICY}), scaled by {@code retry_delay_scale}. */
    @Override
    public Optional<RetryPolicy> retryPolicy() {
        return Optional.of(settings.retryPolicy());
    }

    // ------------------------------------------------------------------ manifests

    @Override
    public Optional<Manifest> readManifest(String snapshot) {
        checkSnapshot(snapshot);
        String name = snapshot + ".json";
        List<File> found = manifestFiles(snapshot);
        if (found.isEmpty()) {
            manifests.put(snapshot, Optional.empty());
            return Optional.empty();
        }
        File chosen = found.get(0);
        if (found.size() > 1) {
            long distinct = found.stream().map(f -> props(f).getOrDefault(PROP_CHECKSUM, "?" + f.getId())).distinct().count();
            if (distinct > 1) {
                throw new ProviderException(Kind.CONFLICT, "manifest_parent_id holds " + found.size() + " manifests named '"
                        + name + "' with different content (ids " + ids(found) + "); two runs wrote it at once."
                        + " cloudsync will not guess which is current: delete the stale ones in Drive, then run again", name, null);
            }
            LOG.warn("gdrive.duplicate name={} ids={} using={} (same content)", name, ids(found), chosen.getId());
        }
        byte[] bytes = call("read the manifest", name, () -> {
            try (InputStream in = api.media(chosen.getId())) {
                return in.readAllBytes();
            }
        });
        try {
            Manifest manifest = io.cloudsync.core.ManifestJson.fromBytes(bytes, "Drive file '" + name + "' (id " + chosen.getId() + ")");
            manifests.put(snapshot, Optional.of(manifest));
            manifestIds.put(snapshot, chosen.getId());
            return Optional.of(manifest);
        } catch (ManifestFormatException e) {
            throw new ProviderException(Kind.INTEGRITY, "the manifest '" + name + "' in manifest_parent_id is damaged: "
                    + e.getMessage() + "; restore it from a backup or delete it to rebuild", name, e);
        }
    }

    @Override
    public void writeManifest(String snapshot, Manifest manifest, ManifestPrecondition precondition) {
        checkSnapshot(snapshot);
        String name = snapshot + ".json";
        byte[] bytes = io.cloudsync.core.ManifestJson.toBytes(manifest);
        String sha256 = Digests.hex(Digests.sha256().digest(bytes));
        String createKey = "manifest\u0000" + settings.manifestParentId() + "\u0000" + name;
        Optional<File> lost = call("write the manifest", name, () -> creates.recover(createKey, sha256));
        if (lost.isPresent()) {
            // an earlier attempt of this write stored it, but its answer was lost: done
            remember(snapshot, manifest, lost.get(), manifestFiles(snapshot), name);
            return;
        }
        List<File> found = manifestFiles(snapshot);
        for (File f : found) {
            if (sha256.equals(props(f).get(PROP_SHA256)) && manifest.checksum().equals(props(f).get(PROP_CHECKSUM))
                    && (f.getSha256Checksum() == null || sha256.equals(f.getSha256Checksum()))) {
                // exactly these bytes are stored already: an earlier attempt of this write went through
                // although its answer was lost (the precondition held then), or another run wrote the same
                LOG.debug("gdrive.manifest.already_written name={} id={}", name, f.getId());
                remember(snapshot, manifest, f, found, name);
                return;
            }
        }
        File target = null;
        switch (precondition.kind()) {
            case ABSENT -> {
                if (!found.isEmpty()) {
                    throw new ProviderException(Kind.CONFLICT, "manifest '" + name + "' already exists on Drive (ids "
                            + ids(found) + "); another run wrote it first", name, null);
                }
            }
            case CHECKSUM -> {
                String expected = precondition.checksum().orElseThrow();
                for (File f : found) {
                    if (expected.equals(storedChecksum(f, name))) {
                        target = f;
                        break;
                    }
                }
                if (target == null) {
                    throw new ProviderException(Kind.CONFLICT, "manifest '" + name + "' on Drive is not the one this run"
                            + " started from (expected checksum " + expected + "); another run changed it", name, null);
                }
            }
            case NONE -> target = found.isEmpty() ? null : found.get(0);
            default -> throw new IllegalStateException(precondition.toString());
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put(PROP_MARKER, "manifest");
        props.put(PROP_CHECKSUM, manifest.checksum());
        props.put(PROP_SHA256, sha256);
        checkProperties(props, name);
        File meta = new File().setAppProperties(props).setModifiedTime(DriveApi.utc(Instant.now()));
        File stored;
        if (target != null) {
            String id = target.getId();
            // in place: the manifest keeps its id, so links and shares stay valid
            stored = call("write the manifest", name, () -> api.updateWithContent(id, meta, bytes, "application/json"));
        } else {
            meta.setName(name).setMimeType("application/json").setParents(List.of(settings.manifestParentId()));
            stored = call("write the manifest", name, () -> creates.create(createKey, sha256,
                    id -> api.createWithContent(meta.setId(id), new ByteArrayContent("application/json", bytes))));
        }
        if (stored.getSha256Checksum() != null && !sha256.equals(stored.getSha256Checksum())) {
            throw new ProviderException(Kind.INTEGRITY, "Google Drive stored manifest '" + name + "' with sha256 "
                    + stored.getSha256Checksum() + " but cloudsync sent " + sha256 + "; run again", name, null);
        }
        remember(snapshot, manifest, stored, found, name);
    }

    /** {@code stored} holds {@code manifest} now: cache it and remove every other manifest of that name. */
    private void remember(String snapshot, Manifest manifest, File stored, List<File> found, String name) {
        manifestIds.put(snapshot, stored.getId());
        manifests.put(snapshot, Optional.of(manifest));
        for (File other : found) {
            if (!other.getId().equals(stored.getId())) {
                LOG.warn("gdrive.duplicate.removed name={} id={} kept={}", name, other.getId(), stored.getId());
                deleteId(other.getId(), name);
            }
        }
    }

    private List<File> manifestFiles(String snapshot) {
        String name = snapshot + ".json";
        List<File> found = new ArrayList<>(call("find the manifest", name,
                () -> api.children(settings.manifestParentId(), name)));
        found.removeIf(DriveApi::isFolder);
        String known = manifestIds.get(snapshot);
        if (known != null && found.stream().noneMatch(f -> f.getId().equals(known))) {
            // written by this provider a moment ago and not yet in Drive's listing
            try {
                File f = api.get(known);
                if (!Boolean.TRUE.equals(f.getTrashed()) && name.equals(f.getName())) {
                    found.add(f);
                }
            } catch (IOException e) {
                ProviderException mapped = DriveErrors.map(e, "find the manifest", name);
                if (mapped.kind() != Kind.NOT_FOUND) {
                    throw mapped;
                }
                manifestIds.remove(snapshot);
            }
        }
        found.sort(DriveApi.OLDEST_FIRST);
        return found;
    }

    private String storedChecksum(File f, String name) {
        String checksum = props(f).get(PROP_CHECKSUM);
        if (checksum != null) {
            return checksum;
        }
        byte[] bytes = call("read the manifest", name, () -> {
            try (InputStream in = api.media(f.getId())) {
                return in.readAllBytes();
            }
        });
        try {
            return io.cloudsync.core.ManifestJson.fromBytes(bytes, name).checksum();
        } catch (ManifestFormatException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ files

    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
        return upload(snapshot, entry, localFile, n -> { });
    }

    /**
     * Reports progress after each chunk Drive confirms in a resumable upload (bytes a continued
     * session had stored count from the start), and once when a one-request upload is stored.
     */
    @Override
    public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, java.util.function.LongConsumer sent) {
        checkSnapshot(snapshot);
        String path = entry.path();
        List<String> segments = segments(snapshot, path);
        String leaf = segments.get(segments.size() - 1);
        List<String> folderPath = segments.subList(0, segments.size() - 1);
        List<Located> existing = refreshUnsure(locate(snapshot, path), path);

        for (Located candidate : existing) {
            if (entry.sha256().equals(candidate.file.getSha256Checksum()) && entry.size() == size(candidate.file)) {
                // already there, verified by Drive (an earlier run stopped before its manifest was written)
                File kept = candidate.file;
                if (!entry.sha256().equals(props(kept).get(PROP_SHA256)) || !entry.mtime().toString().equals(props(kept).get(PROP_MTIME))) {
                    File patch = new File().setAppProperties(fileProperties(entry)).setModifiedTime(DriveApi.utc(entry.mtime()));
                    kept = call("update the metadata of", path, () -> api.updateMetadata(candidate.file.getId(), patch));
                }
                LOG.debug("gdrive.upload.skip path={} id={} reason=already_stored", path, kept.getId());
                removeOthers(existing, kept.getId(), path);
                states.clear(snapshot, path);
                sent.accept(entry.size());
                return UploadReceipt.verified(path, entry.size(), entry.sha256()).withResumedBytes(entry.size());
            }
        }

        Located target = existing.stream().filter(c -> !isGoogleDocsType(c.file)).findFirst().orElse(null);
        if (target != null) {
            return updateInPlace(snapshot, entry, localFile, target, existing, sent);
        }
        String folderId = call("create the folders of", path, () -> tree.ensure(settings.parentId(), folderPath));
        File meta = new File().setName(leaf).setParents(List.of(folderId)).setMimeType("application/octet-stream")
                .setAppProperties(fileProperties(entry)).setModifiedTime(DriveApi.utc(entry.mtime()));
        String createKey = "file\u0000" + folderId + "\u0000" + leaf;
        String fingerprint = entry.sha256() + "/" + entry.size();
        File stored;
        if (entry.size() > settings.chunkSize()) {
            stored = call("upload", path, () -> creates.create(createKey, fingerprint,
                    id -> resumable.upload(snapshot, entry, localFile, meta.setId(id), null, sent)));
            states.clear(snapshot, path);
        } else {
            stored = call("upload", path, () -> creates.create(createKey, fingerprint,
                    id -> api.createWithContent(meta.setId(id), localFile)));
            sent.accept(entry.size());
        }
        tree.added(folderId, stored);
        UploadReceipt receipt;
        try {
            receipt = verify(stored, entry, localFile);
        } catch (ProviderException e) {
            deleteId(stored.getId(), path);
            tree.removed(folderId, stored);
            throw e;
        }
        removeOthers(existing, stored.getId(), path);
        return receipt.withResumedBytes(Math.min(entry.size(), resumable.takeResumedBytes(path)));
    }

    /**
     * New content for a file that is already there, with {@code files.update}: it keeps its id (so
     * links, shares and Drive's own revision history stay) and gains a revision. Content that fails
     * verification is taken back out: its revision is deleted, which makes the previous content
     * current again, and the previous metadata is restored.
     */
    private UploadReceipt updateInPlace(String snapshot, ManifestEntry entry, Path localFile, Located target,
                                        List<Located> existing, java.util.function.LongConsumer sent) {
        String path = entry.path();
        String id = target.file.getId();
        File meta = new File().setAppProperties(fileProperties(entry)).setModifiedTime(DriveApi.utc(entry.mtime()));
        File stored;
        try {
            if (entry.size() > settings.chunkSize()) {
                stored = resumable.upload(snapshot, entry, localFile, meta, id, sent);
            } else {
                stored = call("upload", path, () -> api.updateWithContent(id, meta, localFile));
                sent.accept(entry.size());
            }
        } catch (ProviderException e) {
            if (e.retryable()) {
                unsure.add(id); // the new content may be stored although the answer said otherwise
            }
            throw e;
        }
        tree.replaced(target.folderId, stored);
        UploadReceipt receipt;
        try {
            receipt = verify(stored, entry, localFile);
        } catch (ProviderException e) {
            throw rollBack(target, stored, path, e);
        }
        LOG.debug("gdrive.upload.updated path={} id={} revision={}", path, id, stored.getHeadRevisionId());
        removeOthers(existing, id, path);
        return receipt.withResumedBytes(Math.min(entry.size(), resumable.takeResumedBytes(path)));
    }

    /** The candidates, with files whose last update went unanswered looked up again (their content may be new). */
    private List<Located> refreshUnsure(List<Located> candidates, String path) {
        if (unsure.isEmpty()) {
            return candidates;
        }
        List<Located> out = new ArrayList<>(candidates.size());
        for (Located c : candidates) {
            if (unsure.remove(c.file.getId())) {
                File fresh;
                try {
                    fresh = api.get(c.file.getId());
                } catch (IOException e) {
                    ProviderException mapped = DriveErrors.map(e, "look up", path);
                    if (mapped.kind() != Kind.NOT_FOUND) {
                        unsure.add(c.file.getId());
                        throw mapped;
                    }
                    tree.removed(c.folderId, c.file);
                    continue;
                }
                tree.replaced(c.folderId, fresh);
                out.add(new Located(c.folderId, fresh));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    /** Takes back an update whose content failed verification; returns {@code failure}, amended if that failed. */
    private ProviderException rollBack(Located target, File stored, String path, ProviderException failure) {
        File previous = target.file;
        String revision = stored.getHeadRevisionId();
        try {
            if (revision == null || revision.equals(previous.getHeadRevisionId())) {
                throw new IOException("Google Drive did not report the new revision");
            }
            api.deleteRevision(stored.getId(), revision);
            Map<String, String> restoredProps = new LinkedHashMap<>();
            for (String key : props(stored).keySet()) {
                restoredProps.put(key, com.google.api.client.util.Data.NULL_STRING);
            }
            restoredProps.putAll(props(previous));
            File restore = new File().setAppProperties(restoredProps).setModifiedTime(previous.getModifiedTime());
            File restored = api.updateMetadata(stored.getId(), restore);
            tree.replaced(target.folderId, restored);
            LOG.warn("gdrive.upload.rolled_back path={} id={} revision={} reason=verification_failed", path,
                    stored.getId(), revision);
            return failure;
        } catch (IOException e) {
            tree.removed(target.folderId, stored);
            ProviderException mapped = DriveErrors.map(e, "restore the previous version of", path);
            LOG.warn("gdrive.upload.rollback_failed path={} id={} error={}", path, stored.getId(), mapped.getMessage());
            return new ProviderException(failure.kind(), failure.getMessage() + ". The damaged version stays on Drive"
                    + " (id " + stored.getId() + ") because its previous version could not be restored ("
                    + mapped.getMessage() + "); the next sync uploads the file again", path, failure);
        }
    }

    private static boolean isGoogleDocsType(File f) {
        return f.getMimeType() != null && f.getMimeType().startsWith("application/vnd.google-apps.");
    }

    /** Checks what Drive stored against the entry; the file stays only if it matches. */
    private UploadReceipt verify(File stored, ManifestEntry entry, Path localFile) {
        String path = entry.path();
        if (size(stored) != entry.size()) {
            throw new ProviderException(Kind.INTEGRITY, "Google Drive stored " + size(stored) + " bytes for '" + path
                    + "' but its manifest entry has " + entry.size() + "; the local file changed while it was uploaded,"
                    + " run the sync again", path, null);
        }
        String serverSha = stored.getSha256Checksum();
        if (serverSha != null) {
            if (!serverSha.equals(entry.sha256())) {
                throw new ProviderException(Kind.INTEGRITY, "Google Drive reports sha256 " + serverSha + " for '" + path
                        + "' but its manifest entry has " + entry.sha256() + "; the upload was removed. The local file"
                        + " changed after the manifest was built, or the bytes were damaged on the way; run the sync again",
                        path, null);
            }
            return UploadReceipt.verified(path, entry.size(), entry.sha256());
        }
        // Drive leaves sha256Checksum out now and then: fall back to its md5 over the bytes we sent.
        if (stored.getMd5Checksum() == null) {
            LOG.warn("gdrive.upload.unverified path={} reason=no_checksum_from_drive", path);
            return UploadReceipt.unverified(path, entry.size());
        }
        try (InputStream in = Files.newInputStream(localFile)) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            MessageDigest sha = Digests.sha256();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md5.update(buffer, 0, n);
                sha.update(buffer, 0, n);
            }
            if (!Digests.hex(md5.digest()).equals(stored.getMd5Checksum()) || !Digests.hex(sha.digest()).equals(entry.sha256())) {
                throw new ProviderException(Kind.INTEGRITY, "Google Drive's md5 for '" + path + "' does not match the"
                        + " local file, or the local file no longer has the manifest's sha256; the upload was removed,"
                        + " run the sync again", path, null);
            }
            return UploadReceipt.verified(path, entry.size(), entry.sha256());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            LOG.warn("gdrive.upload.unverified path={} reason={}", path, e.toString());
            return UploadReceipt.unverified(path, entry.size());
        }
    }

    @Override
    public void download(String snapshot, String path, Path target) {
        checkSnapshot(snapshot);
        PathRules.requireCanonical(path);
        List<Located> candidates = locate(snapshot, path);
        if (candidates.isEmpty()) {
            throw new ProviderException(Kind.NOT_FOUND, "no file '" + path + "' in snapshot '" + snapshot
                    + "' on Google Drive (parent_id " + settings.parentId() + ")", path, null);
        }
        File file = choose(snapshot, path, candidates, true).file;
        String expected = file.getSha256Checksum() != null ? file.getSha256Checksum() : props(file).get(PROP_SHA256);
        try {
            Path temp = AtomicFiles.prepareTemp(target, false);
            try {
                MessageDigest digest = Digests.sha256();
                if (size(file) > 0) {
                    // a plain GET; the ranged downloader gets 416 on empty files and is not needed here
                    call("download", path, () -> {
                        try (InputStream in = new DigestInputStream(api.media(file.getId()), digest);
                             OutputStream out = Files.newOutputStream(temp)) {
                            in.transferTo(out);
                        }
                        return null;
                    });
                }
                String actual = Digests.hex(digest.digest());
                if (expected != null && !expected.equals(actual)) {
                    throw new ProviderException(Kind.INTEGRITY, "downloaded '" + path + "' has sha256 " + actual
                            + " but Google Drive records " + expected + "; retry the download", path, null);
                }
                AtomicFiles.commit(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new ProviderException(Kind.PERMANENT, "cannot write '" + target + "' while downloading '" + path
                    + "': " + e.getMessage(), path, e);
        }
    }

    @Override
    public void delete(String snapshot, String path) {
        checkSnapshot(snapshot);
        PathRules.requireCanonical(path);
        for (Located located : locate(snapshot, path)) {
            deleteId(located.file.getId(), path);
            tree.removed(located.folderId, located.file);
        }
        states.clear(snapshot, path);
    }

    @Override
    public Stream<RemoteEntry> list(String snapshot) {
        checkSnapshot(snapshot);
        Map<String, List<Located>> byPath = new LinkedHashMap<>();
        Deque<Map.Entry<String, String>> queue = new ArrayDeque<>();
        for (String id : call("list", snapshot, () -> tree.find(settings.parentId(), List.of(snapshot)))) {
            queue.add(Map.entry("", id));
        }
        while (!queue.isEmpty()) {
            Map.Entry<String, String> folder = queue.poll();
            String folderId = folder.getValue();
            List<File> children = call("list", folder.getKey().isEmpty() ? snapshot : folder.getKey(), () -> tree.refresh(folderId));
            for (File f : children) {
                String childPath = folder.getKey().isEmpty() ? f.getName() : folder.getKey() + "/" + f.getName();
                if (DriveApi.isFolder(f)) {
                    queue.add(Map.entry(childPath, f.getId()));
                } else if (f.getMimeType() != null && f.getMimeType().startsWith("application/vnd.google-apps.")) {
                    LOG.warn("gdrive.list.skipped path={} reason=google_docs_type mimeType={}", childPath, f.getMimeType());
                } else if (!isCanonical(childPath)) {
                    LOG.warn("gdrive.list.skipped path={} reason=not_a_manifest_path", childPath);
                } else {
                    byPath.computeIfAbsent(PathRules.requireCanonical(childPath), k -> new ArrayList<>())
                            .add(new Located(folderId, f));
                }
            }
        }
        List<RemoteEntry> out = new ArrayList<>();
        for (Map.Entry<String, List<Located>> e : byPath.entrySet()) {
            Located chosen = choose(snapshot, e.getKey(), e.getValue(), false);
            if (chosen == null) {
                File first = e.getValue().get(0).file;
                out.add(RemoteEntry.of(e.getKey(), size(first), null, null));
            } else {
                out.add(RemoteEntry.of(e.getKey(), size(chosen.file), sha256Of(chosen.file), mtimeOf(chosen.file)));
            }
        }
        out.sort((a, b) -> PathRules.compare(a.path(), b.path()));
        return out.stream();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            api.shutdown();
        } catch (IOException e) {
            LOG.debug("gdrive.close error={}", e.toString());
        }
    }

    // ------------------------------------------------------------------ duplicates

    /** A file and the folder it was found in. */
    private record Located(String folderId, File file) {
    }

    /** Every non-folder file at {@code path}, across duplicate folders. */
    private List<Located> locate(String snapshot, String path) {
        List<String> segments = segments(snapshot, path);
        String leaf = segments.get(segments.size() - 1);
        return call("look up", path, () -> {
            List<Located> out = new ArrayList<>();
            for (String folderId : tree.find(settings.parentId(), segments.subList(0, segments.size() - 1))) {
                for (File f : tree.childrenNamed(folderId, leaf)) {
                    if (!DriveApi.isFolder(f)) {
                        out.add(new Located(folderId, f));
                    }
                }
            }
            out.sort((a, b) -> DriveApi.OLDEST_FIRST.compare(a.file, b.file));
            return out;
        });
    }

    /**
     * Among several files with one path, the one whose content the manifest names. Never guesses:
     * with no manifest entry to match, or no match, it refuses (or, for listings, returns null).
     */
    private Located choose(String snapshot, String path, List<Located> candidates, boolean strict) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        List<String> ids = candidates.stream().map(c -> c.file.getId()).toList();
        String firstSha = sha256Of(candidates.get(0).file);
        if (firstSha != null && candidates.stream().allMatch(c -> firstSha.equals(sha256Of(c.file))
                && size(c.file) == size(candidates.get(0).file))) {
            // same content in every copy: taking the oldest is not a guess
            LOG.warn("gdrive.duplicate path={} ids={} using={} reason=identical_content (the next upload of this"
                    + " path removes the others)", path, ids, candidates.get(0).file.getId());
            return candidates.get(0);
        }
        Optional<ManifestEntry> entry = manifestEntry(snapshot, path);
        List<Located> matching = new ArrayList<>();
        if (entry.isPresent()) {
            for (Located c : candidates) {
                if (entry.get().sha256().equals(sha256Of(c.file)) && entry.get().size() == size(c.file)) {
                    matching.add(c);
                }
            }
        }
        if (!matching.isEmpty()) {
            Located chosen = matching.get(0);
            LOG.warn("gdrive.duplicate path={} ids={} using={} reason=matches_manifest (the next upload of this path"
                    + " removes the others)", path, ids, chosen.file.getId());
            return chosen;
        }
        String why = entry.isPresent() ? "none matches the manifest's sha256 " + entry.get().sha256()
                : "the manifest of snapshot '" + snapshot + "' does not list this path";
        if (!strict) {
            LOG.warn("gdrive.duplicate path={} ids={} unresolved: {}", path, ids, why);
            return null;
        }
        throw new ProviderException(Kind.PERMANENT, "Google Drive holds " + candidates.size() + " files named '" + path
                + "' in snapshot '" + snapshot + "' (ids " + ids + ") and " + why + "; cloudsync will not guess."
                + " Delete the wrong ones in Drive, or upload the path again (which replaces them all)", path, null);
    }

    private Optional<ManifestEntry> manifestEntry(String snapshot, String path) {
        Optional<Manifest> manifest = manifests.get(snapshot);
        if (manifest == null) {
            manifest = readManifest(snapshot);
        }
        return manifest.flatMap(m -> m.find(path));
    }

    private void removeOthers(List<Located> existing, String keptId, String path) {
        for (Located other : existing) {
            if (!other.file.getId().equals(keptId)) {
                LOG.info("gdrive.duplicate.removed path={} id={} kept={}", path, other.file.getId(), keptId);
                deleteId(other.file.getId(), path);
                tree.removed(other.folderId, other.file);
            }
        }
    }

    private void deleteId(String id, String path) {
        try {
            api.delete(id);
        } catch (IOException e) {
            ProviderException mapped = DriveErrors.map(e, "delete", path);
            if (mapped.kind() != Kind.NOT_FOUND) {
                throw mapped;
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private Map<String, String> fileProperties(ManifestEntry entry) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(PROP_MARKER, "1");
        props.put(PROP_SHA256, entry.sha256());
        props.put(PROP_MTIME, entry.mtime().toString());
        checkProperties(props, entry.path());
        return props;
    }

    private static void checkProperties(Map<String, String> props, String path) {
        for (Map.Entry<String, String> p : props.entrySet()) {
            int bytes = p.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + p.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > MAX_PROPERTY_BYTES) {
                throw new IllegalStateException("appProperty " + p.getKey() + " of " + path + " needs " + bytes
                        + " bytes; Drive allows " + MAX_PROPERTY_BYTES);
            }
        }
    }

    private static Map<String, String> props(File f) {
        return f.getAppProperties() == null ? Map.of() : f.getAppProperties();
    }

    private static long size(File f) {
        return f.getSize() == null ? 0 : f.getSize();
    }

    private static String sha256Of(File f) {
        String sha = f.getSha256Checksum() != null ? f.getSha256Checksum() : props(f).get(PROP_SHA256);
        return Digests.isSha256Hex(sha) ? sha : null;
    }

    private static Instant mtimeOf(File f) {
        String prop = props(f).get(PROP_MTIME);
        if (prop != null) {
            try {
                return Instant.parse(prop);
            } catch (DateTimeParseException e) {
                // fall back to Drive's own
            }
        }
        return f.getModifiedTime() == null ? null : Instant.ofEpochMilli(f.getModifiedTime().getValue());
    }

    private static String ids(List<File> files) {
        return files.stream().map(File::getId).toList().toString();
    }

    private static List<String> segments(String snapshot, String path) {
        List<String> out = new ArrayList<>();
        out.add(snapshot);
        out.addAll(Arrays.asList(PathRules.requireCanonical(path).split("/")));
        return out;
    }

    private static boolean isCanonical(String path) {
        try {
            PathRules.requireCanonical(path);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void checkSnapshot(String snapshot) {
        if (snapshot == null || snapshot.isBlank() || snapshot.contains("/") || snapshot.equals(".") || snapshot.equals("..")) {
            throw new IllegalArgumentException("snapshot name must be one non-empty path segment without '/', was \""
                    + snapshot + '"');
        }
    }

    /** A Drive call whose IOException becomes a ProviderException about {@code what}. */
    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T call(String action, String what, Call<T> call) {
        if (closed) {
            throw new IllegalStateException("the gdrive provider is closed");
        }
        try {
            return call.run();
        } catch (IOException e) {
            throw DriveErrors.map(e, action, what);
        }
    }

    @Override
    public String toString() {
        return "GoogleDriveProvider[service=" + settings.service() + ", parent_id=" + settings.parentId() + ']';
    }
}
