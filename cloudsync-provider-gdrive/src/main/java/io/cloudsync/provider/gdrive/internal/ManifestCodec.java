package io.cloudsync.provider.gdrive.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.core.internal.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Manifest bytes for {@code <snapshot>.json}. A stand-in for {@code io.cloudsync.core.ManifestJson},
 * written while that codec was being built on another branch; it writes the same field names
 * ({@code format}, {@code version}, {@code name}, {@code root}, {@code created_at}, {@code checksum},
 * {@code entries[path,size,mtime,sha256]}). When merging, replace the two method bodies with calls
 * to {@code ManifestJson.toBytes} / {@code ManifestJson.fromBytes}; nothing else uses the format.
 */
final class ManifestCodec {

    private static final String FORMAT = "cloudsync-manifest";
    private static final int VERSION = 1;

    private ManifestCodec() {
    }

    static byte[] toBytes(Manifest m) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("name", m.name());
        root.put("root", m.root());
        root.put("created_at", m.createdAt().toString());
        root.put("checksum", m.checksum());
        ArrayNode entries = root.putArray("entries");
        for (ManifestEntry e : m.entries()) {
            ObjectNode o = entries.addObject();
            o.put("path", e.path());
            o.put("size", e.size());
            o.put("mtime", e.mtime().toString());
            o.put("sha256", e.sha256());
        }
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise manifest " + m.name(), e);
        }
    }

    static Manifest fromBytes(byte[] json, String source) {
        try {
            JsonNode root = Json.mapper().readTree(json);
            if (root == null || !FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != VERSION) {
                throw new ManifestFormatException(source + " is not a cloudsync manifest (format " + FORMAT + " version "
                        + VERSION + ")");
            }
            List<ManifestEntry> entries = new ArrayList<>();
            for (JsonNode e : root.path("entries")) {
                entries.add(new ManifestEntry(e.path("path").asText(null), e.path("size").asLong(-1),
                        Instant.parse(e.path("mtime").asText()), e.path("sha256").asText(null)));
            }
            return new Manifest(root.path("name").asText(), root.path("root").asText(),
                    Instant.parse(root.path("created_at").asText()), entries, root.path("checksum").asText(null));
        } catch (IOException | RuntimeException e) {
            if (e instanceof ManifestFormatException mfe) {
                throw mfe;
            }
            throw new ManifestFormatException(source + " cannot be read as a manifest: " + e.getMessage(), e);
        }
    }
}
