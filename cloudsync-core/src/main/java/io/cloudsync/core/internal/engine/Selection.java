package io.cloudsync.core.internal.engine;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The include paths of a pull or a verify: files at those paths, or under those folders, of a
 * remote manifest. Empty means every file.
 */
public final class Selection {

    private final List<String> paths;

    private Selection(List<String> paths) {
        this.paths = paths;
    }

    /** Every file. */
    public static Selection all() {
        return new Selection(List.of());
    }

    /**
     * The files at or under {@code include}: relative, {@code /}-separated paths; a leading
     * {@code ./} and a trailing {@code /} are dropped, and {@code .} means every file.
     *
     * @param include the paths, such as {@code ["assets", "config/app.json"]}
     * @return the selection
     * @throws ConfigurationException naming a path that is not a relative path inside the root
     */
    public static Selection of(List<String> include) {
        Set<String> out = new LinkedHashSet<>();
        for (String raw : include) {
            String p = raw.trim();
            while (p.startsWith("./")) {
                p = p.substring(2);
            }
            while (p.endsWith("/") && p.length() > 1) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.isEmpty() || p.equals(".")) {
                return all();
            }
            try {
                out.add(PathRules.requireCanonical(p));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("include path \"" + raw + "\" is not a path inside the snapshot: "
                        + e.getMessage() + "; give a relative path such as \"assets\" or \"config/app.json\"");
            }
        }
        return new Selection(List.copyOf(out));
    }

    /** Whether every file is selected. */
    public boolean isAll() {
        return paths.isEmpty();
    }

    /**
     * Whether {@code path} is selected.
     *
     * @param path a manifest path
     * @return true when it is, or lies under, one of the paths
     */
    public boolean covers(String path) {
        if (paths.isEmpty()) {
            return true;
        }
        for (String p : paths) {
            if (path.equals(p) || path.startsWith(p) && path.length() > p.length() && path.charAt(p.length()) == '/') {
                return true;
            }
        }
        return false;
    }

    /**
     * The entries of {@code manifest} this selection covers.
     *
     * @param manifest a remote manifest
     * @param what what the caller does, for the message, such as {@code "pull"}
     * @return {@code manifest} itself when every file is selected, else a manifest of the covered entries
     * @throws ConfigurationException naming an include path that covers no file of the manifest
     */
    public Manifest apply(Manifest manifest, String what) {
        if (paths.isEmpty()) {
            return manifest;
        }
        List<ManifestEntry> kept = new ArrayList<>();
        for (ManifestEntry e : manifest.entries()) {
            if (covers(e.path())) {
                kept.add(e);
            }
        }
        for (String p : paths) {
            if (manifest.entries().stream().noneMatch(e -> new Selection(List.of(p)).covers(e.path()))) {
                throw new ConfigurationException("cannot " + what + " \"" + p + "\": snapshot \"" + manifest.name()
                        + "\" has no file at or under that path; check the path (relative to the project root,"
                        + " as \"cloudsync plan\" prints it)");
            }
        }
        return Manifest.of(manifest.name(), manifest.root(), manifest.createdAt(), kept);
    }
}
