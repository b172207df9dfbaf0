package io.cloudsync;

import java.text.Normalizer;
import java.util.Comparator;

/**
 * The rules every path in a manifest follows, shared by the value types, the manifest builder and
 * every provider: relative, {@code /}-separated, NFC-normalised, no empty, {@code .} or {@code ..}
 * segment, no NUL, no backslash, no leading drive letter. Paths sort by the bytes of their UTF-8
 * form, which is the same as sorting by Unicode code point.
 */
public final class PathRules {

    /** Orders paths by the bytes of their UTF-8 encoding (equivalently, by code point). */
    public static final Comparator<String> ORDER = PathRules::compare;

    private PathRules() {
    }

    /**
     * Checks and normalises a manifest path.
     *
     * @param path a candidate path, such as {@code "docs/read me.txt"}
     * @return the NFC form of {@code path}, never {@code null}
     * @throws IllegalArgumentException naming the path and the rule it breaks
     */
    public static String requireCanonical(String path) {
        if (isPlainCanonical(path)) {
            return path;
        }
        if (path == null) {
            throw new IllegalArgumentException("path must not be null");
        }
        if (path.isEmpty()) {
            throw new IllegalArgumentException("path must not be empty");
        }
        String nfc = Normalizer.normalize(path, Normalizer.Form.NFC);
        if (nfc.startsWith("/")) {
            throw new IllegalArgumentException("path must be relative, was \"" + path + '"');
        }
        if (nfc.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("path must use '/' as separator, was \"" + path + '"');
        }
        if (nfc.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path must not contain NUL, was \"" + path.replace('\0', '?') + '"');
        }
        if (nfc.length() >= 2 && nfc.charAt(1) == ':' && Character.isLetter(nfc.charAt(0))) {
            throw new IllegalArgumentException("path must not start with a drive letter, was \"" + path + '"');
        }
        int start = 0;
        while (start <= nfc.length()) {
            int slash = nfc.indexOf('/', start);
            int end = slash < 0 ? nfc.length() : slash;
            String segment = nfc.substring(start, end);
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(
                        "path must not contain empty, '.' or '..' segments, was \"" + path + '"');
            }
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        return nfc;
    }

    /**
     * A quick yes for the common case, checked once per manifest entry: an ASCII path (ASCII is
     * always NFC) that breaks none of the rules below. {@code false} means "check the slow way",
     * which also builds the message.
     */
    private static boolean isPlainCanonical(String path) {
        int n = path == null ? 0 : path.length();
        if (n == 0 || path.charAt(0) == '/') {
            return false;
        }
        if (n >= 2 && path.charAt(1) == ':' && Character.isLetter(path.charAt(0))) {
            return false;
        }
        int segmentStart = 0;
        for (int i = 0; i <= n; i++) {
            char c = i == n ? '/' : path.charAt(i);
            if (c >= 0x80 || c == '\\' || c == '\0') {
                return false;
            }
            if (c == '/') {
                int len = i - segmentStart;
                if (len == 0 || (path.charAt(segmentStart) == '.' && (len == 1 || (len == 2 && path.charAt(i - 1) == '.')))) {
                    return false;
                }
                segmentStart = i + 1;
            }
        }
        return true;
    }

    /**
     * Compares two paths by the bytes of their UTF-8 encoding.
     *
     * @param a the first path
     * @param b the second path
     * @return negative, zero or positive as {@code a} sorts before, with or after {@code b}
     */
    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (ca == cb) {
                i++;
                j++;
                continue;
            }
            if (!Character.isSurrogate(ca) && !Character.isSurrogate(cb)) {
                return Character.compare(ca, cb);
            }
            int cpa = a.codePointAt(i);
            int cpb = b.codePointAt(j);
            if (cpa != cpb) {
                return Integer.compare(cpa, cpb);
            }
            i += Character.charCount(cpa);
            j += Character.charCount(cpb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
