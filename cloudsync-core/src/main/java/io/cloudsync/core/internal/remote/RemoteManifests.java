package io.cloudsync.core.internal.remote;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.core.ManifestJson;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.core.internal.engine.Workers;
import io.cloudsync.core.internal.manifest2.ChunkFolder;
import io.cloudsync.core.internal.manifest2.Chunked;
import io.cloudsync.core.internal.manifest2.Format2;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Names;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots' manifests in a provider's metadata area: the one place that names them, encodes
 * and decodes them and keeps the version tag each was read or written with, so that a write
 * replaces exactly what this run saw: {@link MetadataPrecondition#ifVersion} after a read found a
 * manifest, {@link MetadataPrecondition#ifAbsent} after a read found none. Another run's commit in
 * between is then a {@link ProviderException.Kind#CONFLICT}, and nothing it wrote is lost.
 *
 * <p>A manifest is the root {@code manifests/<snapshot>.json}: format 1 ({@link ManifestJson}, the
 * whole manifest inline; still read) or format 2 ({@link Format2}: a root naming the chunks
 * {@code chunks/<snapshot>/<sha256>}; always written). A write puts the chunks the replaced root
 * does not name, then the root; only after the root is committed, and only while the run may
 * clean the snapshot (it holds its remote lease, or leases are off and so one writer is
 * promised), it deletes the chunks the new root does not name: those the replaced root named and
 * those no root named (left by a killed or losing run). Chunks are read from
 * a local {@link ChunkFolder} when it has them, so a read of an unchanged manifest costs one
 * request.
 *
 * <p>Counts every metadata request and the bytes read and written ({@link #counts()}).
 *
 * <p>One instance serves one open provider for one run. Tags live only here: a new run (a resumed
 * one too) reads the manifest again and so starts from the tag of what the remote holds then. Safe
 * for use from several threads; a snapshot's read and writes are not concurrent.
 */
public final class RemoteManifests {

    /** The folder of the metadata area that holds manifest roots. */
    public static final String PREFIX = "manifests/";

    /** The folder of the metadata area that holds every snapshot's format-2 chunks, one folder each. */
    public static final String CHUNKS = "chunks/";

    private static final Logger LOG = LoggerFactory.getLogger(RemoteManifests.class);

    /** Stands for "read, and no manifest was there". */
    private static final String ABSENT = "";

    /** The name of the threads that put a write's chunks and delete its sweep's. */
    private static final String WORKER = "cloudsync-manifest-writer";

    /**
     * Metadata requests and bytes.
     *
     * @param requests get, put, delete and list calls (each attempt)
     * @param bytesRead bytes of the objects got
     * @param bytesWritten bytes of the objects put
     */
    public record Counts(long requests, long bytesRead, long bytesWritten) {
        /** None. */
        public static final Counts NONE = new Counts(0, 0, 0);
    }

    private final Provider provider;
    private final Retry retry;
    private final Function<String, Optional<ChunkFolder>> chunkCache;
    private final BooleanSupplier leaseHeld;
    /** Metadata requests a write sends at once: its chunk puts and its sweep's deletes. */
    private final int parallelism;
    /** Per snapshot: the version tag of the manifest as last read or written, or {@link #ABSENT}. */
    private final Map<String, String> versions = new ConcurrentHashMap<>();
    /** Per snapshot: the chunks of the manifest as last read or written. */
    private final Map<String, Format2.Layout> layouts = new ConcurrentHashMap<>();
    /** Per snapshot: the names of every chunk and index part of the manifest as last read or written. */
    private final Map<String, Set<String>> named = new ConcurrentHashMap<>();
    /** Per snapshot: the bytes of the format-2 root as last read or written (absent for format 1 or none). */
    private final Map<String, byte[]> rootBytes = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();

    /**
     * Manifests of one open provider, without a local chunk cache; its writes delete no chunk.
     *
     * @param provider the provider
     * @param retry how its retryable failures are retried
     */
    public RemoteManifests(Provider provider, Retry retry) {
        this(provider, retry, s -> Optional.empty(), () -> false, 1);
    }

    /**
     * Manifests of one open provider.
     *
     * @param provider the provider
     * @param retry how its retryable failures are retried
     * @param chunkCache per snapshot, the local folder of its cached chunks, if any
     * @param leaseHeld whether this run may clean the snapshots it writes now (it holds their remote
     *     lease, or leases are off): only then does a write delete chunks its root does not name
     * @param parallelism how many chunk puts (and sweep deletes) a write sends at once; the root is
     *     put only after every chunk it names has been
     */
    public RemoteManifests(Provider provider, Retry retry, Function<String, Optional<ChunkFolder>> chunkCache,
                           BooleanSupplier leaseHeld, int parallelism) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.chunkCache = Objects.requireNonNull(chunkCache, "chunkCache");
        this.leaseHeld = Objects.requireNonNull(leaseHeld, "leaseHeld");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        this.parallelism = parallelism;
    }

    /**
     * The metadata name of a snapshot's manifest root.
     *
     * @param snapshot the snapshot name, valid by {@link Names#requireSnapshot}
     * @return {@code manifests/<snapshot>.json}
     * @throws IllegalArgumentException when the snapshot name is not valid
     */
    public static String nameOf(String snapshot) {
        // Names.MAX_SNAPSHOT leaves room for the suffix, so a valid snapshot always names a valid object
        return Names.requireMetadataName(PREFIX + Names.requireSnapshot(snapshot) + ".json");
    }

    /**
     * The folder of a snapshot's chunks in the metadata area.
     *
     * @param snapshot the snapshot name
     * @return {@code chunks/<snapshot>/}
     */
    public static String chunkPrefix(String snapshot) {
        return Names.requireMetadataPrefix(CHUNKS + Names.requireSnapshot(snapshot) + '/');
    }

    /**
     * The metadata name of one chunk.
     *
     * @param snapshot the snapshot name
     * @param sha256 the chunk's name, 64 lower-case hex digits
     * @return {@code chunks/<snapshot>/<sha256>}
     */
    public static String chunkName(String snapshot, String sha256) {
        if (!Format2.isChunkName(sha256)) {
            throw new IllegalArgumentException("a chunk name is 64 lower-case hex digits, was \"" + sha256 + '"');
        }
        return Names.requireMetadataName(chunkPrefix(snapshot) + sha256);
    }

    /**
     * The metadata requests of this instance so far, and the bytes they moved.
     *
     * @return the counts
     */
    public Counts counts() {
        return new Counts(requests.get(), bytesRead.get(), bytesWritten.get());
    }

    /**
     * The bytes of a snapshot's format-2 root as this instance last read or wrote it.
     *
     * @param snapshot the snapshot
     * @return the bytes, or empty when none was read or written, or the remote held format 1
     */
    public Optional<byte[]> rootBytes(String snapshot) {
        return Optional.ofNullable(rootBytes.get(snapshot));
    }

    /**
     * Reads a snapshot's manifest, of either format, and remembers its version tag and chunks for
     * the next {@link #write}.
     *
     * @param snapshot the snapshot
     * @return the manifest, or empty when the remote has none
     * @throws ProviderException when it cannot be read; {@link ProviderException.Kind#INTEGRITY} when
     *     the stored bytes are not a valid manifest (a chunk missing, damaged or inconsistent too)
     */
    public Optional<Manifest> read(String snapshot) {
        String name = nameOf(snapshot);
        Optional<MetadataObject> stored = get(name);
        if (stored.isEmpty()) {
            absent(snapshot);
            return Optional.empty();
        }
        byte[] bytes = stored.get().bytes();
        int version = Format2.versionOf(bytes);
        Manifest manifest;
        Format2.Layout layout;
        try {
            requireKnown(snapshot, version);
            if (version == Format2.VERSION) {
                String where = "manifest " + name;
                Format2.Decoded decoded = Format2.decode(Format2.decodeRoot(bytes, where), source(snapshot), where);
                manifest = decoded.manifest();
                layout = decoded.layout();
            } else {
                manifest = ManifestJson.fromBytes(bytes, name);
                layout = Format2.Layout.EMPTY;
            }
        } catch (ManifestFormatException e) {
            throw damaged(snapshot, e);
        }
        versions.put(snapshot, stored.get().version());
        layouts.put(snapshot, layout);
        named.put(snapshot, layout.names());
        if (version == Format2.VERSION) {
            rootBytes.put(snapshot, bytes);
        } else {
            rootBytes.remove(snapshot);
        }
        return Optional.of(manifest);
    }

    /**
     * Reads a snapshot's manifest as a stream: the root, its index parts, and every entry chunk the
     * local folder lacks (one request each; a chunk the folder holds costs nothing), without reading
     * the entries. They are checked as they are iterated (see {@link Chunked#iterator()}), which a
     * run does in full while it plans, before it changes anything. A format-1 manifest is read whole
     * once and written into the folder as chunks. Remembers the version tag and chunk names for the
     * next {@link #write(String, Chunked)}.
     *
     * @param snapshot the snapshot
     * @param folder where the entry chunks are kept; the snapshot's chunk cache in a run
     * @return the manifest, or empty when the remote has none
     * @throws ProviderException as {@link #read}
     */
    public Optional<Chunked> readChunked(String snapshot, ChunkFolder folder) {
        String name = nameOf(snapshot);
        Optional<MetadataObject> stored = get(name);
        if (stored.isEmpty()) {
            absent(snapshot);
            return Optional.empty();
        }
        byte[] bytes = stored.get().bytes();
        int version = Format2.versionOf(bytes);
        Chunked manifest;
        Set<String> names = new LinkedHashSet<>();
        try {
            requireKnown(snapshot, version);
            if (version == Format2.VERSION) {
                String where = "manifest " + name;
                Format2.Root root = Format2.decodeRoot(bytes, where);
                Format2.ChunkSource source = source(snapshot, Optional.of(folder));
                List<Format2.ChunkRef> refs = new ArrayList<>();
                for (int p = 0; p < root.index().size(); p++) {
                    Format2.PartRef part = root.index().get(p);
                    String partWhere = where + ": index part #" + p + " (" + source.describe(part.sha256()) + ')';
                    List<Format2.ChunkRef> inPart = Format2.partRefs(
                            Format2.fetch(source, part.sha256(), part.size(), partWhere), part, partWhere);
                    names.add(part.sha256());
                    for (Format2.ChunkRef ref : inPart) {
                        if (!folder.has(ref.sha256(), ref.size())) {
                            Format2.fetch(source, ref.sha256(), ref.size(), where + ": entry chunk "
                                    + source.describe(ref.sha256()));
                        }
                        names.add(ref.sha256());
                        refs.add(ref);
                    }
                }
                manifest = Chunked.of(root, refs, folder);
                rootBytes.put(snapshot, bytes);
            } else {
                manifest = Chunked.of(ManifestJson.fromBytes(bytes, name), folder);
                rootBytes.remove(snapshot);
            }
        } catch (ManifestFormatException e) {
            throw damaged(snapshot, e);
        }
        versions.put(snapshot, stored.get().version());
        layouts.put(snapshot, Format2.Layout.EMPTY);
        named.put(snapshot, names);
        return Optional.of(manifest);
    }

    /**
     * The failure of a read whose stored bytes are not a valid manifest, or of a chunked manifest's
     * iteration that found a chunk missing or damaged.
     *
     * @param snapshot the snapshot
     * @param e what is wrong
     * @return an {@link ProviderException.Kind#INTEGRITY} failure saying how to recover
     */
    public static ProviderException damaged(String snapshot, ManifestFormatException e) {
        return new ProviderException(ProviderException.Kind.INTEGRITY, "the manifest of snapshot \"" + snapshot
                + "\" on the remote (metadata object " + nameOf(snapshot) + ") is damaged: " + e.getMessage()
                + "; nothing was changed. Put back a good copy (the state folder's manifest cache keeps the last one"
                + " this machine committed, see docs/FORMATS.md), or delete it so that the next sync treats the"
                + " snapshot as empty and uploads every file again", null, e);
    }

    private void absent(String snapshot) {
        rootBytes.remove(snapshot);
        versions.put(snapshot, ABSENT);
        layouts.put(snapshot, Format2.Layout.EMPTY);
        named.put(snapshot, Set.of());
    }

    private static void requireKnown(String snapshot, int version) {
        if (version > Format2.VERSION) {
            throw new ProviderException(ProviderException.Kind.INTEGRITY, "the manifest of snapshot \"" + snapshot
                    + "\" on the remote (metadata object " + nameOf(snapshot) + ") has version " + version
                    + ": it was written by a newer cloudsync; upgrade cloudsync to read it (this one reads versions 1"
                    + " and 2); nothing was changed", null, null);
        }
    }

    /** Chunks from the local cache when it has them (checked against their names), else from the remote, then cached. */
    private Format2.ChunkSource source(String snapshot) {
        return source(snapshot, chunkCache.apply(snapshot));
    }

    private Format2.ChunkSource source(String snapshot, Optional<ChunkFolder> cache) {
        return new Format2.ChunkSource() {
            @Override
            public Optional<byte[]> fetch(String sha256) {
                if (cache.isPresent()) {
                    Optional<byte[]> cached = cache.get().get(sha256);
                    if (cached.isPresent()) {
                        return cached;
                    }
                }
                Optional<byte[]> bytes = get(chunkName(snapshot, sha256)).map(MetadataObject::bytes);
                if (cache.isPresent() && bytes.isPresent() && Format2.sha256(bytes.get()).equals(sha256)) {
                    try {
                        cache.get().put(sha256, bytes.get());
                    } catch (IOException e) {
                        LOG.debug("sync.manifest cache_chunk_write folder={}: {}", cache.get().directory(), e.toString());
                    }
                }
                return bytes;
            }

            @Override
            public String describe(String sha256) {
                return "metadata object " + chunkName(snapshot, sha256);
            }
        };
    }

    /**
     * Writes a snapshot's manifest, in format 2, over the one {@link #read} (or the last
     * {@code write}) saw, and remembers the new version tag: first every chunk the replaced root
     * does not name, then the root with its precondition, then (only once the root is committed,
     * and only when {@code leaseHeld} says so) deletes the chunks it does not name. A failed delete
     * is logged and left for a later write.
     *
     * <p>When the root's put is refused with {@link ProviderException.Kind#CONFLICT}, the root is
     * read once more: an earlier attempt of this very put may have been stored with its answer lost
     * (the retry then finds the old tag gone). If the remote holds exactly the bytes this write
     * sent, it is this write, and it counts as done; otherwise the conflict stands, and no chunk is
     * deleted.
     *
     * @param snapshot the snapshot
     * @param manifest the manifest to store
     * @throws ProviderException when it cannot be written; {@link ProviderException.Kind#CONFLICT}
     *     when another run changed the manifest since it was read
     * @throws IllegalStateException when the snapshot's manifest was not read first
     */
    public void write(String snapshot, Manifest manifest) {
        MetadataPrecondition precondition = precondition(snapshot);
        Format2.Layout previous = layouts.getOrDefault(snapshot, Format2.Layout.EMPTY);
        Format2.Encoded encoded = Format2.encode(manifest, previous);
        Set<String> before = named.getOrDefault(snapshot, Set.of());
        Set<String> put = new HashSet<>();
        List<Format2.Stored> missing = new ArrayList<>();
        for (Format2.Stored chunk : encoded.encoded()) {
            if (!before.contains(chunk.sha256()) && put.add(chunk.sha256())) {
                missing.add(chunk);
            }
        }
        putAll(missing, chunk -> putChunk(snapshot, chunk));
        commitRoot(snapshot, encoded, encoded.layout().names(), before, precondition);
        layouts.put(snapshot, encoded.layout());
    }

    /**
     * Writes a snapshot's manifest from its chunks, as {@link #write(String, Manifest)} does: the
     * entry chunks the replaced root does not name are read from the manifest's folder and put,
     * then its index parts, then the root; then the sweep. Nothing is held but one chunk and the
     * refs.
     *
     * @param snapshot the snapshot
     * @param manifest the manifest, its chunks in its folder
     * @return the root's bytes and the index parts (for the cache)
     * @throws ProviderException as {@link #write(String, Manifest)}
     * @throws IllegalStateException when the snapshot's manifest was not read first
     */
    public Format2.Encoded write(String snapshot, Chunked manifest) {
        MetadataPrecondition precondition = precondition(snapshot);
        Set<String> before = named.getOrDefault(snapshot, Set.of());
        Set<String> names = new LinkedHashSet<>(manifest.chunkNames());
        List<String> missing = new ArrayList<>();
        for (String sha : names) {
            if (!before.contains(sha)) {
                missing.add(sha);
            }
        }
        // one chunk's bytes per task, read when its put starts: memory holds as many as are in flight
        putAll(missing, sha -> {
            byte[] bytes = manifest.folder().get(sha).orElseThrow(() -> new ProviderException(
                    ProviderException.Kind.PERMANENT, "the manifest of snapshot \"" + snapshot + "\" cannot be written:"
                    + " its chunk " + sha + " is missing from " + manifest.folder().directory()
                    + "; run the sync again", null, null));
            putChunk(snapshot, new Format2.Stored(sha, bytes));
        });
        Format2.Encoded encoded = Format2.rootOf(manifest);
        List<Format2.Stored> parts = new ArrayList<>();
        for (Format2.Stored part : encoded.encoded()) {
            if (names.add(part.sha256()) && !before.contains(part.sha256())) {
                parts.add(part);
            }
            try {
                manifest.folder().put(part.sha256(), part.bytes()); // the next read finds it here
            } catch (IOException e) {
                LOG.debug("sync.manifest cache_chunk_write folder={}: {}", manifest.folder().directory(), e.toString());
            }
        }
        putAll(parts, part -> putChunk(snapshot, part));
        commitRoot(snapshot, encoded, names, before, precondition);
        layouts.put(snapshot, Format2.Layout.EMPTY);
        return encoded;
    }

    private MetadataPrecondition precondition(String snapshot) {
        String seen = versions.get(snapshot);
        if (seen == null) {
            throw new IllegalStateException("the manifest of snapshot \"" + snapshot
                    + "\" is written without having been read; the precondition of the write would be unknown");
        }
        return seen.equals(ABSENT) ? MetadataPrecondition.ifAbsent() : MetadataPrecondition.ifVersion(seen);
    }

    /** Puts the root with its precondition, remembers what it names, then sweeps (see {@link #write(String, Manifest)}). */
    private void commitRoot(String snapshot, Format2.Encoded encoded, Set<String> names, Set<String> before,
                            MetadataPrecondition precondition) {
        String name = nameOf(snapshot);
        byte[] bytes = encoded.root();
        String version;
        try {
            version = retry.call(() -> put(name, bytes, precondition));
        } catch (ProviderException e) {
            if (e.kind() != ProviderException.Kind.CONFLICT) {
                throw e;
            }
            Optional<MetadataObject> now = get(name);
            if (now.isEmpty() || !Arrays.equals(now.get().bytes(), bytes)) {
                throw e;
            }
            version = now.get().version();
        }
        if (version == null || version.isEmpty()) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, "the provider stored the manifest of snapshot \""
                    + snapshot + "\" but returned no version tag; it breaks the SPI (Provider.putMetadata)");
        }
        versions.put(snapshot, version);
        named.put(snapshot, names);
        rootBytes.put(snapshot, bytes);
        if (!leaseHeld.getAsBoolean()) {
            // Without the lease another run may be writing this snapshot now: it may have read the
            // replaced root and name its chunks in a commit of its own, or put one of them again for
            // its next root. Its chunks stay until a run under the lease sweeps them.
            return;
        }
        List<String> garbage = new ArrayList<>();
        for (String sha : before) {
            if (!names.contains(sha)) {
                garbage.add(sha);
            }
        }
        garbage.addAll(orphans(snapshot, names, before));
        Workers.forEach(garbage, parallelism, WORKER, sha -> {
            String chunk = chunkName(snapshot, sha);
            try {
                retry.run(() -> delete(chunk));
            } catch (ProviderException | UnsupportedOperationException e) {
                LOG.warn("sync.manifest chunk_delete_failed snapshot={} object={}: {}; the next sweep retries",
                        snapshot, chunk, e.getMessage());
            }
        });
    }

    /**
     * Runs {@code put} for every item, {@link #parallelism} at once; after the first failure no
     * further item is started, and that failure is thrown once the puts in flight have ended.
     */
    private <T> void putAll(List<T> items, Consumer<T> put) {
        AtomicBoolean failed = new AtomicBoolean();
        Workers.forEach(items, parallelism, WORKER, item -> {
            if (failed.get()) {
                return;
            }
            try {
                put.accept(item);
            } catch (RuntimeException | Error e) {
                failed.set(true);
                throw e;
            }
        });
    }

    /** Puts a content-addressed chunk; a conflict means the name, so the bytes, are there already. */
    private void putChunk(String snapshot, Format2.Stored chunk) {
        String name = chunkName(snapshot, chunk.sha256());
        try {
            retry.call(() -> put(name, chunk.bytes(), MetadataPrecondition.none()));
        } catch (ProviderException e) {
            if (e.kind() != ProviderException.Kind.CONFLICT) {
                throw e;
            }
        }
    }

    /** Chunks in the snapshot's folder that neither the new root nor the replaced one names. */
    private List<String> orphans(String snapshot, Set<String> named, Set<String> before) {
        String prefix = chunkPrefix(snapshot);
        try {
            List<String> listed = retry.call(() -> {
                requests.incrementAndGet();
                try (Stream<String> names = provider.listMetadata(prefix)) {
                    return names.toList();
                }
            });
            List<String> orphans = new ArrayList<>();
            for (String n : listed) {
                if (n.startsWith(prefix)) {
                    String sha = n.substring(prefix.length());
                    if (Format2.isChunkName(sha) && !named.contains(sha) && !before.contains(sha)) {
                        orphans.add(sha);
                    }
                }
            }
            return orphans;
        } catch (ProviderException | UnsupportedOperationException e) {
            LOG.warn("sync.manifest chunk_sweep_failed snapshot={} prefix={}: {}; the next sweep retries",
                    snapshot, prefix, e.getMessage());
            return List.of();
        }
    }

    private Optional<MetadataObject> get(String name) {
        return retry.call(() -> {
            requests.incrementAndGet();
            Optional<MetadataObject> o = provider.getMetadata(name);
            o.ifPresent(x -> bytesRead.addAndGet(x.bytes().length));
            return o;
        });
    }

    private String put(String name, byte[] bytes, MetadataPrecondition precondition) {
        requests.incrementAndGet();
        bytesWritten.addAndGet(bytes.length);
        return provider.putMetadata(name, bytes, precondition);
    }

    private void delete(String name) {
        requests.incrementAndGet();
        provider.deleteMetadata(name);
    }
}
