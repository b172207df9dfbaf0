package io.cloudsync.core;

import static io.cloudsync.core.TestManifests.entry;
import static io.cloudsync.core.TestManifests.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.CloudSyncException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.support.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestJsonTest {

    private static final Manifest SAMPLE = manifest(
            entry("src/Main.java", "class Main {}", Instant.parse("2023-03-28T10:40:00.123456789Z")),
            entry("read me.txt", "hello", Instant.parse("2023-03-28T10:40:00Z")),
            entry("caf\u00e9/\u00e9t\u00e9.txt", "summer", Instant.parse("1969-12-31T23:59:59.5Z")),
            entry("empty", ""));

    private static String json(Manifest m) {
        return new String(ManifestJson.toBytes(m), StandardCharsets.UTF_8);
    }

    private static Manifest parse(String json) {
        return ManifestJson.fromBytes(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }

    @Test
    void toBytes_thenFromBytes_roundTripsEveryField() {
        Manifest back = ManifestJson.fromBytes(ManifestJson.toBytes(SAMPLE), "sample");

        assertThat(back).isEqualTo(SAMPLE);
        assertThat(back.entries()).extracting(ManifestEntry::mtime)
                .contains(Instant.parse("2023-03-28T10:40:00.123456789Z"), Instant.parse("1969-12-31T23:59:59.5Z"));
    }

    @Test
    void toBytes_sameManifest_givesSameBytes() {
        java.util.List<ManifestEntry> reversed = new java.util.ArrayList<>(SAMPLE.entries());
        java.util.Collections.reverse(reversed);
        Manifest rebuilt = Manifest.of(SAMPLE.name(), SAMPLE.root(), SAMPLE.createdAt(), reversed);

        assertThat(ManifestJson.toBytes(rebuilt)).isEqualTo(ManifestJson.toBytes(SAMPLE));
        assertThat(ManifestJson.toBytes(ManifestJson.fromBytes(ManifestJson.toBytes(SAMPLE), "x")))
                .isEqualTo(ManifestJson.toBytes(SAMPLE));
    }

    @Test
    void toBytes_writesTheDocumentedFieldsAndLayout() throws IOException {
        String text = json(SAMPLE);
        JsonNode tree = Json.mapper().readTree(text);

        assertThat(tree.get("format").asText()).isEqualTo("cloudsync-manifest");
        assertThat(tree.get("version").asInt()).isEqualTo(1);
        assertThat(tree.get("name").asText()).isEqualTo("test");
        assertThat(tree.get("root").asText()).isEqualTo("/project");
        assertThat(tree.get("created_at").asText()).isEqualTo("2024-05-01T10:00:00.123456789Z");
        assertThat(tree.get("checksum").asText()).isEqualTo(SAMPLE.checksum());
        JsonNode first = tree.get("entries").get(0);
        assertThat(first.get("path").asText()).isEqualTo("caf\u00e9/\u00e9t\u00e9.txt");
        assertThat(first.get("size").asLong()).isEqualTo(6);
        assertThat(first.get("mtime").asText()).isEqualTo("1969-12-31T23:59:59.500Z");
        assertThat(first.get("sha256").asText()).hasSize(64);
        assertThat(text).startsWith("{\n  \"format\": \"cloudsync-manifest\",\n  \"version\": 1,\n")
                .contains("\n    {\"path\": \"empty\", \"size\": 0, \"mtime\": \"2024-05-01T10:00:00.123456789Z\", \"sha256\": \"e3b0")
                .endsWith("\n  ]\n}\n");
        assertThat(text.lines().count()).isEqualTo(10 + SAMPLE.entries().size());
    }

    @Test
    void toBytes_emptyManifest_isValidAndReadable() {
        Manifest empty = Manifest.empty("nothing");

        assertThat(json(empty)).contains("\"entries\": []");
        assertThat(parse(json(empty))).isEqualTo(empty);
    }

    @Test
    void write_leavesTheStreamOpen() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                throw new AssertionError("closed");
            }
        };
        ManifestJson.write(SAMPLE, out);
        assertThat(out.toByteArray()).isEqualTo(ManifestJson.toBytes(SAMPLE));
    }

    @Test
    void fromBytes_withBadChecksum_namesSourceAndChecksum() {
        String bad = json(SAMPLE).replace(SAMPLE.checksum(), "0".repeat(64));

        assertThatThrownBy(() -> parse(bad)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("test.json").hasMessageContaining("checksum").hasMessageContaining("0".repeat(64));
    }

    @Test
    void fromBytes_withEditedSize_failsOnChecksum() {
        String bad = json(SAMPLE).replace("\"size\": 5,", "\"size\": 6,");

        assertThatThrownBy(() -> parse(bad)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void fromBytes_withUnsortedEntries_saysNotSorted() {
        String text = json(manifest(entry("a", "1"), entry("b", "2")));
        String swapped = text.replace("\"path\": \"a\"", "\"path\": \"TMP\"").replace("\"path\": \"b\"", "\"path\": \"a\"")
                .replace("\"path\": \"TMP\"", "\"path\": \"b\"");

        assertThatThrownBy(() -> parse(swapped)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("test.json").hasMessageContaining("not sorted").hasMessageContaining("entry #1");
    }

    @Test
    void fromBytes_withDuplicatePath_saysTwice() {
        String text = json(manifest(entry("a", "1"), entry("b", "1")));
        String dup = text.replace("\"path\": \"b\"", "\"path\": \"a\"");

        assertThatThrownBy(() -> parse(dup)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("\"a\" twice");
    }

    @Test
    void fromBytes_withFieldTwiceInEntry_saysTwice() {
        String text = json(manifest(entry("a", "1")));
        String dup = text.replace("\"path\": \"a\",", "\"path\": \"a\", \"path\": \"a\",");

        assertThatThrownBy(() -> parse(dup)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("test.json").hasMessageContaining("\"path\" of entry #0 twice");
    }

    @Test
    void fromBytes_withUnknownFieldTwice_saysTwice() {
        String text = json(manifest(entry("a", "1")));
        String dup = text.replace("\"path\": \"a\",", "\"path\": \"a\", \"x\": 1, \"x\": 2,");

        assertThatThrownBy(() -> parse(dup)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("\"x\" of entry #0 twice");
    }

    @Test
    void fromBytes_withTopLevelFieldTwice_saysTwice() {
        String text = json(manifest(entry("a", "1")));
        String dup = text.replaceFirst("\"name\": ", "\"name\": \"other\", \"name\": ");

        assertThatThrownBy(() -> parse(dup)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("\"name\" twice");
    }

    @Test
    void fromBytes_withNfdPath_isRejected() {
        String text = json(manifest(entry("caf\u00e9", "1")));
        String nfd = text.replace("caf\u00e9", "cafe\u0301");

        assertThatThrownBy(() -> parse(nfd)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("NFC");
    }

    @Test
    void fromBytes_withBadPath_namesTheRule() {
        String text = json(manifest(entry("a/b", "1")));

        assertThatThrownBy(() -> parse(text.replace("a/b", "a/../b"))).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("'..'").hasMessageContaining("entry #0");
        assertThatThrownBy(() -> parse(text.replace("a/b", "/a/b"))).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("relative");
    }

    @Test
    void fromBytes_withNewerVersion_asksToUpgrade() {
        String v3 = json(SAMPLE).replace("\"version\": 1", "\"version\": 3");
        String v2 = json(SAMPLE).replace("\"version\": 1", "\"version\": 2");

        assertThatThrownBy(() -> parse(v3)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("version 3").hasMessageContaining("written by a newer cloudsync; upgrade cloudsync");
        // a format-2 root is not a single document: the message says where its entries are
        assertThatThrownBy(() -> parse(v2)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("version 2").hasMessageContaining("chunked manifest (format 2)");
    }

    @Test
    void fromBytes_withOtherFormat_namesIt() {
        String other = json(SAMPLE).replace("cloudsync-manifest", "something-else");

        assertThatThrownBy(() -> parse(other)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("\"something-else\"");
    }

    @Test
    void fromBytes_withMissingField_listsRequiredFields() {
        String noChecksum = json(SAMPLE).replaceAll("\n  \"checksum\": \"[0-9a-f]+\",", "");

        assertThatThrownBy(() -> parse(noChecksum)).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("required field").hasMessageContaining("checksum");
    }

    @Test
    void fromBytes_withWrongTypes_namesTheField() {
        assertThatThrownBy(() -> parse(json(SAMPLE).replace("\"size\": 5", "\"size\": \"5\"")))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("\"size\" of entry #");
        assertThatThrownBy(() -> parse(json(SAMPLE).replace("2023-03-28T10:40:00Z", "yesterday")))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("\"yesterday\"")
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> parse(json(SAMPLE).replace("\"size\": 5", "\"size\": -5")))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("negative");
    }

    @Test
    void fromBytes_withTruncatedOrNonJson_saysNotValidJson() {
        String text = json(SAMPLE);

        assertThatThrownBy(() -> parse(text.substring(0, text.length() / 2))).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("test.json").hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("[]")).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> parse("")).isInstanceOf(ManifestFormatException.class);
        assertThatThrownBy(() -> ManifestJson.fromBytes(new byte[] {'{', '"', (byte) 0xc3, '"', ':'}, "bin"))
                .isInstanceOf(ManifestFormatException.class).hasMessageContaining("bin");
        assertThatThrownBy(() -> parse(text + "{}")).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining("after the manifest");
    }

    @Test
    void fromBytes_withUnknownField_ignoresIt() {
        String extra = json(SAMPLE).replace("\"root\":", "\"comment\": {\"a\": [1, 2]},\n  \"root\":");

        assertThat(parse(extra)).isEqualTo(SAMPLE);
    }

    @Test
    void read_missingFile_throwsNamingTheFile(@TempDir Path dir) {
        Path file = dir.resolve("nope.json");

        assertThatThrownBy(() -> ManifestJson.read(file)).isInstanceOf(CloudSyncException.class)
                .isNotInstanceOf(ManifestFormatException.class).hasMessageContaining("nope.json");
    }

    @Test
    void read_file_returnsTheManifest(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("m.json"), ManifestJson.toBytes(SAMPLE));

        assertThat(ManifestJson.read(file)).isEqualTo(SAMPLE);
    }
}
