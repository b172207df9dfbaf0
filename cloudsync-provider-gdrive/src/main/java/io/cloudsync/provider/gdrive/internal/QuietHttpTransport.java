package io.cloudsync.provider.gdrive.internal;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Drive client's transport, on the JDK's {@code java.net.http} client instead of
 * {@code NetHttpTransport}: that one runs on {@code HttpURLConnection}, which writes every request
 * header, {@code Authorization: Bearer} included, to the JDK logger
 * {@code sun.net.www.protocol.http.HttpURLConnection} at FINE, so a host with java.util.logging turned up
 * prints the access token. The JDK client logs only when the JVM is started with
 * {@code -Djdk.httpclient.HttpClient.log}, and its internal trace ({@code jdk.internal.httpclient.debug},
 * which prints URIs) is kept at INFO. (The google-http-client's own logger,
 * {@code com.google.api.client.http.HttpTransport}, is switched off per request by {@link DriveApi}.)
 * The same methods as {@code NetHttpTransport} are sent natively, so PATCH still goes as POST with
 * {@code X-HTTP-Method-Override}; request bodies are buffered (a chunk at most); response bodies are
 * streamed with the request's read timeout on every read.
 */
final class QuietHttpTransport extends HttpTransport {

    private static final Set<String> METHODS = Set.of("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "TRACE");
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "expect", "connection", "upgrade");

    /**
     * The JDK client's internal trace, on as soon as its java.util.logging logger is at FINE (a root at
     * ALL is enough), prints request URIs, and a resumable upload's session URI grants upload access.
     * Held so that the level set on it is kept.
     */
    private static final java.util.logging.Logger JDK_TRACE = java.util.logging.Logger.getLogger("jdk.internal.httpclient.debug");

    private final HttpClient client;

    QuietHttpTransport(Duration connectTimeout) {
        // before the client exists: its trace decides once, when each part is made, whether it is on
        synchronized (JDK_TRACE) {
            java.util.logging.Level level = JDK_TRACE.getLevel();
            if (level == null || level.intValue() < java.util.logging.Level.INFO.intValue()) {
                JDK_TRACE.setLevel(java.util.logging.Level.INFO);
            }
        }
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .proxy(ProxySelector.getDefault())
                .build();
    }

