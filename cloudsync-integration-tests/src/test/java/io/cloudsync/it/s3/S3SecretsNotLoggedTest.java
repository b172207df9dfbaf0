package io.cloudsync.it.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.testkit.s3.EmbeddedS3Server;
import io.cloudsync.testkit.sync.TraceLogRun;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 6: with every logger at TRACE (slf4j) and ALL (java.util.logging, the JDK's platform
 * loggers), a sync that succeeds, one the store refuses and one whose store is down print none of the
 * vault's canary values (access key id, secret key, session token, passphrase) and no signature. Each
 * run is a child JVM ({@link TraceLogRun}), so the embedded servers' own logs stay out of what is read.
 */
class S3SecretsNotLoggedTest {

    @RegisterExtension
    static final EmbeddedS3Server ANY_KEYS = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3MOCK);

    @RegisterExtension
    static final EmbeddedS3Server CHECKS_KEYS = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    private static final Map<String, String> CANARIES = Map.of(
            "access key id", S3TracedRun.ACCESS_KEY_ID,
            "secret access key", S3TracedRun.SECRET_ACCESS_KEY,
            "session token", S3TracedRun.SESSION_TOKEN,
            "session token (start)", S3TracedRun.SESSION_TOKEN.substring(0, 24),
            "vault passphrase", S3TracedRun.PASSPHRASE);
    private static final Map<String, Pattern> SHAPES = Map.of(
            "a SigV4 signature", Pattern.compile("(?i)signature[=:]\\s*[0-9a-f]{16}"),
            "an Authorization header value", Pattern.compile("(?i)authorization[\"']?\\s*[:=]\\s*[\"']?AWS4-HMAC"));

    @TempDir
    Path tmp;

    @Test
    void successfulSync_printsNoSecret() {
        TraceLogRun.Result r = TraceLogRun.run(S3TracedRun.class,
                List.of(ANY_KEYS.endpoint().toString(), ANY_KEYS.bucket(), tmp.toString()), Duration.ofMinutes(3));

        r.assertContains("traced-run status=SUCCESS uploaded=2")
                .assertContains("traced-run pulled=SUCCESS")
                // the SDK's loggers were really on: its request lines and the signer's canonical requests
                .assertContains("software.amazon.awssdk.request")
                .assertContains("x-amz-security-token:<redacted>")
                .assertNoSecret(CANARIES, SHAPES);
    }

    @Test
    void syncWithCredentialsTheStoreRefuses_printsNoSecret() {
        TraceLogRun.Result r = TraceLogRun.run(S3TracedRun.class,
                List.of(CHECKS_KEYS.endpoint().toString(), CHECKS_KEYS.bucket(), tmp.toString()), Duration.ofMinutes(3));

        r.assertContains("traced-run status=FAILED").assertNoSecret(CANARIES, SHAPES);
    }

    @Test
    void syncWithTheStoreDown_printsNoSecret() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        TraceLogRun.Result r = TraceLogRun.run(S3TracedRun.class,
                List.of("http://127.0.0.1:" + port, "cloudsync-down", tmp.toString()), Duration.ofMinutes(3));

        r.assertContains("traced-run status=FAILED").assertNoSecret(CANARIES, SHAPES);
        assertThat(r.output()).contains("127.0.0.1:" + port);
    }
}
