package io.cloudsync;

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
        // one pass checks order and uniqueness and computes the checksum
        String expected = checksumOf("manifest \"" + name + '"', entries);
        Digests.requireSha256Hex(checksum, "manifest \"" + name + '"');
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
        return new Manifest(name, root, createdAt, sorted, checksumOf("manifest \"" + name + '"', sorted));
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
     * @param sortedEntries entries sorted by {@link PathRules#ORDER}, unique
     * @return lower-case hex SHA-256
     * @throws IllegalArgumentException when the entries are not sorted or a path repeats, naming it
     * @see ManifestChecksum for entries that arrive one by one
     */
    public static String checksumOf(List<ManifestEntry> sortedEntries) {
        return ManifestChecksum.of(sortedEntries);
    }

    private static String checksumOf(String what, List<ManifestEntry> sortedEntries) {
        ManifestChecksum checksum = new ManifestChecksum(what);
        for (ManifestEntry e : sortedEntries) {
            checksum.add(e);
        }
        return checksum.hex();
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
