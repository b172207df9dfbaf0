package io.cloudsync.core.internal.vault;

import static io.cloudsync.core.internal.vault.VaultFixtures.CHEAP;
import static io.cloudsync.core.internal.vault.VaultFixtures.PASSPHRASE;
import static io.cloudsync.core.internal.vault.VaultFixtures.create;
import static io.cloudsync.core.internal.vault.VaultFixtures.damageEnvelope;
import static io.cloudsync.core.internal.vault.VaultFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.VaultException;
import io.cloudsync.VaultException.Reason;
import io.cloudsync.core.VaultStatus;
import io.cloudsync.spi.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileVaultTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("config/cloudsync.secrets.json");
    }

    private static String value(FileVault vault, String key) {
        return vault.get(key).orElseThrow().revealString();
    }

    @Test
    void setThenReopen_stringsAndJsonObjects_roundTrip() {
        FileVault vault = create(file());
        vault.set("cloud_sync.s3.secret_access_key", Secret.of("s3cr3t/+= ünïcode"));
        vault.set("cloud_sync.gdrive.credentials", Secret.of("{ \"type\": \"service_account\", \"n\": [1, 2] }"));
        vault.set("cloud_sync.odd", Secret.of("{not json"));

        FileVault reopened = open(file());
        assertThat(value(reopened, "cloud_sync.s3.secret_access_key")).isEqualTo("s3cr3t/+= ünïcode");
        assertThat(value(reopened, "cloud_sync.gdrive.credentials")).isEqualTo("{\"type\":\"service_account\",\"n\":[1,2]}");
        assertThat(value(reopened, "cloud_sync.odd")).isEqualTo("{not json");
        assertThat(reopened.get("cloud_sync.absent")).isEmpty();
        assertThat(reopened.list()).containsExactly("cloud_sync.gdrive.credentials", "cloud_sync.odd",
                "cloud_sync.s3.secret_access_key");
    }

    @Test
    void jsonObjectValue_isStoredAsJsonNotAsQuotedText() throws IOException {
        FileVault vault = create(file());
        vault.set("a", Secret.of("{\"k\":\"v\"}"));
        vault.set("b", Secret.of("\"quoted\""));
        assertThat(value(open(file()), "a")).isEqualTo("{\"k\":\"v\"}");
        assertThat(value(open(file()), "b")).isEqualTo("\"quoted\"");
    }

    @Test
    void removeAndStore_changeTheContent() {
        FileVault vault = create(file());
        vault.set("a.one", Secret.of("1"));
        vault.set("a.two", Secret.of("2"));
        assertThat(vault.remove("a.one")).isTrue();
        assertThat(vault.remove("a.one")).isFalse();
        assertThat(open(file()).list()).containsExactly("a.two");

        Map<String, Secret> all = new LinkedHashMap<>();
        all.put("z.last", Secret.of("z"));
        all.put("b.first", Secret.of("b"));
        vault.store(all);
        FileVault reopened = open(file());
        assertThat(reopened.list()).containsExactly("b.first", "z.last");
        assertThat(value(reopened, "z.last")).isEqualTo("z");
    }

    @Test
    void removeOfAbsentKey_doesNotWrite() throws IOException {
        FileVault vault = create(file());
        byte[] before = Files.readAllBytes(file());
        assertThat(vault.remove("nothing.here")).isFalse();
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void scope_seesOnlyItsPrefixAndIsReadOnlyView() {
        FileVault vault = create(file());
        vault.set("cloud_sync.s3", Secret.of("root"));
        vault.set("cloud_sync.s3.key", Secret.of("k"));
        vault.set("cloud_sync.s3x", Secret.of("not mine"));
        vault.set("cloud_sync.gdrive.token", Secret.of("not mine either"));

        Secrets s3 = vault.scope("cloud_sync.s3");
        assertThat(s3.keys()).containsExactly("cloud_sync.s3", "cloud_sync.s3.key");
        assertThat(s3.get("cloud_sync.s3.key").orElseThrow().revealString()).isEqualTo("k");
        assertThat(s3.get("cloud_sync.s3x")).isEmpty();
        assertThat(s3.get("cloud_sync.gdrive.token")).isEmpty();
        assertThat(s3.toString()).doesNotContain("root", "not mine");

        vault.set("cloud_sync.s3.later", Secret.of("later"));
        assertThat(s3.keys()).contains("cloud_sync.s3.later");
    }

    @Test
    void secondInstance_seesWritesOfTheFirst() {
        FileVault first = create(file());
        FileVault second = open(file());
        first.set("x", Secret.of("1"));
        assertThat(value(second, "x")).isEqualTo("1");
        second.set("y", Secret.of("2"));
        assertThat(first.list()).containsExactly("x", "y");
    }

    @Test
    void open_wrongPassphrase_isWrongPassphrase() {
        create(file()).set("a", Secret.of("value"));
        assertThatThrownBy(() -> FileVault.open(file(), Secret.of("not the passphrase"), CHEAP))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE);
                    assertThat(e.getMessage()).contains("CLOUDSYNC_SECRETS_KEY").doesNotContain("not the passphrase");
                });
    }

    @Test
    void open_emptyOrNullPassphrase_isNoPassphrase() {
        create(file());
        assertThatThrownBy(() -> FileVault.open(file(), Secret.of(""), CHEAP))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_PASSPHRASE));
        assertThatThrownBy(() -> FileVault.open(file(), null, CHEAP))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_PASSPHRASE));
    }

    @Test
    void open_missingFile_isIoNamingCreate() {
        assertThatThrownBy(() -> open(file()))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.IO);
                    assertThat(e.getMessage()).contains("does not exist", "Vaults.create");
                });
    }

    @Test
    void create_existingFile_refusesToOverwrite() throws IOException {
        create(file()).set("keep", Secret.of("me"));
        byte[] before = Files.readAllBytes(file());
        assertThatThrownBy(() -> create(file()))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.getMessage()).contains("already exists"));
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void openOrCreate_createsOnceThenOpens() {
        FileVault created = FileVault.openOrCreate(file(), PASSPHRASE, CHEAP);
        created.set("a", Secret.of("1"));
        FileVault opened = FileVault.openOrCreate(file(), PASSPHRASE, CHEAP);
        assertThat(value(opened, "a")).isEqualTo("1");
    }

    @Test
    void openOrCreate_emptyFile_isDamagedNotReplaced() throws IOException {
        Files.createDirectories(file().getParent());
        Files.write(file(), new byte[0]);
        assertThatThrownBy(() -> FileVault.openOrCreate(file(), PASSPHRASE, CHEAP))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.DAMAGED);
                    assertThat(e.getMessage()).contains("empty");
                });
        assertThat(Files.size(file())).isZero();
    }

    @Test
    void open_truncatedFile_isDamagedAtEveryLength() throws IOException {
        FileVault vault = create(file());
        vault.set("a", Secret.of("1"));
        vault.set("b", Secret.of("2"));
        byte[] whole = Files.readAllBytes(file());
        // Every cut that reaches into the JSON breaks it; the last byte is only the final newline.
        for (int length = 0; length < whole.length - 1; length++) {
            Files.write(file(), Arrays.copyOf(whole, length));
            int cut = length;
            assertThatThrownBy(() -> open(file()))
                    .as("truncated to %d of %d bytes", cut, whole.length)
                    .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.DAMAGED));
            assertThat(FileVault.inspect(file()).problem()).as("inspect at %d bytes", cut).contains(Reason.DAMAGED);
        }
        Files.write(file(), Arrays.copyOf(whole, whole.length - 1));
        assertThat(FileVault.inspect(file()).problem()).contains(Reason.DAMAGED);
        assertThat(value(open(file()), "b")).isEqualTo("2");
    }

    @Test
    void open_otherJson_isUnknownFormat() throws IOException {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"cloud_sync\": {\"s3\": \"plain\"}}");
        assertThatThrownBy(() -> open(file()))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_FORMAT);
                    assertThat(e.getMessage()).doesNotContain("plain");
                });
    }

    @Test
    void open_newerVersion_isNewerVersion() throws IOException {
        create(file());
        String text = Files.readString(file()).replace("\"version\" : 2,", "\"version\" : 3,");
        Files.writeString(file(), text);
        assertThatThrownBy(() -> open(file()))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NEWER_VERSION);
                    assertThat(e.getMessage()).contains("version 3", "Upgrade cloudsync");
                });
        assertThat(FileVault.inspect(file()).problem()).contains(Reason.NEWER_VERSION);
    }

    @Test
    void sixWrites_keepFiveBackups_newestFirst() throws IOException {
        FileVault vault = create(file());
        for (int i = 1; i <= 6; i++) {
            vault.set("n", Secret.of("v" + i));
        }
        assertThat(FileVault.inspect(file()).backups()).isEqualTo(5);
        // Walk back through the backups by damaging the current envelope and restoring, each time.
        for (int expected = 5; expected >= 1; expected--) {
            damageEnvelope(file(), "current");
            FileVault restored = FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP);
            assertThat(value(restored, "n")).isEqualTo("v" + expected);
        }
        assertThat(FileVault.inspect(file()).backups()).isZero();
    }

    @Test
    void damagedCurrentEnvelope_isDamagedNamingRestore_thenRestoreRecoversNewestBackup() throws IOException {
        FileVault vault = create(file());
        vault.set("a", Secret.of("first"));
        vault.set("a", Secret.of("second"));
        vault.set("a", Secret.of("third"));
        damageEnvelope(file(), "current");

        assertThat(FileVault.inspect(file()).problem()).contains(Reason.DAMAGED);
        assertThatThrownBy(() -> open(file()))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.DAMAGED);
                    assertThat(e.getMessage()).contains("current envelope", "Vaults.restoreNewestBackup", "backup 1 of 3")
                            .doesNotContain("second", "third");
                });
        assertThatThrownBy(() -> vault.set("a", Secret.of("lost?")))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.DAMAGED));

        FileVault restored = FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP);
        assertThat(value(restored, "a")).isEqualTo("second");
        VaultStatus status = FileVault.inspect(file());
        assertThat(status.healthy()).isTrue();
        assertThat(status.backups()).isEqualTo(2);
        assertThat(value(open(file()), "a")).isEqualTo("second");
    }

    @Test
    void damagedBackup_openStillWorks_nextWriteDropsIt() throws IOException {
        FileVault vault = create(file());
        vault.set("a", Secret.of("1"));
        vault.set("a", Secret.of("2"));
        damageEnvelope(file(), "backups");
        assertThat(FileVault.inspect(file()).problem()).contains(Reason.DAMAGED);

        FileVault reopened = open(file());
        assertThat(value(reopened, "a")).isEqualTo("2");
        reopened.set("a", Secret.of("3"));
        VaultStatus status = FileVault.inspect(file());
        assertThat(status.healthy()).isTrue();
        assertThat(status.backups()).isEqualTo(2); // "2" and the first backup that still decrypts
    }

    @Test
    void restoreNewestBackup_onHealthyVault_changesNothing() throws IOException {
        FileVault vault = create(file());
        vault.set("a", Secret.of("1"));
        byte[] before = Files.readAllBytes(file());
        FileVault same = FileVault.restoreNewestBackup(file(), PASSPHRASE, CHEAP);
        assertThat(value(same, "a")).isEqualTo("1");
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void restoreNewestBackup_wrongPassphrase_isWrongPassphraseAndWritesNothing() throws IOException {
        create(file()).set("a", Secret.of("1"));
        byte[] before = Files.readAllBytes(file());
        assertThatThrownBy(() -> FileVault.restoreNewestBackup(file(), Secret.of("wrong"), CHEAP))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE));
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void damagedCurrentWithoutBackups_isDamagedSayingOnlyACopyHelps() throws IOException {
        create(file());
        damageEnvelope(file(), "current");
        assertThatThrownBy(() -> open(file()))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.DAMAGED);
                    assertThat(e.getMessage()).contains("copy");
                });
    }

    @Test
    void rotatePassphrase_reencryptsTheCurrentSecretsAndPurgesTheBackups() throws IOException {
        FileVault vault = create(file());
        vault.set("a", Secret.of("old-1"));
        vault.set("a", Secret.of("old-2"));
        assertThat(FileVault.inspect(file()).backups()).isEqualTo(2);
        String saltBefore = salt(Files.readString(file()));
        Secret newPassphrase = Secret.of("a much better passphrase");
        KdfParams stronger = new KdfParams(16, 2, 1);
        FileVault rotating = FileVault.open(file(), PASSPHRASE, stronger);
        rotating.rotatePassphrase(newPassphrase);

        assertThat(salt(Files.readString(file()))).isNotEqualTo(saltBefore);
        VaultStatus status = FileVault.inspect(file());
        assertThat(status.kdf()).isEqualTo(stronger.describe());
        assertThat(status.backups()).isZero();
        assertThatThrownBy(() -> open(file()))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE));
        FileVault reopened = FileVault.open(file(), newPassphrase, CHEAP);
        assertThat(value(reopened, "a")).isEqualTo("old-2");
        // Neither passphrase reads an earlier value out of the file: the only envelope left is the current one.
        assertThat(VaultSpec.readAll(file(), newPassphrase.revealString())).extracting(e -> e.get("a"))
                .containsExactly("old-2");
        assertThat(VaultSpec.readAll(file(), PASSPHRASE.revealString())).isEmpty();

        // The instance that rotated keeps working with the new key, and backups start again from there.
        rotating.set("b", Secret.of("after"));
        assertThat(value(FileVault.open(file(), newPassphrase, CHEAP), "b")).isEqualTo("after");
        assertThat(FileVault.inspect(file()).backups()).isEqualTo(1);
    }

    @Test
    void otherInstance_afterRotationElsewhere_saysWrongPassphrase() {
        FileVault first = create(file());
        FileVault second = open(file());
        first.rotatePassphrase(Secret.of("rotated"));
        assertThatThrownBy(() -> second.set("x", Secret.of("y")))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE));
    }

    @Test
    void rotatePassphrase_empty_isNoPassphrase() {
        FileVault vault = create(file());
        assertThatThrownBy(() -> vault.rotatePassphrase(Secret.of("")))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_PASSPHRASE));
    }

    @Test
    void invalidKey_isRefusedWithoutQuotingIt() {
        FileVault vault = create(file());
        for (String bad : new String[] {"", ".a", "a.", "a..b", "has space", "p@ssw0rd-value-by-mistake!"}) {
            assertThatThrownBy(() -> vault.set(bad, Secret.of("v")))
                    .isInstanceOf(ConfigurationException.class)
                    .satisfies(e -> {
                        if (!bad.isEmpty()) {
                            assertThat(e.getMessage()).doesNotContain(bad);
                        }
                    });
        }
        assertThatThrownBy(() -> vault.get("a b")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void writtenFile_isOwnerOnlyAndCanonical() throws IOException {
        FileVault vault = create(file());
        vault.set("a", Secret.of("plain-value"));
        if (file().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
        }
        String text = Files.readString(file(), StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\n  \"format\" : \"cloudsync-vault\",\n  \"version\" : 2,")
                .contains("\"argon2id\"", "\"checksum\"").doesNotContain("plain-value", "\r").endsWith("}\n");
        assertThat(Files.exists(file().resolveSibling("cloudsync.secrets.json.lock"))).isTrue();
    }

    @Test
    void toStrings_neverShowValues() {
        FileVault vault = create(file());
        vault.set("a", Secret.of("hidden-value"));
        assertThat(vault.toString()).doesNotContain("hidden-value");
        assertThat(vault.get("a").orElseThrow().toString()).doesNotContain("hidden-value");
        assertThat(vault.scope("a").toString()).doesNotContain("hidden-value");
    }

    @Test
    void inspect_healthyAndMissing() {
        VaultStatus missing = FileVault.inspect(file());
        assertThat(missing.exists()).isFalse();
        assertThat(missing.healthy()).isFalse();

        create(file()).set("a", Secret.of("1"));
        VaultStatus status = FileVault.inspect(file());
        assertThat(status.healthy()).isTrue();
        assertThat(status.formatVersion()).isEqualTo(2);
        assertThat(status.kdf()).isEqualTo("argon2id m=8KiB t=1 p=1");
        assertThat(status.backups()).isEqualTo(1);
    }

    @Test
    void concurrentThreads_onTwoInstances_loseNoUpdate() throws InterruptedException {
        create(file());
        FileVault a = open(file());
        FileVault b = open(file());
        Thread ta = new Thread(() -> {
            for (int i = 0; i < 20; i++) {
                a.set("a.k" + i, Secret.of("v"));
            }
        });
        Thread tb = new Thread(() -> {
            for (int i = 0; i < 20; i++) {
                b.set("b.k" + i, Secret.of("v"));
            }
        });
        ta.start();
        tb.start();
        ta.join();
        tb.join();
        assertThat(open(file()).list()).hasSize(40);
    }

    private static String salt(String fileText) {
        int at = fileText.indexOf("\"salt\" : \"");
        return fileText.substring(at, fileText.indexOf('"', at + 12));
    }
}
