package io.cloudsync.core.internal.backup;

import io.cloudsync.BackupException;
import io.cloudsync.CloudSyncException;
import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.core.Backups;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.ManifestJson;
import io.cloudsync.core.internal.manifest.Glob;
import io.cloudsync.core.result.BackupCreateResult;
import io.cloudsync.support.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one backup archive; see {@link Backups#create(String, List, int)} for the rules. */
public final class ArchiveWriter {

    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    private static final Object COMMIT_LOCK = new Object();
    private static final String RESERVED_GLOB = "__meta__/cloud_sync/**";

    /** Zip comment of every archive, for people who open one with another tool. */
    static final String COMMENT = "cloudsync backup; manifest at " + BackupArchive.MANIFEST_PATH;

    /** Test hooks around the reading of each file. */
    public interface Hooks {
        /** No hooks. */
        Hooks NONE = new Hooks() { };

        /**
         * Runs before a file is opened for archiving.
         *
         * @param file the file
         */
        default void beforeRead(Path file) {
        }

        /**
         * Runs after a file was read into the archive, before it is checked again.
         *
         * @param file the file
         */
        default void afterRead(Path file) {
        }
    }

    private ArchiveWriter() {
    }

    /**
     * Writes an archive; does not rotate.
     *
     * @param root the project root
     * @param folder the archive folder
     * @param label the label
     * @param include the paths to archive
     * @param clock the clock
     * @param level the deflate level
     * @param hooks test hooks
     * @return the result, without rotation
     * @throws BackupException on failure, leaving no archive behind
     */
    public static BackupCreateResult create(Path root, Path folder, String label, List<String> include, Clock clock,
                                              int level, Hooks hooks) {
        long started = System.nanoTime();
        if (!Files.isDirectory(root)) {
            throw new BackupException(BackupException.Reason.TARGET, "cannot back up " + root + ": it is not a folder");
        }
        Instant now = clock.instant();
        ManifestBuilder.Result scan;
        try {
            scan = ManifestBuilder.forRoot(root).name(label).clock(Clock.fixed(now, ZoneOffset.UTC)).include(include)
                    .exclude(List.of(RESERVED_GLOB)).excludePath(folder).scan();
        } catch (BackupException e) {
            throw e;
        } catch (CloudSyncException e) {
            throw new BackupException(BackupException.Reason.IO, "cannot back up " + root + ": " + e.getMessage(), e);
        }
        List<String> folders = emptyFolders(root, include, scan.manifest());
        String safe = ArchiveNames.safeLabel(label);
        List<String> skipped = new ArrayList<>(scan.skipped());
        Path temp;
        try {
            Files.createDirectories(folder);
            temp = AtomicFiles.prepareTemp(folder.resolve(ArchiveNames.format(now, safe, 1)), false);
        } catch (IOException e) {
            throw new BackupException(BackupException.Reason.IO, "cannot create a backup in " + folder + ": " + e, e);
        }
        try {
            Manifest manifest = write(root, temp, scan.manifest(), folders, label, now, level, hooks, skipped);
            String name = commit(temp, folder, now, safe);
            long archiveSize = Files.size(folder.resolve(name));
            skipped.sort(PathRules.ORDER);
            BackupCreateResult result = new BackupCreateResult(name, folder.resolve(name), label,
                    manifest.entries().size(), folders.size(), manifest.totalBytes(), archiveSize, manifest.checksum(),
                    scan.missingIncludes(), skipped, List.of(),
                    include.stream().filter(p -> !scan.missingIncludes().contains(p)).distinct().toList());
            LOG.atInfo().setMessage("backup.create").addKeyValue("name", name).addKeyValue("files", result.files())
                    .addKeyValue("folders", result.folders()).addKeyValue("bytes", result.totalBytes())
                    .addKeyValue("archive_bytes", archiveSize).addKeyValue("missing", result.missingPaths().size())
                    .addKeyValue("skipped", skipped.size()).addKeyValue("checksum", manifest.checksum())
                    .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log();
            return result;
        } catch (IOException e) {
            LOG.atWarn().setMessage("backup.create").addKeyValue("outcome", "failed").addKeyValue("error", e.toString()).log();
            throw new BackupException(BackupException.Reason.IO, "cannot write a backup archive in " + folder + ": " + e
                    + "; no archive was created", e);
        } catch (BackupException e) {
            LOG.atWarn().setMessage("backup.create").addKeyValue("outcome", "failed").addKeyValue("error", e.getMessage()).log();
            throw e;
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a stray temporary file is harmless and ends in the temporary suffix
            }
        }
    }

    private static Manifest write(Path root, Path temp, Manifest scanned, List<String> folders, String label, Instant now,
                                  int level, Hooks hooks, List<String> skipped) throws IOException {
        List<ManifestEntry> written = new ArrayList<>(scanned.entries().size());
        byte[] buffer = new byte[256 * 1024];
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 256 * 1024),
                    StandardCharsets.UTF_8);
            zip.setLevel(level);
            for (ManifestEntry e : scanned.entries()) {
                ManifestEntry actual = archiveOne(root, e, zip, buffer, hooks, skipped);
                if (actual != null) {
                    written.add(actual);
                }
            }
            for (String f : folders) {
                ZipEntry dir = new ZipEntry(f + '/');
                dir.setTime(now.toEpochMilli());
                zip.putNextEntry(dir);
                zip.closeEntry();
            }
            Manifest manifest = Manifest.of(label, root.toString(), now, written);
            ZipEntry meta = new ZipEntry(BackupArchive.MANIFEST_PATH);
            meta.setTime(now.toEpochMilli());
            zip.putNextEntry(meta);
            ManifestJson.write(manifest, zip);
            zip.closeEntry();
            zip.setComment(COMMENT);
            zip.finish();
            zip.flush();
            channel.force(true);
            return manifest;
        }
    }

    /** Archives one file, hashing what is written; returns the entry that matches the archived bytes, or null. */
    private static ManifestEntry archiveOne(Path root, ManifestEntry e, ZipOutputStream zip, byte[] buffer, Hooks hooks,
                                            List<String> skipped) throws IOException {
        Path file = ManifestBuilder.localPathOf(root, e.path());
        hooks.beforeRead(file);
        BasicFileAttributes before;
        FileChannel in;
        try {
            before = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!before.isRegularFile()) {
                skipped.add(e.path() + ": no longer a regular file when it was archived");
                return null;
            }
            in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException ex) {
            skipped.add(e.path() + ": deleted before it was archived");
            return null;
        } catch (IOException ex) {
            skipped.add(e.path() + ": cannot be read (" + ex + ')');
            return null;
        }
        MessageDigest digest = Digests.sha256();
        long count = 0;
        try (in) {
            ZipEntry ze = new ZipEntry(e.path());
            ze.setLastModifiedTime(before.lastModifiedTime());
            zip.putNextEntry(ze);
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            int n;
            while ((n = in.read(wrapped.clear())) >= 0) {
                if (n == 0) {
                    continue;
                }
                digest.update(buffer, 0, n);
                zip.write(buffer, 0, n);
                count += n;
            }
            zip.closeEntry();
        }
        hooks.afterRead(file);
        String sha = Digests.hex(digest.digest());
        if (count == e.size() && sha.equals(e.sha256())) {
            return e;
        }
        BasicFileAttributes after;
        try {
            after = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException ex) {
            after = null;
        }
        boolean stable = after != null && after.size() == before.size() && count == after.size()
                && after.lastModifiedTime().equals(before.lastModifiedTime())
                && Objects.equals(after.fileKey(), before.fileKey());
        if (!stable) {
            throw new BackupException(BackupException.Reason.CHANGED, "cannot back up \"" + e.path() + "\": it changed while it was being archived, "
                    + "so its archived bytes may be a mix of two versions; no archive was created. Try again when "
                    + "nothing is writing to it, or leave it out of the backup paths");
        }
        LOG.atDebug().setMessage("backup.create").addKeyValue("changed_since_scan", e.path()).log();
        return new ManifestEntry(e.path(), count, after.lastModifiedTime().toInstant(), sha);
    }

    /** Moves the finished archive to a free name without ever replacing an existing one. */
    private static String commit(Path temp, Path folder, Instant now, String safe) throws IOException {
        synchronized (COMMIT_LOCK) {
            for (int seq = 1; seq < 1_000_000; seq++) {
                String name = ArchiveNames.format(now, safe, seq);
                Path target = folder.resolve(name);
                try {
                    Files.createLink(target, temp); // atomic, never replaces
                    Files.delete(temp);
                } catch (FileAlreadyExistsException e) {
                    continue;
                } catch (UnsupportedOperationException | IOException e) {
                    // no hard links here (FAT, some network shares): a plain move, which refuses to replace
                    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                    try {
                        Files.move(temp, target);
                    } catch (FileAlreadyExistsException again) {
                        continue;
                    }
                }
                AtomicFiles.syncDirectory(folder);
                return name;
            }
        }
        throw new BackupException(BackupException.Reason.IO, "cannot name the archive in " + folder + ": too many archives with the same second and label");
    }

    /** Folders under the include paths with no archived file below them, minimal (no ancestor of another). */
    private static List<String> emptyFolders(Path root, List<String> include, Manifest manifest) {
        List<Glob> excludes = new ArrayList<>();
        ManifestBuilder.DEFAULT_EXCLUDES.forEach(g -> excludes.add(Glob.of(g)));
        excludes.add(Glob.of(RESERVED_GLOB));
        TreeSet<String> withFiles = new TreeSet<>();
        for (ManifestEntry e : manifest.entries()) {
            for (String d = BackupArchive.parentOf(e.path()); d != null && withFiles.add(d); d = BackupArchive.parentOf(d)) {
                // every folder that holds a file, directly or not
            }
        }
        TreeSet<String> dirs = new TreeSet<>();
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            return List.of();
        }
        for (String inc : include) {
            String trimmed = inc.replaceAll("/+$", "");
            Path start = trimmed.isEmpty() || trimmed.equals(".") ? realRoot : realRoot.resolve(trimmed);
            if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.walkFileTree(start, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        String rel = realRoot.relativize(dir).toString();
                        rel = Normalizer.normalize(File.separatorChar == '/' ? rel : rel.replace(File.separatorChar, '/'),
                                Normalizer.Form.NFC);
                        if (rel.isEmpty()) {
                            return FileVisitResult.CONTINUE;
                        }
                        for (Glob g : excludes) {
                            if (g.matchesFolder(rel)) {
                                return FileVisitResult.SKIP_SUBTREE;
                            }
                        }
                        if (BackupArchive.unsafeReason(rel) == null) {
                            dirs.add(rel);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                // the manifest scan reports unreadable folders; an empty folder more or less is not worth failing for
            }
        }
        List<String> out = new ArrayList<>();
        for (String d : dirs) {
            if (withFiles.contains(d)) {
                continue;
            }
            String next = dirs.ceiling(d + '/');
            if (next != null && next.startsWith(d + '/')) {
                continue; // a deeper folder stands for this one
            }
            out.add(d);
        }
        return out;
    }
}
