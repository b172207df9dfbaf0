package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Digests;
import io.cloudsync.LockHeldException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.journal.Journal;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.core.result.VerifyResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several hosts on one remote: each its own {@link CloudSync}, project tree and state folder, all on
 * the same {@code local} remote folder, running at once from threads. On one snapshot exactly one
 * commits each round and the others end locked or with a conflict, never with a damaged remote; on
 * different snapshots all succeed and none loses another's manifest or files.
 */
class MultiHostSyncTest {

    private static final int HOSTS = 4;
    private static final int ROUNDS = 3;

    @TempDir
    Path tmp;
    private final ExecutorService pool = Executors.newFixedThreadPool(HOSTS);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** One host: its tree, its state folder, its provider script. */
    private final class Host {
        final int n;
        final Path root;
        final TestProviders.Script script = new TestProviders.Script();
        final CloudSync cs;

        Host(int n) throws Exception {
            this.n = n;
            root = Files.createDirectories(tmp.resolve("host" + n + "/project"));
            CloudSyncConfig config = CloudSyncConfig.builder().enable("scripted")
                    .engine(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build())
                    .service("scripted", Map.of("directory", tmp.resolve("remote").toString()))
                    .build();
            cs = CloudSync.builder().root(root).stateDirectory(tmp.resolve("host" + n + "/state")).config(config)
                    .provider(TestProviders.scripted("scripted", script)).build();
        }

        /** This host's change of the round: a file everyone has, with this host's content, and one of its own. */
        void change(int round) {
            Trees.write(root, "shared.txt", "host " + n + " round " + round);
            Trees.write(root, "host" + n + "/round" + round + ".txt", "written by host " + n + " in round " + round);
        }

        /** Makes this host's next run wait, after its manifest read, until every host has read. */
        void meetAfterTheRead(CyclicBarrier barrier) {
            AtomicBoolean first = new AtomicBoolean(true);
            script.afterRead = () -> {
                if (first.getAndSet(false)) {
                    try {
                        barrier.await(60, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the hosts did not meet", e);
                    }
                }
            };
        }
    }

    /** How one host's run ended. */
    private enum Ending { COMMITTED, LOCKED, CONFLICT }

    private static Ending endingOf(SyncResult r) {
        if (r.summary().status() == SyncStatus.SUCCESS) {
            return Ending.COMMITTED;
        }
        assertThat(r.summary().errors()).as("a run that did not commit failed only on the manifest, with a conflict")
                .filteredOn(e -> e.action() == SyncAction.MANIFEST)
                .extracting(SyncError::kind).containsOnly(SyncError.Kind.CONFLICT).isNotEmpty();
        return Ending.CONFLICT;
    }

    private List<Host> hosts() throws Exception {
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            hosts.add(new Host(i));
        }
        return hosts;
    }

