package io.cloudsync.core.internal.backup;

import io.cloudsync.BackupException;
import io.cloudsync.Manifest;
import io.cloudsync.core.Backups;
import io.cloudsync.core.result.BackupInfo;
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

/** Lists and rotates the archives this library made in a backup folder. */
public final class Catalog {

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
            try {
                Files.deleteIfExists(folder.resolve(name));
                deleted.add(name);
                LOG.atInfo().setMessage("backup.rotate").addKeyValue("deleted", name).addKeyValue("keep", keep).log();
            } catch (IOException e) {
                LOG.atWarn().setMessage("backup.rotate").addKeyValue("name", name).addKeyValue("outcome", "delete_failed")
                        .addKeyValue("error", e.toString()).log();
            }
        }
        Collections.reverse(deleted);
        return deleted;
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
