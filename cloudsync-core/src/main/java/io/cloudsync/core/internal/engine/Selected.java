package io.cloudsync.core.internal.engine;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.core.internal.manifest2.Chunked;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The entries of a streamed remote manifest that a pull or verify works on: those its {@link Scope}
 * covers, in path order, one chunk in memory at a time. Optionally it keeps the entries it yields,
 * for a result that carries the in-memory manifest; otherwise the result's manifest holds none.
 * Not thread-safe: one caller iterates it once.
 */
final class Selected {

    private final Chunked manifest;
    private final Scope scope;
    private final long count;
    private final List<ManifestEntry> kept;
    private final boolean keep;

    /**
     * The selection of {@code manifest} by {@code scope}, checked as {@link Scope#select(Manifest, String)} does.
     *
     * @param manifest the remote manifest
     * @param scope the include paths
     * @param what what the caller does, for the message, such as {@code "pull"}
     * @param keep whether the entries iterated are kept for {@link #manifest()}
     * @throws io.cloudsync.ConfigurationException naming an include path that covers no file
     */
    Selected(Chunked manifest, Scope scope, String what, boolean keep) {
        this.manifest = manifest;
        this.scope = scope;
        this.count = scope.select(manifest, what);
        this.keep = keep;
        this.kept = new ArrayList<>(keep ? (int) Math.min(count, 1 << 20) : 0);
    }

    /** @return how many entries the selection holds */
    long count() {
        return count;
    }

    /** @return the selected entries in path order; each is kept when the selection keeps them */
    Iterator<ManifestEntry> iterator() {
        Iterator<ManifestEntry> all = manifest.iterator();
        return new Iterator<>() {
            private ManifestEntry next;

            @Override
            public boolean hasNext() {
                while (next == null && all.hasNext()) {
                    ManifestEntry e = all.next();
                    if (scope.covers(e.path())) {
                        next = e;
                    }
                }
                return next != null;
            }

            @Override
            public ManifestEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ManifestEntry e = next;
                next = null;
                if (keep) {
                    kept.add(e);
                }
                return e;
            }
        };
    }

    /**
     * The manifest for the result, once iterated: the selected entries when kept (the remote
     * manifest itself, checksum included, for the whole of it), else the remote manifest's name,
     * root and time with no entry.
     *
     * @return the manifest
     */
    Manifest manifest() {
        if (!keep) {
            return Manifest.of(manifest.name(), manifest.root(), manifest.createdAt(), List.of());
        }
        if (kept.size() == manifest.entries()) {
            return new Manifest(manifest.name(), manifest.root(), manifest.createdAt(), kept, manifest.checksum());
        }
        return Manifest.of(manifest.name(), manifest.root(), manifest.createdAt(), kept);
    }

    /** @return the number of files for the result */
    int files() {
        return Math.toIntExact(count);
    }
}
