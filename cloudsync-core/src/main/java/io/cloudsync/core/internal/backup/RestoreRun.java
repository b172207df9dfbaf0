package io.cloudsync.core.internal.backup;

import io.cloudsync.BackupException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.core.Backups;
import io.cloudsync.core.result.BackupRestoreResult;
import io.cloudsync.core.result.BackupVerifyResult;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Verifies and restores archives; see {@link Backups#restore} for the rules. */
public final class RestoreRun {

    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);

    private final Path target;
    private final Map<Path, String> folderProblems = new HashMap<>();

    private RestoreRun(Path target) {
        this.target = target;
    }

    /**
     * Validates an archive completely.
     *
     * @param folder the backup folder
     * @param name the archive name
     * @return what it holds
     * @throws BackupException on any problem
     */
    public static BackupVerifyResult verify(Path folder, String name) {
        Path file = archive(folder, name);
        try (BackupArchive a = BackupArchive.open(file, name)) {
            a.checkContent();
            Manifest m = a.manifest();
            LOG.atInfo().setMessage("backup.verify").addKeyValue("name", name).addKeyValue("outcome", "ok")
                    .addKeyValue("files", m.entries().size()).addKeyValue("checksum", m.checksum()).log();
            return new BackupVerifyResult(name, m.name(), m.createdAt(), m.entries().size(), a.folders().size(),
                    m.totalBytes(), a.archiveSize(), m.checksum());
        } catch (BackupException e) {
            LOG.atWarn().setMessage("backup.verify").addKeyValue("name", name).addKeyValue("outcome", "rejected")
                    .addKeyValue("error", e.getMessage()).log();
            throw e;
        }
    }

    /**
     * Validates, then restores.
     *
     * @param folder the backup folder
     * @param name the archive name
     * @param target the absolute, normalised target folder
     * @param replace whether to replace existing files
     * @param caseInsensitive null to probe the target, else the forced answer (tests)
     * @return the outcome
     * @throws BackupException on any problem
     */
    public static BackupRestoreResult restore(Path folder, String name, Path target, boolean replace, Boolean caseInsensitive) {
        Path file = archive(folder, name);
        long started = System.nanoTime();
        RestoreRun run = new RestoreRun(target);
        BackupArchive a = null;
        try {
            a = BackupArchive.open(file, name);
            a.checkContent();
            run.checkTarget(a, name, caseInsensitive);
        } catch (BackupException e) {
            if (a != null) {
                a.close();
            }
            LOG.atWarn().setMessage("backup.restore").addKeyValue("name", name).addKeyValue("target", target)
                    .addKeyValue("outcome", "rejected").addKeyValue("error", e.getMessage()).log();
            throw new BackupException(e.reason(), e.getMessage() + "; nothing was written to " + target, e);
        }
        try (BackupArchive archive = a) {
            BackupRestoreResult result = run.write(archive, name, replace);
            LOG.atInfo().setMessage("backup.restore").addKeyValue("name", name).addKeyValue("target", target)
                    .addKeyValue("restored", result.restored().size()).addKeyValue("skipped", result.skipped().size())
                    .addKeyValue("refused", result.refused().size()).addKeyValue("bytes", result.bytesWritten())
                    .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log();
            return result;
        }
    }

    private static Path archive(Path folder, String name) {
        ArchiveNames.requirePlainName(name);
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException(BackupException.Reason.NOT_FOUND, "backup archive " + name + " does not exist in " + folder
                    + " (or is not a regular file); \"cloudsync backup list\" (Backups.list()) shows the archives there");
        }
        return file;
    }

    /** Read-only checks of the target: representable paths, case folding, free space. */
    private void checkTarget(BackupArchive a, String name, Boolean caseInsensitive) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target)) {
            throw new BackupException(BackupException.Reason.TARGET, "cannot restore " + name + " into " + target + ": it is not a folder");
        }
        List<String> all = new ArrayList<>(a.folders());
        a.manifest().entries().forEach(e -> all.add(e.path()));
        for (String p : all) {
            Path resolved;
            try {
                resolved = target.resolve(p);
            } catch (InvalidPathException e) {
                throw BackupArchive.reject(name, "entry \"" + p + "\" cannot be a file name on this system (" + e.getReason() + ')');
            }
            if (!resolved.normalize().equals(resolved) || !resolved.startsWith(target) || resolved.equals(target)) {
                throw BackupArchive.reject(name, "entry \"" + p + "\" would land outside " + target);
            }
        }
        List<List<String>> collisions = a.caseFoldCollisions();
        if (!collisions.isEmpty() && (caseInsensitive != null ? caseInsensitive : ignoresCase(target))) {
            throw BackupArchive.reject(name, "paths " + collisions.get(0) + " differ only by upper/lower case and "
                    + target + " does not tell them apart; restore on a case-sensitive file system");
        }
        long needed = a.manifest().totalBytes();
        Path existing = target;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null) {
            try {
                FileStore store = Files.getFileStore(existing);
                long usable = store.getUsableSpace();
                if (needed > usable) {
                    throw new BackupException(BackupException.Reason.TARGET, "cannot restore " + name + " into " + target + ": it needs up to " + needed
                            + " bytes but only " + usable + " are free");
                }
            } catch (IOException e) {
                // cannot tell: the writes will say so
            }
        }
    }

    /** Whether the file system holding {@code dir} ignores case, probed without writing; unknown counts as yes. */
    static boolean ignoresCase(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            Path fileName = p.getFileName();
            if (fileName == null || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String s = fileName.toString();
            StringBuilder swapped = new StringBuilder(s.length());
            s.codePoints().forEach(cp -> swapped.appendCodePoint(
                    Character.isUpperCase(cp) ? Character.toLowerCase(cp) : Character.toUpperCase(cp)));
            if (swapped.toString().equals(s)) {
                continue;
            }
            try {
                Path other = p.resolveSibling(swapped.toString());
                return Files.exists(other, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(p, other);
            } catch (IOException | InvalidPathException e) {
                return true;
            }
        }
        return true;
    }

    private BackupRestoreResult write(BackupArchive a, String name, boolean replace) {
        List<String> restored = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> created = new ArrayList<>();
        long bytes = 0;
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new BackupException(BackupException.Reason.IO, "cannot create the restore target " + target + ": " + e + "; nothing was written", e);
        }
        for (String f : a.folders()) {
            Path dir = target.resolve(f);
            String problem = prepareFolder(dir);
            if (problem != null) {
                refused.add(f + "/: " + problem);
            } else if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                if (!existedBefore(dir)) {
                    created.add(f);
                }
            } else {
                try {
                    Files.createDirectory(dir);
                    created.add(f);
                } catch (FileAlreadyExistsException e) {
                    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                        refused.add(f + "/: something that is not a folder is in the way");
                    }
                } catch (IOException e) {
                    refused.add(f + "/: cannot be created (" + e + ')');
                }
            }
        }
        for (ManifestEntry e : a.manifest().entries()) {
            Path dest = target.resolve(e.path());
            String problem = prepareFolder(dest.getParent());
            if (problem != null) {
                refused.add(e.path() + ": " + problem);
                continue;
            }
            BasicFileAttributes existing = attributes(dest);
            if (existing != null && existing.isDirectory()) {
                refused.add(e.path() + ": a folder with that name is in the way");
                continue;
            }
            if (existing != null && !replace) {
                skipped.add(e.path());
                continue;
            }
            try {
                bytes += writeOne(a, e, dest);
                restored.add(e.path());
            } catch (IOException ex) {
                throw new BackupException(BackupException.Reason.IO, "restoring " + name + " into " + target + " failed at \"" + e.path() + "\" ("
                        + ex + ") after " + restored.size() + " file(s) were restored; the file was not written", ex);
            } catch (BackupException ex) {
                throw new BackupException(ex.reason(), ex.getMessage() + "; found while restoring \"" + e.path() + "\" after "
                        + restored.size() + " file(s) were restored (the archive changed after it was checked?); "
                        + "the file was not written", ex);
            }
        }
        return new BackupRestoreResult(name, target, restored, skipped, refused, created, bytes);
    }

    private final Map<Path, Boolean> existed = new HashMap<>();

    private boolean existedBefore(Path dir) {
        return existed.getOrDefault(dir, Boolean.TRUE);
    }

    private static long writeOne(BackupArchive a, ManifestEntry e, Path dest) throws IOException {
        Path temp = AtomicFiles.prepareTemp(dest, false);
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                a.copyTo(e, out);
                out.force(true);
            }
            Files.setLastModifiedTime(temp, FileTime.from(e.mtime()));
            AtomicFiles.commit(temp, dest);
            return e.size();
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Makes sure every folder from the target down to {@code dir} is a real folder (creating missing
     * ones), never following a symbolic link. Returns a problem, or null.
     */
    private String prepareFolder(Path dir) {
        if (dir.equals(target)) {
            return null;
        }
        String known = folderProblems.get(dir);
        if (known != null) {
            return known.isEmpty() ? null : known;
        }
        String problem = prepareFolder(dir.getParent());
        if (problem == null) {
            BasicFileAttributes attrs = attributes(dir);
            String rel = target.relativize(dir).toString().replace('\\', '/');
            if (attrs == null) {
                try {
                    Files.createDirectory(dir);
                    existed.put(dir, Boolean.FALSE);
                } catch (FileAlreadyExistsException e) {
                    attrs = attributes(dir);
                    if (attrs == null || !attrs.isDirectory()) {
                        problem = "\"" + rel + "\" appeared in the target and is not a folder";
                    }
                } catch (IOException e) {
                    problem = "folder \"" + rel + "\" cannot be created (" + e + ')';
                }
            } else if (attrs.isSymbolicLink()) {
                problem = "folder \"" + rel + "\" in the target is a symbolic link; cloudsync does not write through links";
            } else if (!attrs.isDirectory()) {
                problem = "\"" + rel + "\" in the target is a file, not a folder";
            }
        }
        folderProblems.put(dir, problem == null ? "" : problem);
        return problem;
    }

    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }
}
