package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.PlanRefusedException;
import io.cloudsync.SyncRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dry run says how the run of the same request would refuse its plan: the same reason, the same words. */
class DryRunRefusalTest {

    @TempDir
    Path tmp;
    Path root;
    CloudSync cloudSync;

    @BeforeEach
    void setUp() {
        root = tmp.resolve("project");
        for (int i = 0; i < 12; i++) {
            Trees.write(root, "data/f" + i + ".txt", "file " + i);
        }
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", tmp.resolve("remote").toString())).build();
        cloudSync = CloudSync.builder().root(root).config(config).build();
        cloudSync.run(SyncRequest.builder("local", "nightly").build());
    }

    @Test
    void dryRun_whenARunWouldGoAhead_hasNoRefusal() {
        Trees.write(root, "data/new.txt", "new");
        assertThat(cloudSync.dryRun(SyncRequest.builder("local", "nightly").build()).refusal()).isEmpty();
    }

    @Test
    void dryRun_overALimit_saysWhatTheRunThrows() {
        Trees.write(root, "data/new1.txt", "new");
        Trees.write(root, "data/new2.txt", "new");
        SyncRequest request = SyncRequest.builder("local", "nightly").maxUploads(1).build();

        PlanRefusedException planned = cloudSync.dryRun(request).refusal().orElseThrow();

        assertThat(planned.reason()).isEqualTo(PlanRefusedException.Reason.LIMIT);
        assertThatThrownBy(() -> cloudSync.run(request)).isInstanceOfSatisfying(PlanRefusedException.class,
                run -> assertThat(run).hasMessage(planned.getMessage()).extracting(PlanRefusedException::reason)
                        .isEqualTo(PlanRefusedException.Reason.LIMIT));
    }

    @Test
    void dryRun_deletingMostOfTheRemote_isRefusedByTheGuard_unlessMassDeleteIsAllowed() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("data"))) {
            for (Path p : files.filter(p -> !p.getFileName().toString().equals("f0.txt")).toList()) {
                Files.delete(p);
            }
        }
        SyncRequest request = SyncRequest.builder("local", "nightly").build();

        PlanRefusedException planned = cloudSync.dryRun(request).refusal().orElseThrow();

        assertThat(planned.reason()).isEqualTo(PlanRefusedException.Reason.DELETE_GUARD);
        assertThat(planned.getMessage()).contains("refusing to delete 11 of 12 remote files", "--allow-mass-delete");
        assertThatThrownBy(() -> cloudSync.run(request)).isInstanceOf(PlanRefusedException.class)
                .hasMessage(planned.getMessage());
        assertThat(cloudSync.dryRun(request.toBuilder().allowMassDelete(true).build()).refusal()).isEmpty();
    }
}
