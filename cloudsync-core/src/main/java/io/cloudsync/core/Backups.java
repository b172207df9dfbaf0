package io.cloudsync.core;

import io.cloudsync.BackupException;
import io.cloudsync.core.internal.backup.ArchiveWriter;
import io.cloudsync.core.internal.backup.BackupArchive;
import io.cloudsync.core.internal.backup.Catalog;
import io.cloudsync.core.internal.backup.RestoreRun;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.zip.Deflater;

/**
 * Local backups of a project as zip archives under {@code <projectRoot>/backups/cloud/}, each with
 * the {@link io.cloudsync.Manifest} of what it holds at {@value #MANIFEST_PATH} (see
 * {@code docs/BACKUPS.md}).
 *
 * <ul>
 *   <li>{@link #create} archives the given paths into {@code <UTC yyyyMMdd'T'HHmmss'Z'>-<label>.zip}
 *       (with {@code ~2}, {@code ~3}, … before {@code .zip} when that name is taken), streaming
 *       files of any size (ZIP64), written to a temporary file and moved into place when complete,
 *       then deletes the oldest archives beyond {@code maxBackups}. Only archives whose name has
 *       that form <em>and</em> that carry a readable embedded manifest are counted or deleted.</li>
 *   <li>{@link #restore} validates the whole archive (names, entry types, manifest, every file's
 *       size and sha256) before it writes anything, then writes each file through a temporary file
 *       and an atomic move.</li>
 *   <li>{@link #verify} runs the same validation without writing; {@link #list} shows the archives.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe. Log events: {@code backup.create}, {@code backup.rotate},
 * {@code backup.restore}, {@code backup.verify}, {@code backup.list}.
 */
public final class Backups {

    /** The paths archived when {@link #create} is given none. */
    public static final List<String> DEFAULT_PATHS = List.of("data", "data/scenes", "assets", "config");

    /** How many archives {@link #create(String)} keeps. */
    public static final int DEFAULT_MAX_BACKUPS = 5;

    /** The archive folder, relative to the project root. */
    public static final String FOLDER = "backups/cloud";

    /** Where the manifest sits inside every archive. */
    public static final String MANIFEST_PATH = BackupArchive.MANIFEST_PATH;

    private final Path root;
    private final Clock clock;
    private final int level;
    private final ArchiveWriter.Hooks hooks;
    private final Boolean caseInsensitiveTarget;

    private Backups(Path root, Clock clock, int level, ArchiveWriter.Hooks hooks, Boolean caseInsensitiveTarget) {
        this.root = root;
        this.clock = clock;
        this.level = level;
        this.hooks = hooks;
        this.caseInsensitiveTarget = caseInsensitiveTarget;
    }

    /**
     * Backups of the project at {@code projectRoot}; archives live in {@code <projectRoot>/backups/cloud/}.
     *
     * @param projectRoot the project folder; never {@code null}
     * @return the backups, never {@code null}
     */
    public static Backups of(Path projectRoot) {
        Objects.requireNonNull(projectRoot, "projectRoot");
        return new Backups(projectRoot.toAbsolutePath().normalize(), Clock.systemUTC(), Deflater.DEFAULT_COMPRESSION,
                ArchiveWriter.Hooks.NONE, null);
    }

    /**
     * A copy that takes the time for archive names and manifests from {@code clock}.
     *
     * @param clock the clock; default the system UTC clock
     * @return a new instance
     */
    public Backups clock(Clock clock) {
        return new Backups(root, Objects.requireNonNull(clock, "clock"), level, hooks, caseInsensitiveTarget);
    }

    /**
     * A copy that compresses with another deflate level.
     *
     * @param level 0 (no compression, fastest) to 9 (smallest); default 6
     * @return a new instance
     * @throws BackupException when the level is outside 0..9
     */
    public Backups compressionLevel(int level) {
        if (level < 0 || level > 9) {
            throw new BackupException("compression level must be between 0 (none) and 9 (smallest), was " + level);
        }
        return new Backups(root, clock, level, hooks, caseInsensitiveTarget);
    }

    /** Test hook: runs around the reading of each file while an archive is written. */
    Backups createHooks(ArchiveWriter.Hooks hooks) {
        return new Backups(root, clock, level, Objects.requireNonNull(hooks, "hooks"), caseInsensitiveTarget);
    }

