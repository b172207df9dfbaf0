package io.cloudsync.core.internal.vault;

import static io.cloudsync.core.internal.vault.VaultFixtures.CHEAP;
import static io.cloudsync.core.internal.vault.VaultFixtures.PASSPHRASE;
import static io.cloudsync.core.internal.vault.VaultFixtures.create;
import static io.cloudsync.core.internal.vault.VaultFixtures.envelopes;
import static io.cloudsync.core.internal.vault.VaultFixtures.open;
import static io.cloudsync.core.internal.vault.VaultFixtures.reseal;
import static io.cloudsync.core.internal.vault.VaultFixtures.setEnvelopes;
import static io.cloudsync.core.internal.vault.VaultFixtures.swapEnvelopes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Secret;
import io.cloudsync.VaultException;
import io.cloudsync.VaultException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version 2 binds each envelope to its place and its write. Every edit here is made as someone who
 * knows the format would make it: the file is written back in the exact layout with a correct
 * checksum ({@link VaultFixtures#reseal}), so neither {@code inspect} nor the checksum can notice; only
 * the envelopes' tags do. Each case must say "damaged", never "wrong passphrase", and never open with
 * anything but the secrets last written.
 */
class VaultPositionTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("cloudsync.secrets.json");
    }

    /** current {@code a = "S-NEW-2"}, backups {@code "S-NEW-1"}, {@code "S-OLD"}, the empty vault. */
    private FileVault fourEnvelopes() {
        FileVault vault = create(file());
        vault.set("a", Secret.of("S-OLD"));
        vault.set("a", Secret.of("S-NEW-1"));
        vault.set("a", Secret.of("S-NEW-2"));
        return vault;
    }

    private static String value(FileVault vault, String key) {
        return vault.get(key).orElseThrow().revealString();
    }

    /** The file is refused as damaged, with a message that says so and names no value. */
    private static void assertDamaged(ThrowingCallable open, String... mentions) {
        assertThatThrownBy(open).isInstanceOfSatisfying(VaultException.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.DAMAGED);
            assertThat(e.getMessage()).contains("is damaged");
            for (String mention : mentions) {
                assertThat(e.getMessage()).contains(mention);
            }
            assertThat(e.getMessage()).doesNotContain("does not unlock", "S-OLD", "S-NEW-1", "S-NEW-2", PASSPHRASE.revealString());
        });
    }

    /** The values of {@code a} from the current envelope back, as restoring one backup after another yields them. */
    private List<String> historyOfA() throws IOException {
        List<String> out = new ArrayList<>();
        FileVault vault = open(file());
        while (true) {
            out.add(vault.get("a").map(Secret::revealString).orElse("-"));
            if (FileVault.inspect(file()).backups() == 0) {
                return out;
            }
            VaultFixtures.damageEnvelope(file(), "current");
            vault = FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP);
        }
    }

    @Test
    void swapCurrentWithABackup_isDamaged_andRestorePutsEveryEnvelopeBack() throws IOException {
        fourEnvelopes();
        swapEnvelopes(file(), 0, 2);
        assertThat(FileVault.inspect(file()).healthy()).as("the checksum was recomputed").isTrue();

        assertDamaged(() -> open(file()), "moved, removed or relabelled", "is the current envelope", "restoreNewestBackup");

        assertThat(value(FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP), "a")).isEqualTo("S-NEW-2");
        assertThat(historyOfA()).containsExactly("S-NEW-2", "S-NEW-1", "S-OLD", "-");
    }

    @Test
    void swapOfTheOnlyTwoEnvelopes_isDamagedNotWrongPassphrase() throws IOException {
        create(file()).set("a", Secret.of("S-NEW-2"));
        swapEnvelopes(file(), 0, 1);
        // Neither envelope decrypts in its slot: without the search for moved envelopes this was "wrong passphrase".
        assertDamaged(() -> open(file()), "moved", "is the current envelope");
        assertThat(value(FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP), "a")).isEqualTo("S-NEW-2");
    }

    @Test
    void swapOfTwoBackups_opensWithTheCurrentSecrets_andTheNextWritePutsThemBack() throws IOException {
        fourEnvelopes();
        swapEnvelopes(file(), 1, 2);
        // The current envelope is authentic (it names this write and its place), so the secrets are right.
        FileVault vault = open(file());
        assertThat(value(vault, "a")).isEqualTo("S-NEW-2");
        vault.set("b", Secret.of("x"));
        assertThat(historyOfA()).containsExactly("S-NEW-2", "S-NEW-2", "S-NEW-1", "S-OLD", "-");
    }

    @Test
    void swapOfTwoBackups_restoreReordersThem() throws IOException {
        fourEnvelopes();
        swapEnvelopes(file(), 1, 3);
        FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP);
        assertThat(FileVault.inspect(file()).backups()).isEqualTo(3);
        assertThat(historyOfA()).containsExactly("S-NEW-2", "S-NEW-1", "S-OLD", "-");
    }

    @Test
    void removedEnvelope_anywhere_isDamaged() throws IOException {
        fourEnvelopes();
        byte[] whole = Files.readAllBytes(file());
        for (int removed = 0; removed < 4; removed++) {
            Files.write(file(), whole);
            int slot = removed;
            reseal(file(), root -> {
                List<String> all = envelopes(root);
                all.remove(slot);
                setEnvelopes(root, all);
            });
            // Every remaining envelope names a count of 4, so none decrypts in place; the search says why.
            assertDamaged(() -> open(file()), "moved, removed or relabelled");
            FileVault restored = FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP);
            assertThat(value(restored, "a")).as("after removing slot %d", slot).isEqualTo(slot == 0 ? "S-NEW-1" : "S-NEW-2");
            assertThat(FileVault.inspect(file()).backups()).isEqualTo(2);
        }
    }

    @Test
    void removedCurrent_saysWhichChangesAreLost() throws IOException {
        fourEnvelopes();
        reseal(file(), root -> setEnvelopes(root, envelopes(root).subList(1, 4)));
        assertDamaged(() -> open(file()), "newest of them was written at", "changes made after that time are lost");
    }

    @Test
    void rollbackOfTheCurrentEnvelope_toAnOlderCopy_isDamaged() throws IOException {
        FileVault vault = create(file());
        vault.set("a", Secret.of("S-OLD"));
        String olderCurrent = envelopes(file()).get(0);
        vault.set("a", Secret.of("S-NEW-1"));
        vault.set("a", Secret.of("S-NEW-2"));

        // An older copy of the file's own current envelope, put back: in version 1 it opened as "S-OLD".
        reseal(file(), root -> root.put("current", olderCurrent));
        assertDamaged(() -> open(file()), "current envelope does not decrypt", "backup 1 of 3");
        assertThat(value(FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP), "a")).isEqualTo("S-NEW-1");
    }

    @Test
    void rollbackWithinTheFile_backupCopiedOverCurrent_isDamaged() throws IOException {
        fourEnvelopes();
        reseal(file(), root -> {
            List<String> all = envelopes(root);
            all.set(0, all.get(2));
            setEnvelopes(root, all);
        });
        assertDamaged(() -> open(file()), "moved", "changes made after that time are lost");
    }

    @Test
    void rollbackOfABackup_toAnOlderCopy_isDroppedAsDamaged_neverRestored() throws IOException {
        FileVault vault = create(file());
        vault.set("a", Secret.of("S-OLD"));
        String olderCurrent = envelopes(file()).get(0);
        vault.set("a", Secret.of("S-NEW-1"));
        vault.set("a", Secret.of("S-NEW-2"));
        reseal(file(), root -> {
            List<String> all = envelopes(root);
            all.set(3, olderCurrent);
            setEnvelopes(root, all);
        });
        assertThat(value(open(file()), "a")).isEqualTo("S-NEW-2");
        FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP);
        assertThat(historyOfA()).containsExactly("S-NEW-2", "S-NEW-1", "S-OLD");
    }

    @Test
    void envelopeFromAnotherWrite_underTheOldWriteId_isDamaged() throws IOException {
        FileVault vault = create(file());
        vault.set("a", Secret.of("S-OLD"));
        byte[] older = Files.readAllBytes(file());
        vault.set("a", Secret.of("S-NEW-1"));
        // Splicing the whole older envelope list with its write id, but keeping the newer file's count of
        // envelopes, is caught too: the older write made 2 envelopes, this list claims 3.
        reseal(file(), root -> {
            ObjectNode old = readTree(older);
            List<String> all = envelopes(old);
            all.add(envelopes(root).get(2));
            root.put("write_id", old.get("write_id").textValue());
            setEnvelopes(root, all);
        });
        assertDamaged(() -> open(file()), "is damaged");
    }

    // ---- the header ---------------------------------------------------------------------------------

    private void assertHeaderEditIsDamaged(String what, Consumer<ObjectNode> edit) throws IOException {
        Files.deleteIfExists(file());
        fourEnvelopes();
        ObjectNode root = readTree(Files.readAllBytes(file()));
        edit.accept(root);
        Files.write(file(), VaultDocument.pretty(root)); // the old checksum stays: a hand edit
        assertThat(FileVault.inspect(file()).problem()).as(what).contains(Reason.DAMAGED);
        assertDamaged(() -> open(file()));
    }

    private static ObjectNode kdf(ObjectNode root) {
        return (ObjectNode) root.get("header").get("kdf");
    }

    @Test
    void editedKdfParameters_areDamaged() throws IOException {
        assertHeaderEditIsDamaged("memory", root -> kdf(root).put("memory_kib", 16));
        assertHeaderEditIsDamaged("iterations", root -> kdf(root).put("iterations", 2));
        assertHeaderEditIsDamaged("parallelism", root -> kdf(root).put("parallelism", 2).put("memory_kib", 16));
    }

    @Test
    void editedSalt_isDamaged() throws IOException {
        assertHeaderEditIsDamaged("salt", root -> {
            String salt = kdf(root).get("salt").textValue();
            kdf(root).put("salt", (salt.charAt(0) == 'A' ? "B" : "A") + salt.substring(1));
        });
    }

    @Test
    void editedVersion_isDamaged_exceptAVersionFromTheFuture() throws IOException {
        assertHeaderEditIsDamaged("version 1", root -> root.put("version", 1));
        assertHeaderEditIsDamaged("version 0", root -> root.put("version", 0));
        assertHeaderEditIsDamaged("version -1", root -> root.put("version", -1));
        // Re-sealed, and the version 2 field dropped: still refused, as a version 1 file no release wrote.
        Files.delete(file());
        fourEnvelopes();
        reseal(file(), root -> root.put("version", 0));
        assertDamaged(() -> open(file()), "version 0");
        // A higher number is what a newer cloudsync writes; it must ask for an upgrade, not call the file damaged.
        reseal(file(), root -> root.put("version", 3));
        assertThatThrownBy(() -> open(file())).isInstanceOfSatisfying(VaultException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NEWER_VERSION));
    }

    @Test
    void versionRelabelledDown_withTheWriteIdKept_isDamaged() throws IOException {
        fourEnvelopes();
        reseal(file(), root -> root.put("version", 1));
        assertDamaged(() -> open(file()), "unexpected field \"write_id\"");
    }

    @Test
    void version1File_relabelledAsVersion2_isDamaged_andRestoreRecoversIt() throws IOException {
        VaultFixtures.version1File(file());
        reseal(file(), root -> {
            ObjectNode relabelled = root.objectNode();
            root.properties().forEach(field -> {
                relabelled.set(field.getKey(), field.getValue());
                if (field.getKey().equals("header")) {
                    relabelled.put("write_id", "AAAAAAAAAAAAAAAAAAAAAA==");
                }
            });
            relabelled.put("version", 2);
            root.removeAll();
            root.setAll(relabelled);
        });
        assertDamaged(() -> open(file()), "relabelled", "is the current envelope");
        FileVault restored = FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP);
        assertThat(value(restored, VaultFixtures.S3)).isEqualTo("v1-third ünïcode");
        assertThat(FileVault.inspect(file()).backups()).isEqualTo(5);
    }

    @Test
    void headerAskingForMoreMemoryThanTheHeap_afterAnEdit_isDamagedNotIo() throws IOException {
        assumeTrue(Runtime.getRuntime().maxMemory() / 2 < (long) KdfParams.MAX_MEMORY_KIB * 1024,
                "the heap is large enough to try a 4 GiB derivation; this test needs a smaller one");
        assertHeaderEditIsDamaged("memory", root -> kdf(root).put("memory_kib", KdfParams.MAX_MEMORY_KIB));
    }

    @Test
    void headerRewrittenTogetherWithItsChecksum_cannotBeToldFromAWrongPassphrase_andTheMessageSaysSo()
            throws IOException {
        // A new salt derives a different key: the file is then exactly a vault made with another passphrase.
        fourEnvelopes();
        reseal(file(), root -> kdf(root).put("salt", "AAAAAAAAAAAAAAAAAAAAAA=="));
        assertThatThrownBy(() -> open(file())).isInstanceOfSatisfying(VaultException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE);
            assertThat(e.getMessage()).contains("does not unlock", "header was rewritten together with its checksum");
        });
    }

    // ---- the wrong passphrase is still the wrong passphrase ---------------------------------------

    @Test
    void wrongPassphrase_onAFullFile_isWrongPassphrase() {
        FileVault vault = create(file());
        for (int i = 0; i < 7; i++) {
            vault.set("a", Secret.of("v" + i));
        }
        assertThat(FileVault.inspect(file()).backups()).isEqualTo(5);
        assertThatThrownBy(() -> FileVault.open(file(), Secret.of("Correct horse battery staple"), CHEAP))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE);
                    assertThat(e.getMessage()).contains("does not unlock").doesNotContain("is damaged",
                            "Correct horse");
                });
    }

    private static ObjectNode readTree(byte[] bytes) {
        try {
            return (ObjectNode) io.cloudsync.support.Json.mapper().readTree(
                    new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
