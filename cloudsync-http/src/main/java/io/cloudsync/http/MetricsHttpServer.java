package io.cloudsync.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} alone, without a token, on a loopback port of its own: for a Prometheus server
 * on the same host that has no way to send the API's bearer token (the JDK's small HTTP server, one
 * thread). Only loopback addresses are accepted, since the route shows the names of services and
 * snapshots to anyone who can connect.
 */
public final class MetricsHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving.
     *
     * @param address a loopback address and a port (0 for a free one)
     * @param metrics what the route answers
     * @return the running server; close it to stop
     * @throws ConfigurationException when the address is not a loopback one
     * @throws CloudSyncException when the port cannot be bound
     */
    public static MetricsHttpServer start(InetSocketAddress address, MetricsSource metrics) {
        Objects.requireNonNull(metrics, "metrics");
        requireLoopback(address);
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new CloudSyncException("cannot listen on " + address.getHostString() + ':' + address.getPort() + " for metrics: "
                    + e.getMessage() + "; pick another port", e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cloudsync-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> answer(exchange, metrics));
        server.start();
        LOG.atInfo().setMessage("http.metrics_start").addKeyValue("address", address.getAddress().getHostAddress())
                .addKeyValue("port", server.getAddress().getPort()).log();
        return new MetricsHttpServer(server, executor);
    }

    /**
     * Checks an address before anything starts.
     *
     * @param address the address to serve metrics on
     * @return {@code address}
     * @throws ConfigurationException when it is not a loopback address
     */
    public static InetSocketAddress requireLoopback(InetSocketAddress address) {
        if (address.isUnresolved() || !address.getAddress().isLoopbackAddress()) {
            throw new ConfigurationException("the metrics address " + address.getHostString() + " is not a loopback address;"
                    + " metrics without a token are served on loopback only (such as 127.0.0.1:9464), or use /metrics"
                    + " on the API's port with the bearer token");
        }
        return address;
    }

    private static void answer(HttpExchange exchange, MetricsSource metrics) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals(MetricsSource.PATH)) {
                plain(exchange, 404, "only " + MetricsSource.PATH + " is served here\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                plain(exchange, 405, "use GET for " + MetricsSource.PATH + "\n");
            } else {
                exchange.getResponseHeaders().set("Content-Type", metrics.contentType());
                if (method.equals("HEAD")) {
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (RuntimeException e) {
            LOG.atError().setMessage("http.metrics_error").addKeyValue("error", e.toString()).log();
            throw e;
        }
    }

    private static void plain(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * The address served.
     *
     * @return such as {@code http://127.0.0.1:9464/metrics}
     */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ':' + a.getPort() + MetricsSource.PATH);
    }

    /** Stops serving and releases the port. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
