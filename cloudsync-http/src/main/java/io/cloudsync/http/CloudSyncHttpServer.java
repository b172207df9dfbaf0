package io.cloudsync.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.internal.fs.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link CloudSyncApi} and the hooks stream on the JDK's HTTP server. Binds to 127.0.0.1 unless
 * another address is asked for explicitly. Every request needs the bearer token, which the host gives
 * or which is generated on first start into {@code <state>/http/token} (owner-only permissions).
 */
public final class CloudSyncHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CloudSyncHttpServer.class);
    private static final int MAX_STREAMS = 16;
    private static final long HEARTBEAT_MILLIS = 15_000;

    private final HttpServer server;
    private final ExecutorService executor;
    private final CloudSyncApi api;
    private final HookStream hooks;
    private final CloudSync cloudSync;
    private final AtomicInteger streams = new AtomicInteger();
    private volatile boolean closing;

    private CloudSyncHttpServer(Builder b, Secret token) throws IOException {
        this.cloudSync = b.cloudSync;
        this.api = new CloudSyncApi(b.cloudSync, token);
        this.hooks = new HookStream();
        b.cloudSync.addListener(hooks);
        this.server = HttpServer.create(new InetSocketAddress(b.address, b.port), 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(MAX_STREAMS + 8, r -> {
            Thread t = new Thread(r, "cloudsync-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.atInfo().setMessage("http.start").addKeyValue("address", b.address.getHostAddress())
                .addKeyValue("port", port()).log();
    }

    /**
     * Starts configuring a server.
     *
     * @param cloudSync the instance to serve
     * @return a builder bound to 127.0.0.1 on a free port
     */
    public static Builder builder(CloudSync cloudSync) {
        return new Builder(cloudSync);
    }

    /**
     * The port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * The base URI, such as {@code http://127.0.0.1:8765}.
     *
     * @return the URI
     */
    public URI baseUri() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ':' + port());
    }

    /**
     * The hooks stream, for hosts that want the same events in-process.
     *
     * @return the stream
     */
    public HookStream hooks() {
        return hooks;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (uri.getPath().equals("/api/modder/hooks")) {
                stream(exchange, auth);
                return;
            }
            byte[] body = readBody(exchange.getRequestBody());
            ApiResponse response = body == null
                    ? ApiResponse.error(413, "request body is over the limit of " + CloudSyncApi.MAX_BODY_BYTES + " bytes")
                    : api.handle(exchange.getRequestMethod(), uri.getPath(), query(uri.getRawQuery()), auth, body);
            send(exchange, response);
        } catch (RuntimeException e) {
            LOG.atError().setMessage("http.error").addKeyValue("error", e.toString()).log();
            send(exchange, ApiResponse.error(500, "internal error: " + e.getClass().getSimpleName()));
        }
    }

    private void stream(HttpExchange exchange, String auth) throws IOException {
        ApiResponse denied = api.handle("GET", "/api/health", Map.of(), auth, new byte[0]);
        if (denied.status() != 200) {
            send(exchange, denied);
            return;
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            send(exchange, ApiResponse.error(405, "use GET for this route"));
            return;
        }
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            send(exchange, ApiResponse.error(503, "too many hook streams open (" + MAX_STREAMS + "); close one and retry"));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (HookStream.Subscription subscription = hooks.subscribe();
             OutputStream out = exchange.getResponseBody()) {
            out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!closing) {
                HookStream.Hook hook = subscription.poll(HEARTBEAT_MILLIS);
                String frame = hook == null ? ": keep-alive\n\n"
                        : "event: " + hook.name() + "\ndata: " + hook.payload() + "\n\n";
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (subscription.overflowed()) {
                    out.write("event: overflow\ndata: {\"error\":\"events were dropped; reconnect\"}\n\n"
                            .getBytes(StandardCharsets.UTF_8));
                    break;
                }
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.decrementAndGet();
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(CloudSyncApi.MAX_BODY_BYTES + 1);
        return bytes.length > CloudSyncApi.MAX_BODY_BYTES ? null : bytes;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    private static void send(HttpExchange exchange, ApiResponse response) throws IOException {
        byte[] bytes = response.bytes();
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops accepting requests, ends the hook streams and releases the port. */
    @Override
    public void close() {
        closing = true;
        cloudSync.removeListener(hooks);
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Reads the token file of a state folder, creating it with a fresh random token on first use.
     *
     * @param stateDirectory the state folder
     * @return the token
     */
    public static Secret tokenFromStateDirectory(Path stateDirectory) {
        Path file = stateDirectory.resolve("http").resolve("token");
        try {
            if (Files.exists(file)) {
                return Secret.of(Files.readString(file, StandardCharsets.UTF_8).trim());
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            AtomicFiles.write(file, out -> out.write(token.getBytes(StandardCharsets.UTF_8)), true);
            return Secret.of(token);
        } catch (IOException e) {
            throw new CloudSyncException("cannot read or create the HTTP token " + file + ": " + e.getMessage(), e);
        }
    }

    /** Builds and starts a {@link CloudSyncHttpServer}. */
    public static final class Builder {
        private final CloudSync cloudSync;
        private InetAddress address = InetAddress.getLoopbackAddress();
        private int port;
        private Secret token;

        private Builder(CloudSync cloudSync) {
            this.cloudSync = Objects.requireNonNull(cloudSync, "cloudSync");
        }

        /**
         * Binds to another address. Anything but loopback exposes the API to the network: only do so
         * behind a TLS proxy.
         *
         * @param address the address to bind
         * @return this builder
         */
        public Builder bind(InetAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Sets the port.
         *
         * @param port 0 for a free one
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new ConfigurationException("port must be from 0 to 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Sets the bearer token instead of the generated one.
         *
         * @param token at least 16 characters
         * @return this builder
         */
        public Builder token(Secret token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server; close it to stop
         * @throws CloudSyncException when the port cannot be bound
         */
        public CloudSyncHttpServer start() {
            Secret t = token != null ? token : tokenFromStateDirectory(cloudSync.stateDirectory());
            try {
                return new CloudSyncHttpServer(this, t);
            } catch (IOException e) {
                throw new CloudSyncException("cannot listen on " + address.getHostAddress() + ':' + port + ": "
                        + e.getMessage() + "; pick another port with --port", e);
            }
        }
    }
}
