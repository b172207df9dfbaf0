package io.cloudsync.core;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The local side of every operation: scans the project root with the configured includes and
 * excludes (the state folder and the host's own files always left out), and what a scan that could
 * not read everything means for the plan. Immutable and thread-safe.
 */
final class LocalScan {

    private final Path root;
    private final Path stateDirectory;
    private final CloudSyncConfig config;
    private final List<Path> excludedPaths;
    private final Clock clock;

    LocalScan(Path root, Path stateDirectory, CloudSyncConfig config, List<Path> excludedPaths, Clock clock) {
        this.root = root;
        this.stateDirectory = stateDirectory;
        this.config = config;
        this.excludedPaths = List.copyOf(excludedPaths);
        this.clock = clock;
    }

    /**
     * Scans the root as a stream: each entry goes to {@code sink} in manifest order, and the scan
     * holds no list of them.
     *
     * @param previous the earlier entries whose digests may be reused, asked for in path order; awaited before hashing
     * @return what the scan found besides the entries
     */
    ManifestBuilder.Report scanTo(String name, List<String> include, List<String> exclude,
                                  Future<Optional<ManifestBuilder.Previous>> previous, Consumer<ManifestEntry> sink) {
        if (!Files.isDirectory(root)) {
            Instant now = clock.instant();
            if (sink instanceof ManifestBuilder.Sink started) {
                started.started(root.toString(), now);
            }
            return new ManifestBuilder.Report(root.toString(), now, 0, 0, Manifest.checksumOf(List.of()),
                    List.of(missingRoot()), List.of(), 0, 0, List.of(), List.of(), 0, List.of());
        }
        return builder(name, include, exclude).previousEntries(previous).scanTo(sink);
    }

    private String missingRoot() {
        return "project root " + root + " does not exist";
    }

    private ManifestBuilder builder(String name, List<String> include, List<String> exclude) {
        List<String> excludes = new ArrayList<>(config.exclude());
        excludes.addAll(exclude);
        ManifestBuilder builder = ManifestBuilder.forRoot(root).name(name)
                .include(include.isEmpty() ? config.include() : include)
                .exclude(excludes)
                .clock(clock);
        if (stateDirectory.startsWith(root)) {
            builder.excludePath(stateDirectory);
        }
        for (Path p : excludedPaths) {
            builder.excludePath(p);
        }
        return builder;
    }

    /** The paths the scan could not read: the remote keeps what it has under them (see {@link EntryStreams#keepUnreadable}). */
    static java.util.Set<String> unreadablePaths(List<ManifestBuilder.Unreadable> unreadable) {
        java.util.Set<String> paths = new java.util.HashSet<>();
        unreadable.forEach(u -> paths.add(u.path()));
        return paths;
    }

    /** Whether {@code path}, or a folder above it, or the root ({@code ""}) is one of {@code paths}. */
    static boolean coveredBy(java.util.Set<String> paths, String path) {
        if (paths.contains("") || paths.contains(path)) {
            return true;
        }
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            if (paths.contains(path.substring(0, slash))) {
                return true;
            }
        }
        return false;
    }

    /** One {@link SyncAction#SCAN} error per path the scan could not read. */
    static List<SyncError> scanErrors(List<ManifestBuilder.Unreadable> unreadable) {
        List<SyncError> errors = new ArrayList<>();
        for (ManifestBuilder.Unreadable u : unreadable) {
            errors.add(new SyncError(SyncAction.SCAN, u.path().isEmpty() ? "." : u.path(), SyncError.Kind.LOCAL_IO,
                    u.reason() + "; not planned as a delete, the remote keeps what it has there"));
        }
        return errors;
    }
}
