package io.cloudsync.core.internal.engine;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.core.internal.manifest2.Chunked;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The paths one run is narrowed to ({@code SyncRequest.include}, the CLI's {@code --include}, the
 * HTTP {@code paths}): a narrowed run does what a run of the whole mirror would do, restricted to
 * those paths. Outside them nothing is uploaded or deleted, and the committed manifest keeps the
 * remote's entries as they are; that is what rclone's and {@code aws s3 sync}'s {@code --include}
 * users expect. The configured {@code sync.include} is different: it says what the whole mirror
 * holds, so a full run deletes remote files outside it.
 *
 * <p>A pull or a verify with include paths takes the same paths the same way ({@link #select(Manifest, String)},
 * or {@link #select(Chunked, String)} and {@link #covers(String)} over a streamed manifest).
 *
 * <p>Paths match by whole segments: {@code assets} covers {@code assets} and {@code assets/x}, not
 * {@code assets2/x}. Immutable.
 */
public final class Scope {

    /** No narrowing: the whole mirror. */
    public static final Scope WHOLE = new Scope(List.of());

    /** Normalised, sorted by {@link PathRules#ORDER}, none under another; empty for the whole mirror. */
    private final List<String> paths;

    private Scope(List<String> paths) {
        this.paths = List.copyOf(paths);
    }

    /**
     * The scope of these requested paths: {@code ./} and trailing or doubled slashes are dropped;
     * {@code "."}, {@code ""} or {@code "./"} stand for the whole root, so they narrow nothing.
     *
     * @param requested the paths as given; empty for the whole mirror
     * @param root the project root, for messages
     * @return the scope
     * @throws ConfigurationException naming a path that is absolute, climbs out with {@code ..} or
     *     breaks the manifest path rules
     */
    public static Scope of(List<String> requested, Path root) {
        List<String> normalised = new ArrayList<>();
        for (String p : requested) {
            String n = normalise(p, root);
            if (n.isEmpty()) {
                return WHOLE;
            }
            normalised.add(n);
        }
        normalised.sort(PathRules.ORDER);
        List<String> outer = new ArrayList<>();
        for (String p : normalised) {
            if (outer.stream().noneMatch(o -> covers(o, p))) {
                outer.add(p);
            }
        }
        return new Scope(outer);
    }

    private static String normalise(String path, Path root) {
        String hint = "; include paths (--include, the HTTP \"paths\" field, SyncRequest.include) are relative to the"
                + " project root " + root + ", such as \"assets\" or \"config/app.json\"";
        if (path == null) {
            throw new ConfigurationException("cannot narrow the run to a null path" + hint);
        }
        if (path.startsWith("/") || path.startsWith("\\")
                || path.length() >= 2 && path.charAt(1) == ':' && Character.isLetter(path.charAt(0))) {
            throw new ConfigurationException("cannot narrow the run to \"" + path + "\": the path is absolute" + hint);
        }
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                throw new ConfigurationException("cannot narrow the run to \"" + path + "\": \"..\" would leave the"
                        + " project root" + hint);
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        String joined = String.join("/", segments);
        if (joined.isEmpty()) {
            return "";
        }
        try {
            return PathRules.requireCanonical(joined);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("cannot narrow the run to \"" + path + "\": " + e.getMessage() + hint, e);
        }
    }

    /** Whether {@code path} is {@code scope} or lies under it, by whole segments; {@code ""} covers everything. */
    private static boolean covers(String scope, String path) {
        return scope.isEmpty() || path.equals(scope)
                || path.length() > scope.length() && path.startsWith(scope) && path.charAt(scope.length()) == '/';
    }

    /**
     * Whether this scope narrows nothing.
     *
     * @return true for the whole mirror
     */
    public boolean whole() {
        return paths.isEmpty();
    }

    /**
     * The paths, normalised and sorted, none under another.
     *
     * @return empty for the whole mirror
     */
    public List<String> paths() {
        return paths;
    }

    /**
     * Whether a manifest path lies in this scope.
     *
     * @param path a manifest path
     * @return true when some scope path is it or a folder above it
     */
    public boolean covers(String path) {
        if (paths.isEmpty()) {
            return true;
        }
        for (String p : paths) {
            if (covers(p, path)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the scan walks: the scope within the configured mirror. A scope path inside a configured
     * include path is walked as it is; a scope path above configured ones walks those.
     *
     * @param configured {@code sync.include}; empty for the whole root
     * @param source where the configuration came from, for messages
     * @param root the project root, for messages
     * @return the include paths for the scan; empty means the configured ones
     * @throws ConfigurationException when a scope path lies outside every configured include path
     */
    public List<String> scanIncludes(List<String> configured, String source, Path root) {
        if (paths.isEmpty()) {
            return List.of();
        }
        List<String> mirror = new ArrayList<>();
        for (String c : configured) {
            String n = normalise(c, root);
            if (n.isEmpty()) {
                return paths;
            }
            mirror.add(n);
        }
        if (mirror.isEmpty()) {
            return paths;
        }
        List<String> includes = new ArrayList<>();
        for (String p : paths) {
            if (mirror.stream().anyMatch(c -> covers(c, p))) {
                includes.add(p);
                continue;
            }
            List<String> under = mirror.stream().filter(c -> covers(p, c)).toList();
            if (under.isEmpty()) {
                throw new ConfigurationException("cannot narrow the run to \"" + p + "\": it lies outside sync.include "
                        + configured + " of " + source + ", which is everything this mirror holds, and a run can only"
                        + " narrow that; add \"" + p + "\" to sync.include to mirror it");
            }
            includes.addAll(under);
        }
        return includes;
    }

    /**
     * The entries of {@code m} in this scope.
     *
     * @param m a manifest
     * @return {@code m} itself for the whole mirror
     */
    public Manifest inside(Manifest m) {
        if (paths.isEmpty()) {
            return m;
        }
        List<ManifestEntry> in = new ArrayList<>();
        for (ManifestEntry e : m.entries()) {
            if (covers(e.path())) {
                in.add(e);
            }
        }
        return in.size() == m.entries().size() ? m : Manifest.of(m.name(), m.root(), m.createdAt(), in);
    }

    /**
     * The entries of {@code manifest} this scope covers: what a narrowed pull or verify works on.
     *
     * @param manifest a remote manifest
     * @param what what the caller does, for the message, such as {@code "pull"}
     * @return {@code manifest} itself for the whole mirror, else a manifest of the covered entries
     * @throws ConfigurationException naming a path that covers no file of the manifest
     */
    public Manifest select(Manifest manifest, String what) {
        if (whole()) {
            return manifest;
        }
        for (String p : paths) {
            if (manifest.entries().stream().noneMatch(e -> covers(p, e.path()))) {
                throw coversNothing(p, manifest.name(), what);
            }
        }
        return inside(manifest);
    }

    /**
     * The streaming form of {@link #select(Manifest, String)}: checks that every path of this scope
     * covers some entry of {@code manifest} and counts the entries it covers, reading one chunk at a
     * time from the manifest's folder (no request to the remote). The caller then iterates
     * {@code manifest} and keeps the entries {@link #covers(String)} accepts.
     *
     * @param manifest a remote manifest
     * @param what what the caller does, for the message, such as {@code "pull"}
     * @return how many entries this scope covers; {@code manifest.entries()} for the whole mirror,
     *     without reading anything
     * @throws ConfigurationException naming a path that covers no file of the manifest
     */
    public long select(Chunked manifest, String what) {
        if (whole()) {
            return manifest.entries();
        }
        boolean[] found = new boolean[paths.size()];
        long covered = 0;
        for (ManifestEntry e : manifest) {
            boolean in = false;
            for (int i = 0; i < found.length; i++) {
                if (covers(paths.get(i), e.path())) {
                    found[i] = true;
                    in = true;
                }
            }
            if (in) {
                covered++;
            }
        }
        for (int i = 0; i < found.length; i++) {
            if (!found[i]) {
                throw coversNothing(paths.get(i), manifest.name(), what);
            }
        }
        return covered;
    }

    private static ConfigurationException coversNothing(String path, String snapshot, String what) {
        return new ConfigurationException("cannot " + what + " \"" + path + "\": snapshot \"" + snapshot
                + "\" has no file at or under that path; check the path (relative to the project root,"
                + " as \"cloudsync plan\" prints it)");
    }

    @Override
    public String toString() {
        return paths.isEmpty() ? "Scope[whole mirror]" : "Scope" + paths;
    }
}
