package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.LockHeldException;
import io.cloudsync.Manifest;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.FaultInjectingProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sync run under the remote lease: taken only to change the remote, refused while another host holds it, lost = no commit. */
class RemoteLeaseRunTest {

    private static final String MANIFEST = ".cloudsync/manifests/nightly.json";
    private static final String LEASE = ".cloudsync/leases/nightly.json";

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    final TestProviders.Script script = new TestProviders.Script();

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("project"));
        remote = tmp.resolve("remote");
        Trees.write(root, "a.txt", "alpha");
        Trees.write(root, "b.txt", "bravo");
        for (String path : List.of("a.txt", "b.txt")) {
            Files.setLastModifiedTime(root.resolve(path), FileTime.from(Instant.now().minusSeconds(3600)));
        }
    }

    private CloudSync cloudSync(Duration leaseTtl) {
        return cloudSync(leaseTtl, EngineSettings.defaults().parallelism());
    }

    private CloudSync cloudSync(Duration leaseTtl, int parallelism) {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local", "scripted")
                .engine(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO)
                        .leaseTtl(leaseTtl).parallelism(parallelism).build())
                .service("local", Map.of("directory", remote.toString()))
                .service("scripted", Map.of("directory", remote.toString()))
                .build();
        return CloudSync.builder().root(root).config(config).provider(TestProviders.scripted("scripted", script)).build();
    }

    private Provider anotherHost() {
        return new LocalProviderFactory().open(ProviderConfig.builder().put("directory", remote.toString()).build(),
                Secrets.none());
    }

    /** What another host's run writes when it takes the lease. */
    private static byte[] leaseOf(String owner, Instant expiresAt) {
        return ("{\"format\":\"cloudsync-lease\",\"version\":1,\"owner\":\"" + owner + "\",\"host\":\"build-7\",\"pid\":4242,"
                + "\"acquired_at\":\"" + expiresAt.minusSeconds(120) + "\",\"expires_at\":\"" + expiresAt + "\"}\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static SyncRequest request() {
        return SyncRequest.builder("scripted", "nightly").build();
    }

    @Test
    void aRun_takesTheLeaseToChangeTheRemote_andDeletesItAtItsEnd() {
        CloudSync cs = cloudSync(Duration.ofSeconds(120));
        AtomicBoolean leaseWhileUploading = new AtomicBoolean();
        script.beforeUpload = path -> leaseWhileUploading.set(Files.exists(remote.resolve(LEASE)));

        assertThat(cs.run(request()).summary().status()).isEqualTo(SyncStatus.SUCCESS);

        assertThat(leaseWhileUploading).as("the lease is there while the run uploads").isTrue();
        assertThat(remote.resolve(LEASE)).as("and gone after it").doesNotExist();
    }

    /**
     * A run that uploaded but could not commit (the root's put failed) leaves its lease, so that its
     * next run takes it over at once and still trusts its journal: nothing is sent twice.
     */
    @Test
    void aRunWhoseCommitFailed_keepsItsLease_andItsNextRunResumesItsJournal() {
        CloudSync cs = cloudSync(Duration.ofSeconds(120));
        script.faults = b -> b.fail(FaultInjectingProvider.Operation.PUT_METADATA, "manifests/nightly.json",
                ProviderException.Kind.PERMANENT, Integer.MAX_VALUE);

        SyncResult failed = cs.run(request());

        assertThat(failed.summary().errors()).extracting(SyncError::action).contains(SyncAction.MANIFEST);
        assertThat(failed.summary().uploaded()).isPositive();
        assertThat(remote.resolve(LEASE)).as("kept for the run that continues this one").exists();

        script.faults = b -> b;
        SyncResult again = cs.run(request());

        assertThat(again.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(again.summary().resumed()).as("taken from the journal, not sent again")
                .isEqualTo(failed.summary().uploaded());
        assertThat(remote.resolve(LEASE)).doesNotExist();
    }

    @Test
    void aRun_whileAnotherHostHoldsTheLease_isRefusedBeforeItChangesAnything_andSucceedsOnceItIsGone() throws Exception {
        CloudSync cs = cloudSync(Duration.ofSeconds(120));
        cs.run(request());
        byte[] manifest = Files.readAllBytes(remote.resolve(MANIFEST));
        Trees.write(root, "a.txt", "alpha, edited");
        Trees.write(root, "c.txt", "charlie");
        try (Provider other = anotherHost()) {
            other.putMetadata("leases/nightly.json", leaseOf("other-run", Instant.now().plusSeconds(600)),
                    MetadataPrecondition.ifAbsent());
        }
        script.uploaded.clear();

        assertThatThrownBy(() -> cs.run(request())).isInstanceOf(LockHeldException.class)
                .hasMessageContaining("host build-7, pid 4242").hasMessageContaining("leases/nightly.json");

        assertThat(script.uploaded).as("nothing was uploaded").isEmpty();
        assertThat(Files.readAllBytes(remote.resolve(MANIFEST))).as("nor withdrawn").isEqualTo(manifest);
        assertThat(Files.readString(remote.resolve("nightly/a.txt"))).isEqualTo("alpha");

        Files.delete(remote.resolve(LEASE)); // that host is gone: what the message says to do

        assertThat(cs.run(request()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(TestManifests.committed(remote, "nightly").find("c.txt")).isPresent();
    }

    @Test
    void aNoOp_aDryRun_andARunWithLeasesOff_takeNoLease() throws Exception {
        cloudSync(Duration.ofSeconds(120)).run(request());
        byte[] foreign = leaseOf("other-run", Instant.now().plusSeconds(600));
        try (Provider other = anotherHost()) {
            other.putMetadata("leases/nightly.json", foreign, MetadataPrecondition.ifAbsent());
        }

        assertThat(cloudSync(Duration.ofSeconds(120)).run(request()).summary().status()).as("a no-op").isEqualTo(SyncStatus.SUCCESS);
        Trees.write(root, "c.txt", "charlie");
        assertThat(cloudSync(Duration.ofSeconds(120)).dryRun(request()).plan().uploads()).hasSize(1);
        assertThat(cloudSync(Duration.ZERO).run(request()).summary().status()).as("sync.lease_seconds 0")
                .isEqualTo(SyncStatus.SUCCESS);
        assertThat(Files.readAllBytes(remote.resolve(LEASE))).as("the other host's lease is left alone").isEqualTo(foreign);
    }

    /**
     * The renewal finds the lease taken over while the run uploads (the run was stalled past its
     * expiry, say): the run changes nothing more, does not commit, leaves the other host's lease and
     * the remote manifest as they are, and its next run succeeds.
     */
    @Test
    void aLeaseLostDuringTheRun_blocksFurtherUploadsAndTheCommit_withAConflict() throws Exception {
        CloudSync cs = cloudSync(Duration.ofMillis(300), 1); // one upload at a time: the second starts after the loss
        cs.run(request());
        byte[] manifest = Files.readAllBytes(remote.resolve(MANIFEST));
        Trees.write(root, "c.txt", "charlie");
        Trees.write(root, "d.txt", "delta");
        byte[] theirs = leaseOf("other-run", Instant.now().plusSeconds(600));
        AtomicBoolean once = new AtomicBoolean();
        script.beforeUpload = path -> {
            if (once.compareAndSet(false, true)) {
                try (Provider other = anotherHost()) {
                    other.putMetadata("leases/nightly.json", theirs, MetadataPrecondition.none());
                }
                try {
                    Thread.sleep(1500); // five renewal periods: the run's renewal meets the other host's lease
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        script.uploaded.clear();

        SyncResult lost = cs.run(request());

        assertThat(lost.summary().errors()).filteredOn(e -> e.action() == SyncAction.MANIFEST).singleElement()
                .satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(SyncError.Kind.CONFLICT);
                    assertThat(e.message()).contains("not committed", "leases/nightly.json", "Run again");
                });
        assertThat(lost.summary().errors()).filteredOn(e -> e.action() == SyncAction.UPLOAD)
                .as("the upload after the loss was refused").singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(SyncError.Kind.CONFLICT));
        assertThat(script.uploaded).as("only the upload under way when the lease was lost arrived").hasSize(1);
        assertThat(Files.readAllBytes(remote.resolve(MANIFEST))).as("the manifest is not committed").isEqualTo(manifest);
        assertThat(Files.readAllBytes(remote.resolve(LEASE))).as("the other host's lease stays").isEqualTo(theirs);

        Files.delete(remote.resolve(LEASE));
        script.beforeUpload = path -> { };
        SyncResult next = cs.run(request());

        assertThat(next.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        Manifest committed = TestManifests.committed(remote, "nightly");
        assertThat(committed.find("c.txt")).isPresent();
        assertThat(committed.find("d.txt")).isPresent();
        assertThat(cs.verify("scripted", "nightly", 100).ok()).isTrue();
    }

    /** Another host committed between this run's read and its lease: it stops before changing anything. */
    @Test
    void aRunWhoseManifestWasReplacedBeforeItGotTheLease_stopsWithAConflict_beforeAnyUpload() throws Exception {
        CloudSync cs = cloudSync(Duration.ofSeconds(120));
        cs.run(request());
        Trees.write(root, "c.txt", "charlie");
        AtomicBoolean once = new AtomicBoolean();
        byte[][] theirs = new byte[1][];
        script.afterRead = () -> {
            if (once.compareAndSet(false, true)) {
                try (Provider other = anotherHost()) {
                    MetadataObject read = other.getMetadata("manifests/nightly.json").orElseThrow();
                    Manifest m = SnapshotManifests.read(other, "nightly").orElseThrow(); // an older host writes format 1
                    theirs[0] = ManifestJson.toBytes(Manifest.of("nightly", m.root(), m.createdAt().plusSeconds(60), m.entries()));
                    other.putMetadata("manifests/nightly.json", theirs[0], MetadataPrecondition.ifVersion(read.version()));
                }
            }
        };
        script.uploaded.clear();

        SyncResult raced = cs.run(request());

        assertThat(raced.summary().status()).isEqualTo(SyncStatus.FAILED);
        assertThat(raced.summary().errors()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(SyncAction.MANIFEST);
            assertThat(e.kind()).isEqualTo(SyncError.Kind.CONFLICT);
            assertThat(e.message()).contains("another run changed the remote manifest", "nothing was changed", "run again");
        });
        assertThat(script.uploaded).isEmpty();
        assertThat(Files.readAllBytes(remote.resolve(MANIFEST))).isEqualTo(theirs[0]);
        assertThat(remote.resolve(LEASE)).doesNotExist();

        SyncResult next = cs.run(request());
        assertThat(next.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(TestManifests.committed(remote, "nightly").find("c.txt")).isPresent();
    }
}
