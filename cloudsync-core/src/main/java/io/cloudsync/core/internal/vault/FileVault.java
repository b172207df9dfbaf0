package io.cloudsync.core.internal.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.crypto.tink.Aead;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.Vault;
import io.cloudsync.VaultException;
import io.cloudsync.VaultException.Reason;
import io.cloudsync.core.VaultStatus;
import io.cloudsync.core.internal.fs.AtomicFiles;
import io.cloudsync.core.internal.json.Json;
import io.cloudsync.core.internal.vault.Envelopes.Contents;
import io.cloudsync.spi.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault over one file (docs/FORMATS.md, "Vault file"). Reads use the file as it is on disk
 * (re-decrypting only when its bytes changed); every write reloads, modifies and writes the file
 * under {@link VaultLock}, so writers in other threads or processes never lose each other's updates.
 * The public entry point is {@code io.cloudsync.core.Vaults}; the static methods here take the KDF
 * parameters for new keys explicitly so tests can run with cheap ones.
 */
public final class FileVault implements Vault {

    private static final Logger LOG = LoggerFactory.getLogger(FileVault.class);
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final int MAX_KEY_LENGTH = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final KdfParams newKeyParams;
    private Secret passphrase;

    // The derived key, kept so that reloads and writes do not pay for the KDF again.
    private KdfParams keyParams;
    private byte[] keySalt;
    private Aead aead;

    // The file as last read or written, and what it decrypted to.
    private byte[] lastBytes;
    private Loaded loaded;

    /** One envelope that decrypted: its ciphertext as stored and its contents. */
    private record Envelope(byte[] ciphertext, Contents contents) {
    }

    /** A file whose current envelope decrypts; {@code intact} starts with it, then the backups that decrypt. */
    private record Loaded(VaultDocument doc, List<Envelope> intact, int damagedBackups) {
        Contents current() {
            return intact.get(0).contents();
        }
    }

    private FileVault(Path file, Secret passphrase, KdfParams newKeyParams) {
        this.file = file;
        this.newKeyParams = newKeyParams;
        this.passphrase = copy(passphrase);
    }

    // ---- entry points (behind io.cloudsync.core.Vaults) ------------------------------------------

    /** Opens an existing vault; see {@code Vaults.open}. */
    public static FileVault open(Path file, Secret passphrase, KdfParams newKeyParams) {
        FileVault vault = new FileVault(file, requirePassphrase(passphrase), newKeyParams);
        synchronized (vault) {
            vault.unlockAndLog();
        }
        return vault;
    }

    /** Creates a new, empty vault; see {@code Vaults.create}. */
    public static FileVault create(Path file, Secret passphrase, KdfParams newKeyParams) {
        FileVault vault = new FileVault(file, requirePassphrase(passphrase), newKeyParams);
        synchronized (vault) {
            try (VaultLock lock = VaultLock.acquire(file)) {
                vault.createLocked();
            }
        }
        return vault;
    }

    /** Opens the vault, creating an empty one first when there is no file; see {@code Vaults.openOrCreate}. */
    public static FileVault openOrCreate(Path file, Secret passphrase, KdfParams newKeyParams) {
        FileVault vault = new FileVault(file, requirePassphrase(passphrase), newKeyParams);
        synchronized (vault) {
            try (VaultLock lock = VaultLock.acquire(file)) {
                if (Files.exists(file)) {
                    vault.unlockAndLog();
                } else {
                    vault.createLocked();
                }
            }
        }
        return vault;
    }

    /** Makes the file whole again; see {@code Vaults.restoreNewestBackup}. */
    public static FileVault restoreNewestBackup(Path file, Secret passphrase, KdfParams newKeyParams) {
        FileVault vault = new FileVault(file, requirePassphrase(passphrase), newKeyParams);
        synchronized (vault) {
            try (VaultLock lock = VaultLock.acquire(file)) {
                vault.restoreLocked();
            }
        }
        return vault;
    }

