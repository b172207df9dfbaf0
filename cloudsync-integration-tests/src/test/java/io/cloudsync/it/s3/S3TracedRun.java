package io.cloudsync.it.s3;

import io.cloudsync.Secret;
import io.cloudsync.SyncRequest;
import io.cloudsync.Vault;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.Vaults;
import io.cloudsync.core.result.SyncResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * The child JVM of {@link S3SecretsNotLoggedTest}: a real sync (a small file, a multipart one, the
 * manifest) and a pull to the given endpoint with the canary credentials from a real vault, every logger
 * on. Prints only the outcome; the parent reads everything the JVM printed.
 */
public final class S3TracedRun {

    static final String ACCESS_KEY_ID = "AKIACANARYKEYID77777";
    static final String SECRET_ACCESS_KEY = "canarySecretAccessKey0123456789abcdefABCDEF";
    static final String SESSION_TOKEN = "CanarySessionToken0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH";
    static final String PASSPHRASE = "canary vault passphrase 4242";
    /** S3's smallest part (5 MiB), so that the big file goes up in two parts. */
    static final long PART_SIZE = 5L * 1024 * 1024;

    private S3TracedRun() {
    }

    /**
     * Runs one sync.
     *
     * @param args endpoint URL, bucket, working folder
     * @throws Exception when the run cannot be set up
     */
    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String bucket = args[1];
        Path work = Path.of(args[2]);
        Path root = Files.createDirectories(work.resolve("project"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/small.txt"), "small file");
        byte[] big = new byte[(int) (PART_SIZE + 1024)];
        new Random(7).nextBytes(big);
        Files.write(root.resolve("data/big.bin"), big);
        Vault vault = Vaults.create(work.resolve("cloudsync.secrets.json"), Secret.of(PASSPHRASE));
        vault.set("cloud_sync.s3", Secret.of("{\"access_key_id\":\"" + ACCESS_KEY_ID + "\",\"secret_access_key\":\""
                + SECRET_ACCESS_KEY + "\",\"session_token\":\"" + SESSION_TOKEN + "\"}"));
        CloudSyncConfig config = CloudSyncConfig.builder().enable("s3")
                .service("s3", Map.of("bucket", bucket, "endpoint_url", endpoint, "region", "us-east-1",
                        "multipart_threshold", Long.toString(PART_SIZE),
                        "part_size", Long.toString(PART_SIZE)))
                .engine(EngineSettings.builder().retryAttempts(1).build())
                .build();
        CloudSync cs = CloudSync.builder().root(root).config(config).vault(Vaults.open(work.resolve("cloudsync.secrets.json"),
                Secret.of(PASSPHRASE))).build();
        SyncResult result = cs.run(SyncRequest.builder("s3", "nightly").build());
        System.out.println("traced-run status=" + result.summary().status() + " uploaded=" + result.summary().uploaded());
        result.summary().errors().forEach(e -> System.out.println("traced-run error=" + e));
        if (result.summary().uploaded() > 0) {
            var pulled = cs.pull("s3", "nightly", work.resolve("pulled"), false);
            System.out.println("traced-run pulled=" + pulled.status());
        }
    }
}
