package io.cloudsync.core.internal.vault;

import static io.cloudsync.core.internal.vault.VaultFixtures.CHEAP;
import static io.cloudsync.core.internal.vault.VaultFixtures.GDRIVE;
import static io.cloudsync.core.internal.vault.VaultFixtures.PASSPHRASE;
import static io.cloudsync.core.internal.vault.VaultFixtures.S3;
import static io.cloudsync.core.internal.vault.VaultFixtures.create;
import static io.cloudsync.core.internal.vault.VaultFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudsync.Secret;
import io.cloudsync.VaultException;
import io.cloudsync.VaultException.Reason;
import io.cloudsync.core.VaultStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version 1 files, as the first release wrote them, keep opening; the first write upgrades them; and
 * docs/FORMATS.md describes both versions exactly enough that {@link VaultSpec}, written from it alone,
 * reads what FileVault writes.
 */
class VaultVersionsTest {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("cloudsync.secrets.json");
    }

    private static String value(FileVault vault, String key) {
        return vault.get(key).orElseThrow().revealString();
    }

    @Test
    void version1File_opens_andReadingNeverRewritesIt() throws IOException {
        VaultFixtures.version1File(file());
        byte[] before = Files.readAllBytes(file());

        VaultStatus status = FileVault.inspect(file());
        assertThat(status.healthy()).isTrue();
        assertThat(status.formatVersion()).isEqualTo(1);
        assertThat(status.backups()).isEqualTo(5);
        assertThat(status.detail()).contains("version 1", "the next write upgrades it to version 2");

        FileVault vault = open(file());
        assertThat(vault.list()).containsExactly(S3);
        assertThat(value(vault, S3)).isEqualTo("v1-third ünïcode");
        assertThat(FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP).list()).containsExactly(S3);
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void version1File_wrongPassphrase_isStillWrongPassphrase() throws IOException {
        VaultFixtures.version1File(file());
        assertThatThrownBy(() -> FileVault.open(file(), Secret.of("correct horse battery stapler"), CHEAP))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE));
    }

    @Test
    void version1File_swappedEnvelopes_openSilently_whichIsWhyVersion2Exists() throws IOException {
        VaultFixtures.version1File(file());
        VaultFixtures.swapEnvelopes(file(), 0, 4);
        // Version 1 binds only the header: the oldest secret comes back as current, and nothing notices.
        assertThat(value(open(file()), S3)).isEqualTo("v1-first");
    }

    @Test
    void version1File_firstWrite_upgradesToVersion2_keepingEveryBackup() throws IOException {
        VaultFixtures.version1File(file());
        FileVault vault = open(file());
        vault.set("cloud_sync.new", Secret.of("after upgrade"));

        VaultStatus status = FileVault.inspect(file());
        assertThat(status.formatVersion()).isEqualTo(2);
        assertThat(status.healthy()).isTrue();
        assertThat(status.backups()).isEqualTo(5);
        JsonNode root = PLAIN.readTree(Files.readAllBytes(file()));
        assertThat(root.get("write_id").textValue()).isNotBlank();

        // The five newest envelopes survive, re-encrypted for their new places; the empty vault fell off the end.
        List<Map<String, String>> all = new ArrayList<>();
        byte[] key = VaultSpec.key(PASSPHRASE.revealString(), root);
        for (int slot = 0; slot < 6; slot++) {
            all.add(VaultSpec.readInPlace(root, key, slot).orElseThrow());
        }
        assertThat(all).extracting(secrets -> secrets.get(S3))
                .containsExactly("v1-third ünïcode", "v1-third ünïcode", "v1-second", "v1-second", "v1-second",
                        "v1-first");
        assertThat(all.get(0).get("cloud_sync.new")).isEqualTo("after upgrade");
        assertThat(all.get(3).get(GDRIVE)).isEqualTo("{\"type\":\"service_account\"}");
        // And the upgraded file now catches what version 1 could not.
        VaultFixtures.swapEnvelopes(file(), 0, 5);
        assertThatThrownBy(() -> open(file())).isInstanceOfSatisfying(VaultException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.DAMAGED));
    }

    @Test
    void version2File_asThisReleaseWroteIt_opensAndReadsInPlace() throws Exception {
        VaultFixtures.version2File(file());
        byte[] before = Files.readAllBytes(file());
        assertThat(FileVault.inspect(file()).healthy()).isTrue();
        assertThat(FileVault.inspect(file()).formatVersion()).isEqualTo(2);
        FileVault vault = open(file());
        assertThat(value(vault, S3)).isEqualTo("v2-second ünïcode");
        assertThat(value(vault, GDRIVE)).isEqualTo("{\"type\":\"service_account\"}");

        JsonNode root = PLAIN.readTree(before);
        assertThat(VaultSpec.checksum(root)).isEqualTo(root.get("checksum").textValue());
        byte[] key = VaultSpec.key(PASSPHRASE.revealString(), root);
        List<String> s3 = new ArrayList<>();
        for (int slot = 0; slot < 4; slot++) {
            s3.add(VaultSpec.readInPlace(root, key, slot).orElseThrow().getOrDefault(S3, "-"));
        }
        assertThat(s3).containsExactly("v2-second ünïcode", "v2-first", "v2-first", "-");
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    // ---- docs/FORMATS.md, checked by a second reader ----------------------------------------------

    @Test
    void spec_readsTheVersion1File_checksumAndEveryEnvelope() throws Exception {
        VaultFixtures.version1File(file());
        JsonNode root = PLAIN.readTree(Files.readAllBytes(file()));
        assertThat(VaultSpec.checksum(root)).isEqualTo(root.get("checksum").textValue());
        byte[] key = VaultSpec.key(PASSPHRASE.revealString(), root);
        List<String> s3 = new ArrayList<>();
        for (int slot = 0; slot < 6; slot++) {
            s3.add(VaultSpec.readInPlace(root, key, slot).orElseThrow().getOrDefault(S3, "-"));
        }
        assertThat(s3).containsExactly("v1-third ünïcode", "v1-second", "v1-second", "v1-second", "v1-first", "-");
        // In version 1 every envelope has the same associated data, so any of them decrypts in any slot.
        assertThat(VaultSpec.associatedDataV1(root)).isEqualTo(VaultDocument.associatedDataV1(
                new KdfParams(8, 1, 1), Base64.getDecoder().decode(root.get("header").get("kdf").get("salt").textValue())));
    }

    @Test
    void spec_readsAVersion2File_andEachEnvelopeOnlyInItsOwnPlace() throws Exception {
        FileVault vault = create(file());
        vault.set("k", Secret.of("one"));
        vault.set("k", Secret.of("two"));
        JsonNode root = PLAIN.readTree(Files.readAllBytes(file()));
        assertThat(root.get("version").intValue()).isEqualTo(2);
        assertThat(VaultSpec.checksum(root)).isEqualTo(root.get("checksum").textValue());

        byte[] key = VaultSpec.key(PASSPHRASE.revealString(), root);
        assertThat(VaultSpec.readInPlace(root, key, 0).orElseThrow()).containsEntry("k", "two");
        assertThat(VaultSpec.readInPlace(root, key, 1).orElseThrow()).containsEntry("k", "one");
        assertThat(VaultSpec.readInPlace(root, key, 2).orElseThrow()).isEmpty();
        List<String> envelopes = VaultFixtures.envelopes(root);
        for (int slot = 0; slot < 3; slot++) {
            for (int place = 0; place < 3; place++) {
                assertThat(VaultSpec.decrypt(key, envelopes.get(slot), VaultSpec.associatedDataV2(root, place, 3))
                        .isPresent()).as("envelope %d with the associated data of place %d", slot, place)
                        .isEqualTo(slot == place);
            }
            assertThat(VaultSpec.decrypt(key, envelopes.get(slot), VaultSpec.associatedDataV2(root, slot, 2))).isEmpty();
            assertThat(VaultSpec.decrypt(key, envelopes.get(slot), VaultSpec.associatedDataV1(root))).isEmpty();
        }
    }

    @Test
    void spec_associatedDataOfVersion2_isExactlyTheseBytes() {
        byte[] salt = new byte[16];
        byte[] writeId = new byte[16];
        for (int i = 0; i < 16; i++) {
            salt[i] = (byte) (0xf0 + i);
            writeId[i] = (byte) (0xfb - i * 7);
        }
        String expected = "{\"format\":\"cloudsync-vault\",\"version\":2,\"header\":{\"cipher\":\"AES256_GCM\","
                + "\"kdf\":{\"algorithm\":\"argon2id\",\"argon2_version\":19,\"memory_kib\":65536,\"iterations\":2,"
                + "\"parallelism\":4,\"salt\":\"8PHy8/T19vf4+fr7/P3+/w==\"}},\"write_id\":\"+/Tt5t/Y0crDvLWup6CZkg==\","
                + "\"envelope_index\":3,\"envelope_count\":6}";
        assertThat(new String(VaultDocument.associatedDataV2(KdfParams.DEFAULT, salt, writeId, 3, 6),
                StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(new String(VaultDocument.associatedDataV1(KdfParams.DEFAULT, salt), StandardCharsets.UTF_8))
                .isEqualTo("{\"format\":\"cloudsync-vault\",\"version\":1,\"header\":{\"cipher\":\"AES256_GCM\","
                        + "\"kdf\":{\"algorithm\":\"argon2id\",\"argon2_version\":19,\"memory_kib\":65536,"
                        + "\"iterations\":2,\"parallelism\":4,\"salt\":\"8PHy8/T19vf4+fr7/P3+/w==\"}}}");
    }

    @Test
    void spec_passphraseIsNotNormalised_composedAndDecomposedAreDifferentPassphrases() {
        String composed = "caf\u00e9";
        String decomposed = "cafe\u0301";
        FileVault.create(file(), Secret.of(composed), CHEAP).set("k", Secret.of("v"));
        assertThat(value(FileVault.open(file(), Secret.of(composed), CHEAP), "k")).isEqualTo("v");
        assertThatThrownBy(() -> FileVault.open(file(), Secret.of(decomposed), CHEAP))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE));
    }
}
