package io.cloudsync.core.internal.vault;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Digests;
import io.cloudsync.VaultException;
import io.cloudsync.VaultException.Reason;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The vault file as text, without any key: the structural half of loading and writing. docs/FORMATS.md
 * ("Vault file") is the specification; keep the two in step.
 *
 * <p>A file is accepted as intact only when it is exactly the canonical serialisation of what it
 * parses to and its {@code checksum} matches. With that rule every single-byte change is noticed
 * without the passphrase: it breaks the JSON, breaks canonical form, or changes a value the checksum
 * covers. The checksum only detects accidents; the cipher's tag, with the associated data, is what
 * detects tampering.
 *
 * <p>Two versions are read. Version 1 (the first release) binds only the header into each envelope's
 * associated data, so envelopes of one file can be swapped unnoticed. Version 2, the only one written,
 * adds a random {@code write_id} that is new on every write and each envelope's place ({@code
 * envelope_index} of {@code envelope_count}), so any swap, removal, duplication or splice of an
 * envelope from another write fails its tag.
 */
final class VaultDocument {

    static final String FORMAT = "cloudsync-vault";
    /** The first version: header-only associated data. Read, never written. */
    static final int VERSION_1 = 1;
    /** Position-bound associated data; the version every write produces. */
    static final int VERSION_2 = 2;
    /** The newest version this code reads, and the one it writes. */
    static final int VERSION = VERSION_2;
    /** Length of the random {@code write_id} of a version 2 file. */
    static final int WRITE_ID_BYTES = 16;
    static final String CIPHER = "AES256_GCM";
    static final int MAX_BACKUPS = 5;
    /** A vault holds credentials, not data; anything larger is not a vault. */
    static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

    private static final Set<String> ROOT_FIELDS_V1 = Set.of("format", "version", "header", "current", "backups",
            "checksum");
    private static final Set<String> ROOT_FIELDS_V2 = Set.of("format", "version", "header", "write_id", "current",
            "backups", "checksum");
    private static final ObjectWriter PRETTY = Json.mapper().writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    final Path file;
    /** {@link #VERSION_1} or {@link #VERSION_2}. */
    final int version;
    final KdfParams kdf;
    final byte[] salt;
    /** The write id of a version 2 file; null in version 1. */
    final byte[] writeId;
    /** Envelopes, newest first: index 0 is the current one, then the backups. Empty when not decodable. */
    final List<Optional<byte[]>> envelopes;
    /** Null when the file is intact as far as can be told without the key, otherwise what is wrong. */
    final String integrityProblem;

    private VaultDocument(Path file, int version, KdfParams kdf, byte[] salt, byte[] writeId,
                          List<Optional<byte[]>> envelopes, String integrityProblem) {
        this.file = file;
        this.version = version;
        this.kdf = kdf;
        this.salt = salt;
        this.writeId = writeId;
        this.envelopes = envelopes;
        this.integrityProblem = integrityProblem;
    }

    int backupCount() {
        return envelopes.size() - 1;
    }

    /**
     * The associated data the envelope in slot {@code index} must have been encrypted with, for the
     * version this file says it is.
     */
    byte[] associatedData(int index) {
        return version == VERSION_1 ? associatedDataV1(kdf, salt)
                : associatedDataV2(kdf, salt, writeId, index, envelopes.size());
    }

    /** Version 1: the compact header alone, the same for every envelope of the file. */
    static byte[] associatedDataV1(KdfParams kdf, byte[] salt) {
        return compact(headerNode(VERSION_1, kdf, Base64.getEncoder().encodeToString(salt)));
    }

    /**
     * Version 2: the compact header, then the file's write id and the envelope's place, so an envelope
     * decrypts only in the slot and the write it was made for.
     *
     * @param index 0 for {@code current}, k for the k-th backup
     * @param count how many envelopes the file holds, {@code current} included
     */
    static byte[] associatedDataV2(KdfParams kdf, byte[] salt, byte[] writeId, int index, int count) {
        Base64.Encoder b64 = Base64.getEncoder();
        ObjectNode root = headerNode(VERSION_2, kdf, b64.encodeToString(salt));
        root.put("write_id", b64.encodeToString(writeId));
        root.put("envelope_index", index);
        root.put("envelope_count", count);
        return compact(root);
    }

