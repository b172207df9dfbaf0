package io.cloudsync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The manifest checksum ({@link Manifest}'s rule) computed incrementally, for entries that arrive one
 * by one in manifest order and are never all held at once: a stream of 10,000,000 entries costs one
 * buffer of 32 KiB, not a list. {@link Manifest#checksumOf} is this class applied to a list, so both
 * always agree.
 *
 * <p>Each {@link #add} checks that the entry's path sorts strictly after the previous one (by
 * {@link PathRules#compare}) and refuses it otherwise, naming both paths. {@link #hex()} ends the
 * computation; the checksum may be read again, but no entry may be added after it.
 *
 * <p>Not thread-safe: one instance per stream.
 */
public final class ManifestChecksum {

    private final String what;
    private final MessageDigest digest = Digests.sha256();
    private byte[] buffer = new byte[32 * 1024];
    private int n;
    private long entries;
    private long bytes;
    private @Nullable String last;
    private @Nullable String hex;

    /**
     * A checksum over no entries yet, whose errors speak of "entries".
     */
    public ManifestChecksum() {
        this("entries");
    }

    /**
     * A checksum over no entries yet.
     *
     * @param what what the entries are, for error messages, such as {@code manifest "nightly"}
     */
    public ManifestChecksum(String what) {
        this.what = Objects.requireNonNull(what, "what");
    }

    /**
     * The checksum of entries already in manifest order.
     *
     * @param sortedEntries entries sorted by {@link PathRules#ORDER}, unique
     * @return lower-case hex SHA-256
     * @throws IllegalArgumentException when the entries are not sorted or a path repeats, naming it
     */
    public static String of(Iterable<ManifestEntry> sortedEntries) {
        ManifestChecksum checksum = new ManifestChecksum();
        for (ManifestEntry e : sortedEntries) {
            checksum.add(e);
        }
        return checksum.hex();
    }

    /**
     * Adds the next entry.
     *
     * @param e the entry; its path must sort strictly after the previous entry's
     * @return this
     * @throws IllegalArgumentException when {@code e} repeats the previous path or sorts before it
     * @throws IllegalStateException after {@link #hex()}
     */
    public ManifestChecksum add(ManifestEntry e) {
        Objects.requireNonNull(e, "entry");
        if (hex != null) {
            throw new IllegalStateException("the checksum of " + what + " is already computed; make a new ManifestChecksum");
        }
        String path = e.path();
        if (last != null) {
            int order = PathRules.compare(last, path);
            if (order == 0) {
                throw new IllegalArgumentException(what + " lists \"" + path + "\" twice");
            }
            if (order > 0) {
                throw new IllegalArgumentException(what + " is not sorted: \"" + last + "\" comes before \"" + path
                        + "\" (entries must be in manifest order, by the UTF-8 bytes of their paths)");
            }
        }
        // The canonical bytes go through one buffer, digested in large blocks, without a byte array
        // per field: every manifest is checked when it is made or read, so this runs once per entry
        // on every scan and every read, where per-field getBytes calls were most of the cost.
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
        last = path;
        entries++;
        bytes += e.size();
        return this;
    }

    /**
     * How many entries were added.
     *
     * @return the count
     */
    public long entries() {
        return entries;
    }

    /**
     * The sum of the sizes of the entries added.
     *
     * @return bytes
     */
    public long bytes() {
        return bytes;
    }

    /**
     * The path of the last entry added.
     *
     * @return the path, or {@code null} when none was added
     */
    public @Nullable String lastPath() {
        return last;
    }

    /**
     * Ends the computation and returns the checksum; later calls return the same value.
     *
     * @return lower-case hex SHA-256 of the canonical serialisation of the entries added
     */
    public String hex() {
        String result = hex;
        if (result == null) {
            digest.update(buffer, 0, n);
            n = 0;
            result = Digests.hex(digest.digest());
            hex = result;
        }
        return result;
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
     * A short description.
     *
     * @return what, the count so far and, once computed, the checksum
     */
    @Override
    public String toString() {
        return "ManifestChecksum[" + what + ", entries=" + entries + (hex == null ? "" : ", checksum=" + hex) + ']';
    }
}
