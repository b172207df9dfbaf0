package io.cloudsync.bench;

import io.cloudsync.ManifestEntry;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Manifest entries made up one by one, never held: two sorted streams of any length, the local and
 * the remote side of a streaming plan, derived from one fixed seed. Index {@code i} stands for the path
 * {@code dNNNN/sNN/fileNNNNNNNNN.bin}; a hash of the seed and {@code i} decides, per thousand, whether
 * it is on both sides with the same content (980), on both with other content (10: changed), only
 * local (5: new) or only remote (5: deleted). Each side yields exactly {@code count} entries, so the
 * two sides end at slightly different indexes and the tail adds a few more new or deleted files.
 */
public final class SyntheticStreams {

    /** Per thousand: changed below this. */
    static final int CHANGED = 10;
    /** Per thousand: new (local only) from {@link #CHANGED} to below this. */
    static final int NEW = 15;
    /** Per thousand: deleted (remote only) from {@link #NEW} to below this. */
    static final int DELETED = 20;

    private static final Instant MTIME = Instant.parse("2023-03-28T10:40:00.123456789Z");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SyntheticStreams() {
    }

    /**
     * The local side.
     *
     * @param count how many entries
     * @param seed the seed shared with {@link #remote}
     * @return a new iterator
     */
    public static Iterator<ManifestEntry> local(long count, long seed) {
        return new Side(count, seed, true);
    }

    /**
     * The remote side.
     *
     * @param count how many entries
     * @param seed the seed shared with {@link #local}
     * @return a new iterator
     */
    public static Iterator<ManifestEntry> remote(long count, long seed) {
        return new Side(count, seed, false);
    }

    /** SplittableRandom's mix: a good 64-bit hash of a 64-bit value. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** What index {@code i} is, per thousand (see the class comment). */
    static int kind(long seed, long i) {
        return (int) Long.remainderUnsigned(mix(seed * 0x9e3779b97f4a7c15L + i), 1000);
    }

    private static final class Side implements Iterator<ManifestEntry> {
        private final long count;
        private final long seed;
        private final boolean local;
        private final char[] path = "d0000/s00/file000000000.bin".toCharArray();
        private final char[] sha = new char[64];
        private long index;
        private long made;

        Side(long count, long seed, boolean local) {
            this.count = count;
            this.seed = seed;
            this.local = local;
        }

        @Override
        public boolean hasNext() {
            return made < count;
        }

        @Override
        public ManifestEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            while (true) {
                long i = index++;
                int kind = kind(seed, i);
                boolean onlyOther = local ? kind >= NEW && kind < DELETED : kind >= CHANGED && kind < NEW;
                if (onlyOther) {
                    continue;
                }
                boolean other = !local && kind < CHANGED; // the remote keeps the old content of a changed file
                made++;
                return entry(i, other);
            }
        }

        private ManifestEntry entry(long i, boolean other) {
            digits(path, 1, 4, i / 100_000);
            digits(path, 7, 2, (i / 1_000) % 100);
            digits(path, 14, 9, i);
            long h = mix(i ^ seed);
            long size = 1_000 + Long.remainderUnsigned(h, 50_000) + (other ? 1 : 0);
            long word = other ? ~h : h;
            for (int w = 0; w < 4; w++) {
                word = mix(word + w);
                for (int k = 0; k < 16; k++) {
                    sha[w * 16 + k] = HEX[(int) (word >>> (60 - 4 * k)) & 0xf];
                }
            }
            return new ManifestEntry(new String(path), size, MTIME, new String(sha));
        }

        private static void digits(char[] into, int at, int width, long value) {
            long v = value;
            for (int k = at + width - 1; k >= at; k--) {
                into[k] = (char) ('0' + v % 10);
                v /= 10;
            }
        }
    }
}
