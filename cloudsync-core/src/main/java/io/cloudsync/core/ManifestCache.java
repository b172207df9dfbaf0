package io.cloudsync.core;

import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.core.internal.manifest2.ChunkFolder;
import io.cloudsync.core.internal.manifest2.Chunked;
import io.cloudsync.core.internal.manifest2.Format2;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last committed manifest of every service and snapshot, kept on the host at
 * {@code <stateDir>/manifests/<service>/<snapshot>.json} (by default the state folder is
 * {@code <root>/cache/cloud}). Dry runs plan against it when the remote cannot be read.
 *
 * <p>A manifest is cached as the remote holds it, in format 2 (docs/FORMATS.md): the root at
 * {@code <snapshot>.json} and its chunks in {@code <snapshot>.chunks/<sha256>}, so that reading the
 * remote manifest fetches only the chunks not cached already. A chunk file is written only when
 * absent (a chunk unchanged since the last run is not rewritten); after a new root is written, the
 * chunk files it does not name are deleted. Format-1 files (written by older versions) are still
 * read.
 *
 * <p>Files are written atomically through {@link AtomicFiles} (temporary file, fsync, atomic move),
 * chunks before the root, so a crash leaves the old manifest or the new one. A file that cannot be parsed or read is logged
 * (event {@code sync.manifest}) and treated as absent: a damaged cache never stops planning, it only
 * makes the next plan upload more. Thread-safe; concurrent writers of the same snapshot are
 * serialised by the engine's lock, not here.
 */
public final class ManifestCache {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestCache.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    private final Path stateDir;

    /**
     * A cache under a state folder, which need not exist yet.
     *
     * @param stateDir the state folder, such as {@code <root>/cache/cloud}; never {@code null}
     */
    public ManifestCache(Path stateDir) {
        this.stateDir = Objects.requireNonNull(stateDir, "stateDir").toAbsolutePath().normalize();
    }

    /**
     * Where the manifest of a service and snapshot is kept.
     *
     * @param service the configured service name, such as {@code s3}
     * @param snapshot the snapshot name, such as {@code nightly}
     * @return {@code <stateDir>/manifests/<service>/<snapshot>.json}
     * @throws ConfigurationException when a name is not a safe single file name
     */
    public Path pathOf(String service, String snapshot) {
        return stateDir.resolve("manifests").resolve(requireName(service, "service"))
                .resolve(requireName(snapshot, "snapshot") + ".json");
    }

