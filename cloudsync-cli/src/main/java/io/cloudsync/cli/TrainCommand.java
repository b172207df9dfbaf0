package io.cloudsync.cli;

import io.cloudsync.CloudSyncException;
import io.cloudsync.Secret;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * A hidden command the launcher runs once after building, under {@code -XX:ArchiveClassesAtExit}, so
 * that later runs start from a class-data-sharing archive. It exercises the common paths (scan, plan,
 * a local sync, opening the S3 and Drive clients) and touches nothing outside a temporary folder; no
 * request leaves the machine: the S3 client talks to a stub on a loopback port of this process, which
 * answers every read "no such key" and accepts every write, so that the HTTP client's request and
 * response paths are in the archive too.
 */
@Command(name = "cds-training", hidden = true, description = "Warm-up run used by the launcher; changes nothing.")
final class TrainCommand implements Callable<Integer> {

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("cloudsync-cds-");
        try {
            Path root = Files.createDirectories(dir.resolve("project/data"));
            for (int i = 0; i < 50; i++) {
                Files.writeString(root.resolve("f" + i + ".txt"), "training " + i, StandardCharsets.UTF_8);
            }
            CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                    .service("local", Map.of("directory", dir.resolve("mirror").toString())).build();
            CloudSync cs = CloudSync.builder().root(dir.resolve("project")).config(config).build();
            cs.dryRun(SyncRequest.builder("local", "training").build());
            cs.run(SyncRequest.builder("local", "training").build());
            cs.run(SyncRequest.builder("local", "training").build());
            com.sun.net.httpserver.HttpServer stub = s3Stub();
            try {
                touch(cs, "s3", Map.of("bucket", "training", "endpoint_url", "http://127.0.0.1:" + stub.getAddress().getPort(),
                        "path_style", "true", "region", "us-east-1"), Secrets.of(Map.of("cloud_sync.s3",
                        Secret.of("{\"access_key_id\":\"training\",\"secret_access_key\":\"training\"}"))));
            } finally {
                stub.stop(0);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return ExitCodes.OK;
    }

    /** A loopback stub of S3: GET answers NoSuchKey, anything else 200 with an ETag. */
    private static com.sun.net.httpserver.HttpServer s3Stub() throws IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                if (exchange.getRequestMethod().equals("GET")) {
                    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
                            + "<Message>The specified key does not exist.</Message></Error>").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/xml");
                    exchange.sendResponseHeaders(404, body.length);
                    exchange.getResponseBody().write(body);
                } else {
                    exchange.getResponseHeaders().add("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"");
                    exchange.sendResponseHeaders(200, -1);
                }
            }
        });
        server.start();
        return server;
    }

    /** Opens a provider and asks for a manifest that cannot be there; failures are expected and ignored. */
    private static void touch(CloudSync cs, String id, Map<String, String> settings, Secrets secrets) {
        ProviderFactory factory = cs.providers().find(id).orElse(null);
        if (factory == null) {
            return;
        }
        try (Provider p = factory.open(ProviderConfig.builder().service(id).putAll(settings).build(), secrets)) {
            p.getMetadata("manifests/training.json");
            p.putMetadata("manifests/training.json", io.cloudsync.core.ManifestJson.toBytes(io.cloudsync.Manifest.empty("training")),
                    io.cloudsync.spi.MetadataPrecondition.none());
        } catch (CloudSyncException e) {
            // expected: the stub is not a real store
        }
    }
}
