package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Plan;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.support.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan file holds what a dry run planned, reads back as it was written, and refuses every file it cannot vouch for. */
class PlanFileTest {

    @TempDir
    Path tmp;
    Path root;
    CloudSync cloudSync;
    Path file;

    @BeforeEach
    void setUp() throws Exception {
        root = tmp.resolve("project");
        for (int i = 0; i < 4; i++) {
            Trees.write(root, "data/f" + i + ".txt", "file " + i);
        }
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", tmp.resolve("remote").toString())).build();
        cloudSync = CloudSync.builder().root(root).config(config).build();
        cloudSync.run(SyncRequest.builder("local", "nightly").build());
        Trees.write(root, "data/f1.txt", "changed");
        Trees.write(root, "data/new.txt", "new");
        Files.delete(root.resolve("data/f3.txt"));
        file = tmp.resolve("plans/PLAN.json");
    }

    private SyncResult writePlan(SyncRequest request) {
        SyncResult dry = cloudSync.dryRun(request);
        PlanFile.write(file, request, dry);
        return dry;
    }

    @Test
    void aWrittenPlan_readsBackWithItsRequestIdChecksumsAndCounts() {
        SyncRequest request = SyncRequest.builder("local", "nightly").exclude(List.of("**/*.tmp")).build();
        SyncResult dry = writePlan(request);

        PlanFile read = PlanFile.read(file);

        assertThat(read.service()).isEqualTo("local");
        assertThat(read.snapshot()).isEqualTo("nightly");
        assertThat(read.include()).isEmpty();
        assertThat(read.exclude()).containsExactly("**/*.tmp");
        assertThat(read.planId()).isEqualTo(dry.planSummary().id());
        assertThat(read.localChecksum()).isEqualTo(dry.planSummary().localChecksum());
        assertThat(read.remoteChecksum()).isEqualTo(dry.planSummary().remoteChecksum());
        assertThat(read.planSource()).isEqualTo("remote");
        assertThat(read.uploads()).isEqualTo(2);
        assertThat(read.deletes()).isEqualTo(1);
        assertThat(read.skipped()).isEqualTo(2);
        assertThat(read.uploadBytes()).isEqualTo("changed".length() + "new".length());
        assertThat(read.approval().id()).isEqualTo(dry.planSummary().id());
        assertThat(read.approval().localChecksum()).contains(dry.planSummary().localChecksum());
        assertThat(read.differences(dry.plan(), 10)).isEmpty();
    }

    @Test
    void theFile_listsEveryUploadAndDelete_asDocumented() throws Exception {
        writePlan(SyncRequest.builder("local", "nightly").build());

        ObjectNode doc = (ObjectNode) Json.mapper().readTree(file.toFile());

        assertThat(doc.path("format").asText()).isEqualTo("cloudsync-plan");
        assertThat(doc.path("version").asInt()).isEqualTo(1);
        assertThat(doc.path("uploads")).extracting(n -> n.path("path").asText() + ":" + n.path("reason").asText())
                .containsExactly("data/f1.txt:changed", "data/new.txt:new");
        assertThat(doc.path("deletes")).extracting(n -> n.path("path").asText()).containsExactly("data/f3.txt");
        assertThat(doc.path("counts").path("skipped").asLong()).isEqualTo(2);
        assertThat(doc.path("actions_sha256").asText()).matches("[0-9a-f]{64}");
        assertThat(tmp.resolve("plans")).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".tmp"));
    }

    @Test
    void anEditedAction_isRefused() throws Exception {
        writePlan(SyncRequest.builder("local", "nightly").build());
        String text = Files.readString(file);
        Files.writeString(file, text.replace("\"data/new.txt\"", "\"data/other.txt\""));

        assertThatThrownBy(() -> PlanFile.read(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("actions_sha256 does not match").hasMessageContaining(file.toString());
    }

    @Test
    void aRemovedAction_orAlteredCounts_areRefused() throws Exception {
        writePlan(SyncRequest.builder("local", "nightly").build());
        ObjectNode doc = (ObjectNode) Json.mapper().readTree(file.toFile());
        doc.withArray("deletes").removeAll();
        Files.write(file, Json.mapper().writeValueAsBytes(doc));
        assertThatThrownBy(() -> PlanFile.read(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("actions_sha256 does not match");

        writePlan(SyncRequest.builder("local", "nightly").build());
        doc = (ObjectNode) Json.mapper().readTree(file.toFile());
        ((ObjectNode) doc.get("counts")).put("deletes", 0);
        Files.write(file, Json.mapper().writeValueAsBytes(doc));
        assertThatThrownBy(() -> PlanFile.read(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("do not match its lists");
    }

    @Test
    void anAlteredId_isRefused() throws Exception {
        writePlan(SyncRequest.builder("local", "nightly").build());
        ObjectNode doc = (ObjectNode) Json.mapper().readTree(file.toFile());
        doc.put("plan_id", "0".repeat(32));
        Files.write(file, Json.mapper().writeValueAsBytes(doc));

        assertThatThrownBy(() -> PlanFile.read(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not the id of its checksums");
    }

    @Test
    void aNewerVersion_anotherFormat_notJson_andAMissingFile_areRefusedClearly() throws Exception {
        writePlan(SyncRequest.builder("local", "nightly").build());
        ObjectNode doc = (ObjectNode) Json.mapper().readTree(file.toFile());
        doc.put("version", 2);
        Files.write(file, Json.mapper().writeValueAsBytes(doc));
        assertThatThrownBy(() -> PlanFile.read(file)).hasMessageContaining("version 2, newer than this cloudsync reads");

        doc.put("version", 1).put("format", "cloudsync-manifest");
        Files.write(file, Json.mapper().writeValueAsBytes(doc));
        assertThatThrownBy(() -> PlanFile.read(file)).hasMessageContaining("not \"cloudsync-plan\"");

        Files.writeString(file, "{\"format\": \"cloudsync-plan\", \"version\": 1, \"uploads\": [", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PlanFile.read(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("not valid JSON");

        Files.writeString(file, "[]");
        assertThatThrownBy(() -> PlanFile.read(file)).hasMessageContaining("not a JSON object");

        assertThatThrownBy(() -> PlanFile.read(tmp.resolve("missing.json"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("there is no plan file").hasMessageContaining("cloudsync plan --out");
    }

    @Test
    void differences_nameWhatTheRunWouldDoOtherwise() {
        writePlan(SyncRequest.builder("local", "nightly").build());
        Trees.write(root, "data/new.txt", "newer");
        Trees.write(root, "data/f3.txt", "file 3"); // back as the remote has it
        Trees.write(root, "data/f0.txt", "changed too");
        Plan now = cloudSync.dryRun(SyncRequest.builder("local", "nightly").build()).plan();

        List<String> diff = PlanFile.read(file).differences(now, 10);

        assertThat(diff).containsExactly("now also uploads data/f0.txt (changed)", "no longer deletes data/f3.txt",
                "uploads data/new.txt with other content than planned");
        assertThat(PlanFile.read(file).differences(now, 1)).containsExactly("now also uploads data/f0.txt (changed)",
                "and 2 more");
    }
}
