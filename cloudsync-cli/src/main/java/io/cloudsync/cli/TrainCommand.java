package io.cloudsync.cli;

import io.cloudsync.CloudSyncException;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
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
 * A hidden command the launcher runs once after building and per Java version, under
 * {@code -XX:ArchiveClassesAtExit} (a class-data-sharing archive) or, on Java 25 and later,
 * {@code -XX:AOTCacheOutput} (an ahead-of-time cache), so that later runs start from it. It exercises
 * the common paths (scan, plan, a local sync, an S3 sync with a change and a delete, verify) and
 * touches nothing outside a temporary folder; no request leaves the machine: the S3 provider talks to
 * {@link TrainingS3}, an in-memory S3 on a loopback port of this process.
 */
@Command(name = "cds-training", hidden = true, description = "Warm-up run used by the launcher; changes nothing.")
final class TrainCommand implements Callable<Integer> {

    @picocli.CommandLine.ParentCommand
    RootCommand root;

    @Override
    public Integer call() throws IOException {
        java.io.PrintWriter out = root.terminal().out();
        Path dir = Files.createTempDirectory("cloudsync-cds-");
        try {
            Path data = Files.createDirectories(dir.resolve("project/data"));
            for (int i = 0; i < 50; i++) {
                Files.writeString(data.resolve("f" + i + ".txt"), "training " + i, StandardCharsets.UTF_8);
            }
            CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                    .service("local", Map.of("directory", dir.resolve("mirror").toString())).build();
            CloudSync cs = CloudSync.builder().root(dir.resolve("project")).config(config).build();
            cs.dryRun(SyncRequest.builder("local", "training").build());
            out.println("local: " + line(cs.run(SyncRequest.builder("local", "training").build())) + ", then "
                    + line(cs.run(SyncRequest.builder("local", "training").build())));
            out.println("s3: " + s3(dir, data));
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return ExitCodes.OK;
    }

    /**
     * A real sync through the S3 provider into {@link TrainingS3}: an upload, a no-op, a change and a
     * delete. The training credentials are system properties (first in the AWS SDK's chain) of this
     * process only, which runs nothing else.
     */
    private static String s3(Path dir, Path data) throws IOException {
        System.setProperty("aws.accessKeyId", "training");
        System.setProperty("aws.secretAccessKey", "training");
        try (TrainingS3 s3 = new TrainingS3()) {
            CloudSyncConfig config = CloudSyncConfig.builder().enable("s3").service("s3", Map.of("bucket", "training",
                    "endpoint_url", s3.endpoint(), "path_style", "true", "region", "us-east-1")).build();
            CloudSync cs = CloudSync.builder().root(dir.resolve("project")).config(config).build();
            SyncRequest request = SyncRequest.builder("s3", "training").build();
            cs.dryRun(request);
            String first = line(cs.run(request));
            String noop = line(cs.run(request));
            Files.writeString(data.resolve("f1.txt"), "changed", StandardCharsets.UTF_8);
            Files.delete(data.resolve("f2.txt"));
            String change = line(cs.run(request));
            return first + ", then " + noop + ", then " + change + ", verify " + (cs.verify(request, 100).ok() ? "ok" : "failed");
        } catch (CloudSyncException e) {
            // whatever the stub cannot do ends the training early, nothing else; the line says where
            return "stopped: " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static String line(io.cloudsync.core.result.SyncResult r) {
        return r.summary().status().name().toLowerCase(java.util.Locale.ROOT) + " " + r.summary().uploaded() + " uploaded "
                + r.summary().deleted() + " deleted";
    }
}
