package io.cloudsync.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.ErrorCategory;
import io.cloudsync.core.json.ResultCodec;
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
     * The error response of a failure: the status {@link #statusOf} its {@link ErrorCategory}, and the
     * body {@code {"error": message, "status", "category", "type", "reason"?}} (docs/FORMATS.md,
     * "Result JSON"). The status is chosen by the category alone, never by the message.
     *
     * @param failure the failure; its message never holds a secret
     * @return the response
     */
    public static ApiResponse error(Throwable failure) {
        ObjectNode fields = ResultCodec.error(failure);
        int status = statusOf(ErrorCategory.of(failure));
        ObjectNode body = Json.mapper().createObjectNode();
        body.set("error", fields.remove("message"));
        body.put("status", status);
        body.setAll(fields);
        return new ApiResponse(status, body);
    }

    /**
     * The one mapping from an error category to an HTTP status (the table of docs/CLOUD_SYNC.md).
     *
     * @param category the category
     * @return the status
     */
    public static int statusOf(ErrorCategory category) {
        return switch (category) {
            case CONFIGURATION -> 400;
            case DISABLED -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT, LOCKED, PLAN_CHANGED -> 409;
            case LIMIT, DELETE_GUARD, INTEGRITY -> 422;
            case TRANSIENT -> 503;
            case AUTH, FAILED, INTERNAL -> 500;
        };
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
