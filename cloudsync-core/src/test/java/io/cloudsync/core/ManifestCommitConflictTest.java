package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.cloudsync.spi.Secrets;
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

/**
 * The engine's manifest commit goes through the metadata area with the version tag it read: another
 * run's commit in between is a conflict, and what that run committed is kept.
 */
class ManifestCommitConflictTest {

    private static final String MANIFEST = ".cloudsync/manifests/nightly.json";

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

    private CloudSync cloudSync() {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local", "scripted")
                .engine(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build())
                .service("local", Map.of("directory", remote.toString()))
                .service("scripted", Map.of("directory", remote.toString()))
                .build();
        return CloudSync.builder().root(root).config(config)
                .provider(TestProviders.scripted("scripted", script)).build();
    }

    private Provider otherRun() {
        return new LocalProviderFactory().open(ProviderConfig.builder().put("directory", remote.toString()).build(),
                Secrets.none());
    }

    /** Another run's commit: the manifest it read, under a later time, put over the version it read. */
    private byte[] commitOfAnotherRun() {
        try (Provider other = otherRun()) {
            MetadataObject read = other.getMetadata("manifests/nightly.json").orElseThrow();
            Manifest theirs = SnapshotManifests.read(other, "nightly").orElseThrow();
            byte[] bytes = ManifestJson.toBytes(Manifest.of("nightly", theirs.root(), theirs.createdAt().plusSeconds(60),
                    theirs.entries()));
            other.putMetadata("manifests/nightly.json", bytes, MetadataPrecondition.ifVersion(read.version()));
            return bytes;
        }
    }

    @Test
    void commit_afterAnotherRunCommittedDuringTheUploads_isAConflict_andKeepsTheOtherRunsManifest() throws Exception {
        CloudSync cs = cloudSync();
        assertThat(cs.run(SyncRequest.builder("scripted", "nightly").build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        Trees.write(root, "new.txt", "new");
        AtomicBoolean once = new AtomicBoolean();
        byte[][] theirs = new byte[1][];
        script.beforeUpload = path -> {
            if (once.compareAndSet(false, true)) {
                theirs[0] = commitOfAnotherRun();
            }
        };

        SyncResult raced = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(raced.summary().errors()).extracting(SyncError::action).containsExactly(SyncAction.MANIFEST);
        assertThat(raced.summary().errors().get(0).kind()).isEqualTo(SyncError.Kind.CONFLICT);
        assertThat(raced.summary().errors().get(0).message()).contains("manifests/nightly.json", "changed since it was read", "another run wrote it first");
        assertThat(Files.readAllBytes(remote.resolve(MANIFEST))).as("nothing the other run wrote is lost").isEqualTo(theirs[0]);
        assertThat(Files.readString(remote.resolve("nightly/new.txt"))).isEqualTo("new");

        script.beforeUpload = path -> { };
        SyncResult next = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(next.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(TestManifests.committed(remote, "nightly").find("new.txt")).isPresent();
    }

    @Test
    void withdraw_afterAnotherRunCommittedSinceTheRead_isAConflict_andNothingIsChanged() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        Trees.write(root, "a.txt", "alpha, edited"); // an overwrite: the run withdraws a.txt before uploading
        AtomicBoolean once = new AtomicBoolean();
        byte[][] theirs = new byte[1][];
        script.afterRead = () -> {
            if (once.compareAndSet(false, true)) {
                theirs[0] = commitOfAnotherRun();
            }
        };

        SyncResult raced = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(raced.summary().status()).isEqualTo(SyncStatus.FAILED);
        assertThat(raced.summary().errors()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(SyncAction.MANIFEST);
            assertThat(e.kind()).isEqualTo(SyncError.Kind.CONFLICT);
            // found when the lease is taken (the manifest is read again then), before the withdrawal would find it
            assertThat(e.message()).contains("another run changed the remote manifest", "nothing was changed");
        });
        assertThat(raced.summary().uploaded()).isZero();
        assertThat(Files.readAllBytes(remote.resolve(MANIFEST))).isEqualTo(theirs[0]);
        assertThat(Files.readString(remote.resolve("nightly/a.txt"))).isEqualTo("alpha");
    }
}
