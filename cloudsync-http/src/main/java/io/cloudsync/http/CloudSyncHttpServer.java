package io.cloudsync.http;

import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.core.CloudSync;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link CloudSyncApi} and the hooks stream over HTTP/1.1. Binds to 127.0.0.1 unless another
 * address is asked for explicitly. Every request needs the bearer token, which the host gives or which
 * is generated on first start into {@code <state>/http/token} (owner-only permissions).
 *
 * <p>Slow or idle clients cannot starve it: a connection that has not shown the token is answered
 * {@code 401} as soon as its headers arrive (its body is never read), must send those headers within
 * the request timeout (10 s by default), and only a bounded number of such connections are kept (32 by
 * default; the oldest is dropped to make room for a new one). One request per connection
 * ({@code Connection: close}). The hooks stream {@code /api/modder/hooks} is served as server-sent
 * events, or as WebSocket messages when the request asks for the RFC 6455 upgrade (see {@link HookStream}).
 */
public final class CloudSyncHttpServer implements AutoCloseable {

    /** How many connections that have not shown the token yet are kept, unless the builder says otherwise. */
    public static final int DEFAULT_MAX_UNAUTHENTICATED = 32;
    /** How long a client has to send its request line and headers, unless the builder says otherwise. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(CloudSyncHttpServer.class);
    private static final int MAX_STREAMS = 16;
    /** Requests with the token served at once, hook streams included; more are answered 503. */
    private static final int MAX_AUTHENTICATED = 64;
    private static final int BODY_READ_TIMEOUT_MILLIS = 30_000;
    private static final long HEARTBEAT_MILLIS = 15_000;
    private static final String JSON = "application/json; charset=utf-8";

    private final ServerSocket listener;
    private final Thread acceptor;
    private final ExecutorService workers;
    private final ScheduledExecutorService deadlines;
    private final CloudSyncApi api;
    private final HookStream hooks;
    private final CloudSync cloudSync;
    private final MetricsSource metrics;
    private final int maxUnauthenticated;
    private final long requestTimeoutMillis;
    /** Connections that have not shown the token, oldest first; guarded by itself. */
    private final Deque<HttpConnection> unauthenticated = new ArrayDeque<>();
    private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
    private final Semaphore authenticated = new Semaphore(MAX_AUTHENTICATED);
    private final AtomicInteger streams = new AtomicInteger();
    private volatile boolean closing;

