package io.cloudsync.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.support.Json;
import java.io.UncheckedIOException;

/**
 * Prints the JSON documents of {@code --json}. Results are written by core's
 * {@link io.cloudsync.core.json.ResultCodec} alone (docs/FORMATS.md, "Result JSON"); this class only
 * makes empty documents for the CLI's own commands and prints.
 */
final class JsonOut {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private JsonOut() {
    }

    static ObjectNode object() {
        return F.objectNode();
    }

    static void print(Terminal t, JsonNode doc) {
        try {
            t.out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write JSON output", e);
        }
        t.out().flush();
    }
}
