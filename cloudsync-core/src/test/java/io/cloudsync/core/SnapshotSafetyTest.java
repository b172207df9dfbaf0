package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.hash.Hashing;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.testkit.FaultInjectingProvider.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After any run, finished, partial or killed, a pull of the snapshot restores a tree in which every
 * file verifies against the committed manifest, and verify finds nothing that cloudsync caused.
 */
class SnapshotSafetyTest {

    private static final int CHANGED = 20;

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    final TestProviders.Script script = new TestProviders.Script();

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("project"));
        remote = tmp.resolve("remote");
        for (int i = 0; i < CHANGED; i++) {
            Trees.write(root, "data/f" + i + ".txt", "old content " + i);
        }
        Trees.write(root, "keep.txt", "never changes");
        Trees.write(root, "gone.txt", "deleted by the second run");
        try (var files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
            }
        }
    }

    private CloudSync cloudSync() {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("scripted")
                .service("scripted", Map.of("directory", remote.toString()))
                .engine(EngineSettings.builder().parallelism(1).retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build())
                .build();
        return CloudSync.builder().root(root).config(config)
                .provider(TestProviders.scripted("scripted", script)).build();
    }

    private void changeEveryDataFileAndDeleteOne() throws Exception {
        for (int i = 0; i < CHANGED; i++) {
            Trees.write(root, "data/f" + i + ".txt", "new content, longer than the old one " + i);
        }
        Files.delete(root.resolve("gone.txt"));
    }

    @Test
    void partialRun_of20Changes_leavesASnapshotThatPullsAndVerifiesWhole() throws Exception {
        CloudSync cs = cloudSync();
        assertThat(cs.run(SyncRequest.builder("scripted", "nightly").build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        changeEveryDataFileAndDeleteOne();
        script.faults = b -> b.fail(Operation.UPLOAD, "data/f7.txt", ProviderException.Kind.PERMANENT, Integer.MAX_VALUE);

        SyncResult partial = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(partial.summary().status()).isEqualTo(SyncStatus.PARTIAL);
        assertThat(partial.summary().errors()).extracting(e -> e.action() + " " + e.path()).containsExactly("UPLOAD data/f7.txt");
        Manifest committed = TestManifests.committed(remote, "nightly");
        assertThat(committed.entries()).extracting(ManifestEntry::path).hasSize(CHANGED).contains("keep.txt")
                .doesNotContain("data/f7.txt", "gone.txt");
        assertRestorable(cs, CHANGED);

        script.noFaults();
        SyncResult rerun = cs.run(SyncRequest.builder("scripted", "nightly").build());
        assertThat(rerun.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(rerun.plan().uploads()).extracting(u -> u.path()).containsExactly("data/f7.txt");
        assertThat(Trees.read(remote.resolve("nightly"))).isEqualTo(projectFiles());
        assertRestorable(cs, CHANGED + 1);
    }

    /** A process killed after 0, 1, 7 or all uploads: no final commit, whatever was overwritten by then. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, CHANGED})
    void runKilledBetweenAnOverwriteAndTheCommit_leavesASnapshotThatPullsAndVerifies(int uploadsBeforeTheKill) throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        changeEveryDataFileAndDeleteOne();
        script.uploaded.clear();
        script.dieAfterUploads = uploadsBeforeTheKill;

        try {
            SyncResult killed = cs.run(SyncRequest.builder("scripted", "nightly").build());
            assertThat(killed.summary().status()).isNotEqualTo(SyncStatus.SUCCESS);
        } catch (TestProviders.Killed whileReadingTheManifest) {
            assertThat(uploadsBeforeTheKill).isZero();
        }

        script.dieAfterUploads = -1;
        // killed before anything changed: the old snapshot, whole; after that: the manifest without
        // what the run was overwriting or deleting, so never a file with content it does not claim
        int expected = uploadsBeforeTheKill == 0 ? CHANGED + 2 : 1;
        assertRestorable(cs, expected);

        // the next run resumes and converges, and leaves nothing behind unlisted
        SyncResult rerun = cs.run(SyncRequest.builder("scripted", "nightly").build());
        assertThat(rerun.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(Trees.read(remote.resolve("nightly"))).isEqualTo(projectFiles());
        assertThat(cs.verify("scripted", "nightly", 100).extra()).isEmpty();
        assertThat(tmp.resolve("project/cache/cloud/journal/scripted/nightly.journal")).doesNotExist();
    }

    @Test
    void failedDelete_isPlannedAgainByTheNextRun_soNothingStaysBehindUnlisted() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        Files.delete(root.resolve("gone.txt"));
        script.faults = b -> b.fail(Operation.DELETE, null, ProviderException.Kind.PERMANENT, Integer.MAX_VALUE);

        SyncResult partial = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(partial.summary().status()).isEqualTo(SyncStatus.FAILED);
        assertThat(partial.summary().errors()).extracting(e -> e.action()).containsExactly(SyncAction.DELETE);
        assertThat(TestManifests.committed(remote, "nightly").find("gone.txt")).isEmpty();
        assertRestorable(cs, CHANGED + 1);

        script.noFaults();
        SyncResult rerun = cs.run(SyncRequest.builder("scripted", "nightly").build());
        assertThat(rerun.plan().deletes()).extracting(ManifestEntry::path).containsExactly("gone.txt");
        assertThat(rerun.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(remote.resolve("nightly/gone.txt")).doesNotExist();
    }

    @Test
    void partialRun_withCommitManifestOff_stillWithdrawsWhatItOverwrites() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        changeEveryDataFileAndDeleteOne();

        SyncResult result = cs.run(SyncRequest.builder("scripted", "nightly").commitManifest(false).build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        Manifest committed = TestManifests.committed(remote, "nightly");
        assertThat(committed.entries()).extracting(ManifestEntry::path).containsExactly("keep.txt");
        assertRestorable(cs, 1);
    }

    /** The project's files, without the state folder. */
    private Map<String, String> projectFiles() {
        Map<String, String> files = new HashMap<>(Trees.read(root));
        files.keySet().removeIf(p -> p.startsWith("cache/"));
        return files;
    }

    /** Pulls into a fresh folder: every file the manifest names arrives and matches it; verify finds no problem. */
    private void assertRestorable(CloudSync cs, int expectedFiles) throws Exception {
        Path target = Files.createTempDirectory(tmp, "pull-");
        PullResult pulled = cs.pull("scripted", "nightly", target, false);
        assertThat(pulled.errors()).isEmpty();
        assertThat(pulled.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(pulled.written()).isEqualTo(expectedFiles);
        Map<String, String> digests = new HashMap<>();
        for (ManifestEntry e : pulled.manifest().entries()) {
            digests.put(e.path(), Hashing.sha256(target.resolve(e.path())));
        }
        for (ManifestEntry e : pulled.manifest().entries()) {
            assertThat(digests.get(e.path())).as(e.path()).isEqualTo(e.sha256());
        }
        VerifyResult verified = cs.verify("scripted", "nightly", 100);
        assertThat(verified.problems()).isEmpty();
        assertThat(verified.ok()).isTrue();
        assertThat(List.copyOf(Trees.read(target).keySet())).hasSize(expectedFiles);
    }
}
