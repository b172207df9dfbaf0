package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.json.ResultCodec;
import io.cloudsync.core.result.SyncResult;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dry run's result hands on its entries from the chunk cache ({@code forEach*}) exactly as its
 * manifests and plan in memory hold them, and its JSON, written from those streams, is the JSON the
 * same result writes from memory.
 */
class SyncResultStreamsTest {

    @TempDir
    static Path tmp;
    static Path root;
    static CloudSync cs;

    /** One tree and one remote for every test: the tests only make dry runs. */
    @BeforeAll
    static void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("project"));
        for (int i = 0; i < 2500; i++) {
            write(String.format("src/d%02d/f%05d.txt", i % 30, i), "content " + i, "2026-01-01T00:00:00Z");
        }
        cs = CloudSync.builder().root(root).config(CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", tmp.resolve("remote").toString())).build()).build();
        cs.run(SyncRequest.builder("local", "nightly").build());
        for (int i = 0; i < 2500; i += 97) {
            write(String.format("src/d%02d/f%05d.txt", i % 30, i), "changed " + i, "2026-01-02T00:00:00Z");
        }
        write("src/new/added.txt", "new", "2026-01-02T00:00:00Z");
        for (int i = 1; i < 2500; i += 211) {
            Files.delete(root.resolve(String.format("src/d%02d/f%05d.txt", i % 30, i)));
        }
    }

    private static void write(String path, String content, String mtime) throws IOException {
        Path f = root.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse(mtime)));
    }

    private static String json(SyncResult r) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            ResultCodec.writeResultFields(g, r, false);
            g.writeEndObject();
        }
        return out.toString();
    }

    @Test
    void aDryRunsStreams_handOnWhatItsManifestsAndPlanHold() {
        SyncResult dry = cs.dryRun(SyncRequest.builder("local", "nightly").build());

        List<ManifestEntry> local = new ArrayList<>();
        dry.forEachLocalEntry(local::add);
        List<ManifestEntry> remote = new ArrayList<>();
        dry.forEachRemoteEntry(remote::add);
        List<PlannedUpload> uploads = new ArrayList<>();
        List<ManifestEntry> deletes = new ArrayList<>();
        List<ManifestEntry> skipped = new ArrayList<>();
        dry.forEachPlanned(new PlanSink() {
            @Override
            public void upload(PlannedUpload u) {
                uploads.add(u);
            }

            @Override
            public void delete(ManifestEntry r) {
                deletes.add(r);
            }

            @Override
            public void skip(ManifestEntry l) {
                skipped.add(l);
            }
        });

        assertThat(local).isEqualTo(dry.localManifest().entries()).hasSize(2500 - 12 + 1);
        assertThat(remote).isEqualTo(dry.remoteManifest().orElseThrow().entries()).hasSize(2500);
        assertThat(uploads).isEqualTo(dry.plan().uploads()).hasSize(26 + 1); // f00000..f02425 in steps of 97, and the new file
        assertThat(deletes).isEqualTo(dry.plan().deletes()).hasSize(12);
        assertThat(skipped).isEqualTo(dry.plan().skipped());
        assertThat(uploads.size() + skipped.size()).isEqualTo(local.size());
    }

    @Test
    void aDryRunsJson_writtenFromItsStreams_isTheJsonOfTheSameResultInMemory() throws IOException {
        SyncResult dry = cs.dryRun(SyncRequest.builder("local", "nightly").build());
        SyncResult inMemory = new SyncResult(dry.service(), dry.snapshot(), dry.localManifest(), dry.plan(), dry.summary(),
                dry.remoteManifest().orElseThrow(), dry.planSource(), dry.planSourceNote(), dry.scan(), dry.scope());

        String streamed = json(dry);

        assertThat(streamed).isEqualTo(json(inMemory)).contains("\"reason\":\"removed\"", "\"reason\":\"changed\"",
                "\"path\":\"src/new/added.txt\"");
    }

    @Test
    void aRefusedPlan_madeWhenAskedFor_isThePlanOfTheDryRun() {
        SyncRequest request = SyncRequest.builder("local", "nightly").maxDeletes(1).build();
        SyncResult dry = cs.dryRun(request);

        PlanRefusedException refusal = dry.refusal().orElseThrow();

        assertThat(refusal.reason()).isEqualTo(PlanRefusedException.Reason.LIMIT);
        assertThat(refusal.plan()).isEqualTo(dry.plan());
    }
}
