package io.cloudsync.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.support.Json;
import java.nio.charset.StandardCharsets;

/**
 * A response of {@link CloudSyncApi}: a status and a JSON body.
 *
 * @param status the HTTP status
 * @param body the JSON document
 */
public record ApiResponse(int status, JsonNode body) {

    /**
     * A 200 response.
     *
     * @param body the document
     * @return the response
     */
    public static ApiResponse ok(JsonNode body) {
        return new ApiResponse(200, body);
    }

    /**
     * An error response {@code {"error": message, "status": status}}.
     *
     * @param status the HTTP status
     * @param message what is wrong and how to fix it
     * @return the response
     */
    public static ApiResponse error(int status, String message) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("error", message);
        body.put("status", status);
        return new ApiResponse(status, body);
    }

    /**
     * The body as UTF-8 bytes.
     *
     * @return the bytes
     */
    public byte[] bytes() {
        try {
            return Json.mapper().writeValueAsString(body).concat("\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
