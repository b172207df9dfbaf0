package io.cloudsync.core.internal.vault;

import static io.cloudsync.core.internal.vault.VaultFixtures.create;
import static io.cloudsync.core.internal.vault.VaultFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Secret;
import io.cloudsync.VaultException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every single-byte change of a vault file is detected: {@code inspect} (no passphrase) flags it, and
 * {@code open} either refuses the file or, when the change hit only a backup or the checksum, still
 * returns exactly the secrets that were written, never anything else.
 */
class VaultTamperTest {

    private static final int[] MASKS = {0x01, 0x20, 0x80};

    @TempDir
    Path dir;

    @Test
    void everySingleByteChange_isDetected_andNeverYieldsOtherSecrets() throws IOException {
        Path file = dir.resolve("cloudsync.secrets.json");
        FileVault vault = create(file);
        vault.set("cloud_sync.s3.key", Secret.of("AKIA-example"));
        vault.set("cloud_sync.gdrive.credentials", Secret.of("{\"type\":\"service_account\"}"));
        vault.set("cloud_sync.s3.key", Secret.of("rotated-key"));
        Map<String, String> expected = contents(open(file));
        byte[] original = Files.readAllBytes(file);

        int refused = 0;
        int openedIntact = 0;
        for (int position = 0; position < original.length; position++) {
            for (int mask : MASKS) {
                byte[] changed = original.clone();
                changed[position] ^= (byte) mask;
                Files.write(file, changed);
                String what = "byte " + position + " ('" + (char) original[position] + "') xor 0x"
                        + Integer.toHexString(mask);

                assertThat(FileVault.inspect(file).problem()).as("inspect after " + what).isPresent();
                try {
                    assertThat(contents(open(file))).as("secrets after " + what).isEqualTo(expected);
                    openedIntact++;
                } catch (VaultException e) {
                    refused++;
                }
            }
        }
        // Most changes are refused; the ones that open are in a backup or the checksum, and gave the right secrets.
        assertThat(refused).isGreaterThan(openedIntact);
        assertThat(refused + openedIntact).isEqualTo(original.length * MASKS.length);
    }

    private static Map<String, String> contents(FileVault vault) {
        Map<String, String> out = new TreeMap<>();
        for (String key : vault.list()) {
            out.put(key, vault.get(key).orElseThrow().revealString());
        }
        return out;
    }
}
