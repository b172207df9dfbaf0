package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.spi.Capability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file whose content the remote already holds under a path the run deletes or leaves alone is
 * copied on the remote instead of sent (a move or rename); never from a path the run overwrites, and
 * the bytes are sent after all when the copy cannot be made.
 */
class MovesCopyTest {

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    final TestProviders.Script script = new TestProviders.Script();

    @BeforeEach
    void setUp() {
        root = tmp.resolve("project");
        remote = tmp.resolve("remote");
        for (int i = 0; i < 6; i++) {
            Trees.write(root, "old/f" + i + ".txt", "content of file " + i);
        }
        Trees.write(root, "keep.txt", "kept as it is");
    }

    private CloudSync cloudSync(Set<Capability> capabilities) {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("scripted")
                .service("scripted", Map.of("directory", remote.toString()))
                .engine(EngineSettings.builder().parallelism(2).retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO)
                        .build())
                .build();
        var local = new io.cloudsync.core.internal.local.LocalProviderFactory();
        return CloudSync.builder().root(root).config(config)
                .provider(new TestProviders.WrappedFactory("scripted", local, capabilities,
                        p -> new TestProviders.Scripted(script.faults.apply(io.cloudsync.testkit.FaultInjectingProvider.wrap(p))
                                .build(), script)))
                .build();
    }

    private CloudSync withCopy() {
        return cloudSync(new io.cloudsync.core.internal.local.LocalProviderFactory().capabilities());
    }

    private SyncRequest request() {
        return SyncRequest.builder("scripted", "nightly").allowMassDelete(true).build();
    }

    private void move(String from, String to) throws Exception {
        Files.createDirectories(root.resolve(to).getParent());
        Files.move(root.resolve(from), root.resolve(to));
    }

    @Test
    void aRenamedFolder_isCopiedOnTheRemote_andNothingOfItIsSent() throws Exception {
        CloudSync cs = withCopy();
        assertThat(cs.run(request()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        move("old", "new");
        SyncSummary dry = cs.dryRun(request()).summary();
        assertThat(dry.copied()).as("the dry run says how many the run will copy").isEqualTo(6);
        assertThat(dry.uploaded()).isEqualTo(6);
        script.uploaded.clear();

        SyncSummary s = cs.run(request()).summary();

        assertThat(s.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(s.uploaded()).isEqualTo(6);
        assertThat(s.copied()).isEqualTo(6);
        assertThat(s.deleted()).isEqualTo(6);
        assertThat(s.bytesSent()).isZero();
        assertThat(s.bytes()).isEqualTo(6L * "content of file 0".length());
        assertThat(script.uploaded).as("nothing is sent").isEmpty();
        Map<String, String> stored = Trees.read(remote.resolve("nightly"));
        for (int i = 0; i < 6; i++) {
            assertThat(stored).containsEntry("new/f" + i + ".txt", "content of file " + i).doesNotContainKey("old/f" + i + ".txt");
        }
        // the next run has nothing to do: the manifest names the copies
        assertThat(cs.run(request()).summary().uploaded()).isZero();
    }

    @Test
    void contentMovedAwayFromAPathTheRunOverwrites_isSent_notCopiedFromIt() throws Exception {
        CloudSync cs = withCopy();
        cs.run(request());
        // f0's old content moves to a new path, and f0 itself gets new content in the same run
        move("old/f0.txt", "moved/f0.txt");
        Trees.write(root, "old/f0.txt", "new content of f0");
        script.uploaded.clear();

        SyncResult r = cs.run(request());

        assertThat(r.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(r.summary().copied()).isZero();
        assertThat(script.uploaded).containsExactlyInAnyOrder("old/f0.txt", "moved/f0.txt");
        assertThat(Trees.read(remote.resolve("nightly"))).containsEntry("moved/f0.txt", "content of file 0")
                .containsEntry("old/f0.txt", "new content of f0");
    }

    @Test
    void aCopyOfAnUnchangedFile_nearTheChange_isCopiedToo() throws Exception {
        CloudSync cs = withCopy();
        cs.run(request());
        Trees.write(root, "old/f3-copy.txt", "content of file 3");
        script.uploaded.clear();

        SyncSummary s = cs.run(request()).summary();

        assertThat(s.copied()).isEqualTo(1);
        assertThat(script.uploaded).isEmpty();
        assertThat(Trees.read(remote.resolve("nightly"))).containsEntry("old/f3-copy.txt", "content of file 3")
                .containsEntry("old/f3.txt", "content of file 3");
    }

    @Test
    void aSourceThatIsGone_isSentInstead() throws Exception {
        CloudSync cs = withCopy();
        cs.run(request());
        move("old/f1.txt", "new/f1.txt");
        // someone removed the stored file behind the manifest's back: the copy fails, the bytes go
        Files.delete(remote.resolve("nightly/old/f1.txt"));
        script.uploaded.clear();

        SyncSummary s = cs.run(request()).summary();

        assertThat(s.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(s.copied()).isZero();
        assertThat(script.uploaded).containsExactly("new/f1.txt");
        assertThat(Trees.read(remote.resolve("nightly"))).containsEntry("new/f1.txt", "content of file 1");
    }

    @Test
    void aProviderWithoutServerSideCopy_sendsTheBytes() throws Exception {
        Set<Capability> without = EnumSet.copyOf(new io.cloudsync.core.internal.local.LocalProviderFactory().capabilities());
        without.remove(Capability.SERVER_SIDE_COPY);
        CloudSync cs = cloudSync(without);
        cs.run(request());
        move("old", "new");
        script.uploaded.clear();

        assertThat(cs.dryRun(request()).summary().copied()).isZero();
        SyncSummary s = cs.run(request()).summary();

        assertThat(s.copied()).isZero();
        assertThat(script.uploaded).hasSize(6);
        assertThat(s.bytesSent()).isEqualTo(s.bytes());
    }
}