    /**
     * The cached manifest, if there is a readable one.
     *
     * @param service the service name
     * @param snapshot the snapshot name
     * @return the manifest, or empty when there is none or it is damaged or unreadable (logged)
     */
    public Optional<Manifest> read(String service, String snapshot) {
        Optional<Chunked> chunked = readChunked(service, snapshot);
        try {
            return chunked.map(Chunked::toManifest);
        } catch (ManifestFormatException e) {
            LOG.warn("sync.manifest cache_corrupt service={} snapshot={} file={}: {}; ignoring it, the next"
                    + " successful run rewrites it", service, snapshot, pathOf(service, snapshot), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The cached manifest as a stream over its chunks, if there is a readable one: its entries are
     * read, and checked, as it is iterated.
     *
     * @param service the service name
     * @param snapshot the snapshot name
     * @return the manifest, or empty when there is none or its root or an index part is damaged
     *     or unreadable (logged)
     */
    Optional<Chunked> readChunked(String service, String snapshot) {
        Path file = pathOf(service, snapshot);
        ChunkFolder chunks = chunkFolder(service, snapshot);
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (Format2.versionOf(bytes) == Format2.VERSION) {
                String where = "manifest " + file;
                Format2.Root root = Format2.decodeRoot(bytes, where);
                List<Format2.ChunkRef> refs = new ArrayList<>();
                for (Format2.PartRef part : root.index()) {
                    String partWhere = where + ": index part " + chunks.directory().resolve(part.sha256());
                    byte[] stored = chunks.get(part.sha256()).orElseThrow(() -> new ManifestFormatException(partWhere
                            + " is missing or damaged"));
                    refs.addAll(Format2.partRefs(stored, part, partWhere));
                }
                return Optional.of(Chunked.of(root, refs, chunks));
            }
            return Optional.of(Chunked.of(ManifestJson.fromBytes(bytes, file.toString()), chunks));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (ManifestFormatException e) {
            LOG.warn("sync.manifest cache_corrupt service={} snapshot={} file={}: {}; ignoring it, the next"
                    + " successful run rewrites it", service, snapshot, file, e.getMessage());
            return Optional.empty();
        } catch (IOException | CloudSyncException e) {
            LOG.warn("sync.manifest cache_unreadable service={} snapshot={} file={}: {}; ignoring it",
                    service, snapshot, file, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Stores a manifest whose chunks are in the snapshot's chunk folder already (written there by a
     * scan or a chunked remote read), with its format-2 root and index parts as a chunked remote
     * write encoded them; replaces the previous root atomically.
     *
     * @param service the service name
     * @param snapshot the snapshot name
     * @param m the manifest, its chunks in {@link #chunkFolder}
     * @param encoded its root's bytes and index parts
     * @param sweep whether to delete the chunk files the root does not name (not while the run that
     *     writes may still read other manifests from the folder)
     * @throws CloudSyncException when the root cannot be written (the old one is then intact)
     */
    void write(String service, String snapshot, Chunked m, Format2.Encoded encoded, boolean sweep) {
        Path file = pathOf(service, snapshot);
        ChunkFolder chunks = chunkFolder(service, snapshot);
        Set<String> names = new HashSet<>(m.chunkNames());
        try {
            for (Format2.Stored part : encoded.encoded()) {
                chunks.put(part.sha256(), part.bytes());
                names.add(part.sha256());
            }
            for (Format2.ChunkRef ref : m.refs()) {
                if (!chunks.has(ref.sha256(), ref.size())) {
                    throw new IOException("its chunk " + ref.sha256() + " is not in " + chunks.directory());
                }
            }
            AtomicFiles.write(file, encoded.root());
        } catch (IOException e) {
            throw new CloudSyncException("cannot write the cached manifest " + file + ": " + e
                    + "; check that the state folder is writable and the disk is not full", e);
        }
        if (sweep) {
            chunks.keepOnly(names);
        }
        LOG.debug("sync.manifest cache_write service={} snapshot={} entries={} checksum={}",
                service, snapshot, m.entries(), m.checksum());
    }

    /**
     * Deletes the chunk files that neither {@code m} nor its index parts name: what a run wrote or
     * read and no longer needs, once the cache holds {@code m}.
     *
     * @param service the service name
     * @param snapshot the snapshot name
     * @param m the cached manifest
     * @param encoded its root and index parts
     */
    void sweep(String service, String snapshot, Chunked m, Format2.Encoded encoded) {
        Set<String> names = new HashSet<>(m.chunkNames());
        encoded.encoded().forEach(p -> names.add(p.sha256()));
        chunkFolder(service, snapshot).keepOnly(names);
    }

    /**
     * Whether the cache holds a root of exactly these bytes.
     *
     * @param service the service name
     * @param snapshot the snapshot name
     * @param root the root's bytes
     * @return true when equal; false when it differs, is missing or cannot be read
     */
    boolean holdsRoot(String service, String snapshot, byte[] root) {
        try {
            return Arrays.equals(Files.readAllBytes(pathOf(service, snapshot)), root);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The folder of the cached chunks of a service and snapshot.
     *
     * @param service the service name
     * @param snapshot the snapshot name
     * @return {@code <stateDir>/manifests/<service>/<snapshot>.chunks}
     */
    ChunkFolder chunkFolder(String service, String snapshot) {
        return new ChunkFolder(stateDir.resolve("manifests").resolve(requireName(service, "service"))
                .resolve(requireName(snapshot, "snapshot") + ".chunks"));
    }

    /**
     * The most recently written cached manifest, of any service and snapshot, that was made from
     * {@code root}: a hash cache for a scan that has no remote manifest of its own, such as
     * {@code cloudsync manifest}. Manifests of other roots are passed over (the same paths there
     * may hold other content); damaged ones are logged and passed over.
     *
     * @param root the scanned root, compared by its real path
     * @return the manifest, or empty when none was made from this root
     */
    public Optional<Manifest> newestFor(Path root) {
        return newest(root, this::read, Manifest::root);
    }

    /**
     * {@link #newestFor} as chunks, read one at a time when iterated.
     *
     * @param root the scanned root, compared by its real path
     * @return the manifest, or empty when none was made from this root
     */
    Optional<Chunked> newestChunkedFor(Path root) {
        return newest(root, this::readChunked, Chunked::root);
    }

    private <M> Optional<M> newest(Path root, java.util.function.BiFunction<String, String, Optional<M>> read,
                                   java.util.function.Function<M, String> rootOf) {
        String real;
        try {
            real = root.toRealPath().toString();
        } catch (IOException e) {
            return Optional.empty();
        }
        Path manifests = stateDir.resolve("manifests");
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> services = Files.newDirectoryStream(manifests, Files::isDirectory)) {
            for (Path service : services) {
                try (DirectoryStream<Path> snapshots = Files.newDirectoryStream(service, "*.json")) {
                    snapshots.forEach(files::add);
                }
            }
        } catch (IOException e) {
            return Optional.empty(); // no cache yet, or unreadable: no hash cache, never an error
        }
        files.sort(Comparator.comparing(ManifestCache::modified).reversed());
        for (Path file : files) {
            String snapshot = file.getFileName().toString().replaceFirst("\\.json$", "");
            String service = file.getParent().getFileName().toString();
            if (!NAME.matcher(service).matches() || !NAME.matcher(snapshot).matches()) {
                continue;
            }
            Optional<M> m = read.apply(service, snapshot);
            if (m.isPresent() && rootOf.apply(m.get()).equals(real)) {
                return m;
            }
        }
        return Optional.empty();
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /**
     * Stores a manifest, replacing any previous one atomically.
     *
     * @param service the service name
     * @param snapshot the snapshot name
     * @param m the manifest; never {@code null}
     * @throws CloudSyncException when the file cannot be written (the old one is then intact)
     */
    public void write(String service, String snapshot, Manifest m) {
        Objects.requireNonNull(m, "manifest");
        // encoded from an empty layout, it carries every chunk it names
        write(service, snapshot, m, Format2.encode(m, Format2.Layout.EMPTY));
    }

    /**
     * Stores a manifest whose format-2 form is already encoded (by the remote write that committed
     * it): its new chunks are written, and chunks it reuses must be in the chunk folder already (a
     * remote read put them there); when one is not, the manifest is encoded again as
     * {@link #write} does.
     *
     * @param service the service name
     * @param snapshot the snapshot name
     * @param m the manifest
     * @param encoded its format-2 form
     */
    void write(String service, String snapshot, Manifest m, Format2.Encoded encoded) {
        Path file = pathOf(service, snapshot);
        ChunkFolder chunks = chunkFolder(service, snapshot);
        try {
            for (Format2.Stored chunk : encoded.encoded()) {
                chunks.put(chunk.sha256(), chunk.bytes());
            }
            if (!hasChunks(chunks, encoded.layout())) {
                write(service, snapshot, m);
                return;
            }
            AtomicFiles.write(file, encoded.root());
        } catch (IOException e) {
            throw new CloudSyncException("cannot write the cached manifest " + file + ": " + e
                    + "; check that the state folder is writable and the disk is not full", e);
        }
        chunks.keepOnly(encoded.layout().names());
        LOG.debug("sync.manifest cache_write service={} snapshot={} entries={} checksum={}",
                service, snapshot, m.entries().size(), m.checksum());
    }

    /**
     * Whether the cache holds exactly this format-2 root and every chunk it names: cheaper than
     * {@link #holds}, which encodes the manifest.
     *
     * @param service the service name
     * @param snapshot the snapshot name
     * @param root the root's bytes and layout
     * @return true when the cached root has these bytes and its chunks are there
     */
    boolean holds(String service, String snapshot, Format2.Encoded root) {
        Path file = pathOf(service, snapshot);
        try {
            return Arrays.equals(Files.readAllBytes(file), root.root()) && hasChunks(chunkFolder(service, snapshot), root.layout());
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            LOG.debug("sync.manifest cache_compare service={} snapshot={} file={}: {}", service, snapshot, file, e.toString());
            return false;
        }
    }

    private static boolean hasChunks(ChunkFolder chunks, Format2.Layout layout) {
        return layout.chunks().stream().allMatch(c -> chunks.has(c.ref().sha256(), c.ref().size()))
                && layout.parts().stream().allMatch(p -> chunks.has(p.sha256(), p.size()));
    }

    /**
     * Whether the cache holds exactly the format-2 form of {@code m} (its root and every chunk it
     * names), so that writing it again would change nothing.
     *
     * @param service the service name
     * @param snapshot the snapshot name
     * @param m the manifest; never {@code null}
     * @return true when the cached root has these bytes and its chunks are there; false when it
     *     differs, is missing or cannot be read
     */
    public boolean holds(String service, String snapshot, Manifest m) {
        Objects.requireNonNull(m, "manifest");
        return holds(service, snapshot, Format2.encode(m, Format2.Layout.EMPTY));
    }


    /**
     * Removes the cached manifest and its chunks; does nothing when there is none.
     *
     * @param service the service name
     * @param snapshot the snapshot name
     * @throws CloudSyncException when the file exists but cannot be deleted
     */
    public void delete(String service, String snapshot) {
        Path file = pathOf(service, snapshot);
        try {
            if (Files.deleteIfExists(file)) {
                AtomicFiles.syncDirectory(file.getParent());
            }
            chunkFolder(service, snapshot).deleteAll();
        } catch (IOException e) {
            throw new CloudSyncException("cannot delete the cached manifest " + file + ": " + e, e);
        }
    }

    private static String requireName(String value, String what) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new ConfigurationException(what + " name must be 1-128 characters of letters, digits, '.', '_'"
                    + " or '-', not starting with '.' or '-', was " + (value == null ? "null" : "\"" + value + '"'));
        }
        return value;
    }

    /**
     * Names the state folder.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return "ManifestCache[" + stateDir + ']';
    }
}
