package io.cloudsync.it.gdrive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.sync.TraceLogRun;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 6: with every logger at TRACE (slf4j) and ALL (java.util.logging, which the
 * google-http-client and the JDK's HttpURLConnection log to), a Drive sync that succeeds, one whose
 * service account is refused and one whose server is down print no part of the private key, no signed
 * JWT assertion, no access token and not the vault passphrase. Each run is a child JVM
 * ({@link TraceLogRun}), so the fake server's own output stays out of what is read.
 */
class DriveSecretsNotLoggedTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Pattern> SHAPES = Map.of(
            "an access token of the fake", Pattern.compile("fake-token-"),
            "a bearer token", Pattern.compile("(?i)bearer\\s+(?!expires_in)[A-Za-z0-9._~+/-]{8}"),
            "a signed JWT", Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.eyJ"),
            "a PEM private key", Pattern.compile("PRIVATE KEY"),
            "a resumable session URI", Pattern.compile("upload_id=\\w"));

    @TempDir
    Path tmp;

    @Test
    void successfulSync_printsNoSecret() throws Exception {
        DriveFixture fixture = new DriveFixture(DRIVE);

        TraceLogRun.Result r = run(fixture.credentials, DRIVE.rootUrl(), fixture);

        r.assertContains("traced-run status=SUCCESS uploaded=2")
                .assertContains("traced-run pulled=SUCCESS")
                .assertContains("FINE") // java.util.logging really was on
                .assertNoSecret(canaries(fixture.credentials), SHAPES);
    }

    @Test
    void syncWithAServiceAccountTheServerRefuses_printsNoSecret() throws Exception {
        DriveFixture fixture = new DriveFixture(DRIVE);
        ObjectNode key = (ObjectNode) JSON.readTree(fixture.credentials);
        key.put("client_email", "unknown-" + UUID.randomUUID() + "@test.iam.gserviceaccount.com");
        String refused = JSON.writeValueAsString(key);

        TraceLogRun.Result r = run(refused, DRIVE.rootUrl(), fixture);

        r.assertContains("traced-run status=FAILED").assertNoSecret(canaries(refused), SHAPES);
    }

    @Test
    void syncWithTheServerDown_printsNoSecret() throws Exception {
        DriveFixture fixture = new DriveFixture(DRIVE);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String down = "http://127.0.0.1:" + port + "/";
        ObjectNode key = (ObjectNode) JSON.readTree(fixture.credentials);
        key.put("token_uri", down + "token");
        String unreachable = JSON.writeValueAsString(key);

        TraceLogRun.Result r = run(unreachable, down, fixture);

        r.assertContains("traced-run status=FAILED").assertNoSecret(canaries(unreachable), SHAPES);
        assertThat(r.output()).contains("127.0.0.1:" + port);
    }

    private TraceLogRun.Result run(String key, String rootUrl, DriveFixture fixture) throws Exception {
        Path keyFile = tmp.resolve("key.json");
        Files.writeString(keyFile, key, StandardCharsets.UTF_8);
        return TraceLogRun.run(DriveTracedRun.class, List.of(keyFile.toString(), rootUrl, fixture.parentId,
                fixture.manifestParentId, tmp.resolve("work").toString()), Duration.ofMinutes(3));
    }

    /** Every line of the private key's base64 body, and the vault passphrase. */
    private static Map<String, String> canaries(String keyJson) throws Exception {
        JsonNode key = JSON.readTree(keyJson);
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = key.path("private_key").asText().split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith("-----") && lines[i].length() >= 32) {
                out.put("private key line " + i, lines[i]);
            }
        }
        assertThat(out).hasSizeGreaterThan(10);
        out.put("vault passphrase", DriveTracedRun.PASSPHRASE);
        return out;
    }
}