    /**
     * Ends the JDK client's selector thread (Java 17's client has no close()): left running, it waits
     * in native code and makes every JVM exit wait 300 ms for it. Interrupting it shuts the client down;
     * nothing uses the transport after shutdown. The thread is found by the name the JDK gives it,
     * {@code HttpClient-<id>-SelectorManager}; when the name has another form, nothing happens.
     */
    @Override
    public void shutdown() {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\\((\\d+)\\)$").matcher(client.toString());
        if (id.find()) {
            String name = "HttpClient-" + id.group(1) + "-SelectorManager";
            Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).forEach(Thread::interrupt);
        }
    }

    @Override
    public boolean supportsMethod(String method) {
        return METHODS.contains(method);
    }

    @Override
    protected LowLevelHttpRequest buildRequest(String method, String url) {
        return new Request(method, url);
    }

    private final class Request extends LowLevelHttpRequest {
        private final String method;
        private final String url;
        private final List<String[]> headers = new ArrayList<>();
        private int readTimeoutMillis = 20_000;

        Request(String method, String url) {
            this.method = method;
            this.url = url;
        }

        @Override
        public void addHeader(String name, String value) {
            headers.add(new String[] {name, value});
        }

        @Override
        public void setTimeout(int connectTimeout, int readTimeout) {
            this.readTimeoutMillis = readTimeout;
        }

        @Override
        @SuppressWarnings("deprecation") // StreamingContent is what LowLevelHttpRequest hands over
        public LowLevelHttpResponse execute() throws IOException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
            for (String[] h : headers) {
                if (!RESTRICTED.contains(h[0].toLowerCase(Locale.ROOT))) {
                    b.header(h[0], h[1]);
                }
            }
            if (getContentType() != null) {
                b.setHeader("Content-Type", getContentType());
            }
            if (getContentEncoding() != null) {
                b.setHeader("Content-Encoding", getContentEncoding());
            }
            com.google.api.client.util.StreamingContent content = getStreamingContent();
            HttpRequest.BodyPublisher body;
            if (content != null) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream(getContentLength() > 0
                        ? (int) Math.min(getContentLength(), 64L * 1024 * 1024) : 8192);
                content.writeTo(buffer);
                body = HttpRequest.BodyPublishers.ofByteArray(buffer.toByteArray());
            } else {
                body = HttpRequest.BodyPublishers.noBody();
            }
            b.method(method, body);
            Duration readTimeout = Duration.ofMillis(readTimeoutMillis > 0 ? readTimeoutMillis : 600_000);
            b.timeout(readTimeout);
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
            try {
                response = client.send(b.build(), HttpResponse.BodyHandlers.ofPublisher());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + method + " " + url);
            }
            BodyStream stream = new BodyStream(readTimeout);
            response.body().subscribe(stream); // at once, so the connection is freed even when no one reads
            return new Response(response, stream);
        }
    }

    private static final class Response extends LowLevelHttpResponse {
        private final HttpResponse<?> response;
        private final BodyStream body;
        private final List<String[]> headers = new ArrayList<>();

        Response(HttpResponse<?> response, BodyStream body) {
            this.response = response;
            this.body = body;
            response.headers().map().forEach((name, values) -> {
                if (!name.startsWith(":")) {
                    values.forEach(v -> headers.add(new String[] {name, v}));
                }
            });
        }

        @Override
        public InputStream getContent() {
            return body;
        }

        @Override
        public String getContentEncoding() {
            return response.headers().firstValue("Content-Encoding").orElse(null);
        }

        @Override
        public long getContentLength() {
            return response.headers().firstValueAsLong("Content-Length").orElse(-1);
        }

        @Override
        public String getContentType() {
            return response.headers().firstValue("Content-Type").orElse(null);
        }

        @Override
        public String getStatusLine() {
            return "HTTP/1.1 " + response.statusCode() + ' ' + getReasonPhrase();
        }

        @Override
        public int getStatusCode() {
            return response.statusCode();
        }

        @Override
        public String getReasonPhrase() {
            return switch (response.statusCode()) {
                case 200 -> "OK";
                case 201 -> "Created";
                case 204 -> "No Content";
                case 206 -> "Partial Content";
                case 308 -> "Resume Incomplete";
                case 400 -> "Bad Request";
                case 401 -> "Unauthorized";
                case 403 -> "Forbidden";
                case 404 -> "Not Found";
                case 409 -> "Conflict";
                case 410 -> "Gone";
                case 412 -> "Precondition Failed";
                case 416 -> "Range Not Satisfiable";
                case 429 -> "Too Many Requests";
                case 500 -> "Internal Server Error";
                case 502 -> "Bad Gateway";
                case 503 -> "Service Unavailable";
                case 504 -> "Gateway Timeout";
                default -> "";
            };
        }

        @Override
        public int getHeaderCount() {
            return headers.size();
        }

        @Override
        public String getHeaderName(int index) {
            return headers.get(index)[0];
        }

        @Override
        public String getHeaderValue(int index) {
            return headers.get(index)[1];
        }

        @Override
        public void disconnect() {
            body.close();
        }
    }

    /**
     * A response body as an InputStream, fed one batch at a time by the JDK client; a read that waits
     * longer than the read timeout fails, and closing before the end cancels the transfer.
     */
    private static final class BodyStream extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {
        private static final Object END = new Object();
        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final Duration readTimeout;
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;
        private Iterator<ByteBuffer> batch;
        private ByteBuffer current;
        private boolean done;

        BodyStream(Duration readTimeout) {
            this.readTimeout = readTimeout;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (cancelled) {
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
        }

        @Override
        public void onComplete() {
            queue.add(END);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (current == null || !current.hasRemaining()) {
                if (cancelled) {
                    throw new IOException("the response body was closed");
                }
                if (done) {
                    return -1;
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
                    close();
                    throw new InterruptedIOException("interrupted while reading the response");
                }
                if (item == null) {
                    close();
                    throw new java.net.SocketTimeoutException("no response data for " + readTimeout.toMillis() + " ms");
                }
                if (item == END) {
                    done = true;
                    return -1;
                }
                if (item instanceof Throwable t) {
                    done = true;
                    throw t instanceof IOException io ? io : new IOException(t.toString(), t);
                }
                @SuppressWarnings("unchecked")
                List<ByteBuffer> buffers = (List<ByteBuffer>) item;
                batch = buffers.iterator();
                subscription.request(1);
            }
            int n = Math.min(len, current.remaining());
            current.get(b, off, n);
            return n;
        }

        @Override
        public void close() {
            if (done || cancelled) {
                return;
            }
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
