package io.cloudsync.it.gdrive;

import io.cloudsync.Secret;
import io.cloudsync.SyncRequest;
import io.cloudsync.Vault;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.Vaults;
import io.cloudsync.core.result.SyncResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * The child JVM of {@link DriveSecretsNotLoggedTest}: a real sync (a small file, one resumable upload of
 * several chunks, the manifest) and a pull with the service-account key from a real vault, every logger
 * on. Prints only the outcome; the parent reads everything the JVM printed.
 */
public final class DriveTracedRun {

    static final String PASSPHRASE = "canary drive vault passphrase 4242";

    private DriveTracedRun() {
    }

    /**
     * Runs one sync.
     *
     * @param args key file (JSON), root URL, parent folder id, manifest folder id, working folder
     * @throws Exception when the run cannot be set up
     */
    public static void main(String[] args) throws Exception {
        String key = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        Path work = Path.of(args[4]);
        Path root = Files.createDirectories(work.resolve("project"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/small.txt"), "small file");
        byte[] big = new byte[3 * DriveFixture.CHUNK + 100];
        new Random(7).nextBytes(big);
        Files.write(root.resolve("data/big.bin"), big);
        Vault vault = Vaults.create(work.resolve("cloudsync.secrets.json"), Secret.of(PASSPHRASE));
        vault.set("cloud_sync.gdrive.credentials", Secret.of(key));
        CloudSyncConfig config = CloudSyncConfig.builder().enable("gdrive")
                .service("gdrive", Map.of("root_url", args[1], "parent_id", args[2], "manifest_parent_id", args[3],
                        "chunk_size", Integer.toString(DriveFixture.CHUNK), "pacer_interval_ms", "0",
                        // the provider's budget wins over retryAttempts(1); unscaled, a down server costs minutes
                        "retry_delay_scale", "0"))
                .engine(EngineSettings.builder().retryAttempts(1).build())
                .build();
        CloudSync cs = CloudSync.builder().root(root).config(config)
                .vault(Vaults.open(work.resolve("cloudsync.secrets.json"), Secret.of(PASSPHRASE))).build();
        SyncResult result = cs.run(SyncRequest.builder("gdrive", "nightly").build());
        System.out.println("traced-run status=" + result.summary().status() + " uploaded=" + result.summary().uploaded());
        result.summary().errors().forEach(e -> System.out.println("traced-run error=" + e));
        if (result.summary().uploaded() > 0) {
            System.out.println("traced-run pulled=" + cs.pull("gdrive", "nightly", work.resolve("pulled"), false).status());
        }
    }
}
