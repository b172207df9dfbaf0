package io.cloudsync.provider.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/** The SDK HTTP client over {@code java.net.http}: behaviour no S3 server produces on demand. */
class QuietHttpClientTest {

    /**
     * A server that answers on a kept-alive connection, then closes it without answering the next
     * request, as a server does when its idle timeout fires just as a request arrives: that PUT must be
     * sent again on a fresh connection instead of failing.
     */
    @Test
    void putOnAConnectionTheServerClosedWhileIdle_isSentAgainOnAFreshOne() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> {
                try {
                    try (Socket s = server.accept()) {
                        s.setSoTimeout(10_000);
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                        requests.add("0 " + readRequest(in));
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        // the next request arrives as the server's idle timeout closes the connection: no answer
                        requests.add("0 unanswered " + readRequest(in));
                    }
                    try (Socket s = server.accept()) {
                        s.setSoTimeout(10_000);
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                        requests.add("1 " + readRequest(in));
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                } catch (Exception e) {
                    requests.add("server failed: " + e);
                }
            }, "idle-closing-server");
            serving.setDaemon(true);
            serving.start();

            software.amazon.awssdk.http.SdkHttpClient client = QuietHttpClient.builder().maxConnections(1).connectTimeout(Duration.ofSeconds(5))
                    .readTimeout(Duration.ofSeconds(10)).connectionAcquisitionTimeout(Duration.ofSeconds(5)).build();
            URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/bucket/key");
            assertThat(put(client, uri, "first")).isEqualTo(200);
            assertThat(put(client, uri, "second")).isEqualTo(200);
            serving.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(requests).containsExactly("0 PUT /bucket/key HTTP/1.1 first", "0 unanswered PUT /bucket/key HTTP/1.1 second",
                "1 PUT /bucket/key HTTP/1.1 second");
    }

    /** Java 17's client has no close(); left alone, its selector thread makes every JVM exit wait 300 ms. */
    @Test
    void close_endsTheSelectorThreadOfTheJdkClient() throws Exception {
        java.util.Set<Thread> before = selectors();
        software.amazon.awssdk.http.SdkHttpClient client = QuietHttpClient.builder().build();
        java.util.Set<Thread> mine = selectors();
        mine.removeAll(before);
        assertThat(mine).hasSize(1);

        client.close();

        Thread selector = mine.iterator().next();
        selector.join(10_000);
        assertThat(selector.isAlive()).isFalse();
    }

    private static java.util.Set<Thread> selectors() {
        java.util.Set<Thread> out = new java.util.HashSet<>();
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().matches("HttpClient-\\d+-SelectorManager"))
                .forEach(out::add);
        return out;
    }

    /** Reads one request: its request line and its body, as {@code "<request line> <body>"}. */
    private static String readRequest(BufferedReader in) throws java.io.IOException {
        String line = in.readLine();
        int length = 0;
        for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
            if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            int n = in.read(body, read, length - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return line + ' ' + new String(body, 0, read);
    }

    private static int put(software.amazon.awssdk.http.SdkHttpClient client, URI uri, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.PUT)
                .putHeader("Content-Length", String.valueOf(bytes.length)).build();
        HttpExecuteResponse response = client.prepareRequest(HttpExecuteRequest.builder().request(request)
                .contentStreamProvider(ContentStreamProvider.fromByteArray(bytes)).build()).call();
        response.responseBody().ifPresent(b -> {
            try (b) {
                b.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return response.httpResponse().statusCode();
    }
}
