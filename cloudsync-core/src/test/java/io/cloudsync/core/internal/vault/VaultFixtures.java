package io.cloudsync.core.internal.vault;

import io.cloudsync.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared by the vault tests: cheap KDF parameters and ways to damage a file on purpose. */
final class VaultFixtures {

    /** The cheapest Argon2id the format allows: the tests check behaviour, not cost. */
    static final KdfParams CHEAP = new KdfParams(8, 1, 1);

    static final Secret PASSPHRASE = Secret.of("correct horse battery staple");

    private VaultFixtures() {
    }

    static FileVault create(Path file) {
        return FileVault.create(file, PASSPHRASE, CHEAP);
    }

    static FileVault open(Path file) {
        return FileVault.open(file, PASSPHRASE, CHEAP);
    }

    /** Changes one base64 character inside the named top-level string field (or the first backup). */
    static void damageEnvelope(Path file, String field) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String marker = field.equals("backups") ? "\"backups\" : [\n    \"" : "\"" + field + "\" : \"";
        int start = text.indexOf(marker);
        if (start < 0) {
            throw new IllegalStateException("no " + field + " in " + text);
        }
        int at = start + marker.length() + 20;
        char replacement = text.charAt(at) == 'A' ? 'B' : 'A';
        Files.writeString(file, text.substring(0, at) + replacement + text.substring(at + 1), StandardCharsets.UTF_8);
    }
}