    /** Test hook: overrides the probe of whether a restore target ignores case ({@code null}: probe). */
    Backups caseInsensitiveTarget(Boolean value) {
        return new Backups(root, clock, level, hooks, value);
    }

    /**
     * The project root.
     *
     * @return the absolute root
     */
    public Path projectRoot() {
        return root;
    }

    /**
     * The folder the archives live in.
     *
     * @return {@code <projectRoot>/backups/cloud}
     */
    public Path folder() {
        return root.resolve(FOLDER);
    }

    /**
     * Archives {@link #DEFAULT_PATHS} and keeps {@link #DEFAULT_MAX_BACKUPS} archives.
     *
     * @param label the label, see {@link #create(String, List, int)}
     * @return what was archived
     * @throws BackupException as {@link #create(String, List, int)}
     */
    public CreateResult create(String label) {
        return create(label, List.of(), DEFAULT_MAX_BACKUPS);
    }

    /**
     * Archives files of the project, then rotates.
     *
     * <p>Symbolic links are not followed and not archived; {@code cache/}, {@code logs/}, {@code tmp/},
     * {@code backups/} and {@code .git/} are never archived (see {@link ManifestBuilder#DEFAULT_EXCLUDES});
     * empty folders are kept. A file that changes between the scan and its archiving is archived as it
     * is then, with a manifest entry to match; a file that changes <em>while</em> it is read fails the
     * backup, which leaves no archive behind.
     *
     * @param label a free-text label, kept in the manifest's {@code name}; the file name gets a safe
     *     form of it (ASCII letters, digits, {@code . _ -}; {@code backup} when nothing is left)
     * @param paths project-relative files or folders to archive; empty for {@link #DEFAULT_PATHS}.
     *     Missing ones are skipped and reported.
     * @param maxBackups how many archives to keep, at least 1; the new one is never deleted
     * @return what was archived, left out and rotated away
     * @throws BackupException when the project root is not a folder, a path is invalid, a file changed
     *     while it was read, or the archive cannot be written (nothing is left behind)
     */
    public CreateResult create(String label, List<String> paths, int maxBackups) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(paths, "paths");
        if (maxBackups < 1) {
            throw new BackupException("maxBackups must be at least 1, was " + maxBackups
                    + "; to keep every archive pass Integer.MAX_VALUE");
        }
        List<String> include = paths.isEmpty() ? DEFAULT_PATHS : List.copyOf(paths);
        CreateResult made = ArchiveWriter.create(root, folder(), label, include, clock, level, hooks);
        List<String> rotated = Catalog.rotate(folder(), maxBackups, made.name());
        return made.withRotated(rotated);
    }

    /**
     * The archives in the backup folder, newest first (by the time in their name). Only archives this
     * library made are listed: a name of the form above and a readable embedded manifest; others are
     * ignored (a damaged one is logged as {@code backup.list}).
     *
     * @return the archives, never {@code null}
     */
    public List<BackupInfo> list() {
        return Catalog.list(folder());
    }

    /**
     * Restores an archive.
     *
     * <p>First the whole archive is validated, and nothing is written if any of this fails: every
     * entry name is a safe relative path (no {@code ..}, absolute path, drive letter, backslash or
     * control character; Unicode NFC; unique), every entry is a plain file or folder (no symbolic
     * link), the manifest is present and valid, the file entries are exactly the manifest's, and
     * every file's size and sha256 match it; names that differ only by case are refused when the
     * target ignores case. Then each file is written through a temporary file, checked again, and
     * moved into place atomically, with its manifest mtime.
     *
     * @param name the archive's file name as {@link #list()} shows it; a path is refused
     * @param target the folder to restore into, created if needed; {@code null} for the project root
     * @param replaceExisting true to replace existing files; false leaves them and reports them skipped
     * @return what was restored, skipped and refused (entries that meet a folder, a file or a
     *     symbolic link in the target where they need a folder or a file)
     * @throws BackupException naming the archive and the problem; if it comes from validation, nothing
     *     was written
     */
    public RestoreResult restore(String name, Path target, boolean replaceExisting) {
        Path into = target == null ? root : target.toAbsolutePath().normalize();
        return RestoreRun.restore(folder(), name, into, replaceExisting, caseInsensitiveTarget);
    }

    /**
     * Validates an archive as {@link #restore} does, without writing anything.
     *
     * @param name the archive's file name as {@link #list()} shows it; a path is refused
     * @return what the archive holds
     * @throws BackupException naming the archive and its first problems
     */
    public VerifyResult verify(String name) {
        return RestoreRun.verify(folder(), name);
    }

    /**
     * The outcome of {@link #create}.
     *
     * @param name the archive's file name
     * @param archive the archive's path
     * @param label the label as given
     * @param files how many files it holds
     * @param folders how many empty folders it holds
     * @param totalBytes the files' total size
     * @param archiveSize the archive's size
     * @param manifestChecksum the embedded manifest's checksum
     * @param missingPaths requested paths that do not exist
     * @param skipped files left out, as {@code "<path>: <reason>"} (symbolic links, unreadable files,
     *     files that vanished, name problems)
     * @param rotated archives deleted by rotation, oldest first
     */
    public record CreateResult(String name, Path archive, String label, int files, int folders, long totalBytes,
                               long archiveSize, String manifestChecksum, List<String> missingPaths,
                               List<String> skipped, List<String> rotated) {
        /**
         * Copies the lists.
         *
         * @param name see the record component
         * @param archive see the record component
         * @param label see the record component
         * @param files see the record component
         * @param folders see the record component
         * @param totalBytes see the record component
         * @param archiveSize see the record component
         * @param manifestChecksum see the record component
         * @param missingPaths see the record component
         * @param skipped see the record component
         * @param rotated see the record component
         */
        public CreateResult {
            missingPaths = List.copyOf(missingPaths);
            skipped = List.copyOf(skipped);
            rotated = List.copyOf(rotated);
        }

        CreateResult withRotated(List<String> names) {
            return new CreateResult(name, archive, label, files, folders, totalBytes, archiveSize, manifestChecksum,
                    missingPaths, skipped, names);
        }
    }

    /**
     * One archive, as {@link #list()} shows it.
     *
     * @param name the file name
     * @param label the label (the manifest's name)
     * @param createdAt when it was made (the manifest's {@code created_at})
     * @param size the archive's size in bytes
     * @param entryCount how many files it holds
     * @param totalBytes the files' total size
     * @param manifestChecksum the embedded manifest's checksum
     */
    public record BackupInfo(String name, String label, Instant createdAt, long size, int entryCount, long totalBytes,
                             String manifestChecksum) {
    }

    /**
     * The outcome of {@link #restore}.
     *
     * @param name the archive
     * @param target the folder restored into
     * @param restored files written, in path order
     * @param skipped files left alone because they exist and replacing was not asked for
     * @param refused files not written, as {@code "<path>: <reason>"}: something in the target is in the way
     * @param foldersCreated empty folders of the archive that were created
     * @param bytesWritten the restored files' total size
     */
    public record RestoreResult(String name, Path target, List<String> restored, List<String> skipped,
                                List<String> refused, List<String> foldersCreated, long bytesWritten) {
        /**
         * Copies the lists.
         *
         * @param name see the record component
         * @param target see the record component
         * @param restored see the record component
         * @param skipped see the record component
         * @param refused see the record component
         * @param foldersCreated see the record component
         * @param bytesWritten see the record component
         */
        public RestoreResult {
            restored = List.copyOf(restored);
            skipped = List.copyOf(skipped);
            refused = List.copyOf(refused);
            foldersCreated = List.copyOf(foldersCreated);
        }
    }

    /**
     * The outcome of a successful {@link #verify}.
     *
     * @param name the archive
     * @param label the label (the manifest's name)
     * @param createdAt the manifest's {@code created_at}
     * @param entryCount how many files it holds, all checked
     * @param folders how many empty folders it holds
     * @param totalBytes the files' total size
     * @param archiveSize the archive's size
     * @param manifestChecksum the embedded manifest's checksum
     */
    public record VerifyResult(String name, String label, Instant createdAt, int entryCount, int folders,
                               long totalBytes, long archiveSize, String manifestChecksum) {
    }
}
