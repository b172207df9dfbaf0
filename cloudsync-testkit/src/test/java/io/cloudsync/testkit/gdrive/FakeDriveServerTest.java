package io.cloudsync.testkit.gdrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Wire-level checks of what the Google client relies on (the provider tests use the real client). */
class FakeDriveServerTest {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void api_withoutToken_is401WithBearerChallenge() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(DRIVE.rootUrl() + "drive/v3/files")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        assertThat(json.readTree(r.body()).at("/error/errors/0/reason").asText()).isEqualTo("authError");
    }

    @Test
    void query_subset_parsesEscapesAndRefusesUnknownFields() {
        DriveStore store = new DriveStore();
        DriveStore.Item item = store.newItem("it's a \\ \"test\"", "text/plain", store.sharedDriveId);
        item.appProperties.put("k", "v");
        assertThat(DriveQuery.parse("'" + store.sharedDriveId + "' in parents and trashed = false and name = 'it\\'s a \\\\ \"test\"'")
                .test(item)).isTrue();
        assertThat(DriveQuery.parse("appProperties has { key='k' and value='v' } and not mimeType='x'").test(item)).isTrue();
        assertThat(DriveQuery.parse("(name = 'a' or name = 'b') and trashed=false").test(item)).isFalse();
        assertThatThrownBy(() -> DriveQuery.parse("starred = true")).isInstanceOf(DriveQuery.InvalidQueryException.class);
    }

    @Test
    void gzipMethodOverrideAndInt64_behaveLikeDrive(FakeDriveServer drive) throws Exception {
        String token = token(drive);
        String folder = drive.createFolder("wire");
        String id = drive.putFile(folder, "a.txt", "hello".getBytes(StandardCharsets.UTF_8), Map.of());
        // gzip-compressed PATCH sent as POST + X-HTTP-Method-Override, like NetHttpTransport does
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("{\"name\":\"b.txt\",\"appProperties\":{\"sha256\":\"x\"}}".getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> patched = http.send(HttpRequest.newBuilder(URI.create(drive.rootUrl() + "drive/v3/files/" + id
                        + "?supportsAllDrives=true&fields=id,name,size,appProperties"))
                .header("Authorization", "Bearer " + token).header("X-HTTP-Method-Override", "PATCH")
                .header("Content-Encoding", "gzip").header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode file = json.readTree(patched.body());
        assertThat(file.get("name").asText()).isEqualTo("b.txt");
        assertThat(file.get("size").isTextual()).isTrue();
        assertThat(file.get("size").asText()).isEqualTo("5");
        assertThat(file.has("mimeType")).isFalse();
        // ranged read of an empty file is refused like Drive does
        String empty = drive.putFile(folder, "empty", new byte[0], Map.of());
        HttpResponse<String> ranged = http.send(HttpRequest.newBuilder(URI.create(drive.rootUrl() + "drive/v3/files/" + empty
                        + "?alt=media&supportsAllDrives=true")).header("Authorization", "Bearer " + token)
                .header("Range", "bytes=0-33554431").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ranged.statusCode()).isEqualTo(416);
        // shared-drive items are invisible without supportsAllDrives
        HttpResponse<String> hidden = http.send(HttpRequest.newBuilder(URI.create(drive.rootUrl() + "drive/v3/files/" + id))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(hidden.statusCode()).isEqualTo(404);
    }

    private String token(FakeDriveServer drive) throws Exception {
        // a token through the real grant is exercised by the provider tests; here, sign a JWT by hand
        String email = "wire@test.iam.gserviceaccount.com";
        JsonNode key = json.readTree(drive.newServiceAccountJson(email));
        String pem = key.get("private_key").asText().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        java.security.PrivateKey privateKey = java.security.KeyFactory.getInstance("RSA")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(pem)));
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"" + email + "\",\"aud\":\"https://oauth2.googleapis.com/token\"}")
                .getBytes(StandardCharsets.UTF_8));
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withRSA");
        signer.initSign(privateKey);
        signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        String jwt = header + "." + claims + "." + b64.encodeToString(signer.sign());
        String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&assertion=" + jwt;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(drive.tokenUri()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("expires_in").asInt()).isEqualTo(3599);
        return body.get("access_token").asText();
    }
}
