package io.cloudsync.core;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.Vault;
import io.cloudsync.VaultException;
import io.cloudsync.core.internal.vault.FileVault;
import io.cloudsync.core.internal.vault.KdfParams;
import io.cloudsync.core.internal.vault.PassphraseSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Opens the secrets vault: one file, by default {@value #DEFAULT_FILE} under the project root, that
 * holds provider credentials encrypted with AES-256-GCM (Tink) under a key derived from a passphrase
 * with Argon2id (RFC 9106). Each write keeps the previous versions as up to five encrypted inline
 * backups, each bound to its place in the file and to the write that made it, so a swapped, removed or
 * rolled-back envelope is reported as damage; {@link Vault#purge} removes a key from the backups too.
 * docs/SECRETS.md is the user guide; docs/FORMATS.md ("Vault file") specifies the file, whose version 1
 * (the first release's) is still read and is upgraded to version 2 by its first write.
 *
 * <pre>{@code
 * Secret passphrase = Vaults.passphraseFrom(System.getenv(), null, List.of());
 * Vault vault = Vaults.openOrCreate(root.resolve(Vaults.DEFAULT_FILE), passphrase);
 * vault.set("cloud_sync.s3.secret_access_key", Secret.of(key));
 * Secrets forS3 = vault.scope("cloud_sync.s3");
 * }</pre>
 *
 * <p>A returned {@link Vault} is thread-safe and reads the file as it is on disk, so it sees writes
 * by other processes. Every write reloads the file, changes it and writes it back atomically (temporary
 * file, fsync, move; readable by the owner only) while holding an OS lock on the sibling file
 * {@code <vault>.lock}, so concurrent writers in several processes never lose an update. No method,
 * log line, exception message or {@code toString} shows a secret value or the passphrase.
 *
 * <p>Every failure is a {@link VaultException} whose {@link VaultException#reason() reason} tells
 * the cases apart: {@code NO_PASSPHRASE}, {@code WRONG_PASSPHRASE}, {@code DAMAGED} (the message says
 * whether {@link #restoreNewestBackup} can help), {@code UNKNOWN_FORMAT}, {@code NEWER_VERSION} and
 * {@code IO}. Keys that are not dotted names ({@code [A-Za-z0-9_-]+} parts joined by dots) are refused
 * with a {@link ConfigurationException}.
 */
public final class Vaults {

    /** Where the vault lives, relative to the project root. */
    public static final String DEFAULT_FILE = "config/cloudsync.secrets.json";

    /** The environment variable that holds the passphrase when no file or command is given. */
    public static final String PASSPHRASE_ENV = PassphraseSources.ENV;

    private Vaults() {
    }

    /**
     * Opens an existing vault. Derives the key once (a few hundred milliseconds with the default
     * parameters) and verifies the current envelope and every backup.
     *
     * @param file the vault file
     * @param passphrase the passphrase; the vault keeps its own copy
     * @return the unlocked vault
     * @throws VaultException {@code IO} when the file does not exist or cannot be read;
     *     {@code WRONG_PASSPHRASE}, {@code DAMAGED}, {@code UNKNOWN_FORMAT}, {@code NEWER_VERSION} as they say;
     *     {@code NO_PASSPHRASE} when the passphrase is null or empty
     */
    public static Vault open(Path file, Secret passphrase) {
        return FileVault.open(Objects.requireNonNull(file, "file"), passphrase, KdfParams.DEFAULT);
    }

    /**
     * Creates a new vault with no secrets, under a fresh random salt and the default Argon2id parameters.
     *
     * @param file the vault file to create; its parent folders are created
     * @param passphrase the passphrase; the vault keeps its own copy
     * @return the unlocked, empty vault
     * @throws VaultException {@code IO} when the file already exists (it is never overwritten) or cannot
     *     be written; {@code NO_PASSPHRASE} when the passphrase is null or empty
     */
    public static Vault create(Path file, Secret passphrase) {
        return FileVault.create(Objects.requireNonNull(file, "file"), passphrase, KdfParams.DEFAULT);
    }

    /**
     * Opens the vault, or creates an empty one when the file does not exist. The check and the
     * creation happen under the vault's lock, so two processes starting at once create one vault.
     * An empty or damaged file is not replaced: it is reported like {@link #open} does.
     *
     * @param file the vault file
     * @param passphrase the passphrase
     * @return the unlocked vault
     * @throws VaultException as {@link #open} and {@link #create}
     */
    public static Vault openOrCreate(Path file, Secret passphrase) {
        return FileVault.openOrCreate(Objects.requireNonNull(file, "file"), passphrase, KdfParams.DEFAULT);
    }

    /**
     * Whether a vault file exists at {@code file} (whatever its state).
     *
     * @param file the vault file
     * @return true when the file exists
     */
    public static boolean exists(Path file) {
        return Files.exists(Objects.requireNonNull(file, "file"));
    }

    /**
     * Checks a vault file without its passphrase: format, version, key derivation parameters, number
     * of backups, and whether the file is intact as far as its checksum and layout can tell. Any
     * accidental change of a byte shows as {@code DAMAGED}; whether the passphrase is right, and which
     * envelope a change hit, only {@link #open} can tell.
     *
     * @param file the vault file
     * @return the status, also for a missing or unreadable file; never throws for a bad file
     */
    public static VaultStatus inspect(Path file) {
        return FileVault.inspect(Objects.requireNonNull(file, "file"));
    }

    /**
     * Makes a damaged vault file whole again, under the vault's lock. Envelopes that decrypt but sit
     * out of their place (swapped, or shifted by a removal) are put back in the order they were written
     * in. When the current envelope does not decrypt anywhere, the newest backup that does becomes
     * current (changes made after it was written are lost) and the older intact backups are kept;
     * logged as {@code vault.restore_backup}. When the current envelope is intact, it is kept and only
     * damaged backups are dropped, so calling this on a healthy vault changes nothing. The file's
     * header must be readable: it holds the salt.
     *
     * @param file the vault file
     * @param passphrase the passphrase
     * @return the unlocked, repaired vault
     * @throws VaultException {@code DAMAGED} when no envelope decrypts and the file is damaged,
     *     {@code WRONG_PASSPHRASE} when none decrypts and the file is intact, and as {@link #open}
     */
    public static Vault restoreNewestBackup(Path file, Secret passphrase) {
        return FileVault.restoreNewestBackup(Objects.requireNonNull(file, "file"), passphrase, KdfParams.DEFAULT);
    }

    /**
     * Finds the passphrase. An explicit passphrase file or command wins over the environment, as
     * with restic and rclone; giving both is an error. A file is read as UTF-8 and a command's
     * standard output likewise, each without the {@code \n} and {@code \r} characters at its end; the
     * passphrase is otherwise used as given, never Unicode-normalised. A command inherits standard
     * input and standard error (so it may prompt), must exit with status 0 within two minutes, and is
     * named in messages by its program only, never its arguments.
     *
     * @param env the environment, usually {@code System.getenv()}; {@value #PASSPHRASE_ENV} is read
     * @param passphraseFile a file holding the passphrase, or null for none
     * @param passphraseCommand a program and its arguments that print the passphrase, or empty for none
     * @return the passphrase, never empty
     * @throws VaultException {@code NO_PASSPHRASE} when no source gives one, or the given source is
     *     missing, empty or fails; {@code IO} when the file cannot be read
     * @throws ConfigurationException when both a file and a command are given
     */
    public static Secret passphraseFrom(Map<String, String> env, Path passphraseFile, List<String> passphraseCommand) {
        return PassphraseSources.from(Objects.requireNonNull(env, "env"), passphraseFile,
                Objects.requireNonNull(passphraseCommand, "passphraseCommand"));
    }
}
