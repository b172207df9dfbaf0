package io.cloudsync;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** SHA-256 helpers shared by the value types and by providers. */
public final class Digests {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final HexFormat HEX = HexFormat.of();

    /** The SHA-256 of zero bytes, in lower-case hex. */
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private Digests() {
    }

    /**
     * A fresh SHA-256 digest.
     *
     * @return a new {@link MessageDigest}, never {@code null}
     */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /**
     * Whether {@code value} is 64 lower-case hex digits.
     *
     * @param value a candidate digest, may be {@code null}
     * @return true for a well-formed SHA-256 hex string
     */
    public static boolean isSha256Hex(@Nullable String value) {
        if (value == null || value.length() != 64) {
            return false;
        }
        // a plain loop, same as matching SHA256_HEX: manifests check this once per entry, and a
        // regex costs several times more, above all in a freshly started JVM
        for (int i = 0; i < 64; i++) {
            char c = value.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks that {@code value} is a lower-case hex SHA-256.
     *
     * @param value the candidate digest
     * @param what what the digest belongs to, for the message
     * @return {@code value}
     * @throws IllegalArgumentException quoting the bad value
     */
    public static String requireSha256Hex(String value, String what) {
        if (!isSha256Hex(value)) {
            throw new IllegalArgumentException(
                    "sha256 of " + what + " must be 64 lower-case hex digits, was \"" + value + '"');
        }
        return value;
    }

    /**
     * Lower-case hex of {@code bytes}.
     *
     * @param bytes any bytes
     * @return their hex form
     */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
