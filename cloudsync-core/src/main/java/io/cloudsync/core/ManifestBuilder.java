package io.cloudsync.core;

import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.core.internal.manifest.Glob;
import io.cloudsync.core.internal.manifest.TreeScan;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds the {@link Manifest} of a folder: walks the root (or only the include paths), drops what the
 * exclude patterns match, and records {@code {path, size, mtime, sha256}} of every regular file.
 *
 * <ul>
 *   <li><b>Excludes.</b> {@link #DEFAULT_EXCLUDES} always apply ({@code cache/}, {@code logs/},
 *       {@code tmp/}, {@code backups/}, {@code .git/}, the library's temporary files, which are
 *       {@code .cs-} + 12 characters + {@code .tmp}, nothing else, and the vault,
 *       {@link #SECRET_FILES}); patterns
 *       from {@link #exclude} and folders from {@link #excludePath} are added to them. Excluded
 *       folders are not walked at all. Excludes also apply inside include paths.</li>
 *   <li><b>Symbolic links are never followed</b>, whether they point to a file or a folder, inside
 *       the tree or out of it: each is left out of the manifest and listed in
 *       {@link Result#skipped()} as {@code "<path>: symbolic link, not followed"}. So are FIFOs,
 *       sockets and devices, and files or folders that cannot be read. Empty folders do not appear
 *       (a manifest lists files). The root itself may be given through a link.</li>
 *   <li><b>Names.</b> Paths are recorded in Unicode NFC. A file stored under another normalisation
 *       (say NFD) is recorded under its NFC path; {@link #localPathOf} finds it again. Two files
 *       whose names differ only by normalisation are both left out and reported, never merged. A
 *       name that {@link PathRules} cannot represent (a backslash, say) is left out and reported.</li>
 *   <li><b>Hash cache.</b> With a {@link #previous} manifest, a file whose size and mtime equal its
 *       previous entry keeps that entry's sha256 without being read, unless its mtime is within
 *       {@link #RACY_WINDOW} of (or after) the moment the previous manifest was made: such a file
 *       could have changed again within the same timestamp tick, so it is read (git's racy-clean
 *       rule). Rescanning an unchanged tree therefore reads no file contents.</li>
 *   <li><b>Hashing</b> runs on {@link #parallelism} threads with one 256 KiB buffer each; no file
 *       content is held in memory. After hashing, the file's size, mtime and identity are read
 *       again; if anything changed (or the bytes read differ from the size), the file is hashed
 *       again, up to {@value #MAX_ATTEMPTS} times, then left out and reported. A file is never
 *       recorded with a digest of content it no longer has at the time it was checked.</li>
 *   <li><b>Memory.</b> The walk goes folder by folder in manifest order and hands files on as it
 *       goes; {@link #scanTo} streams the entries to a sink, so a scan holds the largest folder and a
 *       fixed look-ahead, never the whole tree ({@link #scan()} collects the entries into the
 *       manifest it returns).</li>
 * </ul>
 *
 * <p>The manifest's {@code createdAt} is the clock's time when the scan starts. A builder is not
 * thread-safe; a scan runs its own threads and returns when they are done.
 */
public final class ManifestBuilder {

    /** Exclude patterns that always apply; see {@link #exclude} for the syntax. */
    public static final List<String> DEFAULT_EXCLUDES = List.of(
            "cache/**", "logs/**", "tmp/**", "backups/**", ".git/**", AtomicFiles.TEMP_GLOB,
            Vaults.DEFAULT_FILE, Vaults.DEFAULT_FILE + ".lock");

    /**
     * The default excludes that keep the vault ({@code config/cloudsync.secrets.json} and its lock)
     * off every remote and out of every backup. An include path that names one of these files exactly
     * still records it, with a warning in {@link Result#warnings()}.
     */
    public static final List<String> SECRET_FILES = List.of(Vaults.DEFAULT_FILE, Vaults.DEFAULT_FILE + ".lock");

    /**
     * How close to (or after) the previous manifest's {@code createdAt} an mtime must be for the
     * previous sha256 not to be trusted: two seconds, the coarsest timestamp a common file system
     * (FAT) keeps.
     */
    public static final Duration RACY_WINDOW = Duration.ofSeconds(2);

    /** How many times a file that keeps changing while it is hashed is tried before it is reported. */
    public static final int MAX_ATTEMPTS = 3;

    /**
     * A path whose content a scan could not establish: a folder or file that cannot be read, a file
     * that disappeared, was replaced or kept changing while it was read, or two files whose names are
     * one once normalised. It stands for itself and everything under it. A sync never plans such a
     * path as a delete: the remote keeps what it has there, and the run ends {@code PARTIAL}.
     *
     * @param path the manifest path (NFC, {@code /}-separated); {@code ""} for the root itself
     * @param reason why, for people
     */
    public record Unreadable(String path, String reason) {

        /**
         * Checks the components.
         *
         * @param path see the record component
         * @param reason see the record component
         */
        public Unreadable {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(reason, "reason");
        }

        /**
         * Whether {@code other} is this path or lies under it.
         *
         * @param other a manifest path
         * @return true when this entry stands for it
         */
        public boolean covers(String other) {
            return path.isEmpty() || other.equals(path)
                    || other.length() > path.length() && other.startsWith(path) && other.charAt(path.length()) == '/';
        }
    }

    /**
     * A path a scan left out of the manifest although it is in the tree, and why: a symbolic link, a
     * device, FIFO or socket, a name that is not valid UTF-8 or that {@link PathRules} cannot record
     * (a backslash, say). Paths whose content could not be established are {@link Unreadable} instead.
     *
     * @param path the path as found, {@code /}-separated, bytes that are not valid UTF-8 shown as
     *     {@code \xNN}; never {@code null}
     * @param reason why, for people; never {@code null}
     */
    public record Skipped(String path, String reason) {

        /**
         * Checks the components.
         *
         * @param path see the record component
         * @param reason see the record component
         */
        public Skipped {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(reason, "reason");
        }

        /**
         * The item of {@link Result#skipped()} for this path: {@code "<path>: <reason>"}.
         *
         * @return the text
         */
        public String text() {
            return path + ": " + reason;
        }
    }

    /**
     * The report of one scan.
     *
     * @param manifest the manifest; never {@code null}
     * @param skipped what was left out and why, as {@code "<path>: <reason>"}, sorted: symbolic
     *     links, special files, unreadable files or folders, files that kept changing, names that
     *     collide under Unicode normalisation, break the path rules or are not valid UTF-8 (shown
     *     with the bytes escaped); never {@code null}
     * @param missingIncludes include paths that do not exist, as given; never {@code null}
     * @param filesHashed files whose content was read
     * @param filesReused files whose sha256 came from the previous manifest without reading them
     * @param unreadable the paths whose content could not be established, sorted, none under another;
     *     each is also in {@code skipped}; never {@code null}
     * @param warnings what was recorded but deserves a look (such as a vault file that an include
     *     path names explicitly); never {@code null}
     * @param invalidNames how many names were left out because they are not valid UTF-8
     * @param leftOut the paths left out that are not {@code unreadable}, each with its reason, sorted;
     *     every one is also in {@code skipped}; never {@code null}
     */
    public record Result(Manifest manifest, List<String> skipped, List<String> missingIncludes,
                         long filesHashed, long filesReused, List<Unreadable> unreadable, List<String> warnings,
                         int invalidNames, List<Skipped> leftOut) {

        /**
         * Copies the lists.
         *
         * @param manifest see the record component
         * @param skipped see the record component
         * @param missingIncludes see the record component
         * @param filesHashed see the record component
         * @param filesReused see the record component
         * @param unreadable see the record component
         * @param warnings see the record component
         * @param invalidNames see the record component
         * @param leftOut see the record component
         */
        public Result {
            Objects.requireNonNull(manifest, "manifest");
            skipped = List.copyOf(skipped);
            missingIncludes = List.copyOf(missingIncludes);
            unreadable = List.copyOf(unreadable);
            warnings = List.copyOf(warnings);
            leftOut = List.copyOf(leftOut);
        }

        /**
         * A report whose {@code leftOut} is read from {@code skipped}: each item's text up to the first
         * {@code ": "} is its path (the whole item, with path {@code "."}, when it has none), and items
         * whose path an {@code unreadable} entry covers are not left out but unreadable. Kept for hosts
         * written against the first release; a scan fills {@code leftOut} itself.
         *
         * @param manifest see the record component
         * @param skipped see the record component
         * @param missingIncludes see the record component
         * @param filesHashed see the record component
         * @param filesReused see the record component
         * @param unreadable see the record component
         * @param warnings see the record component
         * @param invalidNames see the record component
         */
        public Result(Manifest manifest, List<String> skipped, List<String> missingIncludes,
                      long filesHashed, long filesReused, List<Unreadable> unreadable, List<String> warnings,
                      int invalidNames) {
            this(manifest, skipped, missingIncludes, filesHashed, filesReused, unreadable, warnings, invalidNames,
                    leftOutOf(skipped, unreadable));
        }

        private static List<Skipped> leftOutOf(List<String> skipped, List<Unreadable> unreadable) {
            List<Skipped> out = new ArrayList<>();
            for (String item : skipped) {
                int colon = item.indexOf(": ");
                Skipped s = colon < 0 ? new Skipped(".", item) : new Skipped(item.substring(0, colon), item.substring(colon + 2));
                String nfc = java.text.Normalizer.normalize(s.path(), java.text.Normalizer.Form.NFC);
                if (unreadable.stream().noneMatch(u -> u.covers(nfc) || u.path().isEmpty() && s.path().equals("."))) {
                    out.add(s);
                }
            }
            return out;
        }

        /**
         * A report without unreadable paths, warnings or invalid names.
         *
         * @param manifest see the record component
         * @param skipped see the record component
         * @param missingIncludes see the record component
         * @param filesHashed see the record component
         * @param filesReused see the record component
         */
        public Result(Manifest manifest, List<String> skipped, List<String> missingIncludes,
                      long filesHashed, long filesReused) {
            this(manifest, skipped, missingIncludes, filesHashed, filesReused, List.of(), List.of(), 0);
        }
    }

    /**
     * Where {@link #scanTo} may hand its entries when the receiver wants the root and time of the
     * manifest before the entries, as a writer of a streamed manifest document does. A plain
     * {@link Consumer} is told nothing before the first entry.
     */
    public interface Sink extends Consumer<ManifestEntry> {

        /**
         * Called once, before the first entry, when the scan knows its root and time: what a
         * manifest of the scan says first.
         *
         * @param root the real path of the scanned root
         * @param createdAt the time the manifest will carry
         */
        void started(String root, Instant createdAt);
    }

    /**
     * The entries of an earlier scan (the hash cache), asked for one path at a time, so that a scan
     * never needs them all in memory. A scan asks with strictly increasing paths (in
     * {@link PathRules#ORDER}), each at most once, from one thread: a forward cursor over entries in
     * manifest order is enough. One {@code Previous} serves one scan.
     *
     */
    public interface Previous {

        /**
         * When the earlier manifest was made; files modified within {@link #RACY_WINDOW} of it are
         * read again whatever their entry says.
         *
         * @return the instant; never {@code null}
         */
        Instant createdAt();

        /**
         * The earlier entry at a path.
         *
         * @param path a manifest path, sorting strictly after the path of the previous call
         * @return the entry, or empty when the earlier manifest has none there; never {@code null}
         */
        Optional<ManifestEntry> at(String path);

        /**
         * A forward cursor over a manifest's entries: each call moves on past the paths before the
         * one asked for, so a whole scan costs one pass over the entries.
         *
         * @param manifest the earlier manifest; never {@code null}
         * @return a new cursor, for one scan
         */
        static Previous of(Manifest manifest) {
            return new ManifestCursor(Objects.requireNonNull(manifest, "manifest"));
        }
    }

    /** {@link Previous#of}: a forward cursor over a manifest's entries. */
    private static final class ManifestCursor implements Previous {
        private final Instant createdAt;
        private final List<ManifestEntry> entries;
        private int next;

        ManifestCursor(Manifest manifest) {
            this.createdAt = manifest.createdAt();
            this.entries = manifest.entries();
        }

        @Override
        public Instant createdAt() {
            return createdAt;
        }

        @Override
        public Optional<ManifestEntry> at(String path) {
            while (next < entries.size()) {
                ManifestEntry e = entries.get(next);
                // equals first: in a rescan nearly every path is unchanged, and equals is much cheaper
                if (e.path().equals(path)) {
                    next++;
                    return Optional.of(e);
                }
                if (PathRules.compare(e.path(), path) > 0) {
                    return Optional.empty();
                }
                next++;
            }
            return Optional.empty();
        }
    }

    /**
     * The report of a {@linkplain #scanTo streamed scan}: everything {@link Result} says except the
     * entries themselves, which went to the sink, and with what the manifest would have said of them.
     *
     * @param root the root scanned, as a real path; never {@code null}
     * @param createdAt the clock's time when the scan started, the manifest's {@code createdAt}; never
     *     {@code null}
     * @param files how many entries went to the sink
     * @param bytes the sum of their sizes
     * @param checksum the manifest checksum of those entries ({@link Manifest}'s rule), lower-case hex;
     *     never {@code null}
     * @param skipped as {@link Result#skipped()}; never {@code null}
     * @param missingIncludes as {@link Result#missingIncludes()}; never {@code null}
     * @param filesHashed files whose content was read
     * @param filesReused files whose sha256 came from the previous entries without reading them
     * @param unreadable as {@link Result#unreadable()}; never {@code null}
     * @param warnings as {@link Result#warnings()}; never {@code null}
     * @param invalidNames how many names were left out because they are not valid UTF-8
     * @param leftOut as {@link Result#leftOut()}; never {@code null}
     */
    public record Report(String root, Instant createdAt, long files, long bytes, String checksum,
                         List<String> skipped, List<String> missingIncludes, long filesHashed, long filesReused,
                         List<Unreadable> unreadable, List<String> warnings, int invalidNames, List<Skipped> leftOut) {

        /**
         * Checks and copies the components.
         *
         * @param root see the record component
         * @param createdAt see the record component
         * @param files see the record component
         * @param bytes see the record component
         * @param checksum see the record component
         * @param skipped see the record component
         * @param missingIncludes see the record component
         * @param filesHashed see the record component
         * @param filesReused see the record component
         * @param unreadable see the record component
         * @param warnings see the record component
         * @param invalidNames see the record component
         * @param leftOut see the record component
         */
        public Report {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(checksum, "checksum");
            skipped = List.copyOf(skipped);
            missingIncludes = List.copyOf(missingIncludes);
            unreadable = List.copyOf(unreadable);
            warnings = List.copyOf(warnings);
            leftOut = List.copyOf(leftOut);
        }

        /**
         * The report of an in-memory scan.
         *
         * @param r its result
         * @return what it says besides the entries, with their count, size and checksum
         */
        public static Report of(Result r) {
            Manifest m = r.manifest();
            return new Report(m.root(), m.createdAt(), m.entries().size(), m.totalBytes(), m.checksum(), r.skipped(),
                    r.missingIncludes(), r.filesHashed(), r.filesReused(), r.unreadable(), r.warnings(), r.invalidNames(),
                    r.leftOut());
        }

        /**
         * The result of the scan this reports, with its entries.
         *
         * @param manifest the entries the scan handed on, as a manifest
         * @return the result
         */
        public Result withManifest(Manifest manifest) {
            return new Result(manifest, skipped, missingIncludes, filesHashed, filesReused, unreadable, warnings,
                    invalidNames, leftOut);
        }
    }

    private final Path root;
    private String name = "manifest";
    private final List<String> includes = new ArrayList<>();
    private final List<Glob> excludes = new ArrayList<>();
    private final List<Path> excludedPaths = new ArrayList<>();
    /** Starts getting the hash cache's manifest when a scan starts; null for no hash cache (or previousEntries). */
    private Supplier<Future<Optional<Manifest>>> previous;
    /** The hash cache as entries, for the next scan only (a cursor reads once); null for none. */
    private Future<Optional<Previous>> previousEntries;
    private int parallelism = Runtime.getRuntime().availableProcessors();
    private Clock clock = Clock.systemUTC();
    private BiConsumer<Path, Integer> afterHash = (file, attempt) -> { };

    private ManifestBuilder(Path root) {
        this.root = root;
        DEFAULT_EXCLUDES.forEach(g -> excludes.add(Glob.of(g)));
    }

    /**
     * A builder for the tree under {@code root}.
     *
     * @param root an existing folder (checked when scanning); never {@code null}
     * @return a new builder
     */
    public static ManifestBuilder forRoot(Path root) {
        return new ManifestBuilder(Objects.requireNonNull(root, "root"));
    }

    /**
     * Names the manifest.
     *
     * @param name usually the snapshot name; default {@code "manifest"}
     * @return this builder
     */
    public ManifestBuilder name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Limits the scan to these files and folders, relative to the root ({@code /}-separated, no
     * {@code ..}). An empty list, the default, means the whole root. Paths that do not exist are
     * reported in {@link Result#missingIncludes()}. Calls add up.
     *
     * @param paths relative paths such as {@code "src"} or {@code "config/app.json"}
     * @return this builder
     * @throws ConfigurationException naming a path that is absolute or leaves the root
     */
    public ManifestBuilder include(List<String> paths) {
        for (String p : paths) {
            String trimmed = p == null ? null : p.replaceAll("/+$", "");
            if (".".equals(trimmed) || "".equals(trimmed)) {
                includes.add("");
                continue;
            }
            try {
                PathRules.requireCanonical(trimmed);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("include " + e.getMessage()
                        + "; include paths are relative to the root " + root, e);
            }
            includes.add(trimmed);
        }
        return this;
    }

    /**
     * Adds exclude patterns to {@link #DEFAULT_EXCLUDES}. Patterns match {@code /}-separated paths
     * relative to the root: {@code *} within a segment, {@code ?} one character, {@code **} across
     * folders ({@code **}{@code /x} matches {@code x} at any depth); a pattern that matches a folder
     * excludes all of it, and {@code dir/**} excludes the folder {@code dir}.
     *
     * @param globs patterns such as {@code "build/**"} or {@code "**}{@code /*.log"}
     * @return this builder
     * @throws ConfigurationException naming a pattern that is empty, absolute or uses {@code \}
     */
    public ManifestBuilder exclude(List<String> globs) {
        for (String g : globs) {
            try {
                excludes.add(Glob.of(g));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage(), e);
            }
        }
        return this;
    }

    /**
     * Excludes one folder (or file) and everything under it, such as a custom state folder inside
     * the root. Paths outside the root are accepted and have no effect.
     *
     * @param absoluteDir the folder
     * @return this builder
     */
    public ManifestBuilder excludePath(Path absoluteDir) {
        excludedPaths.add(Objects.requireNonNull(absoluteDir, "absoluteDir"));
        return this;
    }

    /**
     * Enables the hash cache with the manifest of an earlier scan of the same root.
     *
     * @param previous the earlier manifest, or {@code null} for none
     * @return this builder
     */
    public ManifestBuilder previous(Manifest previous) {
        this.previous = previous == null ? null : () -> CompletableFuture.completedFuture(Optional.of(previous));
        this.previousEntries = null;
        return this;
    }

    /**
     * Enables the hash cache with a manifest that is still being fetched, such as the remote
     * manifest a sync reads from its provider: the tree is walked meanwhile (as far as a bounded
     * look-ahead of some thousand files goes), and the result is awaited before any file is hashed or
     * handed on. An empty result means no hash
     * cache. When the fetch fails, the scan fails with the fetch's own exception (a
     * {@link RuntimeException} as it was thrown, anything else wrapped in a {@link CloudSyncException})
     * and hashes nothing.
     *
     * @param pending the fetch, run by the caller; {@code null} for none
     * @return this builder
     */
    public ManifestBuilder previousFuture(Future<Optional<Manifest>> pending) {
        this.previous = pending == null ? null : () -> pending;
        this.previousEntries = null;
        return this;
    }

    /**
     * Enables the hash cache with an earlier manifest still in its file (as {@link ManifestJson}
     * wrote it), read on a thread of its own while the walk starts, as with {@link #previousFuture}. The
     * whole manifest is then held during the scan; {@link #previousEntries} avoids that. A file that
     * does not exist means no
     * hash cache (a first scan). A file that cannot be read or is not a valid manifest is logged
     * ({@code sync.manifest previous_unusable}, WARN) and also means no hash cache: every file is
     * then hashed, so a damaged cache file costs time, never a wrong digest.
     *
     * @param manifestFile the earlier manifest's file, or {@code null} for none
     * @return this builder
     */
    public ManifestBuilder previousFile(Path manifestFile) {
        this.previous = manifestFile == null ? null : () -> TreeScan.readInBackground(manifestFile);
        this.previousEntries = null;
        return this;
    }

    /**
     * Enables the hash cache with the entries of an earlier scan, asked for one by one in path order
     * (see {@link Previous}), so that the earlier manifest need not be in memory. As with
     * {@link #previousFuture}, the tree is walked while the entries are still being prepared; they are
     * awaited before any file is hashed, an empty result means no hash cache, and a failure fails the
     * scan with its own exception. A {@code Previous} is a cursor and serves the next scan only: a later
     * scan through this builder has no hash cache unless it is given one again. Replaces any
     * {@link #previous}, {@link #previousFuture} or {@link #previousFile} given before, and they replace it.
     *
     * @param pending the earlier entries, prepared by the caller; {@code null} for none
     * @return this builder
     */
    public ManifestBuilder previousEntries(Future<Optional<Previous>> pending) {
        this.previousEntries = pending;
        this.previous = null;
        return this;
    }

    /**
     * Sets how many threads walk folders and hash files.
     *
     * @param threads at least 1; default the number of processors
     * @return this builder
     * @throws ConfigurationException when {@code threads} is less than 1
     */
    public ManifestBuilder parallelism(int threads) {
        if (threads < 1) {
            throw new ConfigurationException("parallelism must be at least 1, was " + threads);
        }
        this.parallelism = threads;
        return this;
    }

    /**
     * Sets the clock that stamps {@code createdAt}.
     *
     * @param clock the clock; default the system UTC clock
     * @return this builder
     */
    public ManifestBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Test hook: runs after each hash of a file, before it is checked again. */
    ManifestBuilder afterHash(BiConsumer<Path, Integer> hook) {
        this.afterHash = Objects.requireNonNull(hook, "hook");
        return this;
    }

    /**
     * Scans the tree.
     *
     * @return the manifest and what was left out
     * @throws CloudSyncException when the root is not a readable folder or the scan is interrupted,
     *     or the failure of a {@linkplain #previousFuture pending previous manifest}
     */
    public Result scan() {
        return newScan().run();
    }

    /**
     * Scans the tree and hands each entry to {@code sink} as soon as it and every entry before it are
     * known, without holding the tree's entries: memory stays bounded by the largest folder and a
     * fixed look-ahead of folders and files, whatever the size of the tree. The entries come in
     * manifest order ({@link PathRules#ORDER}, strictly increasing), one at a time, on the calling
     * thread; they are exactly the entries {@link #scan()} would put in its manifest, and the report
     * says what its {@link Result} would say besides. With a hash cache, the previous entries are
     * read once, in path order, alongside the walk. When the sink throws, the scan stops and the
     * exception propagates. A {@link Sink} is first told the root and time.
     *
     * @param sink receives the entries; never {@code null}
     * @return what the scan found besides the entries, with their count, size and checksum
     * @throws CloudSyncException as {@link #scan()}
     */
    public Report scanTo(Consumer<ManifestEntry> sink) {
        Objects.requireNonNull(sink, "sink");
        return newScan().stream(sink);
    }

    private TreeScan newScan() {
        TreeScan scan = new TreeScan(root, name, includes, excludes, excludedPaths, previous == null ? null : previous.get(),
                RACY_WINDOW, MAX_ATTEMPTS, parallelism, clock, afterHash);
        if (previousEntries != null) {
            scan.previousEntries(previousEntries);
            previousEntries = null; // a cursor serves one scan
        }
        return scan;
    }

    /**
     * Scans the tree and returns only the manifest.
     *
     * @return {@code scan().manifest()}
     * @throws CloudSyncException as {@link #scan()}
     */
    public Manifest build() {
        return scan().manifest();
    }

    /**
     * The local file a manifest path stands for. Usually {@code root.resolve(path)}; when no file
     * has that exact name but one whose name has the same NFC form does (a name stored in NFD on a
     * file system that keeps names as bytes), that one. Symbolic links are not followed.
     *
     * @param root the root the manifest was built from
     * @param path a manifest path
     * @return the file, which may not exist when nothing matches
     */
    public static Path localPathOf(Path root, String path) {
        Path direct = root.resolve(path);
        if (Files.exists(direct, LinkOption.NOFOLLOW_LINKS)) {
            return direct;
        }
        Path current = root;
        for (String segment : path.split("/")) {
            Path next = current.resolve(segment);
            if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                next = findByNfc(current, segment);
                if (next == null) {
                    return direct;
                }
            }
            current = next;
        }
        return current;
    }

    private static Path findByNfc(Path dir, String nfcName) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                if (Normalizer.normalize(child.getFileName().toString(), Normalizer.Form.NFC).equals(nfcName)) {
                    return child;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
