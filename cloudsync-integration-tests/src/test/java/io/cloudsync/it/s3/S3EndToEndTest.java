package io.cloudsync.it.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Secret;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.Vault;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.Vaults;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.testkit.s3.EmbeddedS3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few thousand files through CloudSync to S3Proxy (which checks SigV4, so the vault's credentials
 * really are used): full sync, no-op resync, 1% changed, then deletes.
 */
class S3EndToEndTest {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    @TempDir
    Path tmp;

    @Test
    void sync_ofThousandsOfFiles_withCredentialsFromTheVault() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        int files = 3000;
        for (int i = 0; i < files; i++) {
            Path f = root.resolve("data/d" + (i % 30) + "/f" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "file " + i);
        }
        Vault vault = Vaults.create(tmp.resolve("secrets.json"), Secret.of("end-to-end passphrase"));
        vault.set("cloud_sync.s3", Secret.of("{\"access_key_id\":\"" + S3.accessKeyId() + "\",\"secret_access_key\":\""
                + S3.secretAccessKey() + "\"}"));
        CloudSyncConfig config = CloudSyncConfig.builder().enable("s3").service("s3", Map.of(
                "bucket", S3.bucket(), "prefix", "e2e", "endpoint_url", S3.endpoint().toString())).build();
        CloudSync cs = CloudSync.builder().root(root).config(config).vault(vault).build();

        SyncResult first = cs.run(SyncRequest.builder("s3", "nightly").build());
        assertThat(first.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(first.summary().uploaded()).isEqualTo(files);

        SyncResult noOp = cs.run(SyncRequest.builder("s3", "nightly").build());
        assertThat(noOp.plan().isEmpty()).isTrue();
        assertThat(noOp.summary().status()).isEqualTo(SyncStatus.SUCCESS);

        for (int i = 0; i < files; i += 100) {
            Files.writeString(root.resolve("data/d" + (i % 30) + "/f" + i + ".txt"), "changed " + i);
        }
        Files.delete(root.resolve("data/d1/f1.txt"));
        SyncResult delta = cs.run(SyncRequest.builder("s3", "nightly").build());
        assertThat(delta.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(delta.summary().uploaded()).isEqualTo(files / 100);
        assertThat(delta.summary().deleted()).isEqualTo(1);
    }
}
