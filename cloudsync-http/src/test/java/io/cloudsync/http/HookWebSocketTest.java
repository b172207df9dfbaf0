package io.cloudsync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudsync.Secret;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 item 11: the hooks over WebSocket, with the JDK's own client. */
class HookWebSocketTest {

    static final String TOKEN = "ws-test-token-0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    CloudSyncHttpServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/a.txt"), "alpha");
        Files.writeString(root.resolve("data/b.txt"), "bravo");
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", tmp.resolve("remote").toString())).build();
        CloudSync cs = CloudSync.builder().root(root).config(config).build();
        server = CloudSyncHttpServer.builder(cs).token(Secret.of(TOKEN)).start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private URI wsUri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/api/modder/hooks");
    }

    /** Collects whole text messages (the JDK may hand one over in parts) and the close. */
    static final class Collector implements WebSocket.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CountDownLatch complete = new CountDownLatch(1);
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                String message = part.toString();
                part.setLength(0);
                messages.add(message);
                if (message.contains("\"on_cloud_sync_complete\"")) {
                    complete.countDown();
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    private WebSocket connect(Collector collector) {
        return http.newWebSocketBuilder().header("Authorization", "Bearer " + TOKEN)
                .buildAsync(wsUri(), collector).join();
    }

    private void awaitSubscribers(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.hooks().subscribers() != n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.hooks().subscribers()).isEqualTo(n);
    }

    @Test
    void handshake_withoutOrWithAWrongToken_is401() {
        for (String token : new String[] {null, "wrong-token-wrong-token"}) {
            WebSocket.Builder b = http.newWebSocketBuilder();
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            Throwable thrown = catchThrowable(() -> b.buildAsync(wsUri(), new Collector()).join());

            assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) thrown.getCause()).getResponse().statusCode()).as("token %s", token)
                    .isEqualTo(401);
        }
        assertThat(server.hooks().subscribers()).isZero();
    }

    @Test
    void realSync_sendsEachHookAsATextFrame_withTheJsonOfTheSseStream() throws Exception {
        // the SSE stream beside it, to compare with
        HttpResponse<InputStream> sse = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/api/modder/hooks"))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        List<String[]> sseEvents = new CopyOnWriteArrayList<>();
        CountDownLatch sseComplete = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
                String event = null;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ") && event != null) {
                        sseEvents.add(new String[] {event, line.substring(6)});
                        if (event.equals("on_cloud_sync_complete")) {
                            sseComplete.countDown();
                            return;
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // stream closed
            }
        });
        reader.setDaemon(true);
        reader.start();
        Collector collector = new Collector();
        WebSocket ws = connect(collector);
        awaitSubscribers(2);

        HttpResponse<String> run = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/api/sync/run"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"local\",\"snapshot\":\"nightly\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(run.statusCode()).isEqualTo(200);

        assertThat(collector.complete.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sseComplete.await(10, TimeUnit.SECONDS)).isTrue();
        List<String> events = new ArrayList<>();
        List<JsonNode> wsData = new ArrayList<>();
        for (String message : collector.messages) {
            JsonNode frame = JSON.readTree(message);
            assertThat(frame.properties()).extracting(Map.Entry::getKey).containsExactly("event", "data");
            events.add(frame.path("event").asText());
            wsData.add(frame.path("data"));
        }
        assertThat(events).containsExactly("on_cloud_sync_plan", "on_cloud_sync_progress", "on_cloud_sync_progress",
                "on_cloud_sync_complete");
        assertThat(sseEvents).extracting(e -> e[0]).containsExactlyElementsOf(events);
        assertThat(collector.messages.get(1)).contains("\"on_cloud_sync_progress\"", "\"files_done\"", "\"bytes_total\"");
        List<JsonNode> sseData = new ArrayList<>();
        for (String[] e : sseEvents) {
            sseData.add(JSON.readTree(e[1]));
        }
        // progress events of parallel transfers may reach two subscribers in different orders
        assertThat(wsData).containsExactlyInAnyOrderElementsOf(sseData);
        assertThat(wsData.get(0)).isEqualTo(sseData.get(0));
        assertThat(wsData.get(3)).isEqualTo(sseData.get(3));
        assertThat(wsData.get(3).path("status").asText()).isEqualTo("success");
        assertThat(wsData.get(3).path("uploaded").asInt()).isEqualTo(2);
        ws.abort();
    }

    @Test
    void clientClose_isEchoed_andTheSubscriptionEnds() throws Exception {
        Collector collector = new Collector();
        WebSocket ws = connect(collector);
        awaitSubscribers(1);

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();

        assertThat(collector.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        awaitSubscribers(0);
    }

    @Test
    void serverClose_sendsGoingAwayOrDropsTheConnection() throws Exception {
        Collector collector = new Collector();
        connect(collector);
        awaitSubscribers(1);

        server.close();

        // either a close frame (1001) or the connection ending: the client learns that the stream is over
        Throwable outcome = catchThrowable(() -> collector.closed.get(10, TimeUnit.SECONDS));
        if (outcome == null) {
            assertThat(collector.closed.get()).isIn(WebSocket.NORMAL_CLOSURE, 1001, 1006);
        } else {
            assertThat(outcome).isInstanceOf(java.util.concurrent.ExecutionException.class);
        }
    }

    @Test
    void handshake_ofAnotherVersion_is400AndSaysWhatToSend() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/modder/hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            assertThat(response).startsWith("HTTP/1.1 400 ").contains("Sec-WebSocket-Version: 13");
        }
        assertThat(server.hooks().subscribers()).isZero();
    }

    @Test
    void handshake_answersTheRfc6455AcceptKey() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            // the example of RFC 6455 section 1.3
            out.write(("GET /api/modder/hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            List<String> head = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                head.add(line);
            }

            assertThat(head.get(0)).isEqualTo("HTTP/1.1 101 Switching Protocols");
            assertThat(head).contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "Upgrade: websocket");
            assertThat(head).noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("server:"));
        }
    }
}
