package io.cloudsync;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RATE syntax of a bandwidth limit, shared by {@code --bwlimit}, the configuration key
 * {@code sync.bwlimit} and the HTTP field {@code bwlimit}; it follows rclone's {@code --bwlimit}.
 *
 * <p>A rate is a number, whole or with a decimal fraction ({@code 1.5}), followed by an optional
 * unit. The units are binary and case-insensitive: {@code B} (bytes), {@code K} or {@code KiB}
 * (1024 bytes), {@code M} or {@code MiB} (1024<sup>2</sup>), {@code G} or {@code GiB}
 * (1024<sup>3</sup>), {@code T} or {@code TiB} (1024<sup>4</sup>), each per second; an optional
 * {@code /s} may follow. A number without a unit is KiB per second, as in rclone:
 * {@code 512} is 512 KiB/s. {@code 0} and {@code off} mean no limit. The decimal units
 * {@code KB}, {@code MB}, {@code GB} are refused rather than guessed at, and so are rclone's
 * timetables and separate upload:download rates, which cloudsync does not have.
 *
 * <p>Examples: {@code 512k} (524,288 bytes/s), {@code 8M}, {@code 1.5M} (1,572,864 bytes/s),
 * {@code 1G}, {@code 100B}, {@code 2MiB/s}.
 */
public final class Bandwidth {

    /** The value that means "no limit". */
    public static final long UNLIMITED = 0;

    private static final Pattern RATE = Pattern.compile(
            "([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)\\s*(b|k|kib|m|mib|g|gib|t|tib)?(?:/s)?");

    private static final Pattern DECIMAL_UNIT = Pattern.compile("[0-9.]+\\s*[kmgt]b(?:/s)?");

    /** What is accepted, for error messages. */
    private static final String FORMS = "a number with an optional binary unit B, K, M, G or T (also KiB, MiB, GiB,"
            + " TiB; a bare number is KiB/s), such as 512k, 8M, 1.5M or 1G; or 0 or off for no limit";

    private Bandwidth() {
    }

    /**
     * Reads a rate.
     *
     * @param rate the text, such as {@code "8M"}; surrounding blanks are ignored
     * @return bytes per second, {@link #UNLIMITED} (0) for {@code 0} or {@code off}; never negative
     * @throws IllegalArgumentException naming the value and the accepted forms, when {@code rate} is
     *     {@code null}, malformed, below one byte per second (but not 0), or above
     *     {@link Long#MAX_VALUE} bytes per second
     */
    public static long parse(String rate) {
        if (rate == null) {
            throw new IllegalArgumentException("bandwidth limit must not be null; expected " + FORMS);
        }
        String text = rate.strip().toLowerCase(Locale.ROOT);
        if (text.equals("off")) {
            return UNLIMITED;
        }
        Matcher m = RATE.matcher(text);
        if (!m.matches() && DECIMAL_UNIT.matcher(text).matches()) {
            throw new IllegalArgumentException("bandwidth limit \"" + rate + "\" uses a decimal unit; the units are"
                    + " binary, as in rclone: write K, M, G (or KiB, MiB, GiB), such as 8M for 8 MiB/s");
        }
        if (!m.matches()) {
            throw new IllegalArgumentException("bandwidth limit \"" + rate + "\" is not a rate; expected " + FORMS);
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "k" : m.group(2).substring(0, 1);
        int shift = switch (unit) {
            case "b" -> 0;
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 40;
        };
        BigDecimal bytes = number.multiply(BigDecimal.valueOf(1L << shift));
        if (bytes.signum() == 0) {
            return UNLIMITED;
        }
        if (bytes.compareTo(BigDecimal.ONE) < 0) {
            throw new IllegalArgumentException("bandwidth limit \"" + rate + "\" is less than one byte per second;"
                    + " use 0 or off for no limit, else at least 1B");
        }
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("bandwidth limit \"" + rate + "\" is too large; expected " + FORMS);
        }
        return bytes.longValue();
    }

    /**
     * Writes a rate the way {@link #parse} reads it, in the largest unit that keeps it whole or to one
     * decimal place where that is exact.
     *
     * @param bytesPerSecond a rate from {@link #parse}; 0 means no limit
     * @return such as {@code "8M"}, {@code "1.5M"}, {@code "100B"} or {@code "off"}; never {@code null}
     * @throws IllegalArgumentException when {@code bytesPerSecond} is negative
     */
    public static String format(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bandwidth limit must not be negative, was " + bytesPerSecond);
        }
        if (bytesPerSecond == UNLIMITED) {
            return "off";
        }
        String[] units = {"T", "G", "M", "K"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (units.length - i));
            if (bytesPerSecond >= unit && bytesPerSecond <= Long.MAX_VALUE / 10 && (bytesPerSecond * 10) % unit == 0) {
                BigDecimal value = BigDecimal.valueOf(bytesPerSecond).divide(BigDecimal.valueOf(unit));
                return value.stripTrailingZeros().toPlainString() + units[i];
            }
        }
        return bytesPerSecond + "B";
    }

    /**
     * Checks a rate given as a number of bytes per second.
     *
     * @param bytesPerSecond the rate
     * @param what what it is, for the message, such as {@code "bandwidthLimit"}
     * @return {@code bytesPerSecond}
     * @throws IllegalArgumentException when it is negative
     */
    static long requireRate(long bytesPerSecond, String what) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException(what + " must be 0 (no limit) or a number of bytes per second, was "
                    + bytesPerSecond);
        }
        return bytesPerSecond;
    }
}
