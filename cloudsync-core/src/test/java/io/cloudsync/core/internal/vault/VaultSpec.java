package io.cloudsync.core.internal.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A second reader of the vault file, written from docs/FORMATS.md ("Vault file") alone: the JDK's
 * AES/GCM instead of Tink, BouncyCastle's Argon2 called directly, and the associated data and checksum
 * built as byte strings by hand rather than by the code under test. When it agrees with FileVault,
 * the document is precise enough to reimplement the format.
 */
final class VaultSpec {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private VaultSpec() {
    }

    /** The key: Argon2id over the UTF-8 bytes of the passphrase, exactly as given. */
    static byte[] key(String passphrase, JsonNode root) {
        JsonNode kdf = root.get("header").get("kdf");
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(0x13)
                .withMemoryAsKB(kdf.get("memory_kib").intValue())
                .withIterations(kdf.get("iterations").intValue())
                .withParallelism(kdf.get("parallelism").intValue())
                .withSalt(Base64.getDecoder().decode(kdf.get("salt").textValue()))
                .build());
        byte[] key = new byte[32];
        generator.generateBytes(passphrase.getBytes(StandardCharsets.UTF_8), key);
        return key;
    }

    /** The compact header object both versions start their associated data with; no escaping can arise. */
    static String compactHeader(JsonNode root, int version) {
        JsonNode kdf = root.get("header").get("kdf");
        return "{\"format\":\"cloudsync-vault\",\"version\":" + version
                + ",\"header\":{\"cipher\":\"AES256_GCM\",\"kdf\":{\"algorithm\":\"argon2id\",\"argon2_version\":19"
                + ",\"memory_kib\":" + kdf.get("memory_kib").intValue()
                + ",\"iterations\":" + kdf.get("iterations").intValue()
                + ",\"parallelism\":" + kdf.get("parallelism").intValue()
                + ",\"salt\":\"" + kdf.get("salt").textValue() + "\"}}";
    }

    static byte[] associatedDataV1(JsonNode root) {
        return (compactHeader(root, 1) + "}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] associatedDataV2(JsonNode root, int index, int count) {
        return (compactHeader(root, 2) + ",\"write_id\":\"" + root.get("write_id").textValue() + "\""
                + ",\"envelope_index\":" + index + ",\"envelope_count\":" + count + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The checksum: SHA-256 of the compact document without its checksum, field order as written. */
    static String checksum(JsonNode root) throws GeneralSecurityException {
        int version = root.get("version").intValue();
        StringBuilder compact = new StringBuilder(compactHeader(root, version));
        if (version == 2) {
            compact.append(",\"write_id\":\"").append(root.get("write_id").textValue()).append('"');
        }
        compact.append(",\"current\":\"").append(root.get("current").textValue()).append("\",\"backups\":[");
        List<String> backups = new ArrayList<>();
        root.get("backups").forEach(backup -> backups.add("\"" + backup.textValue() + "\""));
        compact.append(String.join(",", backups)).append("]}");
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(compact.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Decrypts one envelope: nonce (12 bytes) || ciphertext || tag (16 bytes). */
    static Optional<byte[]> decrypt(byte[] key, String envelope, byte[] associatedData) {
        byte[] bytes = Base64.getDecoder().decode(envelope);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, bytes, 0, 12));
            cipher.updateAAD(associatedData);
            return Optional.of(cipher.doFinal(bytes, 12, bytes.length - 12));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** Decrypts the envelope in {@code slot} with the associated data the format gives that slot. */
    static Optional<Map<String, String>> readInPlace(JsonNode root, byte[] key, int slot) throws IOException {
        List<String> envelopes = VaultFixtures.envelopes(root);
        byte[] ad = root.get("version").intValue() == 1 ? associatedDataV1(root)
                : associatedDataV2(root, slot, envelopes.size());
        Optional<byte[]> plaintext = decrypt(key, envelopes.get(slot), ad);
        return plaintext.isEmpty() ? Optional.empty() : Optional.of(secrets(plaintext.get()));
    }

    /**
     * Everything anyone holding {@code passphrase} can read out of the file: every envelope decrypted
     * with any associated data the format could have given it (version 1, or version 2 at any place),
     * not only the one its slot calls for. The secrets as text, JSON objects in compact form.
     */
    static List<Map<String, String>> readAll(Path file, String passphrase) throws IOException {
        JsonNode root = PLAIN.readTree(Files.readAllBytes(file));
        byte[] key = key(passphrase, root);
        List<byte[]> candidates = new ArrayList<>();
        candidates.add(associatedDataV1(root));
        if (root.has("write_id")) {
            for (int count = 1; count <= 6; count++) {
                for (int index = 0; index < count; index++) {
                    candidates.add(associatedDataV2(root, index, count));
                }
            }
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (String envelope : VaultFixtures.envelopes(root)) {
            for (byte[] ad : candidates) {
                Optional<byte[]> plaintext = decrypt(key, envelope, ad);
                if (plaintext.isPresent()) {
                    out.add(secrets(plaintext.get()));
                    break;
                }
            }
        }
        return out;
    }

    private static Map<String, String> secrets(byte[] plaintext) throws IOException {
        JsonNode contents = PLAIN.readTree(plaintext);
        Map<String, String> out = new LinkedHashMap<>();
        contents.get("secrets").properties().forEach(entry -> out.put(entry.getKey(),
                entry.getValue().isTextual() ? entry.getValue().textValue() : entry.getValue().toString()));
        return out;
    }
}
