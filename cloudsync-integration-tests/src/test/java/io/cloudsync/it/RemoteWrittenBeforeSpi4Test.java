package io.cloudsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudsync.Secret;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.Vault;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.Vaults;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.testkit.s3.EmbeddedS3Server;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Remotes written by cloudsync before SPI 4 (commit 9a05e88, captured by the procedure in
 * {@code src/test/resources/compat/9a05e88/README.md}) still sync, pull and verify: the engine finds
 * their manifest in the metadata area at {@code manifests/<snapshot>.json}, where the old providers
 * wrote it, and keeps working on them.
 */
class RemoteWrittenBeforeSpi4Test {

    private static final String SNAPSHOT = "compat17";
    /** The manifest checksum both old remotes hold (README.md of the fixture). */
    private static final String OLD_CHECKSUM = "543385932595e43eca2f781747a0c34b67e53191b9e63e1d720aadab7d20e250";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    @TempDir
    Path tmp;

    @Test
    void aLocalRemoteWrittenBeforeSpi4_syncsPullsAndVerifies() throws IOException {
        Path remote = copyTree(fixture().resolve("local"), tmp.resolve("remote"));
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", remote.toString())).build();

        exercise("local", config, null);

        assertThat(remote.resolve(".cloudsync/manifests/" + SNAPSHOT + ".json")).isRegularFile();
        assertThat(remote.resolve(SNAPSHOT + "/docs/later.txt")).hasContent("written after the SPI change\n");
        assertThat(remote.resolve(SNAPSHOT + "/src/main.py")).doesNotExist();
    }

    @Test
    void anS3RemoteWrittenBeforeSpi4_syncsPullsAndVerifies() throws IOException {
        Path dump = fixture().resolve("s3");
        try (S3Client raw = S3Client.builder().endpointOverride(S3.endpoint()).region(Region.of(S3.region()))
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3.accessKeyId(), S3.secretAccessKey())))
                .build()) {
            JsonNode index = JSON.readTree(dump.resolve("index.json").toFile());
            for (JsonNode object : index) {
                String key = object.get("key").asText();
                Map<String, String> metadata = new HashMap<>();
                object.get("metadata").properties().forEach(f -> metadata.put(f.getKey(), f.getValue().asText()));
                raw.putObject(b -> b.bucket(S3.bucket()).key(key).contentType(object.get("content_type").asText())
                        .metadata(metadata), RequestBody.fromFile(dump.resolve("objects").resolve(key)));
            }
            assertThat(index.size()).isEqualTo(14);

            Vault vault = Vaults.create(tmp.resolve("secrets.json"), Secret.of("compat passphrase"));
            vault.set("cloud_sync.s3", Secret.of("{\"access_key_id\":\"" + S3.accessKeyId() + "\",\"secret_access_key\":\""
                    + S3.secretAccessKey() + "\"}"));
            CloudSyncConfig config = CloudSyncConfig.builder().enable("s3").service("s3", Map.of("bucket", S3.bucket(),
                    "prefix", "team/proj", "endpoint_url", S3.endpoint().toString(), "region", S3.region())).build();

            exercise("s3", config, vault);

            assertThat(raw.headObject(b -> b.bucket(S3.bucket()).key("team/proj/.cloudsync/manifests/" + SNAPSHOT + ".json"))
                    .contentLength()).isPositive();
            assertThat(raw.getObjectAsBytes(b -> b.bucket(S3.bucket()).key("team/proj/" + SNAPSHOT + "/docs/later.txt"))
                    .asUtf8String()).isEqualTo("written after the SPI change\n");
        }
    }

    /** Verify, plan, no-op sync and pull on the old remote; then a change synced, verified afresh. */
    private void exercise(String service, CloudSyncConfig config, Vault vault) throws IOException {
        Path root = projectAsTheOldCodeLeftIt(tmp.resolve("project-" + service));
        CloudSync cs = cloudSync(root, tmp.resolve("state-" + service), config, vault);
        SyncRequest request = SyncRequest.builder(service, SNAPSHOT).build();

        VerifyResult verified = cs.verify(request, 100);
        assertThat(verified.ok()).as("verify of the old remote: %s", verified.problems()).isTrue();
        assertThat(verified.manifest().checksum()).isEqualTo(OLD_CHECKSUM);
        assertThat(verified.manifest().entries()).hasSize(13);

        SyncResult plan = cs.dryRun(request);
        assertThat(plan.plan().isEmpty()).as("plan against the old remote: %s", plan.plan()).isTrue();
        SyncResult noOp = cs.run(request);
        assertThat(noOp.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(noOp.plan().isEmpty()).isTrue();

        Path pulled = tmp.resolve("pulled-" + service);
        PullResult pull = cs.pull(request, pulled, false);
        assertThat(pull.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(contents(pulled)).isEqualTo(contents(fixture().resolve("tree-final")));

        Files.writeString(root.resolve("docs/later.txt"), "written after the SPI change\n");
        Files.writeString(root.resolve("data/config.json"), "{\"changed\": true}\n");
        Files.delete(root.resolve("src/main.py"));
        SyncResult delta = cs.run(request);
        assertThat(delta.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(delta.summary().uploaded()).isEqualTo(2);
        assertThat(delta.summary().deleted()).isEqualTo(1);

        CloudSync fresh = cloudSync(root, tmp.resolve("fresh-state-" + service), config, vault);
        VerifyResult after = fresh.verify(request, 100);
        assertThat(after.ok()).as("verify after the change: %s", after.problems()).isTrue();
        assertThat(after.manifest().checksum()).isNotEqualTo(OLD_CHECKSUM);
        assertThat(after.manifest().entries()).hasSize(13);
        assertThat(fresh.dryRun(request).plan().isEmpty()).isTrue();
    }

    private static CloudSync cloudSync(Path root, Path state, CloudSyncConfig config, Vault vault) {
        CloudSync.Builder b = CloudSync.builder().root(root).stateDirectory(state).config(config);
        if (vault != null) {
            b.vault(vault);
        }
        return b.build();
    }

    /**
     * The project tree of the fixture's second sync, with the nanosecond mtimes its manifest records
     * (git keeps neither mtimes nor empty folders), so nothing looks touched.
     */
    private Path projectAsTheOldCodeLeftIt(Path root) throws IOException {
        copyTree(fixture().resolve("tree-final"), root);
        JsonNode manifest = JSON.readTree(fixture().resolve("local/.cloudsync/manifests/" + SNAPSHOT + ".json").toFile());
        for (JsonNode entry : manifest.get("entries")) {
            Files.setLastModifiedTime(root.resolve(entry.get("path").asText()),
                    FileTime.from(Instant.parse(entry.get("mtime").asText())));
        }
        return root;
    }

    private static Path fixture() {
        try {
            return Path.of(RemoteWrittenBeforeSpi4Test.class.getResource("/compat/9a05e88/README.md").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                files.put(dir.relativize(p).toString().replace('\\', '/'),
                        io.cloudsync.Digests.hex(io.cloudsync.Digests.sha256().digest(Files.readAllBytes(p))));
            }
        }
        return files;
    }
}