    /** What can be told about a vault file without its passphrase; see {@code Vaults.inspect}. */
    public static VaultStatus inspect(Path file) {
        if (!Files.exists(file)) {
            return new VaultStatus(file, false, 0, "", 0, Optional.empty(), "no vault file at " + file);
        }
        try {
            VaultDocument doc = VaultDocument.parse(file, read(file));
            Optional<Reason> problem = Optional.empty();
            String detail = "format " + VaultDocument.FORMAT + " version " + VaultDocument.VERSION + ", key from "
                    + doc.kdf.describe() + ", " + doc.backupCount() + " backup(s)";
            if (doc.integrityProblem != null) {
                problem = Optional.of(Reason.DAMAGED);
                detail = "vault file " + file + " " + doc.integrityProblem + ". Open it with the passphrase to learn "
                        + "which part is hit. " + VaultDocument.restoreHint();
            }
            return new VaultStatus(file, true, VaultDocument.VERSION, doc.kdf.describe(), doc.backupCount(), problem,
                    detail);
        } catch (VaultException e) {
            return new VaultStatus(file, true, 0, "", 0, Optional.of(e.reason()), e.getMessage());
        }
    }

    // ---- Vault ------------------------------------------------------------------------------------

    @Override
    public synchronized Optional<Secret> get(String key) {
        requireKey(key);
        return Optional.ofNullable(current().current().secrets().get(key)).map(FileVault::toSecret);
    }

    @Override
    public synchronized void set(String key, Secret value) {
        requireKey(key);
        JsonNode node = toNode(value);
        mutate("set", secrets -> {
            secrets.put(key, node);
            return true;
        });
    }

    @Override
    public synchronized boolean remove(String key) {
        requireKey(key);
        return mutate("remove", secrets -> secrets.remove(key) != null);
    }

