package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 6, for the command: {@code -v} with every logback logger at trace and
 * java.util.logging at ALL, failed S3 and Drive syncs (their servers down) print none of the vault's
 * canary values, nor the passphrase. The providers' own tests cover successful and refused runs.
 */
class SecretsNotLoggedIT {

    private static final String PASSPHRASE = "canary cli passphrase 4242";
    private static final String ACCESS_KEY_ID = "AKIACANARYCLIKEY7777";
    private static final String SECRET_ACCESS_KEY = "canaryCliSecretAccessKey0123456789abcdef";
    private static final String SESSION_TOKEN = "CanaryCliSessionToken0123456789abcdefghijklmnop";

    @TempDir
    Path tmp;
    Fixture f;
    int downPort;
    String privateKeyBody;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(tmp);
        try (ServerSocket free = new ServerSocket(0)) {
            downPort = free.getLocalPort();
        }
        String down = "http://127.0.0.1:" + downPort;
        f.write("config/cloudsync.json", "{\"features\": {\"enable_cloud_sync\": true, \"enable_cloud_sync_s3\": true,"
                + " \"enable_cloud_sync_gdrive\": true}, \"services\": {"
                + "\"s3\": {\"bucket\": \"canary-bucket\", \"endpoint_url\": \"" + down + "\", \"region\": \"us-east-1\"},"
                + "\"gdrive\": {\"root_url\": \"" + down + "/\", \"parent_id\": \"p\", \"manifest_parent_id\": \"m\", \"pacer_interval_ms\": \"0\","
                // a server that is down is retried with Google's backoff (at least 95 s): not what this test is about
                + " \"retry_delay_scale\": \"0\"}}}");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        privateKeyBody = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(
                generator.generateKeyPair().getPrivate().getEncoded());
        String pem = "-----BEGIN PRIVATE KEY-----\n" + privateKeyBody + "\n-----END PRIVATE KEY-----\n";
        String serviceAccount = "{\"type\": \"service_account\", \"project_id\": \"canary\", \"private_key_id\": \"k1\","
                + " \"private_key\": \"" + pem.replace("\n", "\\n") + "\", \"client_email\": \"canary@test.iam.gserviceaccount.com\","
                + " \"client_id\": \"1\", \"token_uri\": \"" + down + "/token\"}";
        Map<String, String> env = Map.of("CLOUDSYNC_SECRETS_KEY", PASSPHRASE);
        Jar.Proc s3 = Jar.cloudsync(f.root, env, "{\"access_key_id\": \"" + ACCESS_KEY_ID + "\", \"secret_access_key\": \""
                + SECRET_ACCESS_KEY + "\", \"session_token\": \"" + SESSION_TOKEN + "\"}\n", "vault", "set", "cloud_sync.s3");
        assertThat(s3.code()).as(s3.toString()).isZero();
        Jar.Proc gdrive = Jar.cloudsync(f.root, env, serviceAccount + "\n", "vault", "set", "cloud_sync.gdrive.credentials");
        assertThat(gdrive.code()).as(gdrive.toString()).isZero();
    }

    @Test
    void verboseFailedSyncs_withEveryLoggerOn_printNoSecret() throws Exception {
        Path julConfig = Files.writeString(tmp.resolve("logging.properties"),
                "handlers=java.util.logging.ConsoleHandler\n.level=ALL\njava.util.logging.ConsoleHandler.level=ALL\n");
        StringBuilder all = new StringBuilder();
        for (String service : List.of("s3", "gdrive")) {
            List<String> command = new ArrayList<>(List.of(Jar.JAVA.toString(),
                    "-D" + Logging.LEVEL_PROPERTY + "=trace", "-Djava.util.logging.config.file=" + julConfig,
                    "-jar", Jar.JAR.toString(), "-v", "sync", "--service", service, "--snapshot", "nightly"));
            Jar.Proc p = Jar.exec(f.root, Map.of("CLOUDSYNC_SECRETS_KEY", PASSPHRASE, "GOOGLE_SDK_JAVA_LOGGING", "true"),
                    "", command);
            assertThat(p.code()).as(p.toString()).isNotZero();
            assertThat(p.err()).as(p.toString()).contains("127.0.0.1:" + downPort).contains("DEBUG");
            all.append(p.out()).append(p.err());
        }
        String output = all.toString();

        assertThat(output).doesNotContain(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, PASSPHRASE, "PRIVATE KEY");
        for (String line : privateKeyBody.split("\n")) {
            assertThat(output).doesNotContain(line);
        }
        assertThat(output).doesNotContainPattern("(?i)signature[=:]\\s*[0-9a-f]{16}").doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.eyJ");
    }
}
