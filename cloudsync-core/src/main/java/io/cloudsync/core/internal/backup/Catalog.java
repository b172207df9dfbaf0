package io.cloudsync.core.internal.backup;

import io.cloudsync.BackupException;
import io.cloudsync.Manifest;
import io.cloudsync.core.Backups;
import io.cloudsync.core.RetentionPolicy;
import io.cloudsync.core.result.BackupInfo;
import io.cloudsync.core.result.BackupPruneResult;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Lists, rotates and prunes the archives this library made in a backup folder. */
public final class Catalog {

    /** The reason an archive just made by a create is kept, whatever the policy. */
    public static final String JUST_CREATED = "just created";

    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);

    private record Found(ArchiveNames.Parsed parsed, BackupInfo info) {
    }

    private Catalog() {
    }

    /**
     * The archives, newest first.
     *
     * @param folder the backup folder
     * @return the archives; empty when the folder does not exist
     */
    public static List<BackupInfo> list(Path folder) {
        return scan(folder).stream().map(Found::info).toList();
    }

    /**
     * Deletes the oldest archives beyond {@code keep}, never {@code justCreated}.
     *
     * @param folder the backup folder
     * @param keep how many to keep
     * @param justCreated the archive just made
     * @return the names deleted, oldest first
     */
    public static List<String> rotate(Path folder, int keep, String justCreated) {
        List<Found> found = scan(folder);
        List<String> deleted = new ArrayList<>();
        int othersKept = 0;
        for (Found f : found) {
            String name = f.parsed().name();
            if (name.equals(justCreated)) {
                continue;
            }
            if (othersKept < keep - 1) {
                othersKept++;
                continue;
            }
            String error = delete(folder, name);
            if (error == null) {
                deleted.add(name);
                LOG.atInfo().setMessage("backup.rotate").addKeyValue("deleted", name).addKeyValue("keep", keep).log();
            } else {
                LOG.atWarn().setMessage("backup.rotate").addKeyValue("name", name).addKeyValue("outcome", "delete_failed")
                        .addKeyValue("error", error).log();
            }
        }
        Collections.reverse(deleted);
        return deleted;
    }

    /**
     * Applies a retention policy to the archives of the folder: decides with {@link Retention#decide},
     * then, unless {@code dryRun}, deletes each archive the policy does not keep, one at a time. A
     * delete that fails is reported in {@link BackupPruneResult#failed()} and the others go on; the
     * archive stays whole (a delete is one unlink). The folder is synced after the deletes.
     *
     * @param folder the backup folder
     * @param policy the policy; an empty one keeps every archive
     * @param dryRun true to delete nothing and report what would go
     * @param justCreated an archive that is kept whatever the policy says (reason {@value #JUST_CREATED} when
     *     no rule keeps it), or {@code null}
     * @return what was kept and removed, newest first
     */
    public static BackupPruneResult prune(Path folder, RetentionPolicy policy, boolean dryRun, String justCreated) {
        List<Found> found = scan(folder);
        List<List<String>> reasons = Retention.decide(policy, found.stream().map(f -> f.parsed().time()).toList());
        List<BackupPruneResult.Item> kept = new ArrayList<>();
        List<BackupPruneResult.Item> removed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            BackupInfo info = found.get(i).info();
            List<String> why = reasons.get(i);
            if (why.isEmpty() && info.name().equals(justCreated)) {
                why = List.of(JUST_CREATED); // only when the clock went back: no rule keeps the newest-made one
            }
            BackupPruneResult.Item item = new BackupPruneResult.Item(info.name(), info.label(), info.createdAt(), why);
            if (!why.isEmpty()) {
                kept.add(item);
                continue;
            }
            if (dryRun) {
                removed.add(item);
                continue;
            }
            String error = delete(folder, info.name());
            if (error == null) {
                removed.add(item);
                LOG.atInfo().setMessage("backup.prune").addKeyValue("deleted", info.name())
                        .addKeyValue("policy", policy.toString()).log();
            } else {
                failed.add(info.name() + ": " + error);
                LOG.atWarn().setMessage("backup.prune").addKeyValue("name", info.name()).addKeyValue("outcome", "delete_failed")
                        .addKeyValue("error", error).log();
            }
        }
        if (!removed.isEmpty() && !dryRun) {
            AtomicFiles.syncDirectory(folder);
        }
        return new BackupPruneResult(policy, dryRun, kept, removed, failed);
    }

    /** Deletes one archive (a single unlink: it is either whole or gone); the error, or {@code null} when done. */
    private static String delete(Path folder, String name) {
        try {
            Files.deleteIfExists(folder.resolve(name));
            return null;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static List<Found> scan(Path folder) {
        List<ArchiveNames.Parsed> names = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder)) {
            for (Path p : dir) {
                ArchiveNames.parse(p.getFileName().toString())
                        .filter(parsed -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                        .ifPresent(names::add);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new BackupException(BackupException.Reason.IO, "cannot list the backup folder " + folder + ": " + e, e);
        }
        names.sort(ArchiveNames.NEWEST_FIRST);
        List<Found> out = new ArrayList<>();
        for (ArchiveNames.Parsed parsed : names) {
            try (BackupArchive a = BackupArchive.open(folder.resolve(parsed.name()), parsed.name())) {
                Manifest m = a.manifest();
                out.add(new Found(parsed, new BackupInfo(parsed.name(), m.name(), m.createdAt(), a.archiveSize(),
                        m.entries().size(), m.totalBytes(), m.checksum())));
            } catch (BackupException e) {
                LOG.atWarn().setMessage("backup.list").addKeyValue("ignored", parsed.name())
                        .addKeyValue("reason", e.getMessage()).log();
            }
        }
        return out;
    }
}
