package io.cloudsync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The content of a tree at one moment: entries sorted by path, unique, with a checksum over their
 * content. A {@code Manifest} whose checksum does not match its entries cannot be constructed.
 *
 * <p>The checksum is the SHA-256 of, for every entry in order, the UTF-8 bytes of the path, a NUL
 * byte, the size in decimal ASCII, a NUL byte, the sha256 hex and a newline. It identifies content
 * and ignores modification times, names and roots: the same tree gives the same checksum on any OS.
 *
 * @param name the manifest's name, usually the snapshot name; never {@code null}
 * @param root the root the entries are relative to, informational; never {@code null}
 * @param createdAt when the manifest was made; never {@code null}
 * @param entries the files, sorted by {@link PathRules#ORDER}, unique; never {@code null}
 * @param checksum lower-case hex SHA-256 of the canonical serialisation of the entries
 */
public record Manifest(String name, String root, Instant createdAt, List<ManifestEntry> entries, String checksum) {

    /**
     * Validates order, uniqueness and checksum.
     *
     * @param name see the record component
     * @param root see the record component
     * @param createdAt see the record component
     * @param entries see the record component
     * @param checksum see the record component
     * @throws IllegalArgumentException naming the first problem found
     */
    public Manifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(createdAt, "createdAt");
        entries = List.copyOf(entries);
        for (int i = 1; i < entries.size(); i++) {
            int order = PathRules.compare(entries.get(i - 1).path(), entries.get(i).path());
            if (order == 0) {
                throw new IllegalArgumentException("manifest \"" + name + "\" lists \"" + entries.get(i).path() + "\" twice");
            }
            if (order > 0) {
                throw new IllegalArgumentException("manifest \"" + name + "\" is not sorted: \""
                        + entries.get(i - 1).path() + "\" comes before \"" + entries.get(i).path() + '"');
            }
        }
        Digests.requireSha256Hex(checksum, "manifest \"" + name + '"');
        String expected = checksumOf(entries);
        if (!expected.equals(checksum)) {
            throw new IllegalArgumentException("manifest \"" + name + "\" has checksum " + checksum
                    + " but its entries give " + expected);
        }
    }

    /**
     * Builds a manifest from entries in any order, sorting them and computing the checksum.
     *
     * @param name the manifest's name
     * @param root the root the entries are relative to
     * @param createdAt when it was made
     * @param entries the files, in any order, with unique paths
     * @return the manifest, never {@code null}
     * @throws IllegalArgumentException when two entries share a path
     */
    public static Manifest of(String name, String root, Instant createdAt, List<ManifestEntry> entries) {
        List<ManifestEntry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> PathRules.compare(a.path(), b.path()));
        return new Manifest(name, root, createdAt, sorted, checksumOf(sorted));
    }

    /**
     * An empty manifest.
     *
     * @param name the manifest's name
     * @return a manifest with no entries, created at the epoch, with an empty root
     */
    public static Manifest empty(String name) {
        return of(name, "", Instant.EPOCH, List.of());
    }

    /**
     * The canonical checksum of entries already in manifest order.
     *
     * @param sortedEntries entries sorted by {@link PathRules#ORDER}
     * @return lower-case hex SHA-256
     */
    public static String checksumOf(List<ManifestEntry> sortedEntries) {
        // The canonical bytes go through one buffer, digested in large blocks, without a byte array
        // per field: every manifest is checked when it is made or read, so this runs once per entry
        // on every scan and every read, where per-field getBytes calls were most of the cost.
        MessageDigest digest = Digests.sha256();
        byte[] buffer = new byte[32 * 1024];
        int n = 0;
        for (ManifestEntry e : sortedEntries) {
            String path = e.path();
            String sha256 = e.sha256();
            // 3 bytes per UTF-16 unit is the most UTF-8 needs; 19 digits for a long
            int most = path.length() * 3 + 1 + 19 + 1 + sha256.length() + 1;
            if (n + most > buffer.length) {
                digest.update(buffer, 0, n);
                n = 0;
                if (most > buffer.length) {
                    buffer = new byte[most];
                }
            }
            n = putUtf8(path, buffer, n);
            buffer[n++] = 0;
            n = putDecimal(e.size(), buffer, n);
            buffer[n++] = 0;
            for (int i = 0; i < sha256.length(); i++) {
                buffer[n++] = (byte) sha256.charAt(i); // lower-case hex, checked by ManifestEntry
            }
            buffer[n++] = '\n';
        }
        digest.update(buffer, 0, n);
        return Digests.hex(digest.digest());
    }

    /** Writes {@code s} as UTF-8 at {@code at}; returns the index after it. */
    private static int putUtf8(String s, byte[] into, int at) {
        int n = at;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) { // not plain ASCII: let the JDK encode it (paths are valid UTF-16)
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, into, at, utf8.length);
                return at + utf8.length;
            }
            into[n++] = (byte) c;
        }
        return n;
    }

    /** Writes a non-negative long in decimal ASCII at {@code at}; returns the index after it. */
    private static int putDecimal(long value, byte[] into, int at) {
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        long v = value;
        for (int i = at + digits - 1; i >= at; i--) {
            into[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return at + digits;
    }

    /**
     * Looks up an entry by path (binary search).
     *
     * @param path a manifest path
     * @return the entry, or empty when the manifest has none at that path
     */
    public Optional<ManifestEntry> find(String path) {
        int i = Collections.binarySearch(entries, null, (e, ignored) -> PathRules.compare(e.path(), path));
        return i >= 0 ? Optional.of(entries.get(i)) : Optional.empty();
    }

    /**
     * The total size of every entry.
     *
     * @return bytes
     */
    public long totalBytes() {
        long total = 0;
        for (ManifestEntry e : entries) {
            total += e.size();
        }
        return total;
    }

    /**
     * A copy under another name, with the same entries and checksum.
     *
     * @param newName the new name
     * @return the renamed manifest
     */
    public Manifest withName(String newName) {
        return new Manifest(newName, root, createdAt, entries, checksum);
    }

    /**
     * A short description without the entries.
     *
     * @return name, entry count and checksum
     */
    @Override
    public String toString() {
        return "Manifest[name=" + name + ", entries=" + entries.size() + ", checksum=" + checksum + ']';
    }
}
