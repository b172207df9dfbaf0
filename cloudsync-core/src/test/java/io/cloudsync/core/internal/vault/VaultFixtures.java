package io.cloudsync.core.internal.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Secret;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Shared by the vault tests: cheap KDF parameters and ways to damage a file on purpose. */
final class VaultFixtures {

    /** The cheapest Argon2id the format allows: the tests check behaviour, not cost. */
    static final KdfParams CHEAP = new KdfParams(8, 1, 1);

    static final Secret PASSPHRASE = Secret.of("correct horse battery staple");

    /**
     * A version 1 file written by the first release's code (commit 98abc3f) with {@link #PASSPHRASE} and
     * {@link #CHEAP}: current {@code s3 = "v1-third ünïcode"}; backups, newest first, {@code s3 = "v1-second"},
     * {@code s3 = "v1-second"} with {@code gdrive = {"type":"service_account"}}, {@code s3 = "v1-second"},
     * {@code s3 = "v1-first"}, and the empty vault.
     */
    static final String VERSION_1_RESOURCE = "version1.secrets.json";
    /**
     * A version 2 file as this release writes it, with {@link #PASSPHRASE} and {@link #CHEAP}: current
     * {@code s3 = "v2-second ünïcode"} and {@code gdrive}; backups {@code s3 = "v2-first"} and {@code gdrive},
     * {@code s3 = "v2-first"}, the empty vault. Later releases must keep opening it.
     */
    static final String VERSION_2_RESOURCE = "version2.secrets.json";
    static final String S3 = "cloud_sync.s3.secret_access_key";
    static final String GDRIVE = "cloud_sync.gdrive.credentials";

    private VaultFixtures() {
    }

    static FileVault create(Path file) {
        return FileVault.create(file, PASSPHRASE, CHEAP);
    }

    static FileVault open(Path file) {
        return FileVault.open(file, PASSPHRASE, CHEAP);
    }

    /** Copies the version 1 file to {@code file}. */
    static Path version1File(Path file) throws IOException {
        return resource(VERSION_1_RESOURCE, file);
    }

    /** Copies the version 2 file to {@code file}. */
    static Path version2File(Path file) throws IOException {
        return resource(VERSION_2_RESOURCE, file);
    }

    private static Path resource(String name, Path file) throws IOException {
        try (InputStream in = VaultFixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, in.readAllBytes());
        }
        return file;
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

    /**
     * Edits the file's JSON as someone who knows the format would, then writes it back in the exact
     * layout with a correct checksum: only the envelopes' tags can notice the change.
     */
    static void reseal(Path file, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) Json.mapper().readTree(Files.readAllBytes(file));
        edit.accept(root);
        root.remove("checksum");
        root.put("checksum", VaultDocument.checksum(root));
        Files.write(file, VaultDocument.pretty(root));
    }

    /** The envelopes of a file as stored: {@code current} first, then the backups. */
    static List<String> envelopes(Path file) throws IOException {
        return envelopes(Json.mapper().readTree(Files.readAllBytes(file)));
    }

    static List<String> envelopes(JsonNode root) {
        List<String> out = new ArrayList<>();
        out.add(root.get("current").textValue());
        root.get("backups").forEach(backup -> out.add(backup.textValue()));
        return out;
    }

    /** Replaces all envelopes ({@code current} first), leaving the rest of the document alone. */
    static void setEnvelopes(ObjectNode root, List<String> envelopes) {
        root.put("current", envelopes.get(0));
        ArrayNode backups = root.putArray("backups");
        envelopes.subList(1, envelopes.size()).forEach(backups::add);
    }

    /** Swaps two envelopes (0 is {@code current}) and re-seals the file. */
    static void swapEnvelopes(Path file, int first, int second) throws IOException {
        reseal(file, root -> {
            List<String> all = envelopes(root);
            String kept = all.get(first);
            all.set(first, all.get(second));
            all.set(second, kept);
            setEnvelopes(root, all);
        });
    }
}
