package io.cloudsync.core;

import io.cloudsync.VaultException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Vaults#inspect} can tell about a vault file without its passphrase, for
 * {@code cloudsync doctor}. Never holds a secret.
 *
 * @param file the vault file
 * @param exists whether the file exists
 * @param formatVersion the format version, or 0 when it could not be read
 * @param kdf the key derivation and its parameters, such as {@code argon2id m=65536KiB t=2 p=4}; empty when unreadable
 * @param backups how many inline backups the file holds (0 when unreadable)
 * @param problem what is wrong, or empty when the file looks intact (only the passphrase can prove it is)
 * @param detail one sentence for people: the summary, or what is wrong and how to fix it
 */
public record VaultStatus(Path file, boolean exists, int formatVersion, String kdf, int backups,
                          Optional<VaultException.Reason> problem, String detail) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException when a component is null
     */
    public VaultStatus {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kdf, "kdf");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * Whether the file exists and shows no sign of damage.
     *
     * @return true when {@link #exists()} and no {@link #problem()}
     */
    public boolean healthy() {
        return exists && problem.isEmpty();
    }
}
