package io.cloudsync.core;

import io.cloudsync.BackupException;
import io.cloudsync.core.internal.backup.ArchiveWriter;
import io.cloudsync.core.internal.backup.BackupArchive;
import io.cloudsync.core.internal.backup.Catalog;
import io.cloudsync.core.internal.backup.RestoreRun;
import io.cloudsync.core.result.BackupCreateResult;
import io.cloudsync.core.result.BackupInfo;
import io.cloudsync.core.result.BackupPruneResult;
import io.cloudsync.core.result.BackupRestoreResult;
import io.cloudsync.core.result.BackupVerifyResult;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
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
 *   <li>{@link #prune} applies a {@link RetentionPolicy} (restic's keep-last, keep-daily, keep-weekly,
 *       keep-monthly) to the archives, or only reports what it would delete;
 *       {@link #create(String, List, RetentionPolicy)} makes an archive and then prunes by a policy
 *       instead of a count.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe. Log events: {@code backup.create}, {@code backup.rotate},
 * {@code backup.prune}, {@code backup.restore}, {@code backup.verify}, {@code backup.list}.
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
            throw new BackupException(BackupException.Reason.INVALID_ARGUMENT, "compression level must be between 0 (none) and 9 (smallest), was " + level);
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
    public BackupCreateResult create(String label) {
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
    public BackupCreateResult create(String label, List<String> paths, int maxBackups) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(paths, "paths");
        if (maxBackups < 1) {
            throw new BackupException(BackupException.Reason.INVALID_ARGUMENT, "maxBackups must be at least 1, was " + maxBackups
                    + "; to keep every archive pass Integer.MAX_VALUE");
        }
        BackupCreateResult made = write(label, paths);
        List<String> rotated = Catalog.rotate(folder(), maxBackups, made.name());
        return new BackupCreateResult(made.name(), made.archive(), made.label(), made.files(), made.folders(),
                made.totalBytes(), made.archiveSize(), made.manifestChecksum(), made.missingPaths(), made.skipped(), rotated, made.paths());
    }

    /**
     * Archives files of the project as {@link #create(String, List, int)} does, then, instead of
     * rotating by count, prunes the archives by a retention policy as {@link #prune} does. The archive
     * just made is always kept (reason {@code "just created"} when no rule keeps it, which can happen
     * only when the clock went back). Nothing is pruned when the create fails.
     *
     * @param label see {@link #create(String, List, int)}
     * @param paths see {@link #create(String, List, int)}
     * @param policy which archives to keep; {@link RetentionPolicy#none()} keeps them all
     * @return what was archived, with {@code rotated} listing the archives the policy deleted (oldest
     *     first) and {@code retention} what it kept and why
     * @throws BackupException as {@link #create(String, List, int)}
     */
    public BackupCreateResult create(String label, List<String> paths, RetentionPolicy policy) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(policy, "policy");
        BackupCreateResult made = write(label, paths);
        BackupPruneResult pruned = Catalog.prune(folder(), policy, false, made.name());
        List<String> rotated = new ArrayList<>(pruned.removed().stream().map(BackupPruneResult.Item::name).toList());
        Collections.reverse(rotated);
        return new BackupCreateResult(made.name(), made.archive(), made.label(), made.files(), made.folders(),
                made.totalBytes(), made.archiveSize(), made.manifestChecksum(), made.missingPaths(), made.skipped(), rotated,
                made.paths(), pruned);
    }

    private BackupCreateResult write(String label, List<String> paths) {
        List<String> include = paths.isEmpty() ? DEFAULT_PATHS : List.copyOf(paths);
        return ArchiveWriter.create(root, folder(), label, include, clock, level, hooks);
    }

    /**
     * Applies a retention policy to the archives (see {@link RetentionPolicy}): every archive that no
     * rule keeps is deleted, unless {@code dryRun}. Only this library's archives are considered, as
     * for rotation; any other file in the folder is never touched. Each archive is deleted on its own
     * (a single unlink, so it is either whole or gone); when one cannot be deleted it is reported in
     * {@link BackupPruneResult#failed()} and the others are still deleted.
     *
     * @param policy which archives to keep; {@link RetentionPolicy#none()} keeps them all
     * @param dryRun true to delete nothing and only report what would go
     * @return the archives kept, with the reasons, and those removed (or that would be), newest first
     * @throws BackupException when the backup folder cannot be listed
     */
    public BackupPruneResult prune(RetentionPolicy policy, boolean dryRun) {
        Objects.requireNonNull(policy, "policy");
        return Catalog.prune(folder(), policy, dryRun, null);
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
    public BackupRestoreResult restore(String name, Path target, boolean replaceExisting) {
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
    public BackupVerifyResult verify(String name) {
        return RestoreRun.verify(folder(), name);
    }
}