    private CloudSyncHttpServer(Builder b, Secret token) throws IOException {
        this.cloudSync = b.cloudSync;
        this.metrics = b.metrics;
        this.api = new CloudSyncApi(b.cloudSync, token, b.allowedServiceConfig);
        this.hooks = new HookStream();
        this.maxUnauthenticated = b.maxUnauthenticated;
        this.requestTimeoutMillis = Math.max(1, b.requestTimeout.toMillis());
        this.listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(b.address, b.port), 128);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> daemon(r, "cloudsync-http-" + n.incrementAndGet()));
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cloudsync-http-deadlines"));
        b.cloudSync.addListener(hooks);
        this.acceptor = daemon(this::acceptLoop, "cloudsync-http-accept");
        acceptor.start();
        LOG.atInfo().setMessage("http.start").addKeyValue("address", b.address.getHostAddress())
                .addKeyValue("port", port()).addKeyValue("service_config_allowed", new TreeSet<>(b.allowedServiceConfig))
                .log();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
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
        return listener.getLocalPort();
    }

    /**
     * The base URI, such as {@code http://127.0.0.1:8765}.
     *
     * @return the URI
     */
    public URI baseUri() {
        String host = listener.getInetAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? '[' + host + ']' : host) + ':' + port());
    }

    /**
     * The hooks stream, for hosts that want the same events in-process.
     *
     * @return the stream
     */
    public HookStream hooks() {
        return hooks;
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (closing) {
                    return;
                }
                LOG.atWarn().setMessage("http.accept_failed").addKeyValue("error", e.toString()).log();
                pause();
                continue;
            }
            HttpConnection connection;
            try {
                socket.setTcpNoDelay(true);
                connection = new HttpConnection(socket);
            } catch (IOException e) {
                closeQuietly(socket);
                continue;
            }
            HttpConnection oldest = null;
            synchronized (unauthenticated) {
                if (unauthenticated.size() >= maxUnauthenticated) {
                    oldest = unauthenticated.pollFirst();
                }
                unauthenticated.addLast(connection);
            }
            if (oldest != null) {
                // a client that has not shown the token in time makes room for a new one
                oldest.abort();
                LOG.atDebug().setMessage("http.connection_dropped").addKeyValue("reason", "too_many_unauthenticated").log();
            }
            open.add(connection);
            try {
                workers.execute(() -> serve(connection));
            } catch (RejectedExecutionException e) {
                forget(connection);
                connection.close();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private void forget(HttpConnection connection) {
        synchronized (unauthenticated) {
            unauthenticated.remove(connection);
        }
        open.remove(connection);
    }

    private void serve(HttpConnection connection) {
        ScheduledFuture<?> deadline;
        try {
            deadline = deadlines.schedule(connection::abort, requestTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            forget(connection);
            connection.close();
            return;
        }
        boolean permit = false;
        try {
            connection.readTimeout((int) Math.min(Integer.MAX_VALUE, requestTimeoutMillis));
            HttpConnection.Head head;
            try {
                head = connection.readHead();
            } catch (HttpConnection.Malformed e) {
                send(connection, ApiResponse.error(e.status, e.getMessage()));
                return;
            } catch (SocketTimeoutException e) {
                send(connection, ApiResponse.error(408, "the request headers did not arrive within "
                        + requestTimeoutMillis + " ms"));
                return;
            }
            if (head == null) {
                return;
            }
            String auth = head.header("Authorization");
            if (!api.authorized(auth)) {
                // answered from the headers alone: the body of a client without the token is never read
                send(connection, api.handle(head.method(), head.path(), Map.of(), auth, new byte[0]));
                return;
            }
            deadline.cancel(false);
            synchronized (unauthenticated) {
                if (!unauthenticated.remove(connection)) {
                    return; // dropped to make room just now
                }
            }
            if (!authenticated.tryAcquire()) {
                send(connection, ApiResponse.error(503, "too many requests at once (" + MAX_AUTHENTICATED + "); retry shortly"));
                return;
            }
            permit = true;
            connection.readTimeout(BODY_READ_TIMEOUT_MILLIS);
            dispatch(connection, head, auth);
        } catch (IOException e) {
            // the client went away, was too slow, or was dropped to make room: there is no one to answer
            LOG.atDebug().setMessage("http.connection_closed").addKeyValue("error", e.toString()).log();
        } catch (RuntimeException e) {
            LOG.atError().setMessage("http.error").addKeyValue("error", e.toString()).log();
            try {
                send(connection, ApiResponse.error(500, "internal error: " + e.getClass().getSimpleName()));
            } catch (IOException | RuntimeException ignored) {
                // the response had started or the client is gone
            }
        } finally {
            deadline.cancel(false);
            if (permit) {
                authenticated.release();
            }
            forget(connection);
            connection.close();
        }
    }

    private void dispatch(HttpConnection connection, HttpConnection.Head head, String auth) throws IOException {
        if (head.path().equals(MetricsSource.PATH) && metrics != null) {
            if (!head.method().equals("GET")) {
                send(connection, ApiResponse.error(405, "use GET for this route"));
                return;
            }
            connection.respond(200, metrics.contentType(), metrics.scrape().getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (head.path().equals("/api/modder/hooks")) {
            stream(connection, head);
            return;
        }
        byte[] body;
        try {
            body = connection.readBody(head, CloudSyncApi.MAX_BODY_BYTES);
        } catch (HttpConnection.Malformed e) {
            send(connection, ApiResponse.error(e.status, e.getMessage()));
            return;
        }
        ApiResponse response = body == null
                ? ApiResponse.error(413, "request body is over the limit of " + CloudSyncApi.MAX_BODY_BYTES + " bytes")
                : api.handle(head.method(), head.path(), query(head.rawQuery()), auth, body);
        send(connection, response);
    }

    private void stream(HttpConnection connection, HttpConnection.Head head) throws IOException {
        if (!head.method().equals("GET")) {
            send(connection, ApiResponse.error(405, "use GET for this route"));
            return;
        }
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            send(connection, ApiResponse.error(503, "too many hook streams open (" + MAX_STREAMS + "); close one and retry"));
            return;
        }
        try {
            if (HookWebSocket.requested(head)) {
                webSocket(connection, head);
            } else {
                eventStream(connection);
            }
        } finally {
            streams.decrementAndGet();
        }
    }

    private void webSocket(HttpConnection connection, HttpConnection.Head head) throws IOException {
        HookWebSocket session;
        try {
            session = HookWebSocket.accept(connection, head);
        } catch (IllegalArgumentException e) {
            send(connection, ApiResponse.error(400, e.getMessage()));
            return;
        }
        connection.readTimeout(0); // a quiet client is normal here; a dead one fails the next ping
        try (HookStream.Subscription subscription = hooks.subscribe()) {
            session.open(subscription, () -> closing, HEARTBEAT_MILLIS, workers);
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void eventStream(HttpConnection connection) throws IOException {
        try (HookStream.Subscription subscription = hooks.subscribe();
             OutputStream out = connection.stream(200, "text/event-stream; charset=utf-8")) {
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
        }
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

    private static void send(HttpConnection connection, ApiResponse response) throws IOException {
        connection.respond(response.status(), JSON, response.bytes());
    }

    /** Stops accepting requests, ends the hook streams and releases the port. */
    @Override
    public void close() {
        closing = true;
        cloudSync.removeListener(hooks);
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        open.forEach(HttpConnection::abort);
        workers.shutdownNow();
        deadlines.shutdownNow();
        try {
            acceptor.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
                tokenFileWarning(file).ifPresent(w -> LOG.atWarn().setMessage("http.token_file_readable")
                        .addKeyValue("file", file).addKeyValue("hint", w).log());
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

    /**
     * Says so when a token file can be read by users other than its owner (POSIX group or others read
     * permission): whoever can read it can run syncs. Never contains the token.
     *
     * @param file the token file
     * @return the warning, or empty when only the owner can read it or the file system has no POSIX permissions
     */
    public static Optional<String> tokenFileWarning(Path file) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty();
        }
        boolean others = permissions.contains(PosixFilePermission.OTHERS_READ);
        if (!others && !permissions.contains(PosixFilePermission.GROUP_READ)) {
            return Optional.empty();
        }
        return Optional.of("the HTTP token file " + file + " is readable by " + (others ? "every user" : "its group")
                + " (" + PosixFilePermissions.toString(permissions) + "), and whoever reads it can run syncs;"
                + " make it owner-only: chmod 600 " + file);
    }

    /** Builds and starts a {@link CloudSyncHttpServer}. */
    public static final class Builder {
        private final CloudSync cloudSync;
        private InetAddress address = InetAddress.getLoopbackAddress();
        private int port;
        private Secret token;
        private Set<String> allowedServiceConfig = Set.of();
        private int maxUnauthenticated = DEFAULT_MAX_UNAUTHENTICATED;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private MetricsSource metrics;

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
         * Lets sync requests set these {@code service_config} keys; any other key is refused with
         * {@code 400}. None by default: {@code service_config} overrides the configured settings, so an
         * allowed {@code directory}, {@code bucket} or {@code endpoint_url} lets every token holder send a
         * run anywhere.
         *
         * @param keys {@code key} for every service or {@code service.key} for one
         * @return this builder
         */
        public Builder allowServiceConfig(Collection<String> keys) {
            for (String key : keys) {
                if (key == null || key.isBlank()) {
                    throw new ConfigurationException("an allowed service_config key must not be empty");
                }
            }
            this.allowedServiceConfig = Set.copyOf(keys);
            return this;
        }

        /**
         * Caps the connections that have not shown the token yet; past the cap, the oldest is dropped to
         * make room for a new one.
         *
         * @param max at least 1 (32 by default)
         * @return this builder
         */
        public Builder maxUnauthenticatedConnections(int max) {
            if (max < 1) {
                throw new ConfigurationException("maxUnauthenticatedConnections must be at least 1, was " + max);
            }
            this.maxUnauthenticated = max;
            return this;
        }

        /**
         * How long a client has, from connecting, to send its request line and headers (10 s by default).
         * A request with the token then has 30 s for every read of its body.
         *
         * @param timeout more than zero
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new ConfigurationException("requestTimeout must be more than zero, was " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Serves {@code GET /metrics} from {@code metrics}, behind the bearer token as every route is
         * (a scraper sends {@code Authorization: Bearer <token>}); without a token there is
         * {@link MetricsHttpServer} on a loopback port of its own.
         *
         * @param metrics what the route answers, such as a Prometheus registry's scrape
         * @return this builder
         */
        public Builder metrics(MetricsSource metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
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
