package io.cloudsync.core;

import io.cloudsync.CloudSyncException;
import io.cloudsync.FeatureDisabledException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.SyncListener;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.Vault;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade most hosts touch: build one per project root, then ask for a {@link #manifest},
 * a {@link #dryRun} or a {@link #run}. Thread-safe; runs on the same service and snapshot are
 * serialised by a lock under the state folder, across threads and processes.
 *
 * <pre>{@code
 * CloudSync cloudSync = CloudSync.builder()
 *         .root(Path.of("/srv/project"))
 *         .config(CloudSyncConfig.load(Path.of("/srv/project/config/cloudsync.json")))
 *         .build();
 * SyncResult result = cloudSync.run(SyncRequest.builder("s3", "nightly").build());
 * }</pre>
 */
public final class CloudSync {

    private static final Logger LOG = LoggerFactory.getLogger(CloudSync.class);

    private final Path root;
    private final Path stateDirectory;
    private final CloudSyncConfig config;
    private final Providers providers;
    private final ManifestCache cache;
    private final Listeners listeners;
    private final Targets targets;
    private final LocalScan scanner;
    private final RunContext context;

    private CloudSync(Builder b) {
        this.config = b.config != null ? b.config : CloudSyncConfig.defaults();
        Path r = b.root;
        if (r == null) {
            r = Path.of(config.defaultRoot().orElse("."));
        }
        this.root = r.toAbsolutePath().normalize();
        this.stateDirectory = (b.stateDirectory != null ? b.stateDirectory : root.resolve("cache/cloud"))
                .toAbsolutePath().normalize();
        Providers p = b.providers != null ? b.providers : Providers.load();
        for (ProviderFactory f : b.explicit) {
            p = p.with(f);
        }
        this.providers = p;
        this.cache = new ManifestCache(stateDirectory);
        this.listeners = new Listeners(b.listeners);
        this.targets = new Targets(config, providers, b.vault, stateDirectory);
        this.scanner = new LocalScan(root, stateDirectory, config, b.excludedPaths, b.clock);
        this.context = new RunContext(root, stateDirectory, config, providers, targets, scanner, cache, listeners, b.sleeper);
    }

    /**
     * Starts a builder.
     *
     * @return a builder with no root (the configured default root, or the working folder), the state
     *     folder {@code <root>/cache/cloud}, providers discovered by ServiceLoader and every flag off
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The project root.
     *
     * @return an absolute path
     */
    public Path root() {
        return root;
    }

    /**
     * The state folder (manifest cache, journal, locks, resume state).
     *
     * @return an absolute path
     */
    public Path stateDirectory() {
        return stateDirectory;
    }

    /**
     * The configuration.
     *
     * @return never {@code null}
     */
    public CloudSyncConfig config() {
        return config;
    }

    /**
     * The providers available.
     *
     * @return never {@code null}
     */
    public Providers providers() {
        return providers;
    }

    /**
     * The cache of committed manifests.
     *
     * @return never {@code null}
     */
    public ManifestCache manifestCache() {
        return cache;
    }

    /**
     * Adds a listener.
     *
     * @param listener receives plan, progress and complete events
     */
    public void addListener(SyncListener listener) {
        listeners.add(listener);
    }

    /**
     * Removes a listener.
     *
     * @param listener a listener added earlier
     */
    public void removeListener(SyncListener listener) {
        listeners.remove(listener);
    }

    /**
     * Builds the manifest of the local tree. The newest cached manifest that a sync of this root
     * committed ({@link ManifestCache#newestFor}) serves as the hash cache, so files unchanged since
     * then are not read; without one, every file is hashed. Writes nothing.
     *
     * @param name the manifest's name
     * @param include paths to include; empty means the configured default
     * @param exclude extra exclude globs
     * @return the scan result with its report
     * @throws FeatureDisabledException when {@code enable_cloud_sync} is off
     */
    public ManifestBuilder.Result manifest(String name, List<String> include, List<String> exclude) {
        List<ManifestEntry> entries = new ArrayList<>();
        ManifestBuilder.Report report = manifest(name, include, exclude, entries::add);
        return report.withManifest(new Manifest(name, report.root(), report.createdAt(), entries, report.checksum()));
    }

    /**
     * {@link #manifest(String, List, List)} as a stream: each entry goes to {@code sink} in manifest
     * order as soon as it is known, and none is kept, so a tree of any size scans in bounded memory
     * (the hash cache is read alongside, one chunk at a time). A {@link ManifestBuilder.Sink} is told
     * the root and time first, as a streamed manifest document needs them before its entries.
     *
     * @param name the manifest's name
     * @param include paths to include; empty means the configured default
     * @param exclude extra exclude globs
     * @param sink receives the entries, on the calling thread
     * @return the scan's report: count, bytes, checksum and what was left out
     * @throws FeatureDisabledException when {@code enable_cloud_sync} is off
     */
    public ManifestBuilder.Report manifest(String name, List<String> include, List<String> exclude,
                                           java.util.function.Consumer<ManifestEntry> sink) {
        targets.requireFlag(CloudSyncConfig.MASTER_FLAG, "build a manifest");
        // the newest manifest a sync of this root committed is the hash cache: unchanged files are not read
        Optional<ManifestBuilder.Previous> previous = cache.newestChunkedFor(root).map(CloudSync::hashCache);
        ManifestBuilder.Report report = scanner.scanTo(name, include, exclude, CompletableFuture.completedFuture(previous), sink);
        LOG.atInfo().setMessage("sync.manifest").addKeyValue("name", name).addKeyValue("entries", report.files())
                .addKeyValue("bytes", report.bytes()).addKeyValue("checksum", report.checksum())
                .addKeyValue("hashed", report.filesHashed()).addKeyValue("reused", report.filesReused()).log();
        return report;
    }

    /**
     * A cached manifest as a scan's hash cache that never fails the scan: a chunk found missing or
     * damaged on the way (logged) only means the files after it are hashed.
     */
    private static ManifestBuilder.Previous hashCache(io.cloudsync.core.internal.manifest2.Chunked cached) {
        return new ManifestBuilder.Previous() {
            private ManifestBuilder.Previous cursor;
            private boolean broken;

            @Override
            public Instant createdAt() {
                return cached.createdAt();
            }

            @Override
            public Optional<ManifestEntry> at(String path) {
                if (broken) {
                    return Optional.empty();
                }
                try {
                    if (cursor == null) {
                        cursor = EntryStreams.previous(cached); // reads the first chunk
                    }
                    return cursor.at(path);
                } catch (io.cloudsync.ManifestFormatException e) {
                    broken = true;
                    LOG.warn("sync.manifest hash_cache_damaged: {}; hashing the files from {} on", e.getMessage(), path);
                    return Optional.empty();
                }
            }
        };
    }

    /**
     * Computes what a run would do, without writing anything to the remote. Works when the provider
     * jar is absent or the remote cannot be read: it then plans against the cached manifest, or an
     * empty remote, and says so in {@link SyncResult#planSource()}.
     *
     * @param request what to sync
     * @return the plan and a {@link SyncStatus#DRY_RUN} summary
     * @throws FeatureDisabledException when a flag is off
     */
    public SyncResult dryRun(SyncRequest request) {
        return SyncRun.observed(context, request, true);
    }

    /**
     * Brings the remote in line with the local tree: uploads, deletes, verification, then the
     * manifest commit when every operation succeeded. Failed operations are collected in the summary,
     * not thrown. An interrupted run is resumed by the next one without resending what arrived.
     *
     * @param request what to sync
     * @return the plan and the outcome
     * @throws FeatureDisabledException when a flag is off
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws io.cloudsync.LockHeldException when another run holds the service and snapshot
     * @throws PlanRefusedException when a limit of the request or a delete guard refuses the plan
     */
    public SyncResult run(SyncRequest request) {
        return SyncRun.observed(context, request, false);
    }

    /**
     * Restores a snapshot from the remote into a folder. Every file of the remote manifest is
     * downloaded to a temporary file, checked against the manifest's size and sha256, and moved into
     * place atomically with the manifest's mtime; nothing is ever written outside {@code target} or
     * through a symbolic link inside it. Per-file failures are collected in the result, not thrown.
     *
     * @param service the service to read from
     * @param snapshot the snapshot (the configured prefix is applied)
     * @param target the folder to write into; created when missing
     * @param replaceExisting whether files already in {@code target} are replaced; when {@code false}
     *     they are left alone and counted as skipped
     * @return what was written, skipped and failed
     * @throws FeatureDisabledException when a flag is off
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws io.cloudsync.ConfigurationException when {@code target} is not a folder
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the remote manifest cannot be read
     */
    public PullResult pull(String service, String snapshot, Path target, boolean replaceExisting) {
        return pull(SyncRequest.builder(service, snapshot).build(), target, replaceExisting);
    }

    /**
     * Restores a snapshot as {@link #pull(String, String, Path, boolean)} does, with the request's
     * {@link SyncRequest#serviceConfig() settings} and {@link SyncRequest#credentialsKey() credentials
     * key}; when the request has {@link SyncRequest#include() include paths}, only the files at or
     * under them are restored. Its limits, excludes and manifest options are not used.
     *
     * @param request the service, snapshot, settings and include paths
     * @param target the folder to write into; created when missing
     * @param replaceExisting whether files already in {@code target} are replaced
     * @return what was written, skipped and failed
     * @throws FeatureDisabledException when a flag is off
     * @throws io.cloudsync.ConfigurationException when the service is unknown, {@code target} is not a
     *     folder, or an include path covers no file of the snapshot
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the remote manifest cannot be read
     */
    public PullResult pull(SyncRequest request, Path target, boolean replaceExisting) {
        Objects.requireNonNull(target, "target");
        return new SyncRun(context, request, "pull a snapshot").pull(target, replaceExisting);
    }

    /**
     * Lists what a snapshot's trash can bring back: every version of a file that a run deleted or
     * overwrote while {@code sync.trash_days} was above 0, newest first, and whether its bytes are
     * still held (docs/SYNC.md, "Trash"). Reads the trash records and lists the kept versions; changes
     * nothing. With {@link SyncRequest#include() include paths}, only versions at or under them.
     *
     * @param request the service, snapshot, settings and include paths
     * @return the versions
     * @throws FeatureDisabledException when a flag is off
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws io.cloudsync.ManifestFormatException when a trash record is damaged, naming it
     * @throws ProviderException when the trash cannot be read
     */
    public io.cloudsync.core.result.VersionsResult versions(SyncRequest request) {
        return new SyncRun(context, request, "list the versions of a snapshot").versions();
    }

    /**
     * Restores a snapshot's files as a committed manifest described them at {@code at}: the current
     * manifest with every change of the trash records written after {@code at} undone, each file
     * fetched from the trash or from the snapshot, checked against its sha256, and moved into place as
     * {@link #pull(SyncRequest, Path, boolean)} does. With {@link SyncRequest#include() include paths},
     * only the files at or under them. Changes nothing on the remote.
     *
     * @param request the service, snapshot, settings and include paths
     * @param at the time
     * @param target the folder to write into; created when missing
     * @param replaceExisting whether files already in {@code target} are replaced
     * @return the rebuilt manifest's checksum, whether the history is complete, and what was written
     * @throws FeatureDisabledException when a flag is off
     * @throws io.cloudsync.ConfigurationException when {@code target} is not a folder, or an include
     *     path names no file at {@code at}
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws CloudSyncException when the snapshot has neither a manifest nor a trash
     * @throws ProviderException when the manifest or the trash cannot be read
     */
    public io.cloudsync.core.result.RestoreResult restore(SyncRequest request, java.time.Instant at, Path target,
                                                          boolean replaceExisting) {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(target, "target");
        return new SyncRun(context, request, "restore a snapshot").restore(at, target, replaceExisting);
    }

    /**
     * Checks that what the remote holds matches the snapshot's manifest, without changing anything.
     * Where the provider declares {@link Capability#LISTING}, every file is checked against the
     * listing (presence, size, and sha256 where listed); files without a listed digest, and every file
     * of a provider that cannot list, are checked by downloading a random sample and hashing it.
     *
     * @param service the service to check
     * @param snapshot the snapshot (the configured prefix is applied)
     * @param samplePercent 0 to 100: the share of files without a listed digest to download
     * @return what was checked and what is wrong
     * @throws FeatureDisabledException when a flag is off
     * @throws IllegalArgumentException when {@code samplePercent} is out of range
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the manifest or the listing cannot be read
     */
    public VerifyResult verify(String service, String snapshot, int samplePercent) {
        return verify(SyncRequest.builder(service, snapshot).build(), samplePercent);
    }

    /**
     * Checks a snapshot as {@link #verify(String, String, int)} does, with the request's
     * {@link SyncRequest#serviceConfig() settings} and {@link SyncRequest#credentialsKey() credentials
     * key}; when the request has {@link SyncRequest#include() include paths}, only the files at or
     * under them are checked, and remote files outside them are not reported.
     *
     * @param request the service, snapshot, settings and include paths
     * @param samplePercent 0 to 100: the share of files without a listed digest to download
     * @return what was checked and what is wrong
     * @throws FeatureDisabledException when a flag is off
     * @throws io.cloudsync.ConfigurationException when the service is unknown or an include path covers
     *     no file of the snapshot
     * @throws IllegalArgumentException when {@code samplePercent} is out of range
     * @throws io.cloudsync.ProviderNotFoundException when no provider serves the service
     * @throws CloudSyncException when the remote has no manifest for the snapshot
     * @throws ProviderException when the manifest or the listing cannot be read
     */
    public VerifyResult verify(SyncRequest request, int samplePercent) {
        return new SyncRun(context, request, "verify a snapshot").verify(samplePercent);
    }

    /** Builds a {@link CloudSync}. Not thread-safe. */
    public static final class Builder {
        private Path root;
        private Path stateDirectory;
        private CloudSyncConfig config;
        private Providers providers;
        private final List<ProviderFactory> explicit = new ArrayList<>();
        private Vault vault;
        private final List<SyncListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private Retry.Sleeper sleeper = Retry.THREAD_SLEEP;
        private final List<Path> excludedPaths = new ArrayList<>();

        private Builder() {
        }

        /**
         * Keeps a file or folder out of every manifest, whatever the include and exclude settings say:
         * for files of the host's own that may sit inside the root, such as an HTTP token file. The
         * state folder and the vault are always kept out.
         *
         * @param path an absolute path, or one relative to the working folder
         * @return this builder
         */
        public Builder excludePath(Path path) {
            excludedPaths.add(Objects.requireNonNull(path, "path").toAbsolutePath().normalize());
            return this;
        }

        /**
         * Sets the project root.
         *
         * @param root the folder whose files are mirrored
         * @return this builder
         */
        public Builder root(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Sets the state folder.
         *
         * @param directory where the manifest cache, journal, locks and resume state live
         * @return this builder
         */
        public Builder stateDirectory(Path directory) {
            this.stateDirectory = Objects.requireNonNull(directory, "stateDirectory");
            return this;
        }

        /**
         * Sets the configuration.
         *
         * @param config flags, sync settings and service settings
         * @return this builder
         */
        public Builder config(CloudSyncConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Uses exactly these providers instead of discovering them.
         *
         * @param providers the registry
         * @return this builder
         */
        public Builder providers(Providers providers) {
            this.providers = Objects.requireNonNull(providers, "providers");
            return this;
        }

        /**
         * Adds a provider explicitly; it wins over a discovered one with the same id.
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder provider(ProviderFactory factory) {
            explicit.add(Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /**
         * Sets the vault that holds provider credentials.
         *
         * @param vault an unlocked vault
         * @return this builder
         */
        public Builder vault(Vault vault) {
            this.vault = Objects.requireNonNull(vault, "vault");
            return this;
        }

        /**
         * Adds a listener.
         *
         * @param listener receives plan, progress and complete events
         * @return this builder
         */
        public Builder listener(SyncListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets the clock used for manifest times.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        Builder sleeper(Retry.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Builds the instance.
         *
         * @return the facade
         */
        public CloudSync build() {
            return new CloudSync(this);
        }
    }
}
