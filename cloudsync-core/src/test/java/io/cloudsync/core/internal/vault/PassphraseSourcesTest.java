package io.cloudsync.core.internal.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ConfigurationException;
import io.cloudsync.VaultException;
import io.cloudsync.VaultException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassphraseSourcesTest {

    @TempDir
    Path dir;

    @Test
    void env_givesThePassphraseAsIs() {
        assertThat(PassphraseSources.from(Map.of("CLOUDSYNC_SECRETS_KEY", " spaced pass\n"), null, List.of())
                .revealString()).isEqualTo(" spaced pass\n");
    }

    @Test
    void nothing_isNoPassphraseNamingEverySource() {
        assertThatThrownBy(() -> PassphraseSources.from(Map.of("CLOUDSYNC_SECRETS_KEY", ""), null, List.of()))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NO_PASSPHRASE);
                    assertThat(e.getMessage()).contains("CLOUDSYNC_SECRETS_KEY", "passphrase file", "passphrase command");
                });
    }

    @Test
    void file_winsOverEnv_andLosesItsTrailingNewline() throws IOException {
        Path file = Files.writeString(dir.resolve("pass"), "from file\r\n");
        assertThat(PassphraseSources.from(Map.of("CLOUDSYNC_SECRETS_KEY", "from env"), file, List.of()).revealString())
                .isEqualTo("from file");
    }

    @Test
    void file_missingOrEmpty_isNoPassphrase() throws IOException {
        assertThatThrownBy(() -> PassphraseSources.from(Map.of(), dir.resolve("absent"), List.of()))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NO_PASSPHRASE);
                    assertThat(e.getMessage()).contains("does not exist");
                });
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> PassphraseSources.from(Map.of(), empty, List.of()))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.getMessage()).contains("empty"));
    }

    @Test
    void command_outputIsThePassphrase() {
        assertThat(PassphraseSources.from(Map.of(), null, List.of("sh", "-c", "printf 'from command\\n'")).revealString())
                .isEqualTo("from command");
    }

    @Test
    void command_failingOrMissing_isNoPassphraseNamingOnlyTheProgram() {
        assertThatThrownBy(() -> PassphraseSources.from(Map.of(), null, List.of("sh", "-c", "echo arg-secret; exit 3")))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NO_PASSPHRASE);
                    assertThat(e.getMessage()).contains("'sh'", "exit status 3").doesNotContain("arg-secret");
                });
        assertThatThrownBy(() -> PassphraseSources.from(Map.of(), null, List.of("/no/such/program-xyz", "arg-secret")))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NO_PASSPHRASE);
                    assertThat(e.getMessage()).contains("program-xyz").doesNotContain("arg-secret");
                });
    }

    @Test
    void fileAndCommand_together_areRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("pass"), "x");
        assertThatThrownBy(() -> PassphraseSources.from(Map.of(), file, List.of("echo", "y")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("not both");
    }
}
