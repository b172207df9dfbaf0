package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ApprovedPlan;
import io.cloudsync.ErrorCategory;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.journal.PlanRuns;
import io.cloudsync.core.result.SyncResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run given an approved plan ({@link SyncRequest#approvedPlan()}) executes exactly that plan or
 * refuses before anything moves, saying which side changed; a run that continues an interrupted run
 * of the same plan goes ahead.
 */
class ApprovedPlanRunTest {

    private static final int FILES = 10;

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    final TestProviders.Script script = new TestProviders.Script();
    CloudSync cloudSync;

    @BeforeEach
    void setUp() {
        root = tmp.resolve("project");
        remote = tmp.resolve("remote");
        for (int i = 0; i < FILES; i++) {
            Trees.write(root, "data/f" + i + ".txt", "file " + i);
        }
        CloudSyncConfig config = CloudSyncConfig.builder().enable("scripted")
                .service("scripted", Map.of("directory", remote.toString()))
                .engine(EngineSettings.builder().parallelism(1).retryInitialDelay(Duration.ZERO)
                        .retryMaxDelay(Duration.ZERO).build())
                .build();
        cloudSync = CloudSync.builder().root(root).config(config)
                .provider(TestProviders.scripted("scripted", script)).build();
        assertThat(cloudSync.run(request().build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
    }

    private static SyncRequest.Builder request() {
        return SyncRequest.builder("scripted", "nightly");
    }

    /** Approves what a dry run plans now, as a plan file does. */
    private ApprovedPlan approveNow() {
        PlanSummary p = cloudSync.dryRun(request().build()).planSummary();
        return ApprovedPlan.of(p.id(), p.localChecksum(), p.remoteChecksum());
    }

    @Test
    void theApprovedPlan_runs() {
        Trees.write(root, "data/f1.txt", "changed");
        Trees.write(root, "data/new.txt", "new");
        ApprovedPlan approved = approveNow();

        SyncResult run = cloudSync.run(request().approvedPlan(approved).build());

        assertThat(run.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(run.planSummary().id()).isEqualTo(approved.id());
        assertThat(run.summary().uploaded()).isEqualTo(2);
        assertThat(Trees.read(remote.resolve("nightly"))).containsEntry("data/f1.txt", "changed")
                .containsEntry("data/new.txt", "new");
    }

    @Test
    void aLocalChange_afterThePlan_refusesBeforeAnythingMoves_sayingTheLocalTreeChanged() {
        Trees.write(root, "data/f1.txt", "changed");
        ApprovedPlan approved = approveNow();
        Trees.write(root, "data/f2.txt", "changed after the review");
        script.uploaded.clear();

        assertThatThrownBy(() -> cloudSync.run(request().approvedPlan(approved).build()))
                .isInstanceOfSatisfying(PlanRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PlanRefusedException.Reason.CHANGED);
                    assertThat(e.category()).isEqualTo(ErrorCategory.PLAN_CHANGED);
                    assertThat(e.getMessage()).contains(approved.id(), "the local tree changed", "nothing was transferred")
                            .doesNotContain("the remote changed");
                    assertThat(e.plan()).isNotNull();
                    assertThat(e.plan().uploads()).hasSize(2);
                });
        assertThat(script.uploaded).isEmpty();
        assertThat(Trees.read(remote.resolve("nightly"))).containsEntry("data/f1.txt", "file 1")
                .containsEntry("data/f2.txt", "file 2");
    }

    @Test
    void aRemoteChange_afterThePlan_refuses_sayingTheRemoteChanged() {
        Trees.write(root, "data/f1.txt", "changed");
        ApprovedPlan approved = approveNow();
        // another run (another host, say) commits something else in between
        Trees.write(root, "data/f1.txt", "file 1");
        Trees.write(root, "data/other.txt", "other");
        cloudSync.run(request().build());
        Trees.write(root, "data/f1.txt", "changed");
        try {
            Files.delete(root.resolve("data/other.txt"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        script.uploaded.clear();

        assertThatThrownBy(() -> cloudSync.run(request().approvedPlan(approved).build()))
                .isInstanceOfSatisfying(PlanRefusedException.class, e -> assertThat(e.getMessage())
                        .contains("the remote changed").doesNotContain("the local tree changed"));
        assertThat(script.uploaded).isEmpty();
    }

    @Test
    void anApprovalByIdOnly_refusesWithoutSayingWhichSide() {
        Trees.write(root, "data/f1.txt", "changed");
        ApprovedPlan approved = ApprovedPlan.of(approveNow().id());
        Trees.write(root, "data/f2.txt", "changed too");

        assertThatThrownBy(() -> cloudSync.run(request().approvedPlan(approved).build()))
                .isInstanceOfSatisfying(PlanRefusedException.class, e -> assertThat(e.getMessage())
                        .contains("the local tree or the remote changed"));
    }

    @Test
    void aDryRunWithTheApproval_reportsTheSameRefusal() {
        Trees.write(root, "data/f1.txt", "changed");
        ApprovedPlan approved = approveNow();
        assertThat(cloudSync.dryRun(request().approvedPlan(approved).build()).refusal()).isEmpty();
        Trees.write(root, "data/f2.txt", "changed too");

        PlanRefusedException dry = cloudSync.dryRun(request().approvedPlan(approved).build()).refusal().orElseThrow();

        assertThat(dry.reason()).isEqualTo(PlanRefusedException.Reason.CHANGED);
        assertThatThrownBy(() -> cloudSync.run(request().approvedPlan(approved).build())).hasMessage(dry.getMessage());
    }

    @Test
    void anInterruptedRunOfThePlan_isResumedByTheSameApproval_thoughItsWithdrawalChangedTheRemote() {
        for (int i = 0; i < 5; i++) {
            Trees.write(root, "data/f" + i + ".txt", "changed " + i);
        }
        ApprovedPlan approved = approveNow();
        script.uploaded.clear();
        script.dieAfterUploads = 2; // the process dies after two of the five overwrites

        SyncResult killed = cloudSync.run(request().approvedPlan(approved).build());

        assertThat(killed.summary().status()).isNotEqualTo(SyncStatus.SUCCESS);
        script.dieAfterUploads = -1;
        PlanSummary now = cloudSync.dryRun(request().build()).planSummary();
        assertThat(now.id()).as("the withdrawal changed the remote manifest").isNotEqualTo(approved.id());
        assertThat(now.remoteChecksum()).isNotEqualTo(approved.remoteChecksum().orElseThrow());

        SyncResult resumed = cloudSync.run(request().approvedPlan(approved).build());

        assertThat(resumed.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(resumed.summary().resumed()).isEqualTo(2);
        for (int i = 0; i < 5; i++) {
            assertThat(Trees.read(remote.resolve("nightly"))).containsEntry("data/f" + i + ".txt", "changed " + i);
        }
        // once it is done, the same approval is a no-op rather than a refusal
        SyncResult again = cloudSync.run(request().approvedPlan(approved).build());
        assertThat(again.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(again.summary().uploaded()).isZero();
    }

    @Test
    void withoutTheRecordOfThePlansRuns_theResumeIsRefused() throws Exception {
        for (int i = 0; i < 5; i++) {
            Trees.write(root, "data/f" + i + ".txt", "changed " + i);
        }
        ApprovedPlan approved = approveNow();
        script.uploaded.clear();
        script.dieAfterUploads = 2;
        cloudSync.run(request().approvedPlan(approved).build());
        script.dieAfterUploads = -1;
        Path record = PlanRuns.fileOf(cloudSync.stateDirectory(), "scripted", "nightly");
        assertThat(record).exists();
        Files.delete(record);

        assertThatThrownBy(() -> cloudSync.run(request().approvedPlan(approved).build()))
                .isInstanceOfSatisfying(PlanRefusedException.class, e -> assertThat(e.getMessage()).contains("the remote changed"));
    }

    @Test
    void aRecordOfAnotherPlan_doesNotLetARunThrough() throws Exception {
        Trees.write(root, "data/f1.txt", "changed");
        ApprovedPlan approved = approveNow();
        Path record = PlanRuns.fileOf(cloudSync.stateDirectory(), "scripted", "nightly");
        PlanSummary p = cloudSync.dryRun(request().build()).planSummary();
        PlanRuns.record(record, "0".repeat(32), p.localChecksum(), p.remoteChecksum());
        Trees.write(root, "data/f2.txt", "changed too");

        assertThatThrownBy(() -> cloudSync.run(request().approvedPlan(approved).build()))
                .isInstanceOf(PlanRefusedException.class);
        Files.writeString(record, "{not json");
        assertThatThrownBy(() -> cloudSync.run(request().approvedPlan(approved).build()))
                .isInstanceOf(PlanRefusedException.class);
    }
}
