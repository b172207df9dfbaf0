package io.cloudsync.provider.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The S3 client's HTTP transport, on the JDK's {@code java.net.http} client. Apache HttpClient (the
 * SDK's default) writes every header, {@code Authorization} and {@code x-amz-security-token} included,
 * to its {@code org.apache.hc.client5.http.headers} and {@code ...wire} loggers at DEBUG, and the JDK's
 * {@code HttpURLConnection} (the SDK's other sync client) to {@code sun.net.www.protocol.http.HttpURLConnection}
 * at FINE: a host that turns its logging up prints the credentials. The JDK client has no such logger:
 * it logs only when the JVM is started with {@code -Djdk.httpclient.HttpClient.log}. Requests are
 * HTTP/1.1, at most {@code maxConnections} at once, with a connect timeout, a time limit for the
 * response headers (longer for larger uploads) and a read timeout on the response body.
 */
final class QuietHttpClient implements SdkHttpClient {

    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "expect", "connection", "upgrade",
            "transfer-encoding");
    /** The slowest upload rate tolerated before a request counts as stalled, in bytes per second. */
    private static final long MIN_UPLOAD_BYTES_PER_SECOND = 32 * 1024;

    private final HttpClient client;
    private final Semaphore connections;
    private final int maxConnections;
    private final Duration acquireTimeout;
    private final Duration readTimeout;

    private QuietHttpClient(Builder b) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(b.connectTimeout)
                .proxy(ProxySelector.getDefault())
                .build();
        this.connections = new Semaphore(b.maxConnections, true);
        this.maxConnections = b.maxConnections;
        this.acquireTimeout = b.acquireTimeout;
        this.readTimeout = b.readTimeout;
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new Call(request);
    }

    @Override
    public String clientName() {
        return "JdkHttp";
    }

    @Override
    public void close() {
        stopSelector(client);
    }

    /**
     * Ends the JDK client's selector thread. Java 17's client has no close() (it came in Java 21): its
     * selector thread ends only once the client is collected, and until then it waits in native code,
     * which makes every JVM exit wait 300 ms for it (HotSpot waits that long for threads in native).
     * Interrupting that thread makes the client shut down; nothing uses it after close. The thread is
     * found by the name the JDK gives it, {@code HttpClient-<id>-SelectorManager}; when the name has
     * another form, nothing happens.
     *
     * @param client a client that will not be used again
     */
    static void stopSelector(HttpClient client) {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\\((\\d+)\\)$").matcher(client.toString());
        if (!id.find()) {
            return;
        }
        String name = "HttpClient-" + id.group(1) + "-SelectorManager";
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).forEach(Thread::interrupt);
    }

    private final class Call implements ExecutableHttpRequest {
        private final HttpExecuteRequest request;
        private volatile CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> pending;
        private volatile BodyStream body;
        private volatile boolean aborted;

        Call(HttpExecuteRequest request) {
            this.request = request;
        }

        @Override
        public HttpExecuteResponse call() throws IOException {
            SdkHttpRequest r = request.httpRequest();
            HttpRequest.Builder b = HttpRequest.newBuilder(r.getUri());
            long length = -1;
            boolean expectContinue = false;
            for (Map.Entry<String, List<String>> header : r.headers().entrySet()) {
                String name = header.getKey().toLowerCase(Locale.ROOT);
                if (name.equals("content-length") && !header.getValue().isEmpty()) {
                    length = Long.parseLong(header.getValue().get(0).trim());
                } else if (name.equals("expect")) {
                    expectContinue = header.getValue().stream().anyMatch(v -> v.equalsIgnoreCase("100-continue"));
                }
                if (!RESTRICTED.contains(name)) {
                    header.getValue().forEach(v -> b.header(header.getKey(), v));
                }
            }
            Optional<ContentStreamProvider> content = request.contentStreamProvider();
            HttpRequest.BodyPublisher publisher;
            if (content.isEmpty() || length == 0) {
                publisher = HttpRequest.BodyPublishers.noBody();
            } else {
                HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> content.get().newStream());
                publisher = length > 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
            }
            b.method(r.method().name(), publisher).expectContinue(expectContinue)
                    .timeout(readTimeout.plusSeconds(Math.max(0, length) / MIN_UPLOAD_BYTES_PER_SECOND));
            acquire();
            boolean handedOver = false;
            try {
                if (aborted) {
                    throw new IOException("the request was aborted");
                }
                HttpRequest built = b.build();
                HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
                // A pooled connection that the server had already closed fails the request before any
                // answer: the JDK client retries only GET and HEAD on another connection, so do it here for
                // the rest. Each failure drops that connection from the pool, and several may be dead at
                // once, so up to one attempt per connection the pool may hold, and one more on a new one.
                // The body is streamed anew from its provider, and S3's requests are safe to repeat.
                for (int attempt = 1; ; attempt++) {
                    try {
                        pending = client.sendAsync(built, HttpResponse.BodyHandlers.ofPublisher());
                        response = await(pending);
                        break;
                    } catch (IOException e) {
                        if (aborted || !staleConnection(e) || attempt > maxConnections) {
                            throw e;
                        }
                    }
                }
                BodyStream stream = new BodyStream(readTimeout, connections);
                body = stream;
                response.body().subscribe(stream);
                handedOver = true;
                SdkHttpResponse.Builder sdk = SdkHttpResponse.builder().statusCode(response.statusCode());
                response.headers().map().forEach((name, values) -> {
                    if (!name.startsWith(":")) {
                        sdk.putHeader(name, values);
                    }
                });
                return HttpExecuteResponse.builder().response(sdk.build())
                        .responseBody(AbortableInputStream.create(stream, stream::abort)).build();
            } finally {
                if (!handedOver) {
                    connections.release();
                }
            }
        }

        /**
         * Whether a failure looks like a kept-alive connection that the server had already closed: the
         * request failed before any response, and not by a timeout, a refused connection or an abort.
         */
        private static boolean staleConnection(IOException e) {
            if (e instanceof java.net.http.HttpTimeoutException || e instanceof InterruptedIOException
                    || e instanceof java.net.ConnectException || e instanceof java.net.UnknownHostException) {
                return false;
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                String m = String.valueOf(t.getMessage());
                if (t instanceof java.io.EOFException || m.contains("received no bytes") || m.contains("Broken pipe")
                        || m.contains("Connection reset")) {
                    return true;
                }
            }
            return false;
        }

        private void acquire() throws IOException {
            try {
                if (!connections.tryAcquire(acquireTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException("no free HTTP connection within " + acquireTimeout.toSeconds()
                            + " s (max_connections are all busy)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a free HTTP connection");
            }
        }

        private HttpResponse<Flow.Publisher<List<ByteBuffer>>> await(
                CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> future) throws IOException {
            try {
                return future.get();
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the response");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                throw new IOException(cause == null ? e.toString() : cause.toString(), cause);
            } catch (java.util.concurrent.CancellationException e) {
                throw new IOException("the request was aborted", e);
            }
        }

        @Override
        public void abort() {
            aborted = true;
            CompletableFuture<?> p = pending;
            if (p != null) {
                p.cancel(true);
            }
            BodyStream s = body;
            if (s != null) {
                s.abort();
            }
        }
    }

    /**
     * A response body as an InputStream, fed by the JDK client's publisher one batch at a time; a read
     * that waits longer than the read timeout fails, and closing before the end cancels the transfer.
     * Releases the connection permit exactly once, at the end or on close.
     */
    static final class BodyStream extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {
        private static final Object END = new Object();
        private final java.util.concurrent.BlockingQueue<Object> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        private final Duration readTimeout;
        private final Semaphore permits;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile Flow.Subscription subscription;
        private Iterator<ByteBuffer> batch;
        private ByteBuffer current;
        private boolean done;
        private volatile boolean aborted;

        BodyStream(Duration readTimeout, Semaphore permits) {
            this.readTimeout = readTimeout;
            this.permits = permits;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (aborted) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            queue.add(item);
        }

        @Override
        public void onError(Throwable t) {
            queue.add(t);
            release();
        }

        @Override
        public void onComplete() {
            queue.add(END);
            release(); // the exchange is over: the connection is free, whether or not the body is read
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.remaining());
            current.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            return current == null ? 0 : current.remaining();
        }

        private boolean fill() throws IOException {
            while (current == null || !current.hasRemaining()) {
                if (aborted) {
                    throw new IOException("the response was aborted");
                }
                if (done) {
                    return false;
                }
                if (batch != null && batch.hasNext()) {
                    current = batch.next();
                    continue;
                }
                Object item;
                try {
                    item = queue.poll(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    abort();
                    throw new InterruptedIOException("interrupted while reading the response");
                }
                if (item == null) {
                    abort();
                    throw new java.net.SocketTimeoutException("no response data for " + readTimeout.toSeconds() + " s");
                }
                if (item == END) {
                    finish();
                    return false;
                }
                if (item instanceof Throwable t) {
                    finish();
                    throw t instanceof IOException io ? io : new IOException(t.toString(), t);
                }
                @SuppressWarnings("unchecked")
                List<ByteBuffer> buffers = (List<ByteBuffer>) item;
                batch = buffers.iterator();
                subscription.request(1);
            }
            return true;
        }

        private void finish() {
            done = true;
            release();
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                permits.release();
            }
        }

        void abort() {
            aborted = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            finish();
        }

        /**
         * Ends the body. What is left of a short body (the SDK closes many responses without reading them
         * to the end, an empty PutObject answer for one) is read and dropped, so that the connection can
         * serve the next request; a longer rest cancels the transfer, which closes the connection.
         */
        @Override
        public void close() {
            if (done || aborted) {
                return;
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            long left = 64 * 1024 - (current == null ? 0 : current.remaining());
            try {
                while (left >= 0) {
                    while (batch != null && batch.hasNext()) {
                        left -= batch.next().remaining();
                    }
                    long wait = deadline - System.nanoTime();
                    Object item = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
                    if (item == END || item instanceof Throwable) {
                        finish();
                        return;
                    }
                    if (item == null) {
                        break;
                    }
                    @SuppressWarnings("unchecked")
                    List<ByteBuffer> buffers = (List<ByteBuffer>) item;
                    batch = buffers.iterator();
                    subscription.request(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            abort();
        }
    }

    /** Builds the client; the SDK calls {@link #buildWithDefaults} and owns (closes) the result. */
    static final class Builder implements SdkHttpClient.Builder<Builder> {
        private int maxConnections = 50;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration acquireTimeout = Duration.ofMinutes(10);

        Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        Builder connectionAcquisitionTimeout(Duration timeout) {
            this.acquireTimeout = timeout;
            return this;
        }

        @Override
        public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return new QuietHttpClient(this);
        }
    }
}
