package io.cloudsync.testkit.internal;

import io.cloudsync.Digests;
import io.cloudsync.PathRules;
import io.cloudsync.Secret;
import io.cloudsync.spi.ProviderException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** One named in-memory remote: the metadata area and files per snapshot. Thread-safe. */
public final class InMemoryStore {

    private static final Map<String, InMemoryStore> STORES = new ConcurrentHashMap<>();

    /** A stored file; the array is never modified after construction. */
    public record Blob(byte[] bytes, String sha256, Instant mtime) {
    }

    /**
     * A stored metadata object; the array is never modified after construction.
     *
     * @param bytes the bytes as put
     * @param version the version tag, unique within the store
     */
    public record Meta(byte[] bytes, String version) {
    }

    private final String name;
    private final byte[] tokenDigest;
    private final Map<String, ConcurrentSkipListMap<String, Blob>> files = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, Meta> metadata = new ConcurrentSkipListMap<>();
    private final AtomicLong versions = new AtomicLong();

    private InMemoryStore(String name, byte[] tokenDigest) {
        this.name = name;
        this.tokenDigest = tokenDigest;
    }

    /**
     * Opens (creating when needed) the store {@code name}.
     *
     * @param name the store name
     * @param token the token offered, if any
     * @param tokenKey the secret's key, for messages
     * @return the store
     * @throws ProviderException AUTHENTICATION when the token differs from the one the store was created with
     */
    public static InMemoryStore open(String name, Optional<Secret> token, String tokenKey) {
        byte[] offered = token.map(InMemoryStore::digest).orElse(null);
        InMemoryStore store = STORES.computeIfAbsent(name, n -> new InMemoryStore(n, offered));
        if (store.tokenDigest != null && (offered == null || !MessageDigest.isEqual(store.tokenDigest, offered))) {
            throw new ProviderException(ProviderException.Kind.AUTHENTICATION, "memory store '" + name
                    + "' was created with another token; check the secret '" + tokenKey + "'");
        }
        return store;
    }

    /**
     * Forgets a store.
     *
     * @param name the store name
     */
    public static void drop(String name) {
        STORES.remove(name);
    }

    private static byte[] digest(Secret secret) {
        char[] chars = secret.reveal();
        try {
            java.nio.ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
            MessageDigest sha = Digests.sha256();
            sha.update(bytes);
            return sha.digest();
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
    }

    /**
     * The store's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The metadata area, by name in {@code String} order.
     *
     * @return the live map
     */
    public ConcurrentSkipListMap<String, Meta> metadata() {
        return metadata;
    }

    /**
     * A version tag never handed out before by this store.
     *
     * @return the tag
     */
    public String nextVersion() {
        return "m" + versions.incrementAndGet();
    }

    /**
     * The files of a snapshot, created empty when needed.
     *
     * @param snapshot the snapshot
     * @return the live map, sorted by {@link PathRules#ORDER}
     */
    public ConcurrentSkipListMap<String, Blob> files(String snapshot) {
        return files.computeIfAbsent(snapshot, s -> new ConcurrentSkipListMap<>(PathRules.ORDER));
    }
}
