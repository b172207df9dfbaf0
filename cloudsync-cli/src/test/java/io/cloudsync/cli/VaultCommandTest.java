package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Secret;
import io.cloudsync.Vault;
import io.cloudsync.core.Vaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultCommandTest {

    static final String VALUE = "s3cr3t-value-that-must-not-leak";
    static final Map<String, String> ENV = Map.of("CLOUDSYNC_SECRETS_KEY", "correct horse");

    @TempDir
    Path tmp;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(tmp);
    }

    private Fixture.Run vault(Map<String, String> env, String stdin, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "vault";
        System.arraycopy(args, 0, all, 1, args.length);
        return Fixture.runIn(f.root, env, stdin, all);
    }

    @Test
    void setGetListRemove_roundTripWithoutEverPrintingTheValueUnlessRevealed() {
        Fixture.Run set = vault(ENV, VALUE + "\n", "set", "cloud_sync.s3.secret_access_key");
        assertThat(set.code()).as(set.toString()).isZero();
        assertThat(set.out()).contains("Created the vault");
        assertThat(f.root.resolve("config/cloudsync.secrets.json")).exists();

        Fixture.Run get = vault(ENV, "", "get", "cloud_sync.s3.secret_access_key");
        assertThat(get.code()).isZero();
        assertThat(get.out()).contains("is set", "--reveal");

        Fixture.Run list = vault(ENV, "", "list", "--json");
        assertThat(list.json().get("vault").get("keys").get(0).asText()).isEqualTo("cloud_sync.s3.secret_access_key");

        for (Fixture.Run run : new Fixture.Run[] {set, get, list}) {
            assertThat(run.out() + run.err()).doesNotContain(VALUE);
        }

        Fixture.Run reveal = vault(ENV, "", "get", "cloud_sync.s3.secret_access_key", "--reveal");
        assertThat(reveal.out()).isEqualTo(VALUE + System.lineSeparator());

        Fixture.Run remove = vault(ENV, "", "remove", "cloud_sync.s3.secret_access_key");
        assertThat(remove.out()).contains("Removed");
        Fixture.Run gone = vault(ENV, "", "get", "cloud_sync.s3.secret_access_key");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).contains("is not in the vault");
    }

    /**
     * What {@code key} held in each envelope of the vault file, newest first: the current envelope,
     * then each backup, reached with the passphrase by breaking the current envelope of a copy and
     * restoring the newest backup, again and again. "-" where the key is absent.
     */
    private List<String> valueInEveryEnvelope(String key) throws IOException {
        Path copy = tmp.resolve("walk.secrets.json");
        Files.copy(f.root.resolve("config/cloudsync.secrets.json"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Secret passphrase = Secret.of(ENV.get("CLOUDSYNC_SECRETS_KEY"));
        List<String> out = new ArrayList<>();
        Vault vault = Vaults.open(copy, passphrase);
        while (true) {
            out.add(vault.get(key).map(Secret::revealString).orElse("-"));
            if (Vaults.inspect(copy).backups() == 0) {
                return out;
            }
            ObjectNode root = (ObjectNode) Fixture.MAPPER.readTree(copy.toFile());
            byte[] current = Base64.getDecoder().decode(root.get("current").textValue());
            current[20] ^= 1;
            root.put("current", Base64.getEncoder().encodeToString(current));
            Files.write(copy, Fixture.MAPPER.writeValueAsBytes(root));
            vault = Vaults.restoreNewestBackup(copy, passphrase);
        }
    }

    @Test
    void remove_leavesEarlierValuesInTheBackups_removePurge_leavesThemNowhere() throws IOException {
        assertThat(vault(ENV, VALUE, "set", "cloud_sync.s3.secret_access_key").code()).isZero();
        assertThat(vault(ENV, "other", "set", "cloud_sync.other").code()).isZero();

        Fixture.Run remove = vault(ENV, "", "remove", "cloud_sync.s3.secret_access_key");
        assertThat(remove.code()).isZero();
        assertThat(remove.out()).contains("Removed", "stay in the vault's backups", "--purge");
        assertThat(valueInEveryEnvelope("cloud_sync.s3.secret_access_key")).contains(VALUE);

        Fixture.Run purge = vault(ENV, "", "remove", "cloud_sync.s3.secret_access_key", "--purge", "--json");
        assertThat(purge.code()).as(purge.toString()).isZero();
        assertThat(purge.json().get("vault").get("removed").asBoolean()).isTrue();
        assertThat(purge.json().get("vault").get("purged").asBoolean()).isTrue();
        assertThat(purge.out() + purge.err()).doesNotContain(VALUE);

        List<String> after = valueInEveryEnvelope("cloud_sync.s3.secret_access_key");
        assertThat(after).hasSize(Vaults.inspect(f.root.resolve("config/cloudsync.secrets.json")).backups() + 1)
                .containsOnly("-");
        assertThat(valueInEveryEnvelope("cloud_sync.other").get(0)).isEqualTo("other");

        Fixture.Run again = vault(ENV, "", "remove", "cloud_sync.s3.secret_access_key", "--purge");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("was not in the vault or its backups");
    }

    @Test
    void swappedEnvelopes_exit1SayingDamaged_notWrongPassphrase() throws IOException {
        assertThat(vault(ENV, "first", "set", "cloud_sync.x").code()).isZero();
        assertThat(vault(ENV, "second", "set", "cloud_sync.x").code()).isZero();
        Path file = f.root.resolve("config/cloudsync.secrets.json");
        ObjectNode root = (ObjectNode) Fixture.MAPPER.readTree(file.toFile());
        String current = root.get("current").textValue();
        root.put("current", root.get("backups").get(0).textValue());
        ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("backups")).set(0, current);
        Files.write(file, Fixture.MAPPER.writeValueAsBytes(root));

        Fixture.Run list = vault(ENV, "", "list");
        assertThat(list.code()).as(list.toString()).isEqualTo(1);
        assertThat(list.err()).contains("is damaged", "restoreNewestBackup").doesNotContain("does not unlock");
        Fixture.Run json = vault(ENV, "", "get", "cloud_sync.x", "--json");
        assertThat(json.code()).isEqualTo(1);
        assertThat(json.json().get("error").get("type").asText()).isEqualTo("vault_damaged");
        assertThat(json.out() + json.err() + list.out() + list.err()).doesNotContain("first", "second");
    }

    @Test
    void set_fromFile_storesTheFilesText() {
        Path json = Fixture.write(tmp, "sa.json", "{\"type\": \"service_account\"}\n");

        assertThat(vault(ENV, "", "set", "cloud_sync.gdrive.credentials", "--from-file", json.toString()).code()).isZero();

        assertThat(vault(ENV, "", "get", "cloud_sync.gdrive.credentials", "--reveal").out()).contains("service_account");
    }

    @Test
    void passphrase_missingOrWrong_exits2SayingWhereItComesFrom() {
        assertThat(vault(ENV, VALUE, "set", "cloud_sync.x").code()).isZero();

        Fixture.Run none = vault(Map.of(), "", "list");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("CLOUDSYNC_SECRETS_KEY", "--passphrase-file", "--passphrase-command");

        Fixture.Run wrong = vault(Map.of("CLOUDSYNC_SECRETS_KEY", "wrong"), "", "list");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("does not unlock");
    }

    @Test
    void passphraseFileAndCommand_openTheVault() {
        Path file = Fixture.write(tmp, "pass.txt", "correct horse\n");
        assertThat(vault(ENV, VALUE, "set", "cloud_sync.x").code()).isZero();

        Fixture.Run byFile = Fixture.runIn(f.root, Map.of(), "", "--passphrase-file", file.toString(), "vault", "list");
        assertThat(byFile.code()).as(byFile.toString()).isZero();
        assertThat(byFile.out()).contains("cloud_sync.x");

        Fixture.Run byCommand = Fixture.runIn(f.root, Map.of(), "", "vault", "list", "--passphrase-command",
                "cat '" + file + "'");
        assertThat(byCommand.code()).as(byCommand.toString()).isZero();
        assertThat(byCommand.out()).contains("cloud_sync.x");
    }

    @Test
    void rotatePassphrase_oldOneNoLongerOpensTheVault() {
        assertThat(vault(ENV, VALUE, "set", "cloud_sync.x").code()).isZero();

        Fixture.Run rotate = vault(ENV, "new passphrase\n", "rotate-passphrase");
        assertThat(rotate.code()).as(rotate.toString()).isZero();
        assertThat(rotate.out()).contains("backups were purged");
        assertThat(Vaults.inspect(f.root.resolve("config/cloudsync.secrets.json")).backups()).isZero();

        assertThat(vault(ENV, "", "list").code()).isEqualTo(2);
        Fixture.Run withNew = vault(Map.of("CLOUDSYNC_SECRETS_KEY", "new passphrase"), "", "get", "cloud_sync.x", "--reveal");
        assertThat(withNew.out()).contains(VALUE);
    }

    @Test
    void badInput_emptyValueBadKeyNoVault_exit2() {
        assertThat(vault(ENV, "", "set", "cloud_sync.x").err()).contains("is empty");
        assertThat(vault(ENV, "", "list").err()).contains("no vault at", "cloudsync vault set KEY");
        Fixture.Run badKey = vault(ENV, VALUE, "set", "not a key");
        assertThat(badKey.code()).isEqualTo(2);
        assertThat(badKey.out() + badKey.err()).doesNotContain(VALUE);
        assertThat(vault(ENV, "").code()).isEqualTo(2);
    }

    @Test
    void syncAndDoctor_withAVault_openItWhenAPassphraseIsGiven() {
        assertThat(vault(ENV, VALUE, "set", "cloud_sync.local.token").code()).isZero();

        Fixture.Run sync = Fixture.runIn(f.root, ENV, "", "sync", "--snapshot", "nightly");
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.err()).doesNotContain("not opened");

        Fixture.Run without = Fixture.runIn(f.root, Map.of(), "", "plan", "--snapshot", "nightly");
        assertThat(without.code()).isZero();
        assertThat(without.err()).contains("is not opened because no passphrase was given");

        Fixture.Run doctor = Fixture.runIn(f.root, ENV, "", "doctor");
        assertThat(doctor.code()).as(doctor.toString()).isZero();
        assertThat(doctor.out()).contains("opens with the passphrase given, 1 key").doesNotContain("key(s)").contains(", 1 backup;");
        Fixture.Run doctorWrong = Fixture.runIn(f.root, Map.of("CLOUDSYNC_SECRETS_KEY", "nope"), "", "doctor");
        assertThat(doctorWrong.code()).isEqualTo(2);
        assertThat(doctorWrong.out()).contains("error", "does not unlock");
    }
}
