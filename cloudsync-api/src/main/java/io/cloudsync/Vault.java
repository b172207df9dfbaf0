package io.cloudsync;

import io.cloudsync.spi.Secrets;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

/**
 * An unlocked, encrypted store of secrets addressed by dotted keys such as {@code cloud_sync.s3}.
 * Values are text, often a JSON object. Every write is durable and atomic when the method returns.
 * Implementations are thread-safe. No method, log line, message or {@code toString} ever shows a value.
 */
public interface Vault {

    /**
     * Reads a secret.
     *
     * @param key a dotted key
     * @return the value, or empty when the vault has no such key
     */
    Optional<Secret> get(String key);

    /**
     * Stores a secret, replacing any earlier value.
     *
     * @param key a dotted key
     * @param value the value
     */
    void set(String key, Secret value);

    /**
     * Removes a secret. Its earlier values stay in the vault file's encrypted inline backups, readable
     * with the passphrase, until five more writes push them out; use {@link #purge} to remove those too.
     *
     * @param key a dotted key
     * @return true when the key was there
     */
    boolean remove(String key);

    /**
     * Removes a secret from the current secrets and from every inline backup, in one atomic write, so
     * that no envelope left in the vault file holds any value the key ever had. Backups that do not
     * decrypt cannot be checked and are dropped as well. Copies the file system or the user made of
     * earlier versions of the file are out of reach: rotate the credential itself where it was issued.
     *
     * @param key a dotted key
     * @return true when the key was in the current secrets or in a backup
     * @throws UnsupportedOperationException when this implementation cannot purge
     */
    default boolean purge(String key) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot purge a key from its backups");
    }

    /**
     * The keys held, never the values.
     *
     * @return the sorted key names
     */
    SortedSet<String> list();

    /**
     * Replaces every secret at once.
     *
     * @param secrets the new content
     */
    void store(Map<String, Secret> secrets);

    /**
     * Re-encrypts the current secrets under a new passphrase, with a new salt, and purges the inline
     * backups: afterwards the file holds the current secrets only, and neither passphrase opens any
     * earlier value from it.
     *
     * @param newPassphrase the new passphrase
     */
    void rotatePassphrase(Secret newPassphrase);

    /**
     * A read-only view limited to {@code prefix} and the keys below it, for one provider.
     *
     * @param prefix a dotted key such as {@code cloud_sync.s3}
     * @return the view; its keys are full dotted keys
     */
    Secrets scope(String prefix);
}