    @Override
    public synchronized SortedSet<String> list() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(current().current().secrets().keySet()));
    }

    @Override
    public synchronized void store(Map<String, Secret> secrets) {
        TreeMap<String, JsonNode> replacement = new TreeMap<>();
        secrets.forEach((key, value) -> {
            requireKey(key);
            replacement.put(key, toNode(value));
        });
        mutate("store", current -> {
            current.clear();
            current.putAll(replacement);
            return true;
        });
    }

    @Override
    public synchronized void rotatePassphrase(Secret newPassphrase) {
        requirePassphrase(newPassphrase);
        try (VaultLock lock = VaultLock.acquire(file)) {
            Loaded current = current();
            byte[] salt = newSalt();
            Aead newAead = Envelopes.aead(newKeyParams.deriveKey(newPassphrase, salt));
            byte[] associatedData = VaultDocument.associatedData(newKeyParams, salt);
            List<byte[]> envelopes = new ArrayList<>();
            for (Envelope envelope : current.intact()) {
                envelopes.add(Envelopes.encrypt(newAead, envelope.contents(), associatedData));
            }
            byte[] bytes = VaultDocument.serialize(newKeyParams, salt, envelopes);
            writeFile(bytes);
            passphrase.destroy();
            passphrase = copy(newPassphrase);
            keyParams = newKeyParams;
            keySalt = salt;
            aead = newAead;
            remember(bytes, load(bytes));
            LOG.info("vault.write file={} reason=rotate_passphrase keys={} backups={} dropped_damaged={} kdf={}", file,
                    current.current().secrets().size(), envelopes.size() - 1, current.damagedBackups(),
                    newKeyParams.describe());
        }
    }

    @Override
    public Secrets scope(String prefix) {
        requireKey(prefix);
        return new Secrets() {
            @Override
            public Optional<Secret> get(String key) {
                return inScope(key) ? FileVault.this.get(key) : Optional.empty();
            }

            @Override
            public Set<String> keys() {
                TreeSet<String> keys = new TreeSet<>();
                for (String key : list()) {
                    if (inScope(key)) {
                        keys.add(key);
                    }
                }
                return Collections.unmodifiableSet(keys);
            }

            private boolean inScope(String key) {
                return key.equals(prefix) || key.startsWith(prefix + ".");
            }

            @Override
            public String toString() {
                return "Secrets[scope=" + prefix + ", vault=" + file + "]";
            }
        };
    }

    @Override
    public String toString() {
        return "Vault[file=" + file + "]";
    }

    // ---- loading ----------------------------------------------------------------------------------

    private void unlockAndLog() {
        Loaded state = current();
        LOG.info("vault.unlock file={} kdf={} keys={} backups={}", file, state.doc().kdf.describe(),
                state.current().secrets().size(), state.intact().size() - 1);
    }

    /** The file as it is now on disk, decrypted; re-decrypts only when the bytes changed. */
    private Loaded current() {
        byte[] bytes = read(file);
        if (loaded != null && Arrays.equals(bytes, lastBytes)) {
            return loaded;
        }
        Loaded state = load(bytes);
        if (state.damagedBackups() > 0 || state.doc().integrityProblem != null) {
            LOG.warn("vault.damaged file={} problem=\"{}\" damaged_backups={} current=intact action=\"the next write "
                    + "drops the damaged backups; Vaults.restoreNewestBackup repairs the file now\"", file,
                    state.doc().integrityProblem == null ? "backups do not decrypt" : state.doc().integrityProblem,
                    state.damagedBackups());
        }
        remember(bytes, state);
        return state;
    }

    private void remember(byte[] bytes, Loaded state) {
        lastBytes = bytes;
        loaded = state;
    }

    private Loaded load(byte[] bytes) {
        VaultDocument doc = VaultDocument.parse(file, bytes);
        List<Optional<Contents>> decrypted = decryptAll(doc);
        if (decrypted.get(0).isEmpty()) {
            throw unusable(doc, decrypted);
        }
        return toLoaded(doc, decrypted, 0);
    }

    private Loaded toLoaded(VaultDocument doc, List<Optional<Contents>> decrypted, int from) {
        List<Envelope> intact = new ArrayList<>();
        int damaged = 0;
        for (int i = from; i < decrypted.size(); i++) {
            if (decrypted.get(i).isPresent()) {
                intact.add(new Envelope(doc.envelopes.get(i).orElseThrow(), decrypted.get(i).get()));
            } else {
                damaged++;
            }
        }
        return new Loaded(doc, List.copyOf(intact), damaged);
    }

    private List<Optional<Contents>> decryptAll(VaultDocument doc) {
        Aead key = keyFor(doc);
        byte[] associatedData = doc.associatedData();
        List<Optional<Contents>> out = new ArrayList<>();
        for (Optional<byte[]> envelope : doc.envelopes) {
            out.add(envelope.flatMap(ciphertext -> Envelopes.decrypt(key, ciphertext, associatedData)));
        }
        return out;
    }

    /** Says why a file whose current envelope does not decrypt cannot be used, as precisely as can be known. */
    private VaultException unusable(VaultDocument doc, List<Optional<Contents>> decrypted) {
        for (int i = 1; i < decrypted.size(); i++) {
            if (decrypted.get(i).isPresent()) {
                return new VaultException(Reason.DAMAGED, "the current envelope of vault file " + file + " is damaged, "
                        + "but backup " + i + " of " + (decrypted.size() - 1) + ", written at "
                        + decrypted.get(i).get().writtenAt() + ", decrypts. Call Vaults.restoreNewestBackup(file, "
                        + "passphrase) to make it current again; changes made after that time are lost");
            }
        }
        if (doc.integrityProblem == null) {
            return new VaultException(Reason.WRONG_PASSPHRASE, "the passphrase does not unlock vault file " + file
                    + ". Check " + PassphraseSources.ENV + ", the passphrase file or the passphrase command");
        }
        return new VaultException(Reason.DAMAGED, "vault file " + file + " " + doc.integrityProblem + ", and neither its "
                + "current envelope nor any of its " + (decrypted.size() - 1) + " backup(s) decrypts with this "
                + "passphrase. Check the passphrase; if it is right, the damage hit the header or every envelope, "
                + "and only a copy of the file can help");
    }

    private Aead keyFor(VaultDocument doc) {
        if (aead != null && doc.kdf.equals(keyParams) && Arrays.equals(doc.salt, keySalt)) {
            return aead;
        }
        long needed = (long) doc.kdf.memoryKib() * 1024;
        long available = Runtime.getRuntime().maxMemory();
        if (needed > available / 2) {
            throw new VaultException(Reason.IO, "vault file " + file + " asks for " + (needed >> 20) + " MiB for key "
                    + "derivation, more than half of this JVM's " + (available >> 20) + " MiB heap. Raise -Xmx"
                    + (doc.integrityProblem == null ? "" : ", or, since the file " + doc.integrityProblem
                    + ", restore it from a copy"));
        }
        aead = Envelopes.aead(doc.kdf.deriveKey(passphrase, doc.salt));
        keyParams = doc.kdf;
        keySalt = doc.salt.clone();
        return aead;
    }

    // ---- writing ----------------------------------------------------------------------------------

    /** Reload, modify, write, all under the lock; {@code change} returns false when nothing changed. */
    private boolean mutate(String reason, Predicate<TreeMap<String, JsonNode>> change) {
        try (VaultLock lock = VaultLock.acquire(file)) {
            Loaded current = current();
            TreeMap<String, JsonNode> secrets = new TreeMap<>(current.current().secrets());
            if (!change.test(secrets)) {
                return false;
            }
            List<byte[]> envelopes = new ArrayList<>();
            envelopes.add(Envelopes.encrypt(keyFor(current.doc()), new Contents(Instant.now(), secrets),
                    current.doc().associatedData()));
            for (Envelope previous : current.intact()) {
                if (envelopes.size() > VaultDocument.MAX_BACKUPS) {
                    break;
                }
                envelopes.add(previous.ciphertext());
            }
            write(reason, current.doc(), envelopes, current.damagedBackups());
            return true;
        }
    }

    private void write(String reason, VaultDocument doc, List<byte[]> envelopes, int droppedDamaged) {
        byte[] bytes = VaultDocument.serialize(doc.kdf, doc.salt, envelopes);
        writeFile(bytes);
        Loaded state = load(bytes);
        remember(bytes, state);
        LOG.info("vault.write file={} reason={} keys={} backups={} dropped_damaged={}", file, reason,
                state.current().secrets().size(), envelopes.size() - 1, droppedDamaged);
    }

    private void createLocked() {
        if (Files.exists(file)) {
            throw new VaultException(Reason.IO, "vault file " + file + " already exists; refusing to overwrite it. "
                    + "Open it with Vaults.open, or move it away to start a new vault");
        }
        byte[] salt = newSalt();
        Aead newAead = Envelopes.aead(newKeyParams.deriveKey(passphrase, salt));
        byte[] envelope = Envelopes.encrypt(newAead, new Contents(Instant.now(), new TreeMap<>()),
                VaultDocument.associatedData(newKeyParams, salt));
        byte[] bytes = VaultDocument.serialize(newKeyParams, salt, List.of(envelope));
        writeFile(bytes);
        aead = newAead;
        keyParams = newKeyParams;
        keySalt = salt;
        remember(bytes, load(bytes));
        LOG.info("vault.write file={} reason=create keys=0 backups=0 kdf={}", file, newKeyParams.describe());
    }

    private void restoreLocked() {
        byte[] bytes = read(file);
        VaultDocument doc = VaultDocument.parse(file, bytes);
        List<Optional<Contents>> decrypted = decryptAll(doc);
        if (decrypted.get(0).isPresent()) {
            Loaded state = toLoaded(doc, decrypted, 0);
            if (state.damagedBackups() == 0 && doc.integrityProblem == null) {
                remember(bytes, state);
                LOG.info("vault.unlock file={} kdf={} keys={} backups={} restore=not_needed", file, doc.kdf.describe(),
                        state.current().secrets().size(), state.intact().size() - 1);
                return;
            }
            // The current secrets are intact: keep them, and drop only what is damaged.
            write("repair", doc, state.intact().stream().map(Envelope::ciphertext).toList(), state.damagedBackups());
            return;
        }
        int newest = -1;
        for (int i = 1; i < decrypted.size() && newest < 0; i++) {
            if (decrypted.get(i).isPresent()) {
                newest = i;
            }
        }
        if (newest < 0) {
            throw unusable(doc, decrypted);
        }
        Loaded restored = toLoaded(doc, decrypted, newest);
        byte[] repaired = VaultDocument.serialize(doc.kdf, doc.salt,
                restored.intact().stream().map(Envelope::ciphertext).toList());
        writeFile(repaired);
        remember(repaired, load(repaired));
        LOG.warn("vault.restore_backup file={} backup={} of={} written_at={} keys={} backups_left={}", file, newest,
                decrypted.size() - 1, restored.current().writtenAt(), restored.current().secrets().size(),
                restored.intact().size() - 1);
    }

    private void writeFile(byte[] bytes) {
        try {
            AtomicFiles.write(file, out -> out.write(bytes), true);
        } catch (IOException e) {
            throw new VaultException(Reason.IO, "cannot write vault file " + file + " (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); the previous file is unchanged", e);
        }
    }

    private static byte[] read(Path file) {
        try {
            if (Files.size(file) > VaultDocument.MAX_FILE_BYTES) {
                throw VaultDocument.damaged(file, "is larger than any vault (" + VaultDocument.MAX_FILE_BYTES
                        + " bytes): it is not a vault file. Check the path");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new VaultException(Reason.IO, "vault file " + file + " does not exist. Create it with Vaults.create "
                    + "(or Vaults.openOrCreate), or check the path", e);
        } catch (IOException e) {
            throw new VaultException(Reason.IO, "cannot read vault file " + file + " (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")", e);
        }
    }

    // ---- values -----------------------------------------------------------------------------------

    private static byte[] newSalt() {
        byte[] salt = new byte[KdfParams.SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
    }

    private static Secret requirePassphrase(Secret passphrase) {
        if (passphrase == null || passphrase.isEmpty()) {
            throw new VaultException(Reason.NO_PASSPHRASE, "no passphrase given for the vault (or an empty one). Set "
                    + PassphraseSources.ENV + ", or give a passphrase file or a passphrase command");
        }
        return passphrase;
    }

    private static Secret copy(Secret secret) {
        char[] chars = secret.reveal();
        try {
            return Secret.of(chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /** Never quotes the key: a caller who swapped key and value would otherwise print the value. */
    private static void requireKey(String key) {
        if (key == null || key.length() > MAX_KEY_LENGTH || !KEY.matcher(key).matches()) {
            throw new ConfigurationException("a secret key " + (key == null ? "is null" : "of " + key.length()
                    + " characters is not a dotted key") + ": use letters, digits, '_' and '-' in parts joined by "
                    + "dots, at most " + MAX_KEY_LENGTH + " characters, such as cloud_sync.s3");
        }
    }

    /** A value that is a JSON object is kept as JSON; anything else is kept as text. */
    private static JsonNode toNode(Secret value) {
        String text = value.revealString();
        if (text.stripLeading().startsWith("{")) {
            try {
                JsonNode node = Json.mapper().readTree(text);
                if (node != null && node.isObject()) {
                    return node;
                }
            } catch (IOException e) {
                // Not JSON after all; the parser's message is dropped because it would quote the value.
            }
        }
        return TextNode.valueOf(text);
    }

    private static Secret toSecret(JsonNode node) {
        if (node.isTextual()) {
            return Secret.of(node.textValue());
        }
        try {
            return Secret.of(Json.mapper().writeValueAsString(node));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a JSON secret (" + e.getClass().getSimpleName() + ")");
        }
    }
}
