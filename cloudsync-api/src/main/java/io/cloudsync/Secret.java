package io.cloudsync;

import java.util.Arrays;
import java.util.Objects;

/**
 * A secret value: a credential, a token, a passphrase. It never shows itself in {@link #toString},
 * so it cannot leak into a log line or an exception message by accident; {@link #reveal()} is the
 * one way to read it, so every use can be found by searching for {@code reveal(}.
 */
public final class Secret {

    private final char[] value;

    private Secret(char[] value) {
        this.value = value.clone();
    }

    /**
     * Wraps a copy of {@code value}.
     *
     * @param value the secret characters; the caller may wipe its array afterwards
     * @return the secret
     */
    public static Secret of(char[] value) {
        return new Secret(Objects.requireNonNull(value, "value"));
    }

    /**
     * Wraps {@code value}.
     *
     * @param value the secret text
     * @return the secret
     */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "value").toCharArray());
    }

    /**
     * A copy of the secret characters.
     *
     * @return a new array the caller should wipe when done
     */
    public char[] reveal() {
        return value.clone();
    }

    /**
     * The secret as a string, for APIs that take nothing else.
     *
     * @return the secret text
     */
    public String revealString() {
        return new String(value);
    }

    /**
     * Whether the secret has no characters.
     *
     * @return true for an empty secret
     */
    public boolean isEmpty() {
        return value.length == 0;
    }

    /**
     * Constant-time comparison of two secrets.
     *
     * @param o another object
     * @return true when {@code o} is a secret with the same characters
     */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Secret other)) {
            return false;
        }
        if (other.value.length != value.length) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < value.length; i++) {
            diff |= value[i] ^ other.value[i];
        }
        return diff == 0;
    }

    /**
     * A hash that reveals nothing but the length.
     *
     * @return the length
     */
    @Override
    public int hashCode() {
        return value.length;
    }

    /**
     * Never the value.
     *
     * @return {@code "Secret[redacted]"}
     */
    @Override
    public String toString() {
        return "Secret[redacted]";
    }

    /**
     * Overwrites this secret's characters. Afterwards it reads as zero characters of the same length.
     */
    public void destroy() {
        Arrays.fill(value, '\0');
    }
}
