package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.SyncError;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.core.internal.trash.Trash;
import io.cloudsync.core.result.RestoreResult;
import io.cloudsync.core.result.TrashVersion;
import io.cloudsync.core.result.VersionsResult;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.ForwardingProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recoverable deletes and overwrites: a run keeps the remote's version of every file it deletes or
 * overwrites in the snapshot's trash first, records what it changed, and {@code versions} and
 * {@code restore} bring the tree or single files back as a committed manifest had them.
 */
class TrashTest {

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    final AtomicBoolean keepFails = new AtomicBoolean();

    @BeforeEach
    void setUp() {
        root = tmp.resolve("project");
        remote = tmp.resolve("remote");
        Trees.write(root, "a.txt", "first a");
        Trees.write(root, "b.txt", "first b");
        Trees.write(root, "docs/c.txt", "first c");
        Trees.write(root, "empty.txt", "");
    }

    private CloudSync cloudSync(int trashDays) {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("trashy")
                .service("trashy", Map.of("directory", remote.toString()))
                .engine(EngineSettings.builder().parallelism(2).retryAttempts(2).retryInitialDelay(Duration.ZERO)
                        .retryMaxDelay(Duration.ZERO).trashDays(trashDays).build())
                .build();
        LocalProviderFactory local = new LocalProviderFactory();
        return CloudSync.builder().root(root).config(config)
                .provider(new TestProviders.WrappedFactory("trashy", local, null, p -> new ForwardingProvider(p) {
                    @Override
                    public void copyToMetadata(String snapshot, ManifestEntry source, String name) {
                        if (keepFails.get()) {
                            throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "the store is down", source.path(), null);
                        }
                        super.copyToMetadata(snapshot, source, name);
                    }
                }))
                .build();
    }

    private static SyncRequest request() {
        return SyncRequest.builder("trashy", "nightly").allowMassDelete(true).build();
    }

    private static Instant tick() throws InterruptedException {
        Thread.sleep(20); // record times are in milliseconds: keep the moments apart
        Instant t = Instant.now();
        Thread.sleep(20);
        return t;
    }

    private long records() throws java.io.IOException {
        try (var files = Files.list(remote.resolve(".cloudsync/trash/nightly/runs"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json.gz")).count();
        }
    }

    private Path blob(String content) {
        return remote.resolve(".cloudsync/trash/nightly/blobs")
                .resolve(Digests.hex(Digests.sha256().digest(content.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void deletedAndOverwrittenFiles_areKeptFirst_andListedAsVersions() throws Exception {
        CloudSync cs = cloudSync(30);
        assertThat(cs.run(request()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        Instant first = tick();
        Trees.write(root, "a.txt", "second a");
        Files.delete(root.resolve("b.txt"));
        Files.delete(root.resolve("empty.txt"));

        SyncSummary s = cs.run(request()).summary();

        assertThat(s.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(Trees.read(remote.resolve("nightly"))).containsEntry("a.txt", "second a").doesNotContainKey("b.txt");
        assertThat(Files.readString(blob("first a"))).isEqualTo("first a");
        assertThat(Files.readString(blob("first b"))).isEqualTo("first b");
        VersionsResult v = cs.versions(request());
        assertThat(v.trashDays()).isEqualTo(30);
        assertThat(v.versions()).extracting(TrashVersion::path, TrashVersion::change, TrashVersion::available)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a.txt", "overwritten", true),
                        org.assertj.core.groups.Tuple.tuple("b.txt", "deleted", true),
                        org.assertj.core.groups.Tuple.tuple("empty.txt", "deleted", true));
        assertThat(v.versions()).allSatisfy(t -> assertThat(t.time()).isAfter(first));
        assertThat(v.earliest()).isPresent();
        VersionsResult onlyA = cs.versions(SyncRequest.builder("trashy", "nightly").include(List.of("a.txt")).build());
        assertThat(onlyA.versions()).singleElement().satisfies(t -> {
            assertThat(t.sha256()).isEqualTo(Digests.hex(Digests.sha256().digest("first a".getBytes(StandardCharsets.UTF_8))));
            assertThat(t.size()).isEqualTo(7);
        });
        // a no-op run changes nothing and writes no record
        long records = records();
        cs.run(request());
        assertThat(records()).isEqualTo(records);
    }

    @Test
    void restoreAtATime_bringsBackTheTreeAsItsCommittedManifestHadIt() throws Exception {
        CloudSync cs = cloudSync(30);
        cs.run(request());
        Instant first = tick();
        Trees.write(root, "a.txt", "second a");
        Files.delete(root.resolve("b.txt"));
        Trees.write(root, "docs/new.txt", "added later");
        cs.run(request());
        Instant second = tick();
        Trees.write(root, "a.txt", "third a");
        Files.delete(root.resolve("docs/c.txt"));
        cs.run(request());

        RestoreResult atFirst = cs.restore(request(), first, tmp.resolve("at-first"), false);
        assertThat(atFirst.files().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(atFirst.historyComplete()).isTrue();
        assertThat(Trees.read(tmp.resolve("at-first"))).isEqualTo(Map.of("a.txt", "first a", "b.txt", "first b",
                "docs/c.txt", "first c", "empty.txt", ""));

        RestoreResult atSecond = cs.restore(request(), second, tmp.resolve("at-second"), false);
        assertThat(atSecond.historyComplete()).isTrue();
        assertThat(Trees.read(tmp.resolve("at-second"))).isEqualTo(Map.of("a.txt", "second a", "docs/c.txt", "first c",
                "docs/new.txt", "added later", "empty.txt", ""));

        RestoreResult now = cs.restore(request(), Instant.now(), tmp.resolve("now"), false);
        assertThat(Trees.read(tmp.resolve("now"))).isEqualTo(Trees.read(remote.resolve("nightly")));
        assertThat(now.manifestChecksum()).isEqualTo(cs.dryRun(request()).remoteManifest().orElseThrow().checksum());

        RestoreResult beforeAll = cs.restore(request(), Instant.EPOCH, tmp.resolve("before"), false);
        assertThat(beforeAll.files().files()).as("before the first commit the snapshot held nothing").isZero();
        assertThat(beforeAll.historyComplete()).isTrue();
    }

    @Test
    void restoreOfSomePaths_writesOnlyThose_andRefusesAPathThatNamesNothing() throws Exception {
        CloudSync cs = cloudSync(30);
        cs.run(request());
        Instant first = tick();
        Trees.write(root, "docs/c.txt", "second c");
        Files.delete(root.resolve("a.txt"));
        cs.run(request());

        SyncRequest some = SyncRequest.builder("trashy", "nightly").include(List.of("docs", "a.txt")).build();
        RestoreResult r = cs.restore(some, first, tmp.resolve("some"), false);

        assertThat(Trees.read(tmp.resolve("some"))).isEqualTo(Map.of("a.txt", "first a", "docs/c.txt", "first c"));
        assertThat(r.files().written()).isEqualTo(2);
        SyncRequest none = SyncRequest.builder("trashy", "nightly").include(List.of("nothing-here")).build();
        assertThatThrownBy(() -> cs.restore(none, first, tmp.resolve("none"), false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("nothing-here").hasMessageContaining("versions");
        assertThat(tmp.resolve("none")).doesNotExist();
    }

    @Test
    void aVersionThatCannotBeKept_leavesItsFileAsItIs_untilARunCanKeepIt() throws Exception {
        CloudSync cs = cloudSync(30);
        cs.run(request());
        Trees.write(root, "a.txt", "second a");
        Files.delete(root.resolve("b.txt"));
        keepFails.set(true);

        SyncSummary failed = cs.run(request()).summary();

        assertThat(failed.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(failed.errors()).extracting(SyncError::path).containsExactlyInAnyOrder("a.txt", "b.txt");
        assertThat(failed.errors()).allSatisfy(e -> assertThat(e.message()).contains("could not be kept in the trash"));
        assertThat(Trees.read(remote.resolve("nightly"))).containsEntry("a.txt", "first a").containsEntry("b.txt", "first b");

        keepFails.set(false);
        assertThat(cs.run(request()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(Files.readString(blob("first a"))).isEqualTo("first a");
        assertThat(cs.versions(request()).versions()).extracting(TrashVersion::path).contains("a.txt", "b.txt");
    }

    @Test
    void aMove_keepsNothing_forTheSnapshotStillHoldsTheContent_andRestoreFindsIt() throws Exception {
        CloudSync cs = cloudSync(30);
        cs.run(request());
        Instant first = tick();
        Files.createDirectories(root.resolve("moved"));
        Files.move(root.resolve("docs/c.txt"), root.resolve("moved/c.txt"));

        SyncSummary s = cs.run(request()).summary();

        assertThat(s.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(s.copied()).isEqualTo(1);
        assertThat(blob("first c")).as("the content is still in the snapshot, under moved/c.txt").doesNotExist();
        assertThat(cs.versions(request()).versions()).singleElement()
                .satisfies(v -> assertThat(v.available()).as("available from the snapshot").isTrue());
        RestoreResult r = cs.restore(request(), first, tmp.resolve("before-move"), false);
        assertThat(r.files().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(Trees.read(tmp.resolve("before-move"))).containsEntry("docs/c.txt", "first c").doesNotContainKey("moved/c.txt");

        // deleted for good later: now it is kept
        Files.delete(root.resolve("moved/c.txt"));
        cs.run(request());
        assertThat(Files.readString(blob("first c"))).isEqualTo("first c");
    }

    @Test
    void withTrashDaysZero_nothingIsKept() throws Exception {
        CloudSync cs = cloudSync(0);
        cs.run(request());
        Trees.write(root, "a.txt", "second a");
        Files.delete(root.resolve("b.txt"));

        assertThat(cs.run(request()).summary().status()).isEqualTo(SyncStatus.SUCCESS);

        assertThat(remote.resolve(".cloudsync/trash")).doesNotExist();
        assertThat(cs.versions(request()).versions()).isEmpty();
    }

    @Test
    void aPurge_removesRecordsOlderThanTheRetention_andTheVersionsOnlyTheyNamed() throws Exception {
        CloudSync cs = cloudSync(30);
        cs.run(request());
        Trees.write(root, "a.txt", "second a");
        cs.run(request());
        Instant between = tick();
        Trees.write(root, "b.txt", "second b");
        cs.run(request());
        try (Provider p = new LocalProviderFactory().open(ProviderConfig.builder().put("directory", remote.toString()).build(),
                Secrets.none())) {
            Retry retry = new Retry(EngineSettings.builder().build(), d -> { });
            long records = records();
            assertThat(records).isEqualTo(3);

            // 30 days after "between": the first two records are old, the third is not
            Trash.Purged purged = Trash.purge(p, retry, "nightly", between.plus(Duration.ofDays(30)), 30);

            assertThat(purged.records()).isEqualTo(2);
            assertThat(purged.versions()).as("first a, named only by the second record").isEqualTo(1);
            assertThat(blob("first a")).doesNotExist();
            assertThat(blob("first b")).exists();
            assertThat(Trash.purge(p, retry, "nightly", between.plus(Duration.ofDays(30)), 30).records()).isZero();
        }
        assertThat(cs.versions(request()).versions()).extracting(TrashVersion::path).containsExactly("b.txt");
    }

    @Test
    void aDamagedRecord_failsVersionsWithItsName() throws Exception {
        CloudSync cs = cloudSync(30);
        cs.run(request());
        Trees.write(root, "a.txt", "second a");
        cs.run(request());
        Path runs = remote.resolve(".cloudsync/trash/nightly/runs");
        Path record;
        try (var files = Files.list(runs)) {
            record = files.filter(f -> f.getFileName().toString().endsWith(".json.gz")).sorted().reduce((x, y) -> y).orElseThrow();
        }
        Files.writeString(record, "not gzip");

        assertThatThrownBy(() -> cs.versions(request())).isInstanceOf(ManifestFormatException.class)
                .hasMessageContaining(record.getFileName().toString()).hasMessageContaining("Delete it");
    }
}
