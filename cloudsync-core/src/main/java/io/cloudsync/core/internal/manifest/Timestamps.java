package io.cloudsync.core.internal.manifest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;

/**
 * The manifest's timestamps, {@code yyyy-MM-ddTHH:mm:ss[.fff|.ffffff|.fffffffff]Z} (the form of
 * {@link Instant#toString()}), written and read without {@code DateTimeFormatter}: a manifest holds
 * one per file, and the general formatter was a large share of writing and reading time, above all in
 * a freshly started JVM. Anything outside the years 0000-9999 goes through the JDK instead.
 */
public final class Timestamps {

    private static final long FIRST_DAY = LocalDate.of(0, 1, 1).toEpochDay();
    private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private Timestamps() {
    }

    /**
     * Exactly {@code t.toString()}: seconds always present, then 0, 3, 6 or 9 fraction digits, the
     * fewest that keep every nanosecond.
     *
     * @param t the instant
     * @return its ISO-8601 UTC form
     */
    public static String format(Instant t) {
        long seconds = t.getEpochSecond();
        long epochDay = Math.floorDiv(seconds, 86_400);
        if (epochDay < FIRST_DAY || epochDay > LAST_DAY) {
            return t.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        int secondOfDay = Math.floorMod(seconds, 86_400);
        int nanos = t.getNano();
        int fraction = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        char[] c = new char[fraction == 0 ? 20 : 21 + fraction];
        put(c, 0, date.getYear(), 4);
        c[4] = '-';
        put(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        put(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        put(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        put(c, 17, secondOfDay % 60, 2);
        if (fraction > 0) {
            c[19] = '.';
            put(c, 20, fraction == 3 ? nanos / 1_000_000 : fraction == 6 ? nanos / 1_000 : nanos, fraction);
        }
        c[c.length - 1] = 'Z';
        return new String(c);
    }

    private static void put(char[] into, int at, int value, int digits) {
        int v = value;
        for (int i = at + digits - 1; i >= at; i--) {
            into[i] = (char) ('0' + v % 10);
            v /= 10;
        }
    }

    /**
     * Parses the form {@link #format} writes, with 1 to 9 fraction digits.
     *
     * @param t the text
     * @return the instant, or {@code null} when the text has any other form (the caller then tries
     *     {@link Instant#parse}, which also names what is wrong)
     */
    public static Instant parse(String t) {
        int n = t.length();
        if (n < 20 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 7);
        int day = digits(t, 8, 10);
        int hour = digits(t, 11, 13);
        int minute = digits(t, 14, 16);
        int second = digits(t, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21;
            if (t.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(t, 20, n - 1);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (day > YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
    }

    private static int digits(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
