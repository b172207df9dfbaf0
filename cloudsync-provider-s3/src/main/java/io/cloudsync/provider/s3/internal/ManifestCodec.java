package io.cloudsync.provider.s3.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.core.internal.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Manifest bytes on the remote. A stand-in kept small on purpose: the shared codec
 * ({@code io.cloudsync.core.ManifestJson}) replaces the body of these two methods once it lands,
 * so that every provider and the local cache write the same format.
 */
final class ManifestCodec {

    private static final int VERSION = 1;

    private ManifestCodec() {
    }

    static byte[] toBytes(Manifest manifest) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("format", "cloudsync-manifest");
        root.put("version", VERSION);
        root.put("name", manifest.name());
        root.put("root", manifest.root());
        root.put("created_at", manifest.createdAt().toString());
        root.put("checksum", manifest.checksum());
        ArrayNode entries = root.putArray("entries");
        for (ManifestEntry e : manifest.entries()) {
            ObjectNode n = entries.addObject();
            n.put("path", e.path());
            n.put("size", e.size());
            n.put("mtime", e.mtime().toString());
            n.put("sha256", e.sha256());
        }
        try {
            return Json.mapper().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise manifest " + manifest.name(), e);
        }
    }

    static Manifest fromBytes(byte[] bytes, String source) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ManifestFormatException("manifest " + source + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ManifestFormatException("manifest " + source + " cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !"cloudsync-manifest".equals(root.path("format").asText())) {
            throw new ManifestFormatException("manifest " + source + " is not a cloudsync manifest (no \"format\": \"cloudsync-manifest\")");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new ManifestFormatException("manifest " + source + " has version " + root.path("version")
                    + "; this cloudsync reads version " + VERSION);
        }
        try {
            List<ManifestEntry> entries = new ArrayList<>();
            for (JsonNode n : root.path("entries")) {
                entries.add(new ManifestEntry(text(n, "path"), n.path("size").asLong(-1),
                        Instant.parse(text(n, "mtime")), text(n, "sha256")));
            }
            return new Manifest(text(root, "name"), text(root, "root"), Instant.parse(text(root, "created_at")),
                    entries, text(root, "checksum"));
        } catch (IllegalArgumentException | DateTimeParseException | NullPointerException e) {
            throw new ManifestFormatException("manifest " + source + " is damaged: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field \"" + field + "\" is missing or not a string");
        }
        return v.asText();
    }
}
