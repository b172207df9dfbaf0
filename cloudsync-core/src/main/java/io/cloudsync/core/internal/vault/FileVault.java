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
import io.cloudsync.core.internal.vault.Envelopes.Contents;
import io.cloudsync.spi.Secrets;
import io.cloudsync.support.AtomicFiles;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
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

    /**
     * A file whose current envelope decrypts in its place; {@code intact} starts with it, then the backups
     * that decrypt, in the order they were written in ({@code movedBackups} of them only out of their place).
     */
    private record Loaded(VaultDocument doc, List<Contents> intact, int damagedBackups, int movedBackups) {
        Contents current() {
            return intact.get(0);
        }
    }

    /**
     * An envelope that decrypts, and the place it was written for: {@code index} 0 is the current
     * envelope of that write, k its k-th backup. {@code slot} is where the file holds it now; the two
     * differ only when envelopes were moved or removed outside cloudsync. {@code relabelled}: it
     * decrypts only as version 1 in a file that says version 2 (its place is then its slot).
     */
    private record Found(int slot, int index, boolean relabelled, Contents contents) {
        boolean misplaced() {
            return slot != index || relabelled;
        }
    }

    /** What every slot of a file decrypts to: in its own place ({@code inPlace}), or only elsewhere ({@code moved}). */
    private record Scan(VaultDocument doc, List<Optional<Contents>> inPlace, List<Found> moved) {
        /** Every envelope that decrypts, newest place first, one per place: what a repair keeps. */
        List<Found> genuine() {
            List<Found> all = new ArrayList<>(moved);
            for (int slot = 0; slot < inPlace.size(); slot++) {
                int at = slot;
                inPlace.get(slot).ifPresent(contents -> all.add(new Found(at, at, false, contents)));
            }
            // Version 1 envelopes predate any version 2 write, so they sort after it.
            all.sort(Comparator.comparing(Found::relabelled).thenComparingInt(Found::index)
                    .thenComparingInt(Found::slot));
            List<Found> unique = new ArrayList<>();
            for (Found found : all) {
                Found last = unique.isEmpty() ? null : unique.get(unique.size() - 1);
                if (last == null || last.relabelled() != found.relabelled() || last.index() != found.index()) {
                    unique.add(found);
                }
            }
            return unique.size() > VaultDocument.MAX_BACKUPS + 1
                    ? unique.subList(0, VaultDocument.MAX_BACKUPS + 1) : unique;
        }

        boolean whole() {
            return inPlace.stream().allMatch(Optional::isPresent) && doc.integrityProblem == null;
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
            String detail = "format " + VaultDocument.FORMAT + " version " + doc.version + ", key from "
                    + doc.kdf.describe() + ", " + doc.backupCount() + (doc.backupCount() == 1 ? " backup" : " backups")
                    + (doc.version < VaultDocument.VERSION ? "; the next write upgrades it to version "
                    + VaultDocument.VERSION : "");
            if (doc.integrityProblem != null) {
                problem = Optional.of(Reason.DAMAGED);
                detail = "vault file " + file + " is damaged: it " + doc.integrityProblem + ". Open it with the "
                        + "passphrase to learn which part is hit. " + VaultDocument.restoreHint();
            }
            return new VaultStatus(file, true, doc.version, doc.kdf.describe(), doc.backupCount(), problem, detail);
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
    public synchronized boolean purge(String key) {
        requireKey(key);
        try (VaultLock lock = VaultLock.acquire(file)) {
            Loaded current = current();
            boolean found = current.intact().stream().anyMatch(contents -> contents.secrets().containsKey(key));
            if (!found && current.damagedBackups() == 0) {
                return false;
            }
            // The old current envelope is not kept as a backup: it holds the key. Every backup that decrypts is
            // rewritten without it; one that does not decrypt cannot be checked, so it goes too.
            List<Contents> kept = new ArrayList<>();
            for (Contents contents : current.intact()) {
                TreeMap<String, JsonNode> secrets = new TreeMap<>(contents.secrets());
                secrets.remove(key);
                kept.add(new Contents(kept.isEmpty() ? Instant.now() : contents.writtenAt(), secrets));
            }
            write("purge", current.doc().kdf, current.doc().salt, keyFor(current.doc()), kept,
                    current.damagedBackups());
            return found;
        }
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
            // The backups are purged, not carried over: they hold earlier values (often the very credentials
            // being rotated), and keeping them would make the new passphrase unlock those too.
            byte[] bytes = encryptAll(newKeyParams, salt, newAead, List.of(current.current()));
            writeFile(bytes);
            passphrase.destroy();
            passphrase = copy(newPassphrase);
            keyParams = newKeyParams;
            keySalt = salt;
            aead = newAead;
            remember(bytes, load(bytes));
            LOG.info("vault.write file={} reason=rotate_passphrase version={} keys={} backups=0 purged_backups={} "
                    + "dropped_damaged={} kdf={}", file, VaultDocument.VERSION, current.current().secrets().size(),
                    current.intact().size() - 1, current.damagedBackups(), newKeyParams.describe());
            logUpgrade(current.doc().version);
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
        LOG.info("vault.unlock file={} version={} kdf={} keys={} backups={}", file, state.doc().version,
                state.doc().kdf.describe(), state.current().secrets().size(), state.intact().size() - 1);
    }

    /** The file as it is now on disk, decrypted; re-decrypts only when the bytes changed. */
    private Loaded current() {
        byte[] bytes = read(file);
        if (loaded != null && Arrays.equals(bytes, lastBytes)) {
            return loaded;
        }
        Loaded state = load(bytes);
        int moved = state.movedBackups();
        if (state.damagedBackups() > 0 || moved > 0 || state.doc().integrityProblem != null) {
            LOG.warn("vault.damaged file={} problem=\"{}\" damaged_backups={} moved_backups={} current=intact "
                    + "action=\"the next write drops the damaged backups and puts moved ones back; "
                    + "Vaults.restoreNewestBackup repairs the file now\"", file,
                    state.doc().integrityProblem == null ? "backups do not decrypt in their place"
                            : state.doc().integrityProblem, state.damagedBackups(), moved);
        }
        remember(bytes, state);
        return state;
    }

    private void remember(byte[] bytes, Loaded state) {
        lastBytes = bytes;
        loaded = state;
    }

    /**
     * Parses and decrypts; refuses a file whose current envelope does not decrypt in its place. Backups
     * that decrypt only out of place (moved outside cloudsync) are kept, in the order they were written
     * in, so the next write puts them back; backups that do not decrypt at all are dropped by it.
     */
    private Loaded load(byte[] bytes) {
        VaultDocument doc = VaultDocument.parse(file, bytes);
        Scan scan = scan(doc);
        if (scan.inPlace().get(0).isEmpty()) {
            throw unusable(scan);
        }
        List<Found> genuine = scan.genuine();
        List<Contents> intact = genuine.stream().map(Found::contents).toList();
        int moved = (int) genuine.stream().filter(Found::misplaced).count();
        return new Loaded(doc, intact, doc.envelopes.size() - intact.size(), moved);
    }

    private Scan scan(VaultDocument doc) {
        List<Optional<Contents>> inPlace = decryptInPlace(doc);
        boolean allInPlace = inPlace.stream().allMatch(Optional::isPresent);
        return new Scan(doc, inPlace, allInPlace ? List.of() : searchMoved(doc, inPlace));
    }

    /** Each envelope with the associated data of the slot it is in. */
    private List<Optional<Contents>> decryptInPlace(VaultDocument doc) {
        Aead key = keyFor(doc);
        List<Optional<Contents>> out = new ArrayList<>();
        for (int slot = 0; slot < doc.envelopes.size(); slot++) {
            byte[] associatedData = doc.associatedData(slot);
            out.add(doc.envelopes.get(slot).flatMap(ciphertext -> Envelopes.decrypt(key, ciphertext, associatedData)));
        }
        return out;
    }

    /**
     * For the envelopes of a version 2 file that do not decrypt in their slot: whether they decrypt in
     * another place of the same write (moved, or shifted by a removal), or as version 1 (the version
     * number was changed). At most 6 x 21 + 6 AES-GCM attempts on a few hundred bytes each, and only
     * when something is already wrong: it proves the passphrase right, so the file is reported as
     * damaged rather than the passphrase as wrong, and it lets a repair put the envelopes back.
     */
    private List<Found> searchMoved(VaultDocument doc, List<Optional<Contents>> inPlace) {
        List<Found> out = new ArrayList<>();
        if (doc.version != VaultDocument.VERSION_2) {
            return out; // version 1 binds no place: nothing to search for
        }
        Aead key = keyFor(doc);
        int slots = doc.envelopes.size();
        for (int slot = 0; slot < slots; slot++) {
            Optional<byte[]> ciphertext = doc.envelopes.get(slot);
            if (inPlace.get(slot).isPresent() || ciphertext.isEmpty()) {
                continue;
            }
            Optional<Found> found = Optional.empty();
            for (int count = 1; count <= VaultDocument.MAX_BACKUPS + 1 && found.isEmpty(); count++) {
                for (int index = 0; index < count && found.isEmpty(); index++) {
                    if (index == slot && count == slots) {
                        continue; // the slot's own place, already tried
                    }
                    int at = slot;
                    int place = index;
                    found = Envelopes.decrypt(key, ciphertext.get(),
                                    VaultDocument.associatedDataV2(doc.kdf, doc.salt, doc.writeId, index, count))
                            .map(contents -> new Found(at, place, false, contents));
                }
            }
            if (found.isEmpty()) {
                int at = slot;
                found = Envelopes.decrypt(key, ciphertext.get(), VaultDocument.associatedDataV1(doc.kdf, doc.salt))
                        .map(contents -> new Found(at, at, true, contents));
            }
            found.ifPresent(out::add);
        }
        return out;
    }

    /** Says why a file whose current envelope does not decrypt in its place cannot be used, as precisely as can be known. */
    private VaultException unusable(Scan scan) {
        VaultDocument doc = scan.doc();
        int slots = scan.inPlace().size();
        if (!scan.moved().isEmpty()) {
            Found newest = scan.genuine().get(0);
            return new VaultException(Reason.DAMAGED, "vault file " + file + " is damaged: its envelopes were "
                    + "moved, removed or relabelled outside cloudsync (" + scan.moved().size() + " of " + slots
                    + " decrypt with this passphrase, but not in the place the file gives them). The passphrase is "
                    + "right. Call Vaults.restoreNewestBackup(file, passphrase) to put the envelopes that decrypt back "
                    + "in order. The newest of them " + (newest.index() == 0 ? "is the current envelope, written at "
                    + newest.contents().writtenAt() : "was written at " + newest.contents().writtenAt()
                    + " (the current envelope is gone), and changes made after that time are lost"));
        }
        for (int i = 1; i < slots; i++) {
            if (scan.inPlace().get(i).isPresent()) {
                return new VaultException(Reason.DAMAGED, "vault file " + file + " is damaged: its current envelope "
                        + "does not decrypt, but backup " + i + " of " + (slots - 1) + ", written at "
                        + scan.inPlace().get(i).get().writtenAt() + ", does. Call Vaults.restoreNewestBackup(file, "
                        + "passphrase) to make it current again; changes made after that time are lost");
            }
        }
        if (doc.integrityProblem == null) {
            return new VaultException(Reason.WRONG_PASSPHRASE, "the passphrase does not unlock vault file " + file
                    + ". Check " + PassphraseSources.ENV + ", the passphrase file or the passphrase command. (If the "
                    + "passphrase is certainly right, the file's header was rewritten together with its checksum: "
                    + "restore the file from a copy)");
        }
        return new VaultException(Reason.DAMAGED, "vault file " + file + " is damaged: it " + doc.integrityProblem
                + ", and neither its current envelope nor any of its " + (slots - 1) + " backup(s) decrypts with "
                + "this passphrase. If the passphrase is right, the damage hit the header or every envelope, and only "
                + "a copy of the file can help");
    }

    private Aead keyFor(VaultDocument doc) {
        if (aead != null && doc.kdf.equals(keyParams) && Arrays.equals(doc.salt, keySalt)) {
            return aead;
        }
        long needed = (long) doc.kdf.memoryKib() * 1024;
        long available = Runtime.getRuntime().maxMemory();
        if (needed > available / 2) {
            if (doc.integrityProblem != null) {
                throw new VaultException(Reason.DAMAGED, "vault file " + file + " is damaged: it "
                        + doc.integrityProblem + ", and its header asks for " + (needed >> 20) + " MiB for key "
                        + "derivation, more than half of this JVM's " + (available >> 20) + " MiB heap. The header "
                        + "was probably hit: restore the file from a copy");
            }
            throw new VaultException(Reason.IO, "vault file " + file + " asks for " + (needed >> 20) + " MiB for key "
                    + "derivation, more than half of this JVM's " + (available >> 20) + " MiB heap. Raise -Xmx");
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
            List<Contents> envelopes = new ArrayList<>();
            envelopes.add(new Contents(Instant.now(), secrets));
            for (Contents previous : current.intact()) {
                if (envelopes.size() > VaultDocument.MAX_BACKUPS) {
                    break;
                }
                envelopes.add(previous);
            }
            write(reason, current.doc().kdf, current.doc().salt, keyFor(current.doc()), envelopes,
                    current.damagedBackups());
            return true;
        }
    }

    /**
     * Writes {@code envelopes} (newest first) as a version 2 file under a fresh write id: every envelope is
     * encrypted again for its new place, so a version 1 file is upgraded by its first write.
     */
    private void write(String reason, KdfParams kdf, byte[] salt, Aead key, List<Contents> envelopes,
                       int droppedDamaged) {
        int versionBefore = loaded == null ? 0 : loaded.doc().version;
        byte[] bytes = encryptAll(kdf, salt, key, envelopes);
        writeFile(bytes);
        Loaded state = load(bytes);
        remember(bytes, state);
        LOG.info("vault.write file={} reason={} version={} keys={} backups={} dropped_damaged={}", file, reason,
                VaultDocument.VERSION, state.current().secrets().size(), envelopes.size() - 1, droppedDamaged);
        logUpgrade(versionBefore);
    }

    private void logUpgrade(int versionBefore) {
        if (versionBefore != 0 && versionBefore < VaultDocument.VERSION) {
            LOG.info("vault.upgrade file={} from_version={} to_version={}", file, versionBefore, VaultDocument.VERSION);
        }
    }

    private static byte[] encryptAll(KdfParams kdf, byte[] salt, Aead key, List<Contents> envelopes) {
        byte[] writeId = new byte[VaultDocument.WRITE_ID_BYTES];
        RANDOM.nextBytes(writeId);
        List<byte[]> ciphertexts = new ArrayList<>();
        for (int index = 0; index < envelopes.size(); index++) {
            ciphertexts.add(Envelopes.encrypt(key, envelopes.get(index),
                    VaultDocument.associatedDataV2(kdf, salt, writeId, index, envelopes.size())));
        }
        return VaultDocument.serialize(kdf, salt, writeId, ciphertexts);
    }

    private void createLocked() {
        if (Files.exists(file)) {
            throw new VaultException(Reason.IO, "vault file " + file + " already exists; refusing to overwrite it. "
                    + "Open it with Vaults.open, or move it away to start a new vault");
        }
        byte[] salt = newSalt();
        Aead newAead = Envelopes.aead(newKeyParams.deriveKey(passphrase, salt));
        byte[] bytes = encryptAll(newKeyParams, salt, newAead, List.of(new Contents(Instant.now(), new TreeMap<>())));
        writeFile(bytes);
        aead = newAead;
        keyParams = newKeyParams;
        keySalt = salt;
        remember(bytes, load(bytes));
        LOG.info("vault.write file={} reason=create version={} keys=0 backups=0 kdf={}", file, VaultDocument.VERSION,
                newKeyParams.describe());
    }

    private void restoreLocked() {
        byte[] bytes = read(file);
        VaultDocument doc = VaultDocument.parse(file, bytes);
        Scan scan = scan(doc);
        List<Found> genuine = scan.genuine();
        if (genuine.isEmpty()) {
            throw unusable(scan);
        }
        Aead key = keyFor(doc);
        List<Contents> envelopes = genuine.stream().map(Found::contents).toList();
        int damaged = scan.inPlace().size() - (int) scan.inPlace().stream().filter(Optional::isPresent).count();
        if (scan.inPlace().get(0).isPresent()) {
            if (scan.whole()) {
                remember(bytes, load(bytes));
                LOG.info("vault.unlock file={} version={} kdf={} keys={} backups={} restore=not_needed", file,
                        doc.version, doc.kdf.describe(), envelopes.get(0).secrets().size(), envelopes.size() - 1);
                return;
            }
            // The current secrets are intact: keep them; put moved backups back in place, drop what is damaged.
            remember(bytes, load(bytes));
            write("repair", doc.kdf, doc.salt, key, envelopes, damaged - scan.moved().size());
            return;
        }
        Found newest = genuine.get(0);
        byte[] repaired = encryptAll(doc.kdf, doc.salt, key, envelopes);
        writeFile(repaired);
        remember(repaired, load(repaired));
        LOG.warn("vault.restore_backup file={} backup={} of={} moved={} written_at={} keys={} backups_left={}", file,
                newest.index(), scan.inPlace().size() - 1, newest.misplaced(), newest.contents().writtenAt(),
                newest.contents().secrets().size(), envelopes.size() - 1);
        logUpgrade(doc.version);
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
