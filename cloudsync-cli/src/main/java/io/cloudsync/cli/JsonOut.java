package io.cloudsync.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Prints the JSON documents of {@code --json}. Results are written by core's
 * {@link io.cloudsync.core.json.ResultCodec} alone (docs/FORMATS.md, "Result JSON"); this class only
 * makes empty documents for the CLI's own commands and prints. Documents that grow with the tree
 * (plans, sync results) are {@linkplain #stream streamed}: written token by token to stdout, never held
 * as a tree or a string; both ways give the same bytes (pretty-printed, then a line separator).
 */
final class JsonOut {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private JsonOut() {
    }

    static ObjectNode object() {
        return F.objectNode();
    }

    /** Writes one JSON value to a generator. */
    interface Body {
        void writeTo(JsonGenerator g) throws IOException;
    }

    /**
     * Prints the document {@code body} writes, as it writes it, exactly as {@link #print} would print
     * its tree.
     */
    static void stream(Terminal t, Body body) {
        try (JsonGenerator g = Json.mapper().writerWithDefaultPrettyPrinter().createGenerator(t.out())) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // stdout stays open
            body.writeTo(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON output", e);
        }
        t.out().println();
        t.out().flush();
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
