package io.cloudsync.core.internal.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.AccessesPartialKey;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.util.SecretBytes;
import io.cloudsync.support.Json;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Encrypting and decrypting one envelope: the whole set of secrets at one moment, as JSON, under
 * Tink's AES-256-GCM with a random 96-bit nonce per envelope. The associated data is the caller's:
 * see {@code VaultDocument.associatedDataV1} and {@code associatedDataV2}.
 */
final class Envelopes {

    private Envelopes() {
    }

    /** The secrets of one envelope and when it was written. Values are text or JSON objects. */
    record Contents(Instant writtenAt, SortedMap<String, JsonNode> secrets) {
        Contents {
            secrets = Collections.unmodifiableSortedMap(new TreeMap<>(secrets));
        }

        @Override
        public String toString() {
            return "Contents[writtenAt=" + writtenAt + ", keys=" + secrets.keySet() + "]";
        }
    }

    @AccessesPartialKey // the vault derives the raw AES key itself (Argon2id); Tink only encrypts
    static Aead aead(byte[] key) {
        try {
            AesGcmParameters parameters = AesGcmParameters.builder()
                    .setKeySizeBytes(KdfParams.KEY_BYTES)
                    .setIvSizeBytes(12)
                    .setTagSizeBytes(16)
                    .setVariant(AesGcmParameters.Variant.NO_PREFIX)
                    .build();
            return AesGcmJce.create(AesGcmKey.builder()
                    .setParameters(parameters)
                    .setKeyBytes(SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get()))
                    .build());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    static byte[] encrypt(Aead aead, Contents contents, byte[] associatedData) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("written_at", contents.writtenAt().toString());
        ObjectNode secrets = root.putObject("secrets");
        contents.secrets().forEach(secrets::set);
        byte[] plaintext = null;
        try {
            plaintext = Json.mapper().writeValueAsBytes(root);
            return aead.encrypt(plaintext, associatedData);
        } catch (GeneralSecurityException | com.fasterxml.jackson.core.JsonProcessingException e) {
            // No cause attached: neither exception may carry a value, but there is no need to find out.
            throw new IllegalStateException("cannot encrypt the vault contents (" + e.getClass().getSimpleName() + ")");
        } finally {
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
        }
    }

    /**
     * Decrypts and parses one envelope.
     *
     * @return empty when the tag does not verify (wrong key, damaged envelope or header) or the
     *     plaintext is not the expected JSON; never says more, so nothing of the plaintext leaks
     */
    static Optional<Contents> decrypt(Aead aead, byte[] envelope, byte[] associatedData) {
        byte[] plaintext;
        try {
            plaintext = aead.decrypt(envelope, associatedData);
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
        try {
            JsonNode root = Json.mapper().readTree(plaintext);
            JsonNode written = root == null ? null : root.get("written_at");
            JsonNode secrets = root == null ? null : root.get("secrets");
            if (written == null || !written.isTextual() || secrets == null || !secrets.isObject()) {
                return Optional.empty();
            }
            TreeMap<String, JsonNode> map = new TreeMap<>();
            for (Map.Entry<String, JsonNode> entry : secrets.properties()) {
                if (!entry.getValue().isTextual() && !entry.getValue().isObject()) {
                    return Optional.empty();
                }
                map.put(entry.getKey(), entry.getValue());
            }
            return Optional.of(new Contents(Instant.parse(written.textValue()), map));
        } catch (java.io.IOException | DateTimeParseException e) {
            // Deliberately dropped: a parser message could quote the decrypted text.
            return Optional.empty();
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }
}
