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

    @Test
    void generatedIds_areTheOnlyIdsACreateMayNameAndARetriedCreateGets409(FakeDriveServer drive) throws Exception {
        String token = token(drive);
        String folder = drive.createFolder("ids");
        JsonNode generated = json.readTree(send(token, "GET", "drive/v3/files/generateIds?count=3&space=drive&type=files",
                null).body());
        assertThat(generated.get("kind").asText()).isEqualTo("drive#generatedIds");
        assertThat(generated.get("ids")).hasSize(3);
        String id = generated.get("ids").get(0).asText();
        String meta = "{\"id\":\"" + id + "\",\"name\":\"a\",\"parents\":[\"" + folder + "\"]}";
        HttpResponse<String> created = send(token, "POST", "drive/v3/files?supportsAllDrives=true&fields=id", meta);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(json.readTree(created.body()).get("id").asText()).isEqualTo(id);
        HttpResponse<String> again = send(token, "POST", "drive/v3/files?supportsAllDrives=true", meta);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(drive.children(folder)).hasSize(1);
        HttpResponse<String> made = send(token, "POST", "drive/v3/files?supportsAllDrives=true",
                meta.replace(id, "1madeUpByTheClientNotByGenerateIds"));
        assertThat(made.statusCode()).isEqualTo(400);
        // a lost answer: stored, answered 503
        drive.loseNextCreateAnswers(1);
        String second = generated.get("ids").get(1).asText();
        HttpResponse<String> lost = send(token, "POST", "drive/v3/files?supportsAllDrives=true", meta.replace(id, second));
        assertThat(lost.statusCode()).isEqualTo(503);
        assertThat(drive.children(folder)).extracting(StoredFile::id).containsExactly(id, second);
    }

    @Test
    void revisions_growWithEveryUpdateAndDeletingTheHeadRestoresThePreviousContent(FakeDriveServer drive) throws Exception {
        String token = token(drive);
        String folder = drive.createFolder("revisions");
        String id = drive.putFile(folder, "r.txt", "one".getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(drive.revisionCount(id)).isEqualTo(1);
        HttpResponse<String> updated = send(token, "PATCH", "upload/drive/v3/files/" + id
                + "?uploadType=media&supportsAllDrives=true&fields=id,headRevisionId,sha256Checksum", "two");
        assertThat(updated.statusCode()).isEqualTo(200);
        JsonNode file = json.readTree(updated.body());
        assertThat(file.get("id").asText()).isEqualTo(id);
        assertThat(drive.revisionCount(id)).isEqualTo(2);
        JsonNode listed = json.readTree(send(token, "GET", "drive/v3/files/" + id + "/revisions", null).body());
        assertThat(listed.get("revisions")).hasSize(2);
        String head = file.get("headRevisionId").asText();
        assertThat(listed.get("revisions").get(1).get("id").asText()).isEqualTo(head);
        assertThat(send(token, "DELETE", "drive/v3/files/" + id + "/revisions/" + head, null).statusCode()).isEqualTo(204);
        StoredFile now = drive.children(folder).get(0);
        assertThat(new String(now.content(), StandardCharsets.UTF_8)).isEqualTo("one");
        String last = json.readTree(send(token, "GET", "drive/v3/files/" + id + "/revisions", null).body())
                .get("revisions").get(0).get("id").asText();
        assertThat(send(token, "DELETE", "drive/v3/files/" + id + "/revisions/" + last, null).statusCode())
                .as("the last remaining revision stays").isEqualTo(400);
    }

    @Test
    void copy_patchesTheSourcesMetadataDefaultsLikeDriveAndRefusesFolders(FakeDriveServer drive) throws Exception {
        String token = token(drive);
        String folder = drive.createFolder("copies");
        String other = drive.createFolder("elsewhere");
        byte[] content = "copy me".getBytes(StandardCharsets.UTF_8);
        String source = drive.putFile(folder, "src.txt", content, Map.of("keep", "1", "drop", "2", "over", "old"));
        long received = drive.uploadBytesReceived();
        // no metadata: "Copy of NAME", in the source's folder, the source's appProperties
        JsonNode plain = json.readTree(send(token, "POST", "drive/v3/files/" + source
                + "/copy?supportsAllDrives=true&fields=id,name,parents,appProperties,sha256Checksum,headRevisionId", "{}").body());
        assertThat(plain.get("name").asText()).isEqualTo("Copy of src.txt");
        assertThat(plain.get("parents").get(0).asText()).isEqualTo(folder);
        assertThat(plain.get("appProperties").get("drop").asText()).isEqualTo("2");
        assertThat(plain.get("id").asText()).isNotEqualTo(source);
        // with metadata: patch semantics over the source's appProperties, a named id, another folder
        String id = json.readTree(send(token, "GET", "drive/v3/files/generateIds?count=1", null).body()).get("ids").get(0).asText();
        String meta = "{\"id\":\"" + id + "\",\"name\":\"dst.txt\",\"parents\":[\"" + other + "\"],"
                + "\"appProperties\":{\"drop\":null,\"over\":\"new\"},\"modifiedTime\":\"2024-01-02T03:04:05.678Z\"}";
        HttpResponse<String> copied = send(token, "POST", "drive/v3/files/" + source + "/copy?supportsAllDrives=true&fields=*", meta);
        assertThat(copied.statusCode()).isEqualTo(200);
        assertThat(drive.children(other)).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo(id);
            assertThat(f.name()).isEqualTo("dst.txt");
            assertThat(f.content()).isEqualTo(content);
            assertThat(f.appProperties()).containsExactlyInAnyOrderEntriesOf(Map.of("keep", "1", "over", "new"));
            assertThat(f.modifiedTime()).isEqualTo(java.time.Instant.parse("2024-01-02T03:04:05.678Z"));
        });
        assertThat(json.readTree(copied.body()).get("sha256Checksum").asText())
                .isEqualTo(drive.children(folder).stream().filter(f -> f.id().equals(source)).findFirst().orElseThrow().sha256());
        assertThat(send(token, "POST", "drive/v3/files/" + source + "/copy?supportsAllDrives=true", meta).statusCode())
                .as("the id is taken now").isEqualTo(409);
        assertThat(drive.uploadBytesReceived()).as("a copy sends no media").isEqualTo(received);
        // the source is unchanged; folders and missing files cannot be copied
        assertThat(drive.children(folder).stream().filter(f -> f.id().equals(source)).findFirst().orElseThrow().appProperties())
                .containsEntry("drop", "2").containsEntry("over", "old");
        HttpResponse<String> ofFolder = send(token, "POST", "drive/v3/files/" + folder + "/copy?supportsAllDrives=true", "{}");
        assertThat(ofFolder.statusCode()).isEqualTo(403);
        assertThat(json.readTree(ofFolder.body()).at("/error/errors/0/reason").asText()).isEqualTo("cannotCopyFile");
        assertThat(send(token, "POST", "drive/v3/files/1noSuchFile/copy?supportsAllDrives=true", "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void version_growsWithEveryChangeOfContentOrMetadata(FakeDriveServer drive) throws Exception {
        String token = token(drive);
        String id = drive.putFile(drive.createFolder("versions"), "v.txt", "one".getBytes(StandardCharsets.UTF_8), Map.of());
        java.util.function.Supplier<Long> version = () -> {
            try {
                return json.readTree(send(token, "GET", "drive/v3/files/" + id + "?supportsAllDrives=true&fields=version", null)
                        .body()).get("version").asLong();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        long v1 = version.get();
        assertThat(version.get()).as("a read changes nothing").isEqualTo(v1);
        send(token, "PATCH", "upload/drive/v3/files/" + id + "?uploadType=media&supportsAllDrives=true", "two");
        long v2 = version.get();
        assertThat(v2).isGreaterThan(v1);
        HttpResponse<String> renamed = http.send(HttpRequest.newBuilder(URI.create(drive.rootUrl() + "drive/v3/files/" + id
                        + "?supportsAllDrives=true")).header("Authorization", "Bearer " + token)
                .header("X-HTTP-Method-Override", "PATCH").header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"w.txt\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(renamed.statusCode()).isEqualTo(200);
        assertThat(version.get()).isGreaterThan(v2);
    }

    @Test
    void rateLimitStorm_answers429WithoutRetryAfterUntilItIsOver(FakeDriveServer drive) throws Exception {
        String token = token(drive);
        drive.rateLimitStorm(java.time.Duration.ofMillis(300), 1);
        assertThat(send(token, "GET", "drive/v3/files?pageSize=1", null).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = send(token, "GET", "drive/v3/files?pageSize=1", null);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isEmpty();
        assertThat(json.readTree(refused.body()).at("/error/errors/0/reason").asText()).isEqualTo("rateLimitExceeded");
        Thread.sleep(400);
        assertThat(send(token, "GET", "drive/v3/files?pageSize=1", null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(DRIVE.rootUrl() + path)).header("Authorization", "Bearer " + token);
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        if (method.equals("PATCH")) {
            b.header("X-HTTP-Method-Override", "PATCH").header("Content-Type", "text/plain");
            method = "POST";
        } else if (body != null) {
            b.header("Content-Type", "application/json; charset=UTF-8");
        }
        return http.send(b.method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
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
