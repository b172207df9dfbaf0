package io.cloudsync.cli;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.core.CloudSync;
import io.cloudsync.http.CloudSyncHttpServer;
import io.cloudsync.http.MetricsHttpServer;
import io.cloudsync.http.MetricsSource;
import io.cloudsync.micrometer.CloudSyncMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code cloudsync serve}: the original HTTP routes and hooks stream over this project, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = {"Serve the HTTP routes of this project until stopped (Ctrl-C), logging to <root>/logs/server.log.",
        "The routes are /api/sync/*, /api/backup/*, /api/health, the hooks stream /api/modder/hooks and /metrics."
                + " See docs/CLOUD_SYNC.md."})
final class ServeCommand implements Callable<Integer> {

    /** Where {@code serve} writes its log under the root, unless {@code --log-file} says otherwise. */
    static final String DEFAULT_LOG = "logs/server.log";

    @ParentCommand
    RootCommand root;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Anything but loopback exposes the API;"
                    + " put a TLS proxy in front.")
    String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8765",
            description = "Port to listen on, 0 for a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Read the bearer token from this file (default: <state>/http/token, created on first start).")
    Path tokenFile;

    @Option(names = "--allow-service-config", paramLabel = "KEY", split = ",",
            description = "Let requests set this service_config key (KEY for every service, SERVICE.KEY for one);"
                    + " repeat or separate with commas. Default: none, so a request cannot point a run at another"
                    + " folder, bucket or endpoint.")
    List<String> allowServiceConfig = new ArrayList<>();

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS:PORT",
            description = "Also serve GET /metrics (Prometheus text format) without a token on this loopback address,"
                    + " such as 127.0.0.1:9464 (port 0: a free one). Without it, /metrics is on the API's port behind"
                    + " the bearer token. See docs/OBSERVABILITY.md.")
    String metricsBind;

    /** The content type of a Prometheus registry's {@code scrape()}: the text format 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    @Override
    public Integer call() throws Exception {
        Session s = new Session(root);
        // the original design's log: the structured entries of every run, as JSON lines under the root
        s.logTo(root.logFile != null ? s.terminal().resolve(root.logFile.toString()) : s.root().resolve(DEFAULT_LOG));
        Path tokenSource = tokenFile != null ? s.terminal().resolve(tokenFile.toString()) : s.stateDir().resolve("http/token");
        // the token file is never mirrored, wherever it is (the state folder's is excluded with the folder)
        CloudSync cloudSync = s.cloudSync(true, List.of(tokenSource));
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ConfigurationException("--bind " + bind + " is not an address of this machine; use 127.0.0.1");
        }
        InetSocketAddress metricsAddress = metricsBind == null ? null : metricsAddress(metricsBind);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        cloudSync.addListener(new CloudSyncMetrics(registry));
        MetricsSource metrics = new MetricsSource(PROMETHEUS_TEXT, registry::scrape);
        CloudSyncHttpServer.Builder builder = CloudSyncHttpServer.builder(cloudSync).bind(address).port(port)
                .allowServiceConfig(allowServiceConfig).metrics(metrics);
        if (tokenFile != null) {
            builder.token(readToken(tokenSource));
            // the state folder's own token file is checked (and logged) by the server itself
            CloudSyncHttpServer.tokenFileWarning(tokenSource)
                    .ifPresent(w -> s.terminal().err().println("cloudsync: warning: " + Text.safe(w)));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (CloudSyncHttpServer server = builder.start();
             MetricsHttpServer metricsServer = metricsAddress == null ? null : MetricsHttpServer.start(metricsAddress, metrics)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                if (metricsServer != null) {
                    metricsServer.close();
                }
                stopped.countDown();
            }, "cloudsync-serve-stop"));
            s.terminal().err().println("cloudsync: serving " + Text.safe(s.root().toString()) + " at " + server.baseUri()
                    + " (bearer token in " + tokenSource + "; log in " + Text.safe(String.valueOf(s.logFile())) + "); Ctrl-C stops");
            if (metricsServer != null) {
                s.terminal().err().println("cloudsync: metrics at " + metricsServer.uri() + " (no token, loopback only)");
            }
            s.terminal().err().flush();
            if (!address.isLoopbackAddress()) {
                s.terminal().err().println("cloudsync: warning: listening on " + address.getHostAddress()
                        + ", not loopback; anyone who can reach it and has the token can run syncs");
            }
            stopped.await();
        }
        return ExitCodes.OK;
    }

    /** {@code --metrics-bind}: {@code HOST:PORT} or {@code [IPV6]:PORT}, checked here so that a typo is a usage error. */
    static InetSocketAddress metricsAddress(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        String portText = colon < 0 ? "" : value.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int p;
        try {
            p = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (host.isEmpty() || p < 0 || p > 65535) {
            throw new ConfigurationException("--metrics-bind " + value + " is not ADDRESS:PORT; write such as 127.0.0.1:9464");
        }
        try {
            return MetricsHttpServer.requireLoopback(new InetSocketAddress(InetAddress.getByName(host), p));
        } catch (UnknownHostException e) {
            throw new ConfigurationException("--metrics-bind " + value + ": " + host + " is not an address of this machine;"
                    + " use 127.0.0.1");
        }
    }

    private static Secret readToken(Path file) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.length() < 16) {
                throw new ConfigurationException("the token in " + file + " is shorter than 16 characters; use a long random one");
            }
            return Secret.of(token);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the token file " + file + ": " + e.getMessage());
        }
    }
}