    /**
     * Serialises a version 2 vault file.
     *
     * @param writeId the {@link #WRITE_ID_BYTES} random bytes the envelopes' associated data names
     * @param envelopes ciphertexts, the current one first, then at most {@link #MAX_BACKUPS} backups, newest first
     */
    static byte[] serialize(KdfParams kdf, byte[] salt, byte[] writeId, List<byte[]> envelopes) {
        if (envelopes.isEmpty() || envelopes.size() > MAX_BACKUPS + 1) {
            throw new IllegalArgumentException("need 1.." + (MAX_BACKUPS + 1) + " envelopes, got " + envelopes.size());
        }
        if (writeId.length != WRITE_ID_BYTES) {
            throw new IllegalArgumentException("write id must be " + WRITE_ID_BYTES + " bytes, got " + writeId.length);
        }
        Base64.Encoder b64 = Base64.getEncoder();
        List<String> backups = new ArrayList<>();
        for (byte[] envelope : envelopes.subList(1, envelopes.size())) {
            backups.add(b64.encodeToString(envelope));
        }
        ObjectNode root = body(VERSION_2, kdf, b64.encodeToString(salt), b64.encodeToString(writeId),
                b64.encodeToString(envelopes.get(0)), backups);
        root.put("checksum", checksum(root));
        return pretty(root);
    }

