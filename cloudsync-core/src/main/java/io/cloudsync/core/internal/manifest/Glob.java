package io.cloudsync.core.internal.manifest;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An exclude pattern over manifest paths ({@code /}-separated, relative to the root, anchored at the
 * root). {@code *} matches within one segment, {@code ?} one character other than {@code /},
 * {@code **} any number of characters including {@code /}, and {@code **}{@code /} zero or more whole
 * folders; everything else matches itself. A pattern that matches a folder excludes everything under
 * it, and {@code dir/**} also excludes the folder {@code dir} itself, so it is never walked.
 */
public final class Glob {

    private final String text;
    private final Pattern pattern;
    private final Pattern folder;
    // Fast paths for the common shapes, which the walk tests against every file:
    // "literal/**" (a folder) and "**/*literal" (a suffix).
    private final String literalFolder;
    private final String literalSuffix;

    private Glob(String text) {
        this.text = text;
        String head = text.endsWith("/**") ? text.substring(0, text.length() - 3) : null;
        this.literalFolder = head != null && isLiteral(head) ? head : null;
        String tail = text.startsWith("**/*") ? text.substring(4) : null;
        this.literalSuffix = tail != null && isLiteral(tail) && tail.indexOf('/') < 0 ? tail : null;
        this.pattern = Pattern.compile(toRegex(text));
        this.folder = text.endsWith("/**") ? Pattern.compile(toRegex(text.substring(0, text.length() - 3))) : null;
    }

    /**
     * Compiles a pattern.
     *
     * @param text the pattern, such as {@code cache/**} or {@code **}{@code /*.log}
     * @return the glob
     * @throws IllegalArgumentException naming the pattern when it is empty, absolute or uses {@code \}
     */
    public static Glob of(String text) {
        Objects.requireNonNull(text, "exclude pattern");
        if (text.isBlank()) {
            throw new IllegalArgumentException("exclude pattern must not be empty");
        }
        if (text.startsWith("/")) {
            throw new IllegalArgumentException("exclude pattern \"" + text
                    + "\" must be relative to the root (patterns are anchored at the root): drop the leading '/'");
        }
        if (text.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("exclude pattern \"" + text + "\" must use '/' as separator, not '\\'");
        }
        return new Glob(text);
    }

    private static boolean isLiteral(String s) {
        return s.indexOf('*') < 0 && s.indexOf('?') < 0;
    }

    private static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            if (glob.startsWith("**/", i)) {
                re.append("(?:.*/)?");
                i += 3;
            } else if (glob.startsWith("**", i)) {
                re.append(".*");
                i += 2;
            } else {
                char c = glob.charAt(i++);
                switch (c) {
                    case '*' -> re.append("[^/]*");
                    case '?' -> re.append("[^/]");
                    default -> re.append(Pattern.quote(String.valueOf(c)));
                }
            }
        }
        return re.toString();
    }

    /**
     * Whether a file's path matches.
     *
     * @param path a manifest path
     * @return true when the file is excluded by this pattern
     */
    public boolean matchesFile(String path) {
        if (literalFolder != null) {
            return path.length() > literalFolder.length() + 1 && path.startsWith(literalFolder)
                    && path.charAt(literalFolder.length()) == '/';
        }
        if (literalSuffix != null) {
            int slash = path.lastIndexOf('/');
            return path.endsWith(literalSuffix) && path.length() - slash - 1 >= literalSuffix.length();
        }
        return pattern.matcher(path).matches();
    }

    /**
     * Whether a folder and everything under it is excluded.
     *
     * @param path the folder's manifest path
     * @return true when the pattern matches the folder, or is {@code <folder>/**}
     */
    public boolean matchesFolder(String path) {
        if (literalFolder != null) {
            return path.equals(literalFolder) || matchesFile(path);
        }
        if (literalSuffix != null) {
            return matchesFile(path);
        }
        return pattern.matcher(path).matches() || (folder != null && folder.matcher(path).matches());
    }

    /**
     * The pattern as given.
     *
     * @return the text
     */
    @Override
    public String toString() {
        return text;
    }
}
