package io.cloudsync.provider.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ManifestEntry;
import io.cloudsync.Secret;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.s3.EmbeddedS3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The provider against S3Proxy, which checks SigV4 signatures and verifies checksums but returns
 * none: the place to test credentials.
 */
class S3ProviderOnS3ProxyTest extends S3ProviderTestBase {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    @Override
    EmbeddedS3Server server() {
        return S3;
    }

    @Test
    void anyOperation_withWrongSecretKey_isAuthenticationWithoutTheSecret() {
        S3Provider p = open(config().build(), EmbeddedS3Server.credentials(S3.accessKeyId(), "wrong-secret-value"),
                Clock.systemUTC());

        assertThatThrownBy(() -> p.getMetadata("manifests/snap.json")).isInstanceOfSatisfying(ProviderException.class, ex -> {
            assertThat(ex.kind()).isEqualTo(ProviderException.Kind.AUTHENTICATION);
            assertThat(ex.stopsRun()).isTrue();
            assertThat(ex.getMessage()).contains("cloud_sync.s3").doesNotContain("wrong-secret-value");
        });
    }

    @Test
    void anyOperation_withUnknownAccessKey_isAuthentication() {
        S3Provider p = open(config().build(), EmbeddedS3Server.credentials("nobody", S3.secretAccessKey()), Clock.systemUTC());

        assertThatThrownBy(() -> p.list("snap").count()).isInstanceOfSatisfying(ProviderException.class,
                ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.AUTHENTICATION));
    }

    @Test
    void credentials_withSessionTokenInTheVault_areUsed() {
        String json = "{\"access_key_id\":\"" + S3.accessKeyId() + "\",\"secret_access_key\":\"" + S3.secretAccessKey()
                + "\",\"session_token\":\"token-123\"}";
        S3Provider p = open(config().build(), Secrets.of(Map.of("cloud_sync.s3", Secret.of(json))), Clock.systemUTC());

        assertThat(p.getMetadata("manifests/snap.json")).isEmpty();
    }

    @Test
    void credentials_whenVaultHasNone_comeFromTheSdkDefaultChain() {
        // the chain's first source is the aws.accessKeyId / aws.secretAccessKey system properties
        withSystemProperties(Map.of("aws.accessKeyId", S3.accessKeyId(), "aws.secretAccessKey", S3.secretAccessKey()), () -> {
            S3Provider p = open(config().build(), Secrets.none(), Clock.systemUTC());
            assertThat(p.getMetadata("manifests/snap.json")).isEmpty();
        });
        withSystemProperties(Map.of("aws.accessKeyId", S3.accessKeyId(), "aws.secretAccessKey", "wrong"), () -> {
            S3Provider p = open(config().build(), Secrets.none(), Clock.systemUTC());
            assertThatThrownBy(() -> p.getMetadata("manifests/snap.json")).isInstanceOfSatisfying(ProviderException.class,
                    ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.AUTHENTICATION));
        });
    }

    @Test
    void credentials_fromANamedProfile_areUsed() throws IOException {
        Path credentials = Files.writeString(dir.resolve("credentials"), "[other]\naws_access_key_id = x\n"
                + "aws_secret_access_key = y\n\n[cloudsync-test]\naws_access_key_id = " + S3.accessKeyId()
                + "\naws_secret_access_key = " + S3.secretAccessKey() + "\n");
        Path awsConfig = Files.writeString(dir.resolve("config"), "");
        withSystemProperties(Map.of("aws.sharedCredentialsFile", credentials.toString(), "aws.configFile", awsConfig.toString()),
                () -> {
                    S3Provider p = open(config().put("profile", "cloudsync-test").build(), Secrets.none(), Clock.systemUTC());
                    assertThat(p.getMetadata("manifests/snap.json")).isEmpty();
                    S3Provider wrong = open(config().put("profile", "other").build(), Secrets.none(), Clock.systemUTC());
                    assertThatThrownBy(() -> wrong.getMetadata("manifests/snap.json")).isInstanceOfSatisfying(ProviderException.class,
                            ex -> assertThat(ex.kind()).isEqualTo(ProviderException.Kind.AUTHENTICATION));
                });
    }

    @Test
    void copy_onAStoreThatReportsNoChecksum_isAnUnverifiedReceipt() throws IOException {
        S3Provider p = open();
        Path f = file("a.bin", 70_000, 24);
        ManifestEntry e = entry("a.bin", f);
        p.upload("snap", e, f);

        UploadReceipt receipt = p.copy("snap", "a.bin", new ManifestEntry("b.bin", e.size(), MTIME,
                e.sha256()));

        assertThat(receipt.serverVerified()).isFalse();
        assertThat(Files.mismatch(f, downloaded(p, "snap", "b.bin"))).isEqualTo(-1);
    }

    private static void withSystemProperties(Map<String, String> properties, Runnable body) {
        Map<String, String> before = new java.util.HashMap<>();
        properties.forEach((k, v) -> before.put(k, System.getProperty(k)));
        properties.forEach(System::setProperty);
        try {
            body.run();
        } finally {
            before.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }
}