    /**
     * Host 0's run stopped after it uploaded {@code shared.txt} and before its commit: the file is on the
     * remote and its journal says so. Host 1 then uploads its own {@code shared.txt} and commits. Host 0's
     * next run holds a lease that is not the one its stopped run left, so another host may have changed
     * the snapshot since: it must not reuse its journal record (that would commit host 0's sha256 over
     * host 1's bytes), but upload again, and the remote verifies.
     */
    @Test
    void aJournalLeftBeforeAnotherHostsCommit_isNotReused() throws Exception {
        Host a = new Host(0);
        Host b = new Host(1);
        Trees.write(a.root, "shared.txt", "host a");
        Trees.write(b.root, "shared.txt", "host b, longer");
        Path remoteFile = tmp.resolve("remote/nightly/shared.txt");
        Files.createDirectories(remoteFile.getParent());
        Files.writeString(remoteFile, "host a");
        String sha = Digests.hex(Digests.sha256().digest("host a".getBytes(StandardCharsets.UTF_8)));
        Path journal = Journal.fileOf(tmp.resolve("host0/state"), "scripted", "nightly");
        Files.createDirectories(journal.getParent());
        Files.writeString(journal, "U\t" + sha + "\t6\tshared.txt\n");

        assertThat(b.cs.run(SyncRequest.builder("scripted", "nightly").build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        SyncResult again = a.cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(again.summary().status()).as("%s", again.summary().errors()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(again.summary().uploaded()).as("uploaded again, not taken from the journal").isEqualTo(1);
        assertThat(Files.readString(remoteFile)).isEqualTo("host a");
        assertRemoteIntact(a, "nightly");
    }

    /** The remote manifest names only files that are there, as they are: verify reads back every one. */
    private static void assertRemoteIntact(Host any, String snapshot) {
        VerifyResult v = any.cs.verify("scripted", snapshot, 100);
        assertThat(v.problems()).as("verify of " + snapshot).isEmpty();
        assertThat(v.ok()).isTrue();
    }

    @Test
    void oneSnapshot_manyHostsAtOnce_exactlyOneCommitsEachRound_theOthersAreLockedOrConflict_andSucceedAgain()
            throws Exception {
        List<Host> hosts = hosts();
        SyncRequest request = SyncRequest.builder("scripted", "nightly").build();
        for (int round = 0; round < ROUNDS; round++) {
            CyclicBarrier barrier = new CyclicBarrier(HOSTS);
            List<Future<Ending>> runs = new ArrayList<>();
            for (Host h : hosts) {
                h.change(round);
                h.meetAfterTheRead(barrier);
                runs.add(pool.submit(() -> {
                    try {
                        return endingOf(h.cs.run(request));
                    } catch (LockHeldException e) {
                        assertThat(e.getMessage()).contains("remote lease", "leases/nightly.json");
                        return Ending.LOCKED;
                    }
                }));
            }
            List<Ending> endings = new ArrayList<>();
            for (Future<Ending> f : runs) {
                endings.add(f.get(120, TimeUnit.SECONDS));
            }

            assertThat(endings).as("round " + round + ": " + endings).filteredOn(e -> e == Ending.COMMITTED).hasSize(1);
            Host winner = hosts.get(endings.indexOf(Ending.COMMITTED));
            assertRemoteIntact(winner, "nightly");
            assertThat(committed(winner).find("shared.txt").orElseThrow().size())
                    .isEqualTo(Files.size(winner.root.resolve("shared.txt")));

            // each of the others succeeds when run again, one after the other, and leaves the remote intact
            for (int i = 0; i < HOSTS; i++) {
                Host h = hosts.get(i);
                h.script.afterRead = () -> { };
                if (endings.get(i) != Ending.COMMITTED) {
                    SyncResult again = h.cs.run(request);
                    assertThat(again.summary().status()).as("host " + i + " again: " + again.summary().errors())
                            .isEqualTo(SyncStatus.SUCCESS);
                    assertRemoteIntact(h, "nightly");
                    assertThat(committed(h).entries()).extracting(ManifestEntry::path)
                            .contains("host" + i + "/round" + round + ".txt");
                }
            }
            assertThat(tmp.resolve("remote/.cloudsync/leases/nightly.json")).as("no lease is left behind").doesNotExist();
        }
    }

    @Test
    void differentSnapshots_manyHostsAtOnce_allSucceed_andNoneLosesAnothersManifestOrFiles() throws Exception {
        List<Host> hosts = hosts();
        for (int round = 0; round < ROUNDS; round++) {
            CyclicBarrier barrier = new CyclicBarrier(HOSTS);
            List<Future<SyncResult>> runs = new ArrayList<>();
            for (Host h : hosts) {
                h.change(round);
                h.meetAfterTheRead(barrier);
                runs.add(pool.submit(() -> h.cs.run(SyncRequest.builder("scripted", "host" + h.n).build())));
            }
            for (Future<SyncResult> f : runs) {
                SyncResult r = f.get(120, TimeUnit.SECONDS);
                assertThat(r.summary().status()).as(r.snapshot() + ": " + r.summary().errors()).isEqualTo(SyncStatus.SUCCESS);
            }
            for (Host h : hosts) {
                String snapshot = "host" + h.n;
                assertRemoteIntact(hosts.get(0), snapshot);
                Manifest m = TestManifests.committed(tmp.resolve("remote"), snapshot);
                assertThat(m.entries()).extracting(ManifestEntry::path).as(snapshot)
                        .contains("shared.txt", "host" + h.n + "/round" + round + ".txt");
                for (int r = 0; r <= round; r++) {
                    assertThat(Files.readString(tmp.resolve("remote/" + snapshot + "/host" + h.n + "/round" + r + ".txt")))
                            .isEqualTo("written by host " + h.n + " in round " + r);
                }
            }
        }
    }

    private Manifest committed(Host h) throws Exception {
        return TestManifests.committed(tmp.resolve("remote"), "nightly");
    }
}
