package io.cloudsync.core.internal.vault;

import io.cloudsync.Secret;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106) cost parameters, as written in a vault file's header. The salt is not part of
 * the parameters: it is fresh for every key and sits beside them in the header.
 *
 * @param memoryKib memory in KiB (the RFC's {@code m})
 * @param iterations passes over the memory (the RFC's {@code t})
 * @param parallelism lanes (the RFC's {@code p})
 */
public record KdfParams(int memoryKib, int iterations, int parallelism) {

    /** The one algorithm this format version knows. */
    public static final String ALGORITHM = "argon2id";
    /** Argon2 version 1.3, the only one RFC 9106 specifies. */
    public static final int ARGON2_VERSION = 0x13;
    /** Salt length: 128 bits, as RFC 9106 section 4 recommends. */
    public static final int SALT_BYTES = 16;
    /** Derived key length: an AES-256 key. */
    public static final int KEY_BYTES = 32;

    /**
     * The defaults for new keys: the 64 MiB, 4-lane shape of RFC 9106's second recommended option,
     * with passes lowered from 3 to 2 to fit a half-second unlock budget, as the RFC's section 4
     * procedure allows; docs/SECRETS.md gives the measurements and the reasoning.
     */
    public static final KdfParams DEFAULT = new KdfParams(64 * 1024, 2, 4);

    /** Upper bounds on what a file may ask for, so a damaged header cannot make us allocate 100 GiB. */
    static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    static final int MAX_ITERATIONS = 64;
    static final int MAX_PARALLELISM = 64;

    /**
     * Validates the parameters.
     *
     * @throws IllegalArgumentException naming the parameter that is out of range
     */
    public KdfParams {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("parallelism must be 1.." + MAX_PARALLELISM + ", got " + parallelism);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be 1.." + MAX_ITERATIONS + ", got " + iterations);
        }
        if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("memory_kib must be " + (8 * parallelism) + ".." + MAX_MEMORY_KIB
                    + " for parallelism " + parallelism + ", got " + memoryKib);
        }
    }

    /**
     * Derives a 256-bit key. Costs what the parameters say: with {@link #DEFAULT}, 64 MiB of heap and
     * a few hundred milliseconds.
     *
     * @param passphrase the passphrase; its characters are encoded as UTF-8
     * @param salt the salt from the header
     * @return the key; the caller wipes it when done
     */
    byte[] deriveKey(Secret passphrase, byte[] salt) {
        char[] chars = passphrase.reveal();
        byte[] password = null;
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
            password = new byte[encoded.remaining()];
            encoded.get(password);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(memoryKib)
                    .withIterations(iterations)
                    .withParallelism(parallelism)
                    .withSalt(salt)
                    .build());
            byte[] key = new byte[KEY_BYTES];
            generator.generateBytes(password, key);
            return key;
        } finally {
            Arrays.fill(chars, '\0');
            if (password != null) {
                Arrays.fill(password, (byte) 0);
            }
        }
    }

    /**
     * A short description for logs and {@code cloudsync doctor}.
     *
     * @return for example {@code argon2id m=65536KiB t=2 p=4}
     */
    public String describe() {
        return ALGORITHM + " m=" + memoryKib + "KiB t=" + iterations + " p=" + parallelism;
    }
}
