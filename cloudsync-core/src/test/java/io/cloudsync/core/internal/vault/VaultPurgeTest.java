package io.cloudsync.core.internal.vault;

import static io.cloudsync.core.internal.vault.VaultFixtures.GDRIVE;
import static io.cloudsync.core.internal.vault.VaultFixtures.PASSPHRASE;
import static io.cloudsync.core.internal.vault.VaultFixtures.S3;
import static io.cloudsync.core.internal.vault.VaultFixtures.create;
import static io.cloudsync.core.internal.vault.VaultFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code remove} leaves earlier values in the inline backups (documented); {@code purge} leaves none.
 * "None" is checked the hard way: {@link VaultSpec#readAll} decrypts every envelope in the file with
 * the passphrase and every associated data the format could give it.
 */
class VaultPurgeTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("cloudsync.secrets.json");
    }

    private List<Map<String, String>> everythingReadable() throws IOException {
        return VaultSpec.readAll(file(), PASSPHRASE.revealString());
    }

    private static String valuesOf(List<Map<String, String>> envelopes, String key) {
        StringBuilder out = new StringBuilder();
        envelopes.forEach(secrets -> out.append(secrets.getOrDefault(key, "")).append('|'));
        return out.toString();
    }

    @Test
    void remove_keepsEarlierValuesInTheBackups_purgeLeavesNoneAndKeepsTheOtherHistory() throws IOException {
        FileVault vault = create(file());
        vault.set("cloud_sync.token", Secret.of("LEAKED-1"));
        vault.set("other", Secret.of("o-1"));
        vault.set("cloud_sync.token", Secret.of("LEAKED-2"));
        vault.set("other", Secret.of("o-2"));

        vault.remove("cloud_sync.token");
        assertThat(vault.list()).containsExactly("other");
        assertThat(valuesOf(everythingReadable(), "cloud_sync.token")).contains("LEAKED-1", "LEAKED-2");

        assertThat(vault.purge("cloud_sync.token")).isTrue();

        List<Map<String, String>> left = everythingReadable();
        assertThat(left).hasSize(FileVault.inspect(file()).backups() + 1).hasSize(6);
        assertThat(left).allSatisfy(secrets -> assertThat(secrets).doesNotContainKey("cloud_sync.token"));
        assertThat(Files.readString(file())).doesNotContain("LEAKED");
        // The other key's history is still there, newest first, and the vault still works.
        assertThat(valuesOf(left, "other")).isEqualTo("o-2|o-2|o-1|o-1|||");
        assertThat(open(file()).get("other").orElseThrow().revealString()).isEqualTo("o-2");
    }

    @Test
    void purge_ofAKeyStillSet_removesItEverywhereAtOnce() throws IOException {
        FileVault vault = create(file());
        vault.set("k", Secret.of("LEAKED-1"));
        vault.set("k", Secret.of("LEAKED-2"));
        assertThat(vault.purge("k")).isTrue();
        assertThat(vault.get("k")).isEmpty();
        assertThat(everythingReadable()).hasSize(3).allSatisfy(secrets -> assertThat(secrets).isEmpty());
    }

    @Test
    void purge_onAVersion1File_reachesTheRemovedSecretInItsBackups() throws IOException {
        VaultFixtures.version1File(file());
        // The first release's file: the gdrive credentials were removed, yet backup 2 still holds them.
        assertThat(valuesOf(everythingReadable(), GDRIVE)).contains("service_account");
        FileVault vault = open(file());
        assertThat(vault.list()).doesNotContain(GDRIVE);

        assertThat(vault.purge(GDRIVE)).isTrue();

        assertThat(FileVault.inspect(file()).formatVersion()).isEqualTo(2);
        List<Map<String, String>> left = everythingReadable();
        assertThat(left).hasSize(6).allSatisfy(secrets -> assertThat(secrets).doesNotContainKey(GDRIVE));
        assertThat(valuesOf(left, S3)).startsWith("v1-third ünïcode|v1-second|");
    }

    @Test
    void purge_dropsBackupsThatDoNotDecrypt_sinceTheyCannotBeChecked() throws IOException {
        FileVault vault = create(file());
        vault.set("k", Secret.of("LEAKED-1"));
        vault.set("other", Secret.of("o"));
        VaultFixtures.damageEnvelope(file(), "backups");
        int before = FileVault.inspect(file()).backups();

        assertThat(vault.purge("k")).isTrue();
        assertThat(FileVault.inspect(file()).healthy()).isTrue();
        assertThat(FileVault.inspect(file()).backups()).isEqualTo(before - 1);
        assertThat(everythingReadable()).allSatisfy(secrets -> assertThat(secrets).doesNotContainKey("k"));
    }

    @Test
    void purge_ofAKeyThatIsNowhere_writesNothing() throws IOException {
        FileVault vault = create(file());
        vault.set("k", Secret.of("v"));
        byte[] before = Files.readAllBytes(file());
        assertThat(vault.purge("never.set")).isFalse();
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }
}