    /**
     * Parses a vault file. Damage that leaves the header readable is recorded in
     * {@link #integrityProblem} rather than thrown, so the caller can still try the key and say
     * precisely which part is hit.
     *
     * @throws VaultException when the file is empty, not JSON, not a vault, of another version, or
     *     its header is unreadable
     */
    static VaultDocument parse(Path file, byte[] bytes) {
        if (bytes.length == 0) {
            throw damaged(file, "is empty (0 bytes), so its inline backups are gone too. Restore the file from a copy, "
                    + "or delete it and create a new vault");
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw damaged(file, "is " + bytes.length + " bytes, more than any vault (" + MAX_FILE_BYTES
                    + "): it is not a vault file. Check the path");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            // Location only: the parser's message may quote the file's text.
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " near line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw damaged(file, "is not valid JSON" + where + ": it was truncated or edited. "
                    + restoreHint());
        } catch (IOException e) {
            throw new VaultException(Reason.IO, "cannot parse vault file " + file + ": " + e.getClass().getSimpleName());
        }
        if (root == null || !root.isObject()) {
            throw new VaultException(Reason.UNKNOWN_FORMAT, "vault file " + file + " is JSON but not a cloudsync vault "
                    + "(expected an object with \"format\": \"" + FORMAT + "\"). Check the path");
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isTextual()) {
            throw new VaultException(Reason.UNKNOWN_FORMAT, "vault file " + file + " has no \"format\" field: it is not "
                    + "a cloudsync vault. Check the path");
        }
        if (!FORMAT.equals(format.textValue())) {
            throw new VaultException(Reason.UNKNOWN_FORMAT, "vault file " + file + " has format \""
                    + printable(format.textValue()) + "\", not \"" + FORMAT + "\". Check the path, or restore the file "
                    + "from a copy if it was damaged");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()) {
            throw damaged(file, "has no readable \"version\" field. " + restoreHint());
        }
        int v = version.intValue();
        if (v > VERSION) {
            throw new VaultException(Reason.NEWER_VERSION, "vault file " + file + " has format version "
                    + v + ", written by a newer cloudsync; this one reads versions " + VERSION_1 + " to " + VERSION
                    + ". Upgrade cloudsync to open it");
        }
        if (v < VERSION_1) {
            throw damaged(file, "has format version " + v + ", which no cloudsync release wrote. " + restoreHint());
        }
        Set<String> fields = v == VERSION_1 ? ROOT_FIELDS_V1 : ROOT_FIELDS_V2;
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw damaged(file, "has an unexpected field \"" + printable(name) + "\" for format version " + v
                        + ". " + restoreHint());
            }
        }

        JsonNode header = root.get("header");
        JsonNode kdfNode = header == null ? null : header.get("kdf");
        if (header == null || !header.isObject() || kdfNode == null || !kdfNode.isObject()) {
            throw damaged(file, "has no readable \"header.kdf\". " + restoreHint());
        }
        String cipher = text(header, "cipher", file);
        if (!CIPHER.equals(cipher)) {
            throw damaged(file, "names cipher \"" + printable(cipher) + "\"; version " + v + " uses only "
                    + CIPHER + ". " + restoreHint());
        }
        String algorithm = text(kdfNode, "algorithm", file);
        int argon2Version = integer(kdfNode, "argon2_version", file);
        if (!KdfParams.ALGORITHM.equals(algorithm) || argon2Version != KdfParams.ARGON2_VERSION) {
            throw damaged(file, "names key derivation \"" + printable(algorithm) + "\" version " + argon2Version
                    + "; version " + v + " uses only " + KdfParams.ALGORITHM + " version "
                    + KdfParams.ARGON2_VERSION + ". " + restoreHint());
        }
        KdfParams kdf;
        try {
            kdf = new KdfParams(integer(kdfNode, "memory_kib", file), integer(kdfNode, "iterations", file),
                    integer(kdfNode, "parallelism", file));
        } catch (IllegalArgumentException e) {
            throw damaged(file, "has an impossible key derivation parameter (" + e.getMessage() + "). " + restoreHint());
        }
        String saltText = text(kdfNode, "salt", file);
        byte[] salt = decode(saltText).orElse(null);
        if (salt == null || salt.length != KdfParams.SALT_BYTES) {
            throw damaged(file, "has an unreadable salt in its header. " + restoreHint());
        }

        String writeIdText = null;
        byte[] writeId = null;
        if (v == VERSION_2) {
            writeIdText = text(root, "write_id", file);
            writeId = decode(writeIdText).orElse(null);
            if (writeId == null || writeId.length != WRITE_ID_BYTES) {
                throw damaged(file, "has an unreadable \"write_id\". " + restoreHint());
            }
        }

        String current = text(root, "current", file);
        JsonNode backupsNode = root.get("backups");
        if (backupsNode == null || !backupsNode.isArray() || backupsNode.size() > MAX_BACKUPS) {
            throw damaged(file, "has no readable \"backups\" list (at most " + MAX_BACKUPS + "). " + restoreHint());
        }
        List<String> backups = new ArrayList<>();
        for (JsonNode backup : backupsNode) {
            backups.add(backup.isTextual() ? backup.textValue() : "");
        }
        List<Optional<byte[]>> envelopes = new ArrayList<>();
        envelopes.add(decode(current));
        for (String backup : backups) {
            envelopes.add(decode(backup));
        }

        String problem = null;
        JsonNode checksumNode = root.get("checksum");
        ObjectNode canonical = body(v, kdf, saltText, writeIdText, current, backups);
        String expectedChecksum = checksum(canonical);
        canonical.set("checksum", checksumNode);
        if (checksumNode == null || !checksumNode.isTextual()) {
            problem = "has no readable checksum";
        } else if (!Arrays.equals(bytes, pretty(canonical))) {
            problem = "is not in the exact layout cloudsync writes (it was edited by hand or damaged)";
        } else if (!expectedChecksum.equals(checksumNode.textValue())) {
            problem = "does not match its checksum (it was changed outside cloudsync)";
        }
        return new VaultDocument(file, v, kdf, salt, writeId, List.copyOf(envelopes), problem);
    }

    static String restoreHint() {
        return "If the header is intact, Vaults.restoreNewestBackup can recover the newest backup that decrypts; "
                + "otherwise restore the file from a copy";
    }

    /** Every {@code DAMAGED} message says "is damaged", whatever the damage. */
    static VaultException damaged(Path file, String what) {
        return new VaultException(Reason.DAMAGED, "vault file " + file + " is damaged: it " + what);
    }

    private static ObjectNode headerNode(int version, KdfParams kdf, String salt) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("format", FORMAT);
        root.put("version", version);
        ObjectNode header = root.putObject("header");
        header.put("cipher", CIPHER);
        ObjectNode kdfNode = header.putObject("kdf");
        kdfNode.put("algorithm", KdfParams.ALGORITHM);
        kdfNode.put("argon2_version", KdfParams.ARGON2_VERSION);
        kdfNode.put("memory_kib", kdf.memoryKib());
        kdfNode.put("iterations", kdf.iterations());
        kdfNode.put("parallelism", kdf.parallelism());
        kdfNode.put("salt", salt);
        return root;
    }

    private static ObjectNode body(int version, KdfParams kdf, String salt, String writeId, String current,
                                   List<String> backups) {
        ObjectNode root = headerNode(version, kdf, salt);
        if (version != VERSION_1) {
            root.put("write_id", writeId);
        }
        root.put("current", current);
        ArrayNode array = root.putArray("backups");
        backups.forEach(array::add);
        return root;
    }

    /** Lower-case hex SHA-256 of the compact form; package-private so tests can re-seal a file they edit. */
    static String checksum(ObjectNode bodyWithoutChecksum) {
        return Digests.hex(Digests.sha256().digest(compact(bodyWithoutChecksum)));
    }

    private static byte[] compact(JsonNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    /** The exact layout cloudsync writes; package-private so tests can re-seal a file they edit on purpose. */
    static byte[] pretty(JsonNode node) {
        try {
            byte[] text = PRETTY.writeValueAsBytes(node);
            byte[] withNewline = Arrays.copyOf(text, text.length + 1);
            withNewline[text.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    /** Strict and canonical: a string that decodes but would not be written back the same way is damage. */
    private static Optional<byte[]> decode(String text) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            return Base64.getEncoder().encodeToString(bytes).equals(text) ? Optional.of(bytes) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode node, String field, Path file) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw damaged(file, "has no readable \"" + field + "\" field. " + restoreHint());
        }
        return value.textValue();
    }

    private static int integer(JsonNode node, String field, Path file) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            throw damaged(file, "has no readable \"" + field + "\" number. " + restoreHint());
        }
        return value.intValue();
    }

    /** Field names and format strings from a damaged file: short and printable, never anything else. */
    private static String printable(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        StringBuilder out = new StringBuilder();
        cut.codePoints().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : "?"));
        return out.toString();
    }
}
