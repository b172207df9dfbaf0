package io.cloudsync.cli;

import java.util.regex.Pattern;

/**
 * Makes text from outside (file names, remote names, error messages that quote them) safe to print
 * for people: a name with a newline must not forge a line of a plan, and escape sequences must not
 * reach the terminal. Every human-readable output of the CLI passes such text through {@link #safe};
 * {@code --json} output never does (JSON escapes on its own and stays exact).
 *
 * <p>Escaped: the C0 controls and DEL as {@code \n}, {@code \r}, {@code \t} or {@code \xNN}; the C1
 * controls, the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
 * U+202A to U+202E, U+2066 to U+2069) and the line and paragraph separators (U+2028, U+2029) as
 * {@code \}{@code uNNNN}. Everything else, backslashes included, is printed as it is.
 */
final class Text {

    private static final Pattern LINE_BREAK = Pattern.compile("\\R");

    private Text() {
    }

    /**
     * The text with every control or reordering character escaped.
     *
     * @param s any text, or {@code null}
     * @return the escaped text; {@code "null"} for {@code null}
     */
    static String safe(String s) {
        if (s == null) {
            return "null";
        }
        int i = 0;
        while (i < s.length() && !needsEscape(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s; // the common case: nothing to escape, no copy
        }
        StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!needsEscape(c)) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
            } else {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    /**
     * A message of several lines, each made {@link #safe}: for messages that the library composes
     * from lines on purpose (such as a list of problems). Use {@link #safe} for everything else.
     *
     * @param s text whose line breaks are meant, or {@code null}
     * @return the escaped lines, joined by the platform's line separator
     */
    static String safeLines(String s) {
        if (s == null) {
            return "null";
        }
        String[] lines = LINE_BREAK.split(s, -1);
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append(System.lineSeparator());
            }
            out.append(safe(lines[i]));
        }
        return out.toString();
    }

    /**
     * A stream whose {@code println(String)} and {@code println(Object)} print the line {@link #safe}:
     * for {@code System.err}, where slf4j-simple writes each log line with one such call, so a path in
     * a log line cannot reach the terminal raw either. Bytes written any other way (the CLI's own
     * output, which is escaped where it is composed) pass as they are.
     *
     * @param raw the stream to write to
     * @return the escaping stream
     */
    static java.io.PrintStream escapingLines(java.io.PrintStream raw) {
        return new java.io.PrintStream(raw, true, java.nio.charset.Charset.defaultCharset()) {
            @Override
            public void println(String x) {
                super.println(safe(x));
            }

            @Override
            public void println(Object x) {
                super.println(safe(String.valueOf(x)));
            }
        };
    }

    /** Whether {@code c} is escaped by {@link #safe}. */
    static boolean needsEscape(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f
                || c == 0x061c || c == 0x200e || c == 0x200f
                || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069
                || c == 0x2028 || c == 0x2029;
    }
}
