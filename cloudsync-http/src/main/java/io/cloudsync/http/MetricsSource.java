package io.cloudsync.http;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * What {@code GET /metrics} answers: a scrape of the host's metrics in a text exposition format, such
 * as a Prometheus registry's. The HTTP module knows no metrics library; the host hands its scrape over.
 *
 * @param contentType the response's content type, such as {@code text/plain; version=0.0.4; charset=utf-8}
 * @param text reads the metrics as text, at each request
 */
public record MetricsSource(String contentType, Supplier<String> text) {

    /** The route. */
    public static final String PATH = "/metrics";

    /**
     * Checks that no component is {@code null}.
     *
     * @param contentType see the record component
     * @param text see the record component
     */
    public MetricsSource {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(text, "text");
    }

    /**
     * Reads the metrics now.
     *
     * @return the exposition text
     */
    public String scrape() {
        return text.get();
    }
}
