package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Manifest;
import io.cloudsync.Plan;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.UploadReason;
import io.cloudsync.core.result.SyncResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link Plan#id()} promises: it names the two manifests a plan was computed from, so a dry run
 * and the run after it share it; it does not tie a resumed run to the interrupted one, which reuses
 * the journal path by path and content whatever plan wrote it.
 */
class PlanIdTest {

    private static final int FILES = 6;

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    final TestProviders.Script script = new TestProviders.Script();

    @BeforeEach
    void setUp() {
        root = tmp.resolve("project");
        remote = tmp.resolve("remote");
        writeFiles("one");
    }

    private void writeFiles(String version) {
        for (int i = 0; i < FILES; i++) {
            Trees.write(root, "data/f" + i + ".txt", "file " + i + " version " + version);
        }
    }

    private CloudSync cloudSync() {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("scripted")
                .service("scripted", Map.of("directory", remote.toString()))
                .engine(EngineSettings.builder().parallelism(1).retryInitialDelay(Duration.ZERO)
                        .retryMaxDelay(Duration.ZERO).build())
                .build();
        return CloudSync.builder().root(root).config(config)
                .provider(TestProviders.scripted("scripted", script)).build();
    }

    private static SyncRequest request() {
        return SyncRequest.builder("scripted", "nightly").build();
    }

    @Test
    void aDryRunAndTheRunAfterIt_reportTheSamePlanId_derivedFromBothManifests() {
        CloudSync cs = cloudSync();

        SyncResult dry = cs.dryRun(request());
        SyncResult run = cs.run(request());

        assertThat(run.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(run.plan().id()).isEqualTo(dry.plan().id())
                .isEqualTo(Plan.idOf(run.localManifest().checksum(), Manifest.empty("nightly").checksum()));
        // the next plan starts from the committed manifest: another pair, another id
        SyncResult next = cs.dryRun(request());
        assertThat(next.plan().isEmpty()).isTrue();
        assertThat(next.plan().id()).isNotEqualTo(run.plan().id())
                .isEqualTo(Plan.idOf(run.localManifest().checksum(), run.localManifest().checksum()));
    }

    @Test
    void aRunResumedAfterAKill_hasAnotherPlanId_andStillReusesWhatTheJournalRecorded() {
        CloudSync cs = cloudSync();
        assertThat(cs.run(request()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        writeFiles("two");
        script.uploaded.clear();
        script.dieAfterUploads = 2; // the process "dies" once 2 changed files reached the remote and the journal

        SyncResult killed = cs.run(request());

        assertThat(killed.summary().status()).isNotEqualTo(SyncStatus.SUCCESS);
        assertThat(killed.plan().uploads()).hasSize(FILES).allMatch(u -> u.reason() == UploadReason.CHANGED);
        script.dieAfterUploads = -1;
        script.uploaded.clear();

        SyncResult resumed = cs.run(request());

        // the killed run withdrew the changed paths from the remote manifest before sending any:
        // the resumed run plans from that manifest, so its plan and its id differ
        assertThat(resumed.plan().id()).isNotEqualTo(killed.plan().id());
        assertThat(resumed.plan().uploads()).hasSize(FILES).allMatch(u -> u.reason() == UploadReason.NEW);
        assertThat(resumed.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(resumed.summary().resumed()).isEqualTo(2);
        assertThat(script.uploaded).hasSize(FILES - 2);
        assertThat(Trees.read(remote.resolve("nightly"))).containsEntry("data/f0.txt", "file 0 version two")
                .containsEntry("data/f5.txt", "file 5 version two");
    }
}
