package io.cloudsync.spi;

import org.jspecify.annotations.Nullable;

/**
 * The rules for the names the engine hands to a provider, stated once so every provider and the
 * engine agree.
 *
 * <p>A <b>snapshot name</b> is one segment: not empty, at most {@value #MAX_SNAPSHOT} characters, not
 * {@code .} or {@code ..}, and without {@code /}, {@code \} or control characters (below U+0020 and
 * U+007F); it is not {@value #RESERVED_SNAPSHOT} either, the name providers may give their metadata
 * area beside the snapshots. A <b>metadata name</b> is one or more such segments joined by {@code /}, at most
 * {@value #MAX_METADATA_NAME} characters; the engine chooses them (docs/FORMATS.md lists every one it
 * uses, such as {@code manifests/<snapshot>.json}).
 *
 * @since SPI version 4
 */
public final class Names {

    /** The one segment that is not a snapshot name: providers may keep their metadata area under it. */
    public static final String RESERVED_SNAPSHOT = ".cloudsync";

    /** The longest snapshot name or metadata name segment, in characters. */
    public static final int MAX_SEGMENT = 255;

    /**
     * The longest snapshot name, in characters: a segment less room for the suffix of the engine's
     * names built from it (the manifest {@code manifests/<snapshot>.json}).
     */
    public static final int MAX_SNAPSHOT = MAX_SEGMENT - 5;

    /** The longest metadata name, in characters. */
    public static final int MAX_METADATA_NAME = 512;

    private Names() {
    }

    /**
     * Checks a snapshot name.
     *
     * @param snapshot the name
     * @return {@code snapshot}
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String requireSnapshot(String snapshot) {
        String problem = snapshotProblem(snapshot);
        if (problem != null) {
            throw new IllegalArgumentException("snapshot name \"" + printable(snapshot) + "\" " + problem
                    + "; use one path segment without '/', '\\' or control characters, other than '.', '..' and '"
                    + RESERVED_SNAPSHOT + "'");
        }
        return snapshot;
    }

    /**
     * Whether a snapshot name follows the rules.
     *
     * @param snapshot the name
     * @return true when {@link #requireSnapshot} accepts it
     */
    public static boolean isSnapshot(String snapshot) {
        return snapshotProblem(snapshot) == null;
    }

    private static @Nullable String snapshotProblem(String snapshot) {
        if (RESERVED_SNAPSHOT.equals(snapshot)) {
            return "is reserved for the metadata area";
        }
        if (snapshot != null && snapshot.length() > MAX_SNAPSHOT) {
            return "is " + snapshot.length() + " characters long; at most " + MAX_SNAPSHOT + " are allowed";
        }
        return segmentProblem(snapshot);
    }

    /**
     * Checks a metadata name.
     *
     * @param name the name
     * @return {@code name}
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String requireMetadataName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a metadata name must not be empty");
        }
        if (name.length() > MAX_METADATA_NAME) {
            throw new IllegalArgumentException("metadata name \"" + printable(name.substring(0, 40)) + "...\" is "
                    + name.length() + " characters long; at most " + MAX_METADATA_NAME + " are allowed");
        }
        for (String segment : name.split("/", -1)) {
            String problem = segmentProblem(segment);
            if (problem != null) {
                throw new IllegalArgumentException("metadata name \"" + printable(name) + "\" has a segment that " + problem
                        + "; segments are joined by '/', each not empty, not '.' or '..', without '\\' or control characters");
            }
        }
        return name;
    }

    /**
     * Checks a prefix for {@link Provider#listMetadata}: empty, or a metadata name followed by
     * {@code /}, or a metadata name (matching names that start with it).
     *
     * @param prefix the prefix
     * @return {@code prefix}
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String requireMetadataPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("a metadata prefix must not be null; use \"\" for every name");
        }
        if (prefix.isEmpty()) {
            return prefix;
        }
        requireMetadataName(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return prefix;
    }

    private static @Nullable String segmentProblem(String segment) {
        if (segment == null || segment.isEmpty()) {
            return "is empty";
        }
        if (segment.length() > MAX_SEGMENT) {
            return "is longer than " + MAX_SEGMENT + " characters";
        }
        if (segment.equals(".") || segment.equals("..")) {
            return "is '" + segment + "'";
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\') {
                return "contains '" + c + "'";
            }
            if (c < 0x20 || c == 0x7f) {
                return "contains a control character";
            }
        }
        return null;
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
