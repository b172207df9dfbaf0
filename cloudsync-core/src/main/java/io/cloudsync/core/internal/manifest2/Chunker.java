package io.cloudsync.core.internal.manifest2;

import java.nio.charset.StandardCharsets;

/**
 * The content-defined boundaries of format 2 (docs/FORMATS.md, "Manifest format 2"): a run of
 * sorted items ends where the FNV-1a hash of a path meets {@code h % average == 0}, once the run
 * holds at least {@code min} items, and always at {@code max} items. Only writers need this;
 * readers follow the refs. Immutable.
 *
 * @param min the fewest items of a run that may end at a hash boundary
 * @param average the divisor the hash must meet
 * @param max the most items of a run
 */
public record Chunker(int min, int average, int max) {

    /** Entry chunks: 128 / 512 / 2048 entries. */
    public static final Chunker ENTRIES = new Chunker(128, 512, 2048);

    /** Index parts: 64 / 1024 / 8192 chunk refs, by the last path of each ref. */
    public static final Chunker INDEX = new Chunker(64, 1024, 8192);

    /** The value of the root's {@code chunking.hash}. */
    public static final String HASH_NAME = "fnv1a32-path";

    private static final int OFFSET = 0x811c9dc5;
    private static final int PRIME = 0x01000193;

    /**
     * Validates the parameters.
     *
     * @param min see the record component
     * @param average see the record component
     * @param max see the record component
     */
    public Chunker {
        if (min < 1 || average < 1 || max < min) {
            throw new IllegalArgumentException("chunking needs 1 <= min <= max and average >= 1, was "
                    + min + '/' + average + '/' + max);
        }
    }

    /**
     * FNV-1a, 32 bits, over the UTF-8 bytes of a path.
     *
     * @param path the path
     * @return the hash as an unsigned value
     */
    public static long fnv1a(String path) {
        int h = OFFSET;
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= PRIME;
        }
        return Integer.toUnsignedLong(h);
    }

    /**
     * Whether the item with this path ends its run.
     *
     * @param count the items in the current run, this one included
     * @param path the item's path
     * @return true when the run ends after this item
     */
    public boolean ends(int count, String path) {
        return count >= max || (count >= min && fnv1a(path) % average == 0);
    }
}
