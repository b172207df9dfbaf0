package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Secret;
import io.cloudsync.Vault;
import io.cloudsync.VaultException;
import io.cloudsync.VaultException.Reason;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public entry point, with the real default Argon2id parameters (the other tests use cheap ones). */
class VaultsTest {

    @TempDir
    Path root;

    @Test
    void defaults_createSetReopen_roundTripsWithRfc9106Parameters() {
        Path file = root.resolve(Vaults.DEFAULT_FILE);
        Secret passphrase = Vaults.passphraseFrom(Map.of(Vaults.PASSPHRASE_ENV, "tr0ub4dor&3"), null, List.of());
        assertThat(Vaults.exists(file)).isFalse();

        Vault vault = Vaults.create(file, passphrase);
        vault.set("cloud_sync.s3.secret_access_key", Secret.of("wJalrXUtnFEMI/K7MDENG"));
        assertThat(Vaults.exists(file)).isTrue();

        VaultStatus status = Vaults.inspect(file);
        assertThat(status.healthy()).isTrue();
        assertThat(status.kdf()).isEqualTo("argon2id m=65536KiB t=2 p=4");
        assertThat(status.backups()).isEqualTo(1);

        Vault reopened = Vaults.openOrCreate(file, passphrase);
        assertThat(reopened.get("cloud_sync.s3.secret_access_key").orElseThrow().revealString())
                .isEqualTo("wJalrXUtnFEMI/K7MDENG");
        assertThat(reopened.scope("cloud_sync.s3").keys()).containsExactly("cloud_sync.s3.secret_access_key");
        assertThatThrownBy(() -> Vaults.open(file, Secret.of("Tr0ub4dor&3")))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE));
    }

    @Test
    void passphraseFrom_nothing_isNoPassphrase() {
        assertThatThrownBy(() -> Vaults.passphraseFrom(Map.of(), null, List.of()))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_PASSPHRASE));
    }
}
