package io.cloudsync.provider.gdrive.internal;

import com.google.api.client.http.ByteArrayContent;
import com.google.api.services.drive.model.File;
import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.Secret;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Names;
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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Drive provider: files under {@code <parent_id>/<snapshot>/<path>} as real folders; the
 * metadata area in {@code manifest_parent_id}, where manifest {@code manifests/<snapshot>.json} is
 * the file {@code <snapshot>.json} as before the metadata area (see {@link #driveName}). See
 * docs/GDRIVE.md.
 */
public final class GoogleDriveProvider implements Provider {

    private static final Logger LOG = LoggerFactory.getLogger(GoogleDriveProvider.class);
    /** appProperties keys; key and value together must stay within Drive's 124 bytes. */
    static final String PROP_MARKER = "cloudsync";
    static final String PROP_SHA256 = "sha256";
    static final String PROP_MTIME = "mtime";
    static final String PROP_CHECKSUM = "manifest_checksum";
    private static final int MAX_PROPERTY_BYTES = 124;
    /** Metadata names of manifests: {@code manifests/<snapshot>.json} is the file {@code <snapshot>.json}. */
    static final String MANIFESTS = "manifests/";

    private final DriveSettings settings;
    private final DriveApi api;
    private final Creates creates;
    private final FolderTree tree;
    private final ResumableUpload resumable;
    private final UploadStates states;
    /** Drive name of a metadata object -> the id of the file this provider last read or wrote for it. */
    private final Map<String, String> metadataIds = new ConcurrentHashMap<>();
    /** Drive name -> sha256 of a put whose in-place update went unanswered: it may have been stored. */
    private final Map<String, String> unsureMetadata = new ConcurrentHashMap<>();
    /** Files this provider deleted: a lagging listing may still show them. */
    private final Set<String> deletedIds = ConcurrentHashMap.newKeySet();
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

    // ------------------------------------------------------------------ metadata area

    /**
     * The Drive name of metadata object {@code name} in {@code manifest_parent_id}. {@code manifests/X}
     * is the file {@code X} (today's layout: {@code <snapshot>.json}, so remotes written before the
     * metadata area read as they are); any other name of several segments is the file named exactly
     * so (it contains '/', which no manifest's name does); a name of one segment {@code N} is
     * {@code /N}, apart from both.
     *
     * @param name a valid metadata name
     * @return the file's name on Drive
     */
    static String driveName(String name) {
        if (name.startsWith(MANIFESTS) && name.indexOf('/', MANIFESTS.length()) < 0) {
            return name.substring(MANIFESTS.length());
        }
        return name.indexOf('/') < 0 ? "/" + name : name;
    }

    /**
     * The metadata name that {@link #driveName} maps to a Drive name.
     *
     * @param driveName a file's name in {@code manifest_parent_id}
     * @return the metadata name, or {@code null} when no metadata name maps to it (a file of another tool)
     */
    static String metadataName(String driveName) {
        String name;
        if (driveName.indexOf('/') < 0) {
            name = MANIFESTS + driveName;
        } else if (driveName.startsWith("/")) {
            name = driveName.substring(1);
        } else {
            name = driveName;
        }
        try {
            Names.requireMetadataName(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return driveName(name).equals(driveName) ? name : null;
    }

    @Override
    public Optional<MetadataObject> getMetadata(String name) {
        Names.requireMetadataName(name);
        String driveName = driveName(name);
        for (int attempt = 1; ; attempt++) {
            List<File> found = metadataFiles(driveName);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            File chosen = chooseMetadata(name, found);
            byte[] bytes;
            try {
                bytes = size(chosen) == 0 ? new byte[0] : call("read the metadata object", name, () -> {
                    try (InputStream in = api.media(chosen.getId())) {
                        return in.readAllBytes();
                    }
                });
            } catch (ProviderException e) {
                if (e.kind() != Kind.NOT_FOUND || attempt >= 3) {
                    throw e;
                }
                metadataIds.remove(driveName, chosen.getId());
                continue; // deleted since it was listed: look again
            }
            String listed = chosen.getSha256Checksum();
            if (listed == null || listed.equals(Digests.hex(Digests.sha256().digest(bytes)))) {
                metadataIds.put(driveName, chosen.getId());
                return Optional.of(new MetadataObject(bytes, versionTag(chosen)));
            }
            // new content arrived between the listing and the download: the tag would not describe these bytes
            if (attempt >= 3) {
                throw new ProviderException(Kind.UNAVAILABLE, "metadata object '" + name + "' (Drive file '" + driveName
                        + "', id " + chosen.getId() + ") kept changing on Google Drive while it was read; retry", name, null);
            }
        }
    }

    /**
     * Checks the precondition just before the put, not atomically with it: Drive has no
     * compare-and-set, so the provider does not declare {@code CONDITIONAL_METADATA_PUT}. An existing
     * object gets its new content in place ({@code files.update}: same id, a new revision); a new one is
     * created idempotently. Duplicates with different content fail the put with {@code CONFLICT}
     * (unless it is unconditional); after a put every other file of that name is removed.
     */
    @Override
    public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
        Names.requireMetadataName(name);
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(precondition, "precondition");
        String driveName = driveName(name);
        String sha256 = Digests.hex(Digests.sha256().digest(bytes));
        String createKey = "metadata\u0000" + settings.manifestParentId() + "\u0000" + driveName;
        Optional<File> lost = call("write the metadata object", name, () -> creates.recover(createKey, sha256));
        if (lost.isPresent()) {
            // an earlier attempt of this put created it (its precondition held then), but its answer was lost
            return remember(name, driveName, lost.get(), metadataFiles(driveName));
        }
        List<File> found = metadataFiles(driveName);
        if (sha256.equals(unsureMetadata.remove(driveName))) {
            for (File f : found) {
                if (sha256.equals(f.getSha256Checksum()) || (f.getSha256Checksum() == null && sha256.equals(props(f).get(PROP_SHA256)))) {
                    // an earlier attempt of this put updated it, but its answer was lost
                    LOG.debug("gdrive.metadata.already_written name={} id={}", name, f.getId());
                    return remember(name, driveName, f, found);
                }
            }
        }
        File target = switch (precondition.kind()) {
            case ABSENT -> {
                if (!found.isEmpty()) {
                    throw new ProviderException(Kind.CONFLICT, "metadata object '" + name + "' already exists on Google"
                            + " Drive (file '" + driveName + "' in manifest_parent_id, ids " + ids(found)
                            + "); another run wrote it first", name, null);
                }
                yield null;
            }
            case VERSION -> {
                String expected = precondition.version().orElseThrow();
                if (found.isEmpty()) {
                    throw new ProviderException(Kind.CONFLICT, "metadata object '" + name + "' is no longer on Google"
                            + " Drive (expected version " + expected + "); another run deleted it", name, null);
                }
                File current = chooseMetadata(name, found);
                String tag = versionTag(current);
                if (!tag.equals(expected)) {
                    throw new ProviderException(Kind.CONFLICT, "metadata object '" + name + "' on Google Drive has version "
                            + tag + ", not the expected " + expected + "; another run changed it", name, null);
                }
                yield current;
            }
            case NONE -> found.isEmpty() ? null : found.get(0);
        };
        String type = name.endsWith(".json") ? "application/json" : "application/octet-stream";
        Map<String, String> props = new LinkedHashMap<>();
        props.put(PROP_MARKER, name.startsWith(MANIFESTS) ? "manifest" : "metadata");
        props.put(PROP_SHA256, sha256);
        File stored;
        if (target != null) {
            // written before the metadata area, with a checksum of the manifest's own; it would go stale
            props.put(PROP_CHECKSUM, com.google.api.client.util.Data.NULL_STRING);
            File meta = new File().setAppProperties(props).setModifiedTime(DriveApi.utc(Instant.now()));
            String id = target.getId();
            try {
                stored = api.updateWithContent(id, meta, bytes, type);
            } catch (IOException e) {
                ProviderException mapped = DriveErrors.map(e, "write the metadata object", name);
                if (mapped.retryable()) {
                    unsureMetadata.put(driveName, sha256); // the update may have gone through although the answer said otherwise
                }
                throw mapped;
            }
        } else {
            File meta = new File().setAppProperties(props).setModifiedTime(DriveApi.utc(Instant.now()))
                    .setName(driveName).setMimeType(type).setParents(List.of(settings.manifestParentId()));
            stored = call("write the metadata object", name, () -> creates.create(createKey, sha256,
                    id -> api.createWithContent(meta.setId(id), new ByteArrayContent(type, bytes))));
        }
        if (stored.getSha256Checksum() != null && !sha256.equals(stored.getSha256Checksum())) {
            throw new ProviderException(Kind.INTEGRITY, "Google Drive stored metadata object '" + name + "' with sha256 "
                    + stored.getSha256Checksum() + " but cloudsync sent " + sha256 + "; put it again", name, null);
        }
        return remember(name, driveName, stored, found);
    }

    @Override
    public void deleteMetadata(String name) {
        Names.requireMetadataName(name);
        String driveName = driveName(name);
        for (File f : metadataFiles(driveName)) {
            deleteId(f.getId(), name);
            deletedIds.add(f.getId());
        }
        metadataIds.remove(driveName);
        unsureMetadata.remove(driveName);
    }

    /**
     * Lists {@code manifest_parent_id} (every page) and filters by name here: Drive's
     * {@code name contains} matches words, not prefixes. Objects this provider put that Drive's
     * listing does not show yet are looked up by id.
     */
    @Override
    public Stream<String> listMetadata(String prefix) {
        Names.requireMetadataPrefix(prefix);
        List<File> listed = call("list the metadata objects in", "manifest_parent_id",
                () -> api.children(settings.manifestParentId(), null));
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        Set<String> seen = new java.util.HashSet<>();
        for (File f : listed) {
            seen.add(f.getId());
            String name = DriveApi.isFolder(f) || isGoogleDocsType(f) || deletedIds.contains(f.getId())
                    ? null : metadataName(f.getName());
            if (name != null && name.startsWith(prefix)) {
                names.add(name);
            }
        }
        for (Map.Entry<String, String> known : metadataIds.entrySet()) {
            String name = metadataName(known.getKey());
            if (name != null && name.startsWith(prefix) && !names.contains(name) && !seen.contains(known.getValue())
                    && lookUp(known.getKey(), known.getValue(), name) != null) {
                names.add(name); // put by this provider a moment ago, not yet in Drive's listing
            }
        }
        return names.stream();
    }

    /**
     * {@code files.copy} of the stored file into {@code manifest_parent_id} under the object's Drive
     * name, named by a generated id so a retry whose answer was lost takes the copy that was made. An
     * object of that name that already has the source's sha256 is kept as it is (kept versions are
     * named by their content); any other file of that name is removed once the copy is checked.
     */
    @Override
    public void copyToMetadata(String snapshot, ManifestEntry source, String name) {
        checkSnapshot(snapshot);
        Names.requireMetadataName(name);
        String path = source.path();
        String driveName = driveName(name);
        List<File> found = metadataFiles(driveName);
        for (File f : found) {
            if (source.sha256().equals(sha256Of(f)) && size(f) == source.size()) {
                remember(name, driveName, f, found);
                return;
            }
        }
        List<Located> sources = refreshUnsure(locate(snapshot, path), path);
        if (sources.isEmpty()) {
            throw new ProviderException(Kind.NOT_FOUND, "no file '" + path + "' in snapshot '" + snapshot
                    + "' on Google Drive (parent_id " + settings.parentId() + ") to keep as metadata object '" + name + "'",
                    path, null);
        }
        File file = choose(snapshot, path, sources, true).file;
        String stored = sha256Of(file);
        if (size(file) != source.size() || (stored != null && !stored.equals(source.sha256()))) {
            throw new ProviderException(Kind.INTEGRITY, "'" + path + "' on Google Drive has " + size(file) + " bytes and sha256 "
                    + stored + ", not the " + source.size() + " bytes and sha256 " + source.sha256()
                    + " of its manifest entry; it was not kept as metadata object '" + name + "'", path, null);
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put(PROP_MARKER, "metadata");
        props.put(PROP_SHA256, source.sha256());
        String createKey = "metadata\u0000" + settings.manifestParentId() + "\u0000" + driveName;
        String sourceId = file.getId();
        File copy = call("keep '" + path + "' as", name, () -> creates.create(createKey, source.sha256(), id -> api.copy(sourceId,
                new File().setId(id).setName(driveName).setParents(List.of(settings.manifestParentId()))
                        .setAppProperties(props).setModifiedTime(DriveApi.utc(Instant.now())))));
        String copied = copy.getSha256Checksum();
        if (size(copy) != source.size() || (copied != null && !copied.equals(source.sha256()))) {
            deleteId(copy.getId(), name);
            deletedIds.add(copy.getId());
            throw new ProviderException(Kind.INTEGRITY, "Google Drive's copy of '" + path + "' as metadata object '" + name
                    + "' has " + size(copy) + " bytes and sha256 " + copied + ", not " + source.size() + " and "
                    + source.sha256() + "; the copy was removed", path, null);
        }
        remember(name, driveName, copy, found);
    }

    /** Streams the object's content to a temporary file beside {@code target}, checked against Drive's sha256. */
    @Override
    public void downloadMetadata(String name, Path target) {
        Names.requireMetadataName(name);
        String driveName = driveName(name);
        List<File> found = metadataFiles(driveName);
        if (found.isEmpty()) {
            throw new ProviderException(Kind.NOT_FOUND, "no metadata object '" + name + "' (Drive file '" + driveName
                    + "') in manifest_parent_id " + settings.manifestParentId(), name, null);
        }
        File file = chooseMetadata(name, found);
        mediaToFile(file, sha256Of(file), "metadata object '" + name + "'", name, target);
    }

    /** {@code stored} holds the object now: remember its id, remove every other file of that name, return its tag. */
    private String remember(String name, String driveName, File stored, List<File> found) {
        metadataIds.put(driveName, stored.getId());
        for (File other : found) {
            if (!other.getId().equals(stored.getId())) {
                LOG.warn("gdrive.duplicate.removed name={} id={} kept={}", name, other.getId(), stored.getId());
                deleteId(other.getId(), name);
                deletedIds.add(other.getId());
            }
        }
        return versionTag(stored);
    }

    /** Every file named {@code driveName} in manifest_parent_id, oldest first, with one this provider wrote and Drive does not list yet. */
    private List<File> metadataFiles(String driveName) {
        String name = metadataName(driveName);
        List<File> found = new ArrayList<>(call("find the metadata object", name,
                () -> api.children(settings.manifestParentId(), driveName)));
        found.removeIf(f -> DriveApi.isFolder(f) || isGoogleDocsType(f) || deletedIds.contains(f.getId()));
        String known = metadataIds.get(driveName);
        if (known != null && found.stream().noneMatch(f -> f.getId().equals(known))) {
            File f = lookUp(driveName, known, name);
            if (f != null) {
                found.add(f);
            }
        }
        found.sort(DriveApi.OLDEST_FIRST);
        return found;
    }

    /** The file with id {@code id} if it is still the metadata file {@code driveName}; forgets it otherwise. */
    private File lookUp(String driveName, String id, String name) {
        try {
            File f = api.get(id);
            if (!Boolean.TRUE.equals(f.getTrashed()) && driveName.equals(f.getName())
                    && (f.getParents() == null || f.getParents().contains(settings.manifestParentId()))) {
                return f;
            }
        } catch (IOException e) {
            ProviderException mapped = DriveErrors.map(e, "find the metadata object", name);
            if (mapped.kind() != Kind.NOT_FOUND) {
                throw mapped;
            }
        }
        metadataIds.remove(driveName, id);
        return null;
    }

    /** The file that holds the object among several of one name: the oldest when all have one content; CONFLICT otherwise. */
    private File chooseMetadata(String name, List<File> found) {
        File chosen = found.get(0);
        if (found.size() > 1) {
            long distinct = found.stream().map(GoogleDriveProvider::contentKey).distinct().count();
            if (distinct > 1) {
                throw new ProviderException(Kind.CONFLICT, "manifest_parent_id holds " + found.size() + " files named '"
                        + driveName(name) + "' (metadata object '" + name + "') with different content (ids " + ids(found)
                        + "); two runs wrote it at once. cloudsync will not guess which is current: delete the stale"
                        + " ones in Drive, then run again", name, null);
            }
            LOG.warn("gdrive.duplicate name={} ids={} using={} (same content)", name, ids(found), chosen.getId());
        }
        return chosen;
    }

    /** What identifies a file's content: Drive's sha256, else the one cloudsync recorded, else nothing shared. */
    private static String contentKey(File f) {
        if (f.getSha256Checksum() != null) {
            return f.getSha256Checksum();
        }
        String prop = props(f).get(PROP_SHA256);
        return prop != null ? prop : "?" + f.getId();
    }

    /**
     * The version tag of a metadata file: its id and head revision (a new one with every upload of
     * content), else Drive's {@code version} (which grows with every change), else its md5.
     */
    static String versionTag(File f) {
        String state = f.getHeadRevisionId() != null ? "r" + f.getHeadRevisionId()
                : f.getVersion() != null ? "v" + f.getVersion()
                : "m" + f.getMd5Checksum();
        return f.getId() + ":" + state;
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

        Optional<File> kept = keepStored(entry, existing);
        if (kept.isPresent()) {
            // already there, verified by Drive (an earlier run stopped before its manifest was written)
            LOG.debug("gdrive.upload.skip path={} id={} reason=already_stored", path, kept.get().getId());
            states.clear(snapshot, path);
            sent.accept(entry.size());
            return UploadReceipt.verified(path, entry.size(), entry.sha256()).withResumedBytes(entry.size());
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
     * A file of {@code entry}'s content already stored at its path (Drive's own sha256 and the size
     * match): it gets the entry's appProperties and mtime where they differ, and every other file at
     * the path is removed.
     */
    private Optional<File> keepStored(ManifestEntry entry, List<Located> existing) {
        String path = entry.path();
        for (Located candidate : existing) {
            if (entry.sha256().equals(candidate.file.getSha256Checksum()) && entry.size() == size(candidate.file)) {
                File kept = candidate.file;
                if (!entry.sha256().equals(props(kept).get(PROP_SHA256)) || !entry.mtime().toString().equals(props(kept).get(PROP_MTIME))) {
                    File patch = new File().setAppProperties(fileProperties(entry)).setModifiedTime(DriveApi.utc(entry.mtime()));
                    kept = call("update the metadata of", path, () -> api.updateMetadata(candidate.file.getId(), patch));
                    tree.replaced(candidate.folderId, kept);
                }
                removeOthers(existing, kept.getId(), path);
                return Optional.of(kept);
            }
        }
        return Optional.empty();
    }

    /**
     * Copies with {@code files.copy} into the target's folder (created as needed), under the target's
     * name and with its appProperties and mtime; the bytes stay on Drive. Like a create it names its
     * id, so a retry whose first answer was lost takes the copy that was made. An existing target is
     * replaced the only way Drive allows without a moment of no readable file: the copy is made and
     * verified first, then the old file (and any duplicate) is deleted; a reader in between sees two
     * files of that name, and an interruption there leaves both, which the next upload or copy of the
     * path cleans up. A target that already has the content only gets the entry's metadata.
     */
    @Override
    public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
        checkSnapshot(snapshot);
        PathRules.requireCanonical(sourcePath);
        String path = target.path();
        List<Located> sources = refreshUnsure(locate(snapshot, sourcePath), sourcePath);
        if (sources.isEmpty()) {
            throw new ProviderException(Kind.NOT_FOUND, "no file '" + sourcePath + "' in snapshot '" + snapshot
                    + "' on Google Drive (parent_id " + settings.parentId() + ") to copy to '" + path + "'", sourcePath, null);
        }
        File source = choose(snapshot, sourcePath, sources, true).file;
        if (isGoogleDocsType(source)) {
            throw new ProviderException(Kind.PERMANENT, "'" + sourcePath + "' in snapshot '" + snapshot + "' is a Google"
                    + " Docs file (" + source.getMimeType() + "), not one cloudsync stored; it cannot be copied to '" + path
                    + "'", sourcePath, null);
        }
        String sourceSha = sha256Of(source);
        if (size(source) != target.size() || (sourceSha != null && !sourceSha.equals(target.sha256()))) {
            throw new ProviderException(Kind.INTEGRITY, "'" + sourcePath + "' on Google Drive has " + size(source)
                    + " bytes and sha256 " + sourceSha + ", but the entry to copy it to '" + path + "' has " + target.size()
                    + " bytes and sha256 " + target.sha256() + "; nothing was copied. Upload '" + path + "' instead",
                    path, null);
        }
        List<String> segments = segments(snapshot, path);
        String leaf = segments.get(segments.size() - 1);
        List<String> folderPath = segments.subList(0, segments.size() - 1);
        List<Located> existing = refreshUnsure(locate(snapshot, path), path);
        Optional<File> kept = keepStored(target, existing);
        if (kept.isPresent()) {
            LOG.debug("gdrive.copy.skip path={} id={} reason=already_stored", path, kept.get().getId());
            return UploadReceipt.verified(path, target.size(), target.sha256());
        }
        String folderId = call("create the folders of", path, () -> tree.ensure(settings.parentId(), folderPath));
        String sourceId = source.getId();
        String createKey = "file\u0000" + folderId + "\u0000" + leaf;
        String fingerprint = target.sha256() + "/" + target.size();
        File stored = call("copy '" + sourcePath + "' to", path, () -> creates.create(createKey, fingerprint, id -> api.copy(sourceId,
                new File().setId(id).setName(leaf).setParents(List.of(folderId)).setAppProperties(fileProperties(target))
                        .setModifiedTime(DriveApi.utc(target.mtime())))));
        tree.added(folderId, stored);
        UploadReceipt receipt;
        try {
            receipt = verifyCopy(stored, source, target);
        } catch (ProviderException e) {
            deleteId(stored.getId(), path);
            tree.removed(folderId, stored);
            throw e;
        }
        removeOthers(existing, stored.getId(), path);
        states.clear(snapshot, path);
        LOG.debug("gdrive.copy path={} from={} id={} source_id={}", path, sourcePath, stored.getId(), sourceId);
        return receipt;
    }

    /** Checks a copy against the entry: Drive's sha256 of it, else its md5 against the source's, whose sha256 Drive gave. */
    private static UploadReceipt verifyCopy(File stored, File source, ManifestEntry target) {
        String path = target.path();
        if (size(stored) != target.size()) {
            throw new ProviderException(Kind.INTEGRITY, "Google Drive's copy for '" + path + "' has " + size(stored)
                    + " bytes but its manifest entry has " + target.size() + "; the copy was removed, run the sync again",
                    path, null);
        }
        if (stored.getSha256Checksum() != null) {
            if (!stored.getSha256Checksum().equals(target.sha256())) {
                throw new ProviderException(Kind.INTEGRITY, "Google Drive reports sha256 " + stored.getSha256Checksum()
                        + " for the copy at '" + path + "' but its manifest entry has " + target.sha256()
                        + "; the copy was removed, run the sync again", path, null);
            }
            return UploadReceipt.verified(path, target.size(), target.sha256());
        }
        if (stored.getMd5Checksum() != null && stored.getMd5Checksum().equals(source.getMd5Checksum())
                && target.sha256().equals(source.getSha256Checksum())) {
            return UploadReceipt.verified(path, target.size(), target.sha256());
        }
        LOG.warn("gdrive.copy.unverified path={} reason=no_checksum_from_drive", path);
        return UploadReceipt.unverified(path, target.size());
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
        mediaToFile(file, expected, "'" + path + "'", path, target);
    }

    /**
     * Streams a file's content to a temporary file beside {@code target}, checks it against
     * {@code expected} (when known) and moves it over {@code target}.
     *
     * @param what the file, for messages
     * @param label the path or name the errors carry
     */
    private void mediaToFile(File file, String expected, String what, String label, Path target) {
        try {
            Path temp = AtomicFiles.prepareTemp(target, false);
            try {
                MessageDigest digest = Digests.sha256();
                if (size(file) > 0) {
                    // a plain GET; the ranged downloader gets 416 on empty files and is not needed here
                    call("download", label, () -> {
                        try (InputStream in = new DigestInputStream(api.media(file.getId()), digest);
                             OutputStream out = Files.newOutputStream(temp)) {
                            in.transferTo(out);
                        }
                        return null;
                    });
                }
                String actual = Digests.hex(digest.digest());
                if (expected != null && !expected.equals(actual)) {
                    throw new ProviderException(Kind.INTEGRITY, "downloaded " + what + " has sha256 " + actual
                            + " but Google Drive records " + expected + "; retry the download", label, null);
                }
                AtomicFiles.commit(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new ProviderException(Kind.PERMANENT, "cannot write '" + target + "' while downloading " + what + ": "
                    + e.getMessage(), label, e);
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
     * Among several files with one path, the one to use. Never guesses: when they all have one
     * content, the oldest; else, when the files cloudsync wrote (appProperty {@code cloudsync=1} and
     * a sha256 that Drive's own checksum confirms) all have one content, the oldest of those (the
     * others came from another tool); else it refuses (or, for listings, returns null).
     */
    private Located choose(String snapshot, String path, List<Located> candidates, boolean strict) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        List<String> ids = candidates.stream().map(c -> c.file.getId()).toList();
        if (sameContent(candidates)) {
            // same content in every copy: taking the oldest is not a guess
            LOG.warn("gdrive.duplicate path={} ids={} using={} reason=identical_content (the next upload of this"
                    + " path removes the others)", path, ids, candidates.get(0).file.getId());
            return candidates.get(0);
        }
        List<Located> ours = candidates.stream().filter(c -> writtenByCloudsync(c.file)).toList();
        if (!ours.isEmpty() && sameContent(ours)) {
            Located chosen = ours.get(0);
            LOG.warn("gdrive.duplicate path={} ids={} using={} reason=only_cloudsync_content (the others were not"
                    + " written by cloudsync; the next upload of this path removes them)", path, ids, chosen.file.getId());
            return chosen;
        }
        String why = ours.isEmpty() ? "none of them was written by cloudsync"
                : ours.size() + " of them were written by cloudsync, with different content (two runs raced, or one was"
                + " interrupted while it replaced the file)";
        if (!strict) {
            LOG.warn("gdrive.duplicate path={} ids={} unresolved: {}", path, ids, why);
            return null;
        }
        throw new ProviderException(Kind.PERMANENT, "Google Drive holds " + candidates.size() + " files named '" + path
                + "' in snapshot '" + snapshot + "' (ids " + ids + ") and " + why + "; cloudsync will not guess."
                + " Delete the wrong ones in Drive, or upload the path again (which replaces them all)", path, null);
    }

    private static boolean sameContent(List<Located> candidates) {
        File first = candidates.get(0).file;
        String firstSha = sha256Of(first);
        return firstSha != null && candidates.stream().allMatch(c -> firstSha.equals(sha256Of(c.file))
                && size(c.file) == size(first));
    }

    private static boolean writtenByCloudsync(File f) {
        String prop = props(f).get(PROP_SHA256);
        return "1".equals(props(f).get(PROP_MARKER)) && Digests.isSha256Hex(prop)
                && (f.getSha256Checksum() == null || prop.equals(f.getSha256Checksum()));
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
        Names.requireSnapshot(snapshot);
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
