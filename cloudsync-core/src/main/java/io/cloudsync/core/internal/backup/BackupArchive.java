package io.cloudsync.core.internal.backup;

import io.cloudsync.BackupException;
import io.cloudsync.CloudSyncException;
import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.PathRules;
import io.cloudsync.core.ManifestJson;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * An opened backup archive whose structure and manifest have been checked: every entry has a safe,
 * unique NFC name (no absolute path, drive letter, backslash, {@code .} or {@code ..} segment,
 * control character), is a plain file or folder (no symbolic link or special file, no encryption,
 * stored or deflated), and the file entries are exactly the manifest's entries with the manifest's
 * sizes. {@link #checkContent()} then reads every file and compares its sha256; {@link #copyTo}
 * extracts one file and checks it again on the way.
 */
public final class BackupArchive implements Closeable {

    /** Where the manifest sits inside an archive. */
    public static final String MANIFEST_PATH = "__meta__/cloud_sync/manifest.json";

    /** Archive paths under this prefix belong to cloudsync; only {@link #MANIFEST_PATH} is allowed. */
    public static final String RESERVED_PREFIX = "__meta__/cloud_sync/";

    /** Largest manifest read from an archive. */
    static final long MAX_MANIFEST_BYTES = 512L << 20;

    private static final int MAX_REPORTED = 5;
    private static final int BUFFER = 64 * 1024;

    private final String name;
    private final ZipFile zip;
    private final Manifest manifest;
    private final Map<String, ZipEntry> files;
    private final List<String> folders;
    private final long archiveSize;

    private BackupArchive(String name, ZipFile zip, Manifest manifest, Map<String, ZipEntry> files, List<String> folders,
                          long archiveSize) {
        this.name = name;
        this.zip = zip;
        this.manifest = manifest;
        this.files = files;
        this.folders = folders;
        this.archiveSize = archiveSize;
    }

    /**
     * Opens an archive and checks its structure and manifest (not yet the file contents).
     *
     * @param file the archive
     * @param name its name, for messages
     * @return the opened archive; close it
     * @throws BackupException saying what is wrong with the archive
     */
    public static BackupArchive open(Path file, String name) {
        List<ZipDirectory.Entry> raw;
        long size;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            size = channel.size();
            raw = ZipDirectory.read(channel);
        } catch (ZipDirectory.ZipFormatProblem e) {
            throw reject(name, e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BackupException(BackupException.Reason.NOT_FOUND, "backup archive " + name + " does not exist in " + file.getParent()
                    + "; \"cloudsync backup list\" (Backups.list()) shows the archives there");
        } catch (IOException e) {
            throw new BackupException(BackupException.Reason.IO, "cannot read backup archive " + file + ": " + e, e);
        }
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Map<String, String> nfcSeen = new HashMap<>();
        List<String> folders = new ArrayList<>();
        List<String> fileNames = new ArrayList<>();
        boolean hasManifest = false;
        for (ZipDirectory.Entry e : raw) {
            String n = e.name();
            String shown = '"' + ArchiveNames.printable(n) + '"';
            if (!seen.add(n)) {
                problems.add("entry " + shown + " appears twice");
                continue;
            }
            String nfc = Normalizer.normalize(n, Normalizer.Form.NFC);
            String earlier = nfcSeen.putIfAbsent(nfc, n);
            if (earlier != null) {
                problems.add("entry " + shown + " differs from \"" + ArchiveNames.printable(earlier)
                        + "\" only by Unicode normalisation, so both would land on the same file");
                continue;
            }
            if ((e.flags() & 1) != 0) {
                problems.add("entry " + shown + " is encrypted");
                continue;
            }
            if (e.method() != ZipEntry.STORED && e.method() != ZipEntry.DEFLATED) {
                problems.add("entry " + shown + " uses compression method " + e.method() + " (only stored and deflated are read)");
                continue;
            }
            int type = e.unixType();
            if (type == ZipDirectory.S_IFLNK || e.dosReparsePoint()) {
                problems.add("entry " + shown + " is a symbolic link; backups hold only files and folders");
                continue;
            }
            boolean directory = n.endsWith("/");
            if (type != 0 && type != ZipDirectory.S_IFREG && type != ZipDirectory.S_IFDIR
                    || type == ZipDirectory.S_IFDIR && !directory || type == ZipDirectory.S_IFREG && directory) {
                problems.add("entry " + shown + " is a special file (Unix type " + Integer.toOctalString(type) + ')');
                continue;
            }
            String path = directory ? n.substring(0, n.length() - 1) : n;
            String unsafe = unsafeReason(path);
            if (unsafe != null) {
                problems.add("entry " + shown + ' ' + unsafe);
                continue;
            }
            if (n.equals(MANIFEST_PATH)) {
                hasManifest = true;
            } else if ((path + '/').startsWith(RESERVED_PREFIX) || path.equals("__meta__")) {
                if (!directory) {
                    problems.add("entry " + shown + " is under the reserved folder " + RESERVED_PREFIX
                            + " but is not the manifest");
                }
            } else if (directory) {
                folders.add(path);
            } else {
                fileNames.add(path);
            }
        }
        if (!problems.isEmpty()) {
            throw reject(name, summary(problems));
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile(), ZipFile.OPEN_READ, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw reject(name, "it is not a readable zip archive (" + e.getMessage() + ")");
        }
        try {
            Map<String, ZipEntry> byName = new HashMap<>();
            Enumeration<? extends ZipEntry> en = zip.entries();
            int i = 0;
            while (en.hasMoreElements()) {
                ZipEntry ze = en.nextElement();
                if (i >= raw.size() || !raw.get(i).name().equals(ze.getName())) {
                    throw reject(name, "its zip directory cannot be read consistently; it is damaged");
                }
                byName.put(ze.getName(), ze);
                i++;
            }
            if (i != raw.size()) {
                throw reject(name, "its zip directory cannot be read consistently; it is damaged");
            }
            if (!hasManifest) {
                throw reject(name, "it has no " + MANIFEST_PATH + "; it was not made by cloudsync backups");
            }
            Manifest manifest = readManifest(zip, byName.get(MANIFEST_PATH), name);
            Map<String, ZipEntry> files = new LinkedHashMap<>();
            for (ManifestEntry me : manifest.entries()) {
                if ((me.path() + '/').startsWith(RESERVED_PREFIX)) {
                    problems.add("the manifest lists \"" + me.path() + "\" under the reserved folder " + RESERVED_PREFIX);
                    continue;
                }
                ZipEntry ze = byName.get(me.path());
                if (ze == null || ze.isDirectory()) {
                    problems.add("the manifest lists \"" + me.path() + "\" but the archive has no such file entry");
                    continue;
                }
                if (ze.getSize() != me.size()) {
                    problems.add("entry \"" + me.path() + "\" has " + ze.getSize() + " bytes but the manifest says " + me.size());
                    continue;
                }
                files.put(me.path(), ze);
            }
            for (String f : fileNames) {
                if (manifest.find(f).isEmpty()) {
                    problems.add("entry \"" + f + "\" is not in the manifest");
                }
            }
            Set<String> filePaths = files.keySet();
            for (String p : filePaths) {
                String parent = parentOf(p);
                while (parent != null) {
                    if (filePaths.contains(parent)) {
                        problems.add("\"" + parent + "\" is both a file and the folder of \"" + p + '"');
                        break;
                    }
                    parent = parentOf(parent);
                }
            }
            for (String d : folders) {
                if (filePaths.contains(d)) {
                    problems.add("\"" + d + "\" is both a file and a folder");
                }
            }
            if (!problems.isEmpty()) {
                throw reject(name, summary(problems));
            }
            return new BackupArchive(name, zip, manifest, files, List.copyOf(folders), size);
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    /**
     * Why a (file or folder) path may not be extracted, or null when it is safe.
     *
     * @param path the path, without a trailing slash for folders
     * @return the reason, or null
     */
    static String unsafeReason(String path) {
        if (path.isEmpty()) {
            return "has an empty name";
        }
        if (path.startsWith("/")) {
            return "is an absolute path";
        }
        if (path.indexOf('\\') >= 0) {
            return "has a backslash in its name (a Windows separator that could leave the target)";
        }
        if (path.length() >= 2 && path.charAt(1) == ':' && Character.isLetter(path.charAt(0))) {
            return "starts with a drive letter";
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "has a control character in its name";
        }
        String[] segments = path.split("/", -1);
        for (String segment : segments) {
            if (segment.equals("..")) {
                return "has a '..' segment that would leave the target";
            }
        }
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".")) {
                return "has an empty or '.' segment";
            }
        }
        if (!Normalizer.isNormalized(path, Normalizer.Form.NFC)) {
            return "is not in Unicode NFC form (backups write NFC names only)";
        }
        try {
            PathRules.requireCanonical(path);
        } catch (IllegalArgumentException e) {
            return "is not a valid path: " + e.getMessage();
        }
        return null;
    }

    private static Manifest readManifest(ZipFile zip, ZipEntry entry, String name) {
        if (entry.isDirectory()) {
            throw reject(name, MANIFEST_PATH + " is a folder, not a manifest");
        }
        if (entry.getSize() > MAX_MANIFEST_BYTES) {
            throw reject(name, "its manifest claims " + entry.getSize() + " bytes, more than the "
                    + MAX_MANIFEST_BYTES + " a backup manifest may have");
        }
        try (InputStream in = new Limited(zip.getInputStream(entry), MAX_MANIFEST_BYTES)) {
            return ManifestJson.read(in, name + "!/" + MANIFEST_PATH);
        } catch (ManifestFormatException e) {
            throw reject(name, "its manifest is broken: " + e.getMessage());
        } catch (CloudSyncException e) {
            throw reject(name, "its manifest cannot be read (" + e.getMessage() + "); the archive is damaged or truncated");
        } catch (IOException e) {
            throw reject(name, "its manifest cannot be read (" + e + "); the archive is damaged or truncated");
        }
    }

    /**
     * The manifest.
     *
     * @return the embedded manifest
     */
    public Manifest manifest() {
        return manifest;
    }

    /**
     * Folder entries (empty folders), without trailing slash.
     *
     * @return folder paths
     */
    public List<String> folders() {
        return folders;
    }

    /**
     * The archive file's size.
     *
     * @return bytes
     */
    public long archiveSize() {
        return archiveSize;
    }

    /**
     * Groups of paths (files and every folder on their way) that are distinct but equal when case is
     * ignored; restoring them on a case-insensitive file system would make one overwrite another.
     *
     * @return the groups, each sorted; empty when there are none
     */
    public List<List<String>> caseFoldCollisions() {
        Set<String> all = new HashSet<>();
        for (String p : files.keySet()) {
            all.add(p);
            for (String d = parentOf(p); d != null; d = parentOf(d)) {
                all.add(d);
            }
        }
        for (String d : folders) {
            all.add(d);
            for (String a = parentOf(d); a != null; a = parentOf(a)) {
                all.add(a);
            }
        }
        Map<String, List<String>> byFold = new TreeMap<>();
        for (String p : all) {
            byFold.computeIfAbsent(p.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(p);
        }
        List<List<String>> out = new ArrayList<>();
        for (List<String> group : byFold.values()) {
            if (group.size() > 1) {
                group.sort(PathRules.ORDER);
                out.add(List.copyOf(group));
            }
        }
        return out;
    }

    /**
     * Reads every file and compares its size and sha256 with the manifest.
     *
     * @throws BackupException naming the first file that does not match, or the damage
     */
    public void checkContent() {
        for (ManifestEntry e : manifest.entries()) {
            transfer(e, null);
        }
    }

    /**
     * Extracts one file into {@code out} (an empty file), checking size and sha256 on the way. Runs of
     * zero bytes are skipped rather than written, so sparse files stay sparse.
     *
     * @param entry a manifest entry of this archive
     * @param out an empty file open for writing
     * @throws BackupException when the content does not match, or the archive or file fails
     */
    public void copyTo(ManifestEntry entry, FileChannel out) {
        transfer(entry, out);
    }

    private void transfer(ManifestEntry e, FileChannel out) {
        ZipEntry ze = files.get(e.path());
        MessageDigest digest = Digests.sha256();
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        try (InputStream in = zip.getInputStream(ze)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > e.size()) {
                    throw reject(name, "entry \"" + e.path() + "\" holds more than the " + e.size()
                            + " bytes the manifest says");
                }
                digest.update(buffer, 0, n);
                if (out != null) {
                    writeSparse(out, buffer, n, total - n);
                }
            }
        } catch (ZipException | EOFException ex) {
            throw reject(name, "entry \"" + e.path() + "\" cannot be decompressed (" + ex.getMessage()
                    + "); the archive is damaged or truncated");
        } catch (IOException ex) {
            throw new BackupException(BackupException.Reason.REJECTED, "cannot extract \"" + e.path() + "\" from backup archive " + name + ": " + ex, ex);
        }
        if (total != e.size()) {
            throw reject(name, "entry \"" + e.path() + "\" holds " + total + " bytes but the manifest says " + e.size());
        }
        String sha = Digests.hex(digest.digest());
        if (!sha.equals(e.sha256())) {
            throw reject(name, "the content of \"" + e.path() + "\" does not match the manifest (sha256 " + sha
                    + ", manifest " + e.sha256() + ')');
        }
        if (out != null) {
            try {
                if (e.size() > 0 && out.size() < e.size()) {
                    out.write(ByteBuffer.wrap(new byte[1]), e.size() - 1);
                }
            } catch (IOException ex) {
                throw new BackupException(BackupException.Reason.IO, "cannot write \"" + e.path() + "\": " + ex, ex);
            }
        }
    }

    private static void writeSparse(FileChannel out, byte[] buffer, int n, long position) throws IOException {
        boolean zero = true;
        for (int i = 0; i < n; i++) {
            if (buffer[i] != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
        long pos = position;
        while (b.hasRemaining()) {
            pos += out.write(b, pos);
        }
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? null : path.substring(0, slash);
    }

    private static String summary(List<String> problems) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(MAX_REPORTED, problems.size()); i++) {
            b.append(i == 0 ? "" : "; ").append(problems.get(i));
        }
        if (problems.size() > MAX_REPORTED) {
            b.append("; and ").append(problems.size() - MAX_REPORTED).append(" more problem(s)");
        }
        return b.toString();
    }

    static BackupException reject(String name, String reason) {
        return new BackupException(BackupException.Reason.REJECTED, "backup archive " + name + " is rejected: " + reason);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    /** Fails when more than a limit is read. */
    private static final class Limited extends FilterInputStream {
        private long left;

        Limited(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw new IOException("more than " + MAX_MANIFEST_BYTES + " bytes");
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                left -= n;
                if (left < 0) {
                    throw new IOException("more than " + MAX_MANIFEST_BYTES + " bytes");
                }
            }
            return n;
        }
    }
}
