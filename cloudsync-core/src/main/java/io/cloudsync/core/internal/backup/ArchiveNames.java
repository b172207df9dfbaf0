package io.cloudsync.core.internal.backup;

import io.cloudsync.BackupException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of backup archives: {@code <UTC yyyyMMdd'T'HHmmss'Z'>-<safe label>.zip}, with {@code ~<n>}
 * before {@code .zip} (n ≥ 2) when an archive of that second and label already exists.
 */
public final class ArchiveNames {

    /** Longest safe label kept in a file name. */
    public static final int MAX_LABEL = 64;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final Pattern NAME = Pattern.compile("(\\d{8}T\\d{6}Z)-([A-Za-z0-9._-]{1," + MAX_LABEL + "}?)(?:~(\\d{1,6}))?\\.zip");

    /** Newest first: by time, then sequence, then name. */
    public static final Comparator<Parsed> NEWEST_FIRST = Comparator.comparing(Parsed::time)
            .thenComparingInt(Parsed::sequence).thenComparing(Parsed::name).reversed();

    /**
     * A name this library makes.
     *
     * @param name the file name
     * @param time the second in the name
     * @param safeLabel the label part
     * @param sequence 1, or the {@code ~n} suffix
     */
    public record Parsed(String name, Instant time, String safeLabel, int sequence) {
    }

    private ArchiveNames() {
    }

    /**
     * The label as it appears in a file name: ASCII letters, digits, {@code .}, {@code _} and
     * {@code -}; anything else becomes {@code _}; runs of {@code _} collapse; leading and trailing
     * {@code .}, {@code _}, {@code -} go; at most {@value #MAX_LABEL} characters; {@code backup}
     * when nothing is left.
     *
     * @param label any label
     * @return the safe label, never empty
     */
    public static String safeLabel(String label) {
        StringBuilder b = new StringBuilder();
        label.codePoints().forEach(cp -> {
            boolean ok = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')
                    || cp == '.' || cp == '-' || cp == '_';
            char c = ok ? (char) cp : '_';
            if (c == '_' && b.length() > 0 && b.charAt(b.length() - 1) == '_') {
                return;
            }
            b.append(c);
        });
        String s = b.toString().replaceAll("^[._-]+", "");
        if (s.length() > MAX_LABEL) {
            s = s.substring(0, MAX_LABEL);
        }
        s = s.replaceAll("[._-]+$", "");
        return s.isEmpty() ? "backup" : s;
    }

    /**
     * Formats a name.
     *
     * @param time the creation time, truncated to the second in UTC
     * @param safeLabel a label from {@link #safeLabel}
     * @param sequence 1 for none, else the {@code ~n} suffix
     * @return the file name
     */
    public static String format(Instant time, String safeLabel, int sequence) {
        String stamp = STAMP.format(LocalDateTime.ofInstant(time, ZoneOffset.UTC));
        return stamp + '-' + safeLabel + (sequence > 1 ? "~" + sequence : "") + ".zip";
    }

    /**
     * Parses a file name.
     *
     * @param fileName a file name
     * @return the parts, or empty when this library does not make such names
     */
    public static Optional<Parsed> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Instant time = LocalDateTime.parse(m.group(1), STAMP).toInstant(ZoneOffset.UTC);
            int seq = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
            return Optional.of(new Parsed(fileName, time, m.group(2), seq));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Checks that a name given to restore or verify is a plain file name in the backup folder.
     *
     * @param name the name, such as {@code 20240501T100000Z-nightly.zip}
     * @return the name
     * @throws BackupException when it is empty or has a path, a drive, or special characters in it
     */
    public static String requirePlainName(String name) {
        if (name == null || name.isBlank()) {
            throw new BackupException(BackupException.Reason.INVALID_ARGUMENT, "backup name \"\" is refused: it is empty; use a name that \"cloudsync backup list\""
                    + " (Backups.list()) shows, such as 20240501T100000Z-nightly.zip");
        }
        boolean bad = name.contains("/") || name.contains("\\") || name.contains(":") || name.startsWith(".")
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
        if (bad) {
            throw new BackupException(BackupException.Reason.INVALID_ARGUMENT, "backup name \"" + printable(name) + "\" is refused: give the archive's file name "
                    + "only (no folder, drive, '..' or leading '.'), as \"cloudsync backup list\" (Backups.list()) shows it");
        }
        if (!name.endsWith(".zip")) {
            throw new BackupException(BackupException.Reason.INVALID_ARGUMENT, "backup name \"" + name + "\" is refused: archive names end in .zip");
        }
        return name;
    }

    /**
     * A string with control characters shown as {@code ?}, for messages.
     *
     * @param s any string
     * @return the printable form
     */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> b.appendCodePoint(cp < 0x20 || cp == 0x7f ? '?' : cp));
        return b.toString();
    }
}
