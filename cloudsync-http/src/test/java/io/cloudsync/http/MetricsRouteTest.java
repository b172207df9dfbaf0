package io.cloudsync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics}: behind the token on the API's port, or alone and without one on a loopback port. */
class MetricsRouteTest {

    static final String TOKEN = "metrics-token-0123456789abcdef";
    static final String TYPE = "text/plain; version=0.0.4; charset=utf-8";

    @TempDir
    Path root;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final AtomicInteger scrapes = new AtomicInteger();
    final MetricsSource source = new MetricsSource(TYPE, () -> "# TYPE up gauge\nup " + scrapes.incrementAndGet() + "\n");

    private CloudSync cloudSync() {
        return CloudSync.builder().root(root).config(CloudSyncConfig.defaults()).build();
    }

    private HttpResponse<String> send(URI uri, String method, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void apiPort_servesTheScrapeWithItsContentType_onlyWithTheToken() throws Exception {
        try (CloudSyncHttpServer server = CloudSyncHttpServer.builder(cloudSync()).token(Secret.of(TOKEN)).metrics(source).start()) {
            URI metrics = server.baseUri().resolve("/metrics");
            assertThat(send(metrics, "GET", null).statusCode()).isEqualTo(401);
            assertThat(send(metrics, "GET", "wrong-token-wrong-token").statusCode()).isEqualTo(401);
            assertThat(scrapes).hasValue(0);

            HttpResponse<String> ok = send(metrics, "GET", TOKEN);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Content-Type")).hasValue(TYPE);
            assertThat(ok.body()).isEqualTo("# TYPE up gauge\nup 1\n");
            assertThat(send(metrics, "GET", TOKEN).body()).endsWith("up 2\n"); // read again at each request
            assertThat(send(metrics, "POST", TOKEN).statusCode()).isEqualTo(405);
        }
    }

    @Test
    void apiPort_withoutAMetricsSource_hasNoSuchRoute() throws Exception {
        try (CloudSyncHttpServer server = CloudSyncHttpServer.builder(cloudSync()).token(Secret.of(TOKEN)).start()) {
            assertThat(send(server.baseUri().resolve("/metrics"), "GET", TOKEN).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void metricsPort_servesWithoutAToken_onlyTheMetricsRoute() throws Exception {
        try (MetricsHttpServer server = MetricsHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), source)) {
            assertThat(server.uri().toString()).startsWith("http://127.0.0.1:").endsWith("/metrics");
            HttpResponse<String> ok = send(server.uri(), "GET", null);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Content-Type")).hasValue(TYPE);
            assertThat(ok.body()).isEqualTo("# TYPE up gauge\nup 1\n");
            assertThat(send(server.uri().resolve("/api/health"), "GET", null).statusCode()).isEqualTo(404);
            assertThat(send(server.uri(), "DELETE", null).statusCode()).isEqualTo(405);
            assertThat(send(server.uri(), "HEAD", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void metricsPort_refusesAnAddressThatIsNotLoopback() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0);

        assertThatThrownBy(() -> MetricsHttpServer.start(any, source)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("0.0.0.0 is not a loopback address").hasMessageContaining("127.0.0.1:9464");
    }
}
