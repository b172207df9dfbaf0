package io.cloudsync.core.internal.journal;

import io.cloudsync.CloudSyncException;
import io.cloudsync.support.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The durable record of a run in progress: {@code journal/<service>/<snapshot>.journal}, one line per
 * finished and verified operation, appended and synced before the operation counts as done. A run
 * killed at any point leaves at worst a torn last line, which is ignored. The next run reuses every
 * entry that still matches its plan (same path and content for uploads, same path for deletes), so
 * nothing that already arrived intact is sent again.
 *
 * <p>It also remembers what the remote may hold that no committed manifest claims: before a run
 * withdraws paths from the remote manifest (files it will overwrite or delete), it records them as
 * released. When a manifest is committed, the journal keeps only the records of paths that manifest
 * does not name and that were not confirmed deleted ({@link #afterCommit}); the next run plans them as
 * deletes unless the local tree has them again, so nothing stays behind unlisted.
 *
 * <p>Line format: {@code U\t<sha256>\t<size>\t<path>\n} (uploaded and verified),
 * {@code R\t<sha256>\t<size>\t<path>\n} (released: may be on the remote, not claimed) or
 * {@code D\t<path>\n} (deleted), with tab, newline, CR and {@code %} in paths percent-encoded; a line
 * counts only when it ends with a newline, so a torn write is never mistaken for a finished operation.
 * Readers skip lines of a kind they do not know.
 */
public final class Journal implements AutoCloseable {

    private final Path file;
    private final Set<String> uploaded;
    private final Set<String> deleted;

    private final FileChannel channel;
    /** Guards {@link #forced} and serialises fsync calls; taken before {@code this}, never while holding it. */
    private final Object forceLock = new Object();
    /** Records written to the channel so far (guarded by {@code this}). */
    private long written;
    /** Records known durable: every record up to this number was synced (guarded by {@link #forceLock}). */
    private long forced;

    private Journal(Path file, Set<String> uploaded, Set<String> deleted, FileChannel channel) {
        this.file = file;
        this.uploaded = uploaded;
        this.deleted = deleted;
        this.channel = channel;
    }

    /**
     * The journal file of a service and snapshot.
     *
     * @param stateDir the state folder
     * @param service the service
     * @param snapshot the snapshot
     * @return its path
     */
    public static Path fileOf(Path stateDir, String service, String snapshot) {
        return stateDir.resolve("journal").resolve(service).resolve(snapshot + ".journal");
    }

    /**
     * Opens (and reads) the journal for appending.
     *
     * @param file the journal file
     * @return the journal
     */
    public static Journal open(Path file) {
        Set<String> uploaded = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        try {
            Files.createDirectories(file.getParent());
            long complete = readInto(file, uploaded, new HashSet<>(), deleted);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            // Drop a record torn by a crash, so the next record starts on a line of its own.
            channel.truncate(complete);
            channel.position(channel.size());
            return new Journal(file, uploaded, deleted, channel);
        } catch (IOException e) {
            throw new CloudSyncException("cannot open the run journal " + file + ": " + e.getMessage()
                    + "; check that the state folder is writable", e);
        }
    }

    /** A file the journal records as possibly on the remote: uploaded and verified, or released. */
    public record Upload(String path, String sha256, long size) {
    }

    /**
     * What a journal file records as possibly on the remote, without opening it for writing: every
     * upload and every released path that was not deleted since. A path appears once (the upload
     * when both were recorded).
     *
     * @param file the journal file; absent means none
     * @return the recorded files
     */
    public static java.util.List<Upload> leftovers(Path file) {
        Set<String> uploaded = new HashSet<>();
        Set<String> released = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        try {
            readInto(file, uploaded, released, deleted);
        } catch (IOException e) {
            throw new CloudSyncException("cannot read the run journal " + file + ": " + e.getMessage(), e);
        }
        java.util.Map<String, Upload> out = new java.util.TreeMap<>();
        for (Set<String> keys : java.util.List.of(released, uploaded)) { // uploads win: they are what is there
            for (String key : keys) {
                String[] parts = key.split("\t", 3);
                if (!deleted.contains(parts[2])) {
                    out.put(parts[2], new Upload(parts[2], parts[0], Long.parseLong(parts[1])));
                }
            }
        }
        return new java.util.ArrayList<>(out.values());
    }

    /**
     * The released records of a journal file: paths an interrupted run withdrew from the remote
     * manifest to overwrite or delete, with the content the remote held there, and which it has not
     * deleted or uploaded again since. Sorted by path.
     *
     * @param file the journal file; absent means none
     * @return the released files
     */
    public static java.util.List<Upload> released(Path file) {
        Set<String> uploaded = new HashSet<>();
        Set<String> released = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        try {
            readInto(file, uploaded, released, deleted);
        } catch (IOException e) {
            throw new CloudSyncException("cannot read the run journal " + file + ": " + e.getMessage(), e);
        }
        Set<String> uploadedPaths = new HashSet<>();
        for (String key : uploaded) {
            uploadedPaths.add(key.split("\t", 3)[2]);
        }
        java.util.List<Upload> out = new java.util.ArrayList<>();
        for (String key : released) {
            String[] parts = key.split("\t", 3);
            if (!deleted.contains(parts[2]) && !uploadedPaths.contains(parts[2])) {
                out.add(new Upload(parts[2], parts[0], Long.parseLong(parts[1])));
            }
        }
        out.sort((a, b) -> io.cloudsync.PathRules.compare(a.path(), b.path()));
        return out;
    }

    /**
     * When another host may have changed the snapshot since this journal's run (the run now holds a
     * remote lease that is not the one that run left): what the journal says was uploaded or
     * deleted may since have been overwritten or re-created by that host, so none of it is reused.
     * Every upload and release becomes a release (the remote may hold it, unclaimed: the plan
     * deletes it or uploads it again) and the deletes are forgotten. Does nothing when the journal
     * has only releases.
     *
     * @param file the journal file
     * @return whether records were given up
     */
    public static boolean distrust(Path file) {
        Set<String> uploaded = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        try {
            readInto(file, uploaded, new HashSet<>(), deleted);
        } catch (IOException e) {
            throw new CloudSyncException("cannot read the run journal " + file + ": " + e.getMessage(), e);
        }
        if (uploaded.isEmpty() && deleted.isEmpty()) {
            return false;
        }
        afterCommit(file, io.cloudsync.Manifest.empty("distrusted"));
        return true;
    }

    /**
     * After a manifest was committed: keeps, as released records, only what the remote may hold that
     * {@code committed} does not name; removes the file when nothing is left. Written through a
     * temporary file and an atomic move.
     *
     * @param file the journal file (not open)
     * @param committed the manifest just committed
     */
    public static void afterCommit(Path file, io.cloudsync.Manifest committed) {
        afterCommit(file, p -> committed.find(p).isPresent());
    }

    /**
     * {@link #afterCommit(Path, io.cloudsync.Manifest)} for a manifest too large to hold: the journal
     * is read record by record, and memory holds only the records of paths the manifest does not name
     * (and the deleted paths).
     *
     * @param file the journal file (not open)
     * @param named whether the manifest just committed names a path; asked once per upload or release
     *     record, in the journal's order
     */
    public static void afterCommit(Path file, java.util.function.Predicate<String> named) {
        java.util.Map<String, Upload> uploads = new java.util.HashMap<>();
        java.util.Map<String, Upload> releases = new java.util.HashMap<>();
        Set<String> deleted = new HashSet<>();
        try {
            forEachRecord(file, (kind, path, sha256, size) -> {
                if (kind == 'D') {
                    deleted.add(path);
                } else if (!named.test(path)) {
                    (kind == 'U' ? uploads : releases).put(path, new Upload(path, sha256, size));
                }
            });
        } catch (IOException e) {
            throw new CloudSyncException("cannot read the run journal " + file + ": " + e.getMessage(), e);
        }
        java.util.Map<String, Upload> left = new java.util.TreeMap<>(io.cloudsync.PathRules::compare);
        left.putAll(releases);
        left.putAll(uploads); // uploads win: they are what is there
        StringBuilder kept = new StringBuilder();
        for (Upload u : left.values()) {
            if (!deleted.contains(u.path())) {
                kept.append(released(u.path(), u.sha256(), u.size()));
            }
        }
        try {
            if (kept.length() == 0) {
                if (Files.deleteIfExists(file)) {
                    AtomicFiles.syncDirectory(file.getParent());
                }
            } else {
                AtomicFiles.write(file, kept.toString().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new CloudSyncException("cannot rewrite the run journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** One complete record of a journal file: {@code kind} is U, R or D (D has no sha256 and size 0). */
    private interface RecordVisitor {
        void record(char kind, String path, String sha256, long size);
    }

    /**
     * Reads the complete records of a journal file.
     *
     * @return the length of the file up to and including its last newline (0 when absent)
     */
    private static long readInto(Path file, Set<String> uploaded, Set<String> released, Set<String> deleted)
            throws IOException {
        return forEachRecord(file, (kind, path, sha256, size) -> {
            switch (kind) {
                case 'U' -> uploaded.add(uploadKey(path, sha256, size));
                case 'R' -> released.add(uploadKey(path, sha256, size));
                default -> deleted.add(path);
            }
        });
    }

    /**
     * Hands every complete record of a journal file to {@code visitor}, line by line (a torn last
     * line, without its newline, is not a record; a damaged line ends the reading: everything after
     * it is re-done).
     *
     * @return the length of the file up to and including its last newline (0 when absent)
     */
    private static long forEachRecord(Path file, RecordVisitor visitor) throws IOException {
        long size;
        long complete;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            complete = completeLength(ch, size);
        } catch (NoSuchFileException e) {
            return 0;
        }
        if (complete == 0) {
            return 0;
        }
        boolean torn = complete < size;
        try (BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            String line = reader.readLine();
            while (line != null) {
                String next = reader.readLine();
                if (next == null && torn) {
                    break; // the torn last line
                }
                String[] parts = line.split("\t", 4);
                if (parts.length == 4 && (parts[0].equals("U") || parts[0].equals("R"))) {
                    visitor.record(parts[0].charAt(0), unescape(parts[3]), parts[1], Long.parseLong(parts[2]));
                } else if (parts.length == 2 && parts[0].equals("D")) {
                    visitor.record('D', unescape(parts[1]), "", 0);
                }
                line = next;
            }
        } catch (NumberFormatException e) {
            // a damaged line: everything before it was read; the rest is re-done
        }
        return complete;
    }

    /** The length of the file up to and including its last newline, read from its end. */
    private static long completeLength(FileChannel ch, long size) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(8192);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - block.capacity());
            block.clear().limit((int) (end - start));
            while (block.hasRemaining()) {
                if (ch.read(block, start + block.position()) < 0) {
                    break;
                }
            }
            for (int i = block.position() - 1; i >= 0; i--) {
                if (block.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    private static String uploadKey(String path, String sha256, long size) {
        return sha256 + '\t' + size + '\t' + path;
    }

    /**
     * Whether this exact content was already uploaded and verified under this path, as the journal
     * recorded it when it was opened (by earlier runs; this instance's own records are on disk only).
     *
     * @param path the manifest path
     * @param sha256 its sha256
     * @param size its size
     * @return true when the journal records it
     */
    public synchronized boolean uploaded(String path, String sha256, long size) {
        return uploaded.contains(uploadKey(path, sha256, size));
    }

    /**
     * Whether this path was already deleted, as the journal recorded it when it was opened.
     *
     * @param path the manifest path
     * @return true when the journal records it
     */
    public synchronized boolean deleted(String path) {
        return deleted.contains(path);
    }

    /**
     * Records a verified upload durably.
     *
     * @param path the manifest path
     * @param sha256 its sha256
     * @param size its size
     */
    public void recordUpload(String path, String sha256, long size) {
        recordUploads(java.util.List.of(new Upload(path, sha256, size)));
    }

    /**
     * Records verified uploads durably, with one sync for all of them.
     *
     * @param uploads the uploads, each of which a provider flush has made durable
     */
    public void recordUploads(java.util.Collection<Upload> uploads) {
        if (uploads.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (Upload u : uploads) {
            lines.append("U\t").append(uploadKey(escape(u.path()), u.sha256(), u.size())).append('\n');
        }
        // not added to the in-memory records: those answer for earlier runs (a run uploads a path
        // once), so that a run's memory does not grow with what it uploads
        awaitDurable(append(lines.toString()));
    }

    /**
     * Records deletes durably, with one sync for all of them.
     *
     * @param paths the manifest paths, whose deletes a provider flush has made durable
     */
    public void recordDeletes(java.util.Collection<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (String path : paths) {
            lines.append("D\t").append(escape(path)).append('\n');
        }
        awaitDurable(append(lines.toString())); // as for uploads: the next run reads it back
    }

    /**
     * Records a delete durably.
     *
     * @param path the manifest path
     */
    public void recordDelete(String path) {
        recordDeletes(java.util.List.of(path));
    }

    /**
     * Records durably, with one sync, that these files may stay on the remote without a manifest
     * claiming them: written before the run withdraws them from the remote manifest.
     *
     * @param entries the remote manifest's entries of the paths the run will overwrite or delete
     */
    public void recordReleased(java.util.Collection<io.cloudsync.ManifestEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (io.cloudsync.ManifestEntry e : entries) {
            lines.append(released(e.path(), e.sha256(), e.size()));
        }
        awaitDurable(append(lines.toString()));
    }

    /** One released record, with its newline. */
    private static String released(String path, String sha256, long size) {
        return "R\t" + uploadKey(escape(path), sha256, size) + '\n';
    }

    /** Paths may hold any character but NUL; keep each record on one line. */
    private static String escape(String path) {
        return path.replace("%", "%25").replace("\t", "%09").replace("\n", "%0A").replace("\r", "%0D");
    }

    private static String unescape(String path) {
        return path.replace("%0D", "\r").replace("%0A", "\n").replace("%09", "\t").replace("%25", "%");
    }

    /** Writes one record (not yet synced) and returns its number. */
    private synchronized long append(String line) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new CloudSyncException("cannot write the run journal " + file + ": " + e.getMessage(), e);
        }
        return ++written;
    }

    private synchronized long writtenSoFar() {
        return written;
    }

    /**
     * Returns once record {@code record} is on disk. Group commit: one fsync makes every record
     * written before it durable, so a thread whose record was covered by another thread's fsync
     * returns without one of its own; writers are not blocked while an fsync runs.
     */
    private void awaitDurable(long record) {
        synchronized (forceLock) {
            if (forced >= record) {
                return;
            }
            long upTo = writtenSoFar(); // every record up to here is fully written to the channel
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new CloudSyncException("cannot write the run journal " + file + ": " + e.getMessage(), e);
            }
            forced = upTo;
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing a channel we only appended to and synced
        }
    }
}
