package io.cloudsync.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses and prints sizes and durations. */
final class Units {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]I?B?|B)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h|d)?", Pattern.CASE_INSENSITIVE);

    private Units() {
    }

    /**
     * Bytes from {@code 1500}, {@code 10MB}, {@code 1.5GB} or {@code 512KiB}: KB, MB, GB and TB are
     * powers of 1000, KiB, MiB, GiB and TiB powers of 1024; a bare K, M, G or T means KB, MB, GB or TB.
     */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a size; write a number of bytes with an optional"
                    + " unit, such as 1500, 10MB, 1.5GB or 512KiB");
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long factor = switch (unit) {
            case "B" -> 1L;
            case "K", "KB" -> 1_000L;
            case "M", "MB" -> 1_000_000L;
            case "G", "GB" -> 1_000_000_000L;
            case "T", "TB" -> 1_000_000_000_000L;
            case "KI", "KIB" -> 1L << 10;
            case "MI", "MIB" -> 1L << 20;
            case "GI", "GIB" -> 1L << 30;
            case "TI", "TIB" -> 1L << 40;
            default -> throw new IllegalArgumentException("unknown size unit in \"" + text + "\"; use B, KB, MB, GB, TB,"
                    + " KiB, MiB, GiB or TiB");
        };
        try {
            return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(factor)).setScale(0, java.math.RoundingMode.CEILING)
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("size \"" + text + "\" is too large", e);
        }
    }

    /** A duration from {@code 30s}, {@code 5m}, {@code 1.5h}, {@code 250ms}, a bare number of seconds, or ISO-8601 {@code PT30S}. */
    static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return requireNonNegative(Duration.parse(t), text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("\"" + text + "\" is not an ISO-8601 duration such as PT30S", e);
            }
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration; write for example 30s, 5m, 1h or 250ms");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        long millisPer = switch (unit) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m", "min" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
        };
        return Duration.ofMillis(n.multiply(BigDecimal.valueOf(millisPer)).longValue());
    }

    private static Duration requireNonNegative(Duration d, String text) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("duration \"" + text + "\" must not be negative");
        }
        return d;
    }

    /** "1 file", "2 files", "0 files": a count and its noun, singular only for exactly one. */
    static String count(long n, String singular) {
        return n + " " + (n == 1 ? singular : singular + "s");
    }

    /** 999 B, 1.2 KB, 3.4 MB: the units {@link #parseSize} reads. */
    static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB"};
        double v = n;
        int i = -1;
        while (v >= 999.95 && i < units.length - 1) {
            v /= 1000;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    /** 0.25 s, 12.0 s, 3 min 5 s, 2 h 1 min. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 60_000) {
            return String.format(Locale.ROOT, ms < 1_000 ? "%.2f s" : "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    /** Picocli converter for SIZE options. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parseSize(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Picocli converter for DURATION options. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
