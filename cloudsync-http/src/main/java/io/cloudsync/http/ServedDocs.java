package io.cloudsync.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/docs}: the documentation that describes this server, as packaged in the
 * cloudsync-http jar at build time (so it matches the running version, whatever is in the project root).
 * Without {@code path} it lists the documents; with {@code ?path=docs/CLOUD_SYNC.md} it returns one.
 */
final class ServedDocs {

    /** The original design's documentation profile, in the order it names them. */
    static final List<String> PATHS = List.of("README.md", "docs/CLOUD_SYNC.md", "docs/BACKUPS.md", "CHANGELOG.md");
    private static final String PREFIX = "docs/";

    private ServedDocs() {
    }

    static ApiResponse answer(String path) {
        if (path == null || path.isEmpty()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            ArrayNode docs = o.putArray("docs");
            ArrayNode missing = o.putArray("missing");
            for (String p : PATHS) {
                Optional<byte[]> bytes = read(p);
                if (bytes.isPresent()) {
                    docs.addObject().put("path", p).put("bytes", bytes.get().length).put("sha256", sha256(bytes.get()));
                } else {
                    missing.add(p);
                }
            }
            return ApiResponse.ok(o);
        }
        if (!PATHS.contains(path)) {
            return ApiResponse.error(404, "no document \"" + path + "\"; this server has " + PATHS);
        }
        Optional<byte[]> bytes = read(path);
        if (bytes.isEmpty()) {
            return ApiResponse.error(404, "\"" + path + "\" was not packaged with this server (a build without its"
                    + " resources); rebuild cloudsync-http with Maven");
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("path", path);
        o.put("media_type", "text/markdown; charset=utf-8");
        o.put("sha256", sha256(bytes.get()));
        o.put("content", new String(bytes.get(), StandardCharsets.UTF_8));
        return ApiResponse.ok(o);
    }

    private static Optional<byte[]> read(String path) {
        try (InputStream in = ServedDocs.class.getResourceAsStream(PREFIX + path)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the packaged document " + path, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
