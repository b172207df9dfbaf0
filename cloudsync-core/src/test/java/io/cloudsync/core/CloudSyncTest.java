package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.cloudsync.ErrorCategory;
import io.cloudsync.FeatureDisabledException;
import io.cloudsync.LockHeldException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.ProviderNotFoundException;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncListener;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.testkit.FaultInjectingProvider.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudSyncTest {

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    final TestProviders.Script script = new TestProviders.Script();
    final List<Object> events = new CopyOnWriteArrayList<>();
    final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("project"));
        remote = tmp.resolve("remote");
        Trees.write(root, "a.txt", "alpha");
        Trees.write(root, "docs/b.txt", "bravo");
        Trees.write(root, "docs/deep/c.txt", "charlie");
        Trees.write(root, "cache/ignored.txt", "state is never synced");
        // not racily clean: a file written within two seconds of a run makes the next run rewrite
        // the manifest once, which only the tests about that want
        for (String path : List.of("a.txt", "docs/b.txt", "docs/deep/c.txt")) {
            Files.setLastModifiedTime(root.resolve(path), java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(3600)));
        }
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    private CloudSyncConfig.Builder config(String... services) {
        CloudSyncConfig.Builder b = CloudSyncConfig.builder().enable(services)
                .engine(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build());
        for (String s : services) {
            b.service(s, Map.of("directory", remote.toString()));
        }
        return b;
    }

    private CloudSync cloudSync(CloudSyncConfig config) {
        return CloudSync.builder().root(root).config(config)
                .provider(TestProviders.scripted("scripted", script))
                .listener(new SyncListener() {
                    @Override
                    public void onPlan(PlanEvent event) {
                        events.add(event);
                    }

                    @Override
                    public void onProgress(ProgressEvent event) {
                        events.add(event);
                    }

                    @Override
                    public void onComplete(CompleteEvent event) {
                        events.add(event);
                    }

                    @Override
                    public void onFailed(FailedEvent event) {
                        events.add(event);
                    }
                })
                .build();
    }

    private CloudSync cloudSync() {
        return cloudSync(config("local", "scripted").build());
    }

    @Test
    void run_onLocalProvider_mirrorsTheTreeAndCommitsTheManifest() {
        CloudSync cs = cloudSync();
        SyncResult result = cs.run(SyncRequest.builder("local", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(result.summary().uploaded()).isEqualTo(3);
        assertThat(Trees.read(remote.resolve("nightly"))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "a.txt", "alpha", "docs/b.txt", "bravo", "docs/deep/c.txt", "charlie"));
        Manifest committed = TestManifests.committed(remote, "nightly");
        assertThat(committed.checksum()).isEqualTo(result.localManifest().checksum());
        assertThat(cs.manifestCache().read("local", "nightly")).get().extracting(Manifest::checksum)
                .isEqualTo(committed.checksum());
        assertThat(journalFile().toFile()).doesNotExist();
    }

    private Path journalFile() {
        return root.resolve("cache/cloud/journal/local/nightly.journal");
    }

    @Test
    void run_afterChanges_uploadsChangedAndDeletesRemoved() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build());
        Trees.write(root, "a.txt", "alpha, edited");
        Files.delete(root.resolve("docs/b.txt"));
        Trees.write(root, "new.txt", "new");

        SyncResult result = cs.run(SyncRequest.builder("local", "nightly").build());

        assertThat(result.plan().uploads()).extracting(u -> u.path() + ":" + u.reason())
                .containsExactly("a.txt:CHANGED", "new.txt:NEW");
        assertThat(result.plan().deletes()).extracting(e -> e.path()).containsExactly("docs/b.txt");
        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(Trees.read(remote.resolve("nightly"))).containsOnlyKeys("a.txt", "docs/deep/c.txt", "new.txt")
                .containsEntry("a.txt", "alpha, edited");
    }

    @Test
    void run_noOpResync_readsTheManifestOnceAndWritesNothing() {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        int writes = script.manifestWrites.get();
        int reads = script.reads.get();

        SyncResult again = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(again.plan().isEmpty()).isTrue();
        assertThat(script.reads.get() - reads).isEqualTo(1);
        assertThat(script.manifestWrites.get()).isEqualTo(writes);
        assertThat(again.summary().status()).isEqualTo(SyncStatus.SUCCESS);
    }

    @Test
    void run_noOpResyncs_leaveTheCachedManifestFileAsItIs() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        cs.run(SyncRequest.builder("scripted", "nightly").build()); // the cache now copies the remote
        Path cached = cs.manifestCache().pathOf("scripted", "nightly");
        byte[] before = Files.readAllBytes(cached);
        java.nio.file.attribute.FileTime marker = java.nio.file.attribute.FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(cached, marker);

        cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(Files.getLastModifiedTime(cached)).as("not rewritten").isEqualTo(marker);
        assertThat(Files.readAllBytes(cached)).isEqualTo(before);
        Trees.write(root, "new.txt", "new");
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        assertThat(cs.manifestCache().read("scripted", "nightly").orElseThrow().find("new.txt")).isPresent();
    }

    @Test
    void run_touchedButUnchangedFile_rewritesTheManifestOnceSoItIsNotHashedOnEveryRun() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        Instant touched = Instant.parse("2021-04-05T06:07:08.123456789Z");
        Files.setLastModifiedTime(root.resolve("a.txt"), java.nio.file.attribute.FileTime.from(touched));
        int writes = script.manifestWrites.get();

        SyncResult second = cs.run(SyncRequest.builder("scripted", "nightly").build());
        SyncResult third = cs.run(SyncRequest.builder("scripted", "nightly").build());

        // same content, so nothing to transfer; but the remote manifest (the next run's hash cache)
        // must learn the new mtime, or a.txt would be read again by every later run
        assertThat(second.plan().isEmpty()).isTrue();
        assertThat(script.manifestWrites.get()).isEqualTo(writes + 1);
        assertThat(third.remoteManifest().orElseThrow().find("a.txt").orElseThrow().mtime()).isEqualTo(touched);
        assertThat(third.plan().isEmpty()).isTrue();
        assertThat(script.manifestWrites.get()).isEqualTo(writes + 1);
    }

    @Test
    void manifest_afterASync_readsNoUnchangedFile() throws Exception {
        CloudSync cs = cloudSync();
        ManifestBuilder.Result before = cs.manifest("m", List.of(), List.of());
        cs.run(SyncRequest.builder("local", "nightly").build());
        Trees.write(root, "new.txt", "new");

        ManifestBuilder.Result after = cs.manifest("m", List.of(), List.of());

        assertThat(before.filesHashed()).isEqualTo(3);
        assertThat(after.filesReused()).isEqualTo(3);
        assertThat(after.filesHashed()).isEqualTo(1);
        assertThat(after.manifest().find("a.txt")).isEqualTo(before.manifest().find("a.txt"));
    }

    @Test
    void manifestAsAStream_handsOnTheEntriesInOrderAfterTheRootAndTime_asTheInMemoryManifestHasThem() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build());
        ManifestBuilder.Result whole = cs.manifest("m", List.of(), List.of());
        List<String> seen = new ArrayList<>();

        ManifestBuilder.Report report = cs.manifest("m", List.of(), List.of(), new ManifestBuilder.Sink() {
            @Override
            public void started(String scanned, Instant createdAt) {
                seen.add("started " + scanned);
            }

            @Override
            public void accept(ManifestEntry e) {
                seen.add(e.path() + " " + e.sha256());
            }
        });

        List<String> expected = new ArrayList<>();
        expected.add("started " + root.toRealPath());
        whole.manifest().entries().forEach(e -> expected.add(e.path() + " " + e.sha256()));
        assertThat(seen).isEqualTo(expected);
        assertThat(report.checksum()).isEqualTo(whole.manifest().checksum());
        assertThat(report.files()).isEqualTo(3);
        assertThat(report.filesReused()).as("the cached manifest, read chunk by chunk, is the hash cache").isEqualTo(3);
    }

    @Test
    void manifest_withADamagedChunkInTheCachedManifest_hashesTheFilesInsteadOfFailing() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build());
        List<Path> entryChunks;
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            entryChunks = files.filter(f -> f.getParent().getFileName().toString().endsWith(".chunks"))
                    .filter(CloudSyncTest::holdsEntries).toList();
        }
        assertThat(entryChunks).isNotEmpty();
        for (Path chunk : entryChunks) {
            Files.writeString(chunk, "damaged");
        }

        ManifestBuilder.Result result = cs.manifest("m", List.of(), List.of());

        assertThat(result.manifest().entries()).extracting(ManifestEntry::path)
                .containsExactly("a.txt", "docs/b.txt", "docs/deep/c.txt");
        assertThat(result.filesHashed()).isEqualTo(3);
    }

    private static boolean holdsEntries(Path chunk) {
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(chunk))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains("\"kind\":\"entries\"");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void run_fileWrittenJustBeforeASync_isSettledByTheNextRunNotHashedForever() throws Exception {
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        Files.setLastModifiedTime(root.resolve("a.txt"), java.nio.file.attribute.FileTime.from(t0.minusSeconds(1)));
        Instant[] now = {t0};
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        CloudSync cs = CloudSync.builder().root(root).config(config("scripted").build()).clock(clock)
                .provider(TestProviders.scripted("scripted", script)).build();
        cs.run(SyncRequest.builder("scripted", "nightly").build()); // a.txt is racily clean against t0
        int writes = script.manifestWrites.get();

        now[0] = t0.plusSeconds(60);
        SyncResult second = cs.run(SyncRequest.builder("scripted", "nightly").build());
        now[0] = t0.plusSeconds(120);
        SyncResult third = cs.run(SyncRequest.builder("scripted", "nightly").build());

        // the second run rewrites the manifest with its own time, against which a.txt is clean, so
        // the third run can trust its digest; nothing is transferred either time
        assertThat(second.plan().isEmpty()).isTrue();
        assertThat(third.plan().isEmpty()).isTrue();
        assertThat(third.remoteManifest().orElseThrow().createdAt()).isEqualTo(t0.plusSeconds(60));
        assertThat(script.manifestWrites.get()).isEqualTo(writes + 1);
    }

    @Test
    void dryRun_neverWritesToTheRemote() {
        SyncResult result = cloudSync().dryRun(SyncRequest.builder("local", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.DRY_RUN);
        assertThat(result.summary().uploaded()).isEqualTo(3);
        assertThat(result.planSource()).isEqualTo(PlanSource.REMOTE);
        assertThat(remote).doesNotExist();
    }

    @Test
    void dryRun_whenRemoteReadFails_plansAgainstTheCacheAndSaysSo() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        Trees.write(root, "late.txt", "late");
        script.faults = b -> b.fail(Operation.GET_METADATA, null, ProviderException.Kind.UNAVAILABLE, Integer.MAX_VALUE);

        SyncResult result = cs.dryRun(SyncRequest.builder("scripted", "nightly").build());

        assertThat(result.planSource()).isEqualTo(PlanSource.CACHE);
        assertThat(result.planSourceNote()).contains("injected UNAVAILABLE fault in GET_METADATA").contains("cached manifest");
        assertThat(result.plan().uploads()).extracting(u -> u.path()).containsExactly("late.txt");
    }

    @Test
    void run_whenRemoteReadFails_transfersNothingAndPlansAgainstTheCache() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        Trees.write(root, "late.txt", "late");
        script.faults = b -> b.fail(Operation.GET_METADATA, null, ProviderException.Kind.UNAVAILABLE, Integer.MAX_VALUE);
        int attemptsBefore = script.attempts.size();

        SyncResult result = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.FAILED);
        assertThat(result.summary().errors()).singleElement().satisfies(e ->
                assertThat(e.message()).contains("cannot read the remote manifest").contains("injected UNAVAILABLE fault in GET_METADATA"));
        assertThat(result.planSource()).isEqualTo(PlanSource.CACHE);
        assertThat(result.plan().uploads()).extracting(u -> u.path()).containsExactly("late.txt");
        assertThat(script.attempts).hasSize(attemptsBefore); // no upload was tried
        assertThat(script.manifestWrites).hasValue(1); // only the first run's
    }

    @Test
    void dryRun_whenProviderJarIsAbsent_plansAgainstTheCache() {
        cloudSync().run(SyncRequest.builder("local", "nightly").build());
        Trees.write(root, "late.txt", "late");
        CloudSync withoutProviders = CloudSync.builder().root(root).config(config("local").build())
                .providers(Providers.of()).build();

        SyncResult result = withoutProviders.dryRun(SyncRequest.builder("local", "nightly").build());

        assertThat(result.planSource()).isEqualTo(PlanSource.CACHE);
        assertThat(result.planSourceNote()).contains("no provider \"local\"");
        assertThat(result.plan().uploads()).extracting(u -> u.path()).containsExactly("late.txt");
    }

    @Test
    void dryRun_withNeitherRemoteNorCache_plansAgainstAnEmptyRemote() {
        CloudSync cs = CloudSync.builder().root(root).config(config("local").build()).providers(Providers.of()).build();

        SyncResult result = cs.dryRun(SyncRequest.builder("local", "nightly").build());

        assertThat(result.planSource()).isEqualTo(PlanSource.NONE);
        assertThat(result.plan().uploads()).hasSize(3);
    }

    @Test
    void run_withoutProviderJar_failsNamingTheIdsFound() {
        CloudSync cs = CloudSync.builder().root(root).config(config("s3").build()).build();

        assertThatThrownBy(() -> cs.run(SyncRequest.builder("s3", "nightly").build()))
                .isInstanceOf(ProviderNotFoundException.class)
                .hasMessageContaining("No cloudsync provider with id \"s3\"")
                .hasMessageContaining("local")
                .hasMessageContaining("io.cloudsync:cloudsync-provider-s3");
    }

    @Test
    void run_partialFailure_commitsWhatArrivedAndReportsEveryError() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        Manifest before = TestManifests.committed(remote, "nightly");
        Trees.write(root, "x1.txt", "1");
        Trees.write(root, "x2.txt", "2");
        Trees.write(root, "ok.txt", "fine");
        script.faults = b -> b.fail(Operation.UPLOAD, "x1.txt", ProviderException.Kind.PERMANENT, 1)
                .fail(Operation.UPLOAD, "x2.txt", ProviderException.Kind.PERMANENT, 1);

        SyncResult result = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.PARTIAL);
        assertThat(result.summary().errors()).extracting(e -> e.action() + " " + e.path())
                .containsExactlyInAnyOrder("UPLOAD x1.txt", "UPLOAD x2.txt");
        assertThat(result.summary().errors()).allSatisfy(e -> assertThat(e.message()).contains("injected PERMANENT fault in UPLOAD"));
        // the committed manifest is what is really there: the old files and the one that arrived, never a failed one
        Manifest committed = TestManifests.committed(remote, "nightly");
        assertThat(committed.entries()).extracting(ManifestEntry::path)
                .containsExactly("a.txt", "docs/b.txt", "docs/deep/c.txt", "ok.txt");
        assertThat(committed.entries()).containsAll(before.entries());
        assertThat(Trees.read(remote.resolve("nightly"))).containsEntry("ok.txt", "fine").doesNotContainKeys("x1.txt", "x2.txt");

        script.noFaults();
        SyncResult rerun = cs.run(SyncRequest.builder("scripted", "nightly").build());
        assertThat(rerun.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(rerun.plan().uploads()).extracting(u -> u.path()).containsExactly("x1.txt", "x2.txt");
    }

    @Test
    void excludePath_keepsAHostFileOutOfEveryManifest() {
        Trees.write(root, "run/http-token", "a token the host keeps inside the root");
        CloudSync cs = CloudSync.builder().root(root).config(config("local").build())
                .excludePath(root.resolve("run/http-token")).build();

        SyncResult result = cs.run(SyncRequest.builder("local", "nightly").build());

        assertThat(result.localManifest().find("run/http-token")).isEmpty();
        assertThat(Trees.read(remote.resolve("nightly"))).doesNotContainKey("run/http-token").containsKey("a.txt");
    }

    @Test
    void run_retryableFailure_isRetriedThenSucceeds() {
        script.faults = b -> b.fail(Operation.UPLOAD, "a.txt", ProviderException.Kind.THROTTLED, 2);

        SyncResult result = cloudSync().run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(script.attempts.get("a.txt").get()).isEqualTo(3);
    }

    @Test
    void run_retries_reachListenersWithTheirKindAndAttempt_andAFailureForGoodIsNoRetry() {
        script.faults = b -> b.fail(Operation.UPLOAD, "a.txt", ProviderException.Kind.THROTTLED, 2)
                .fail(Operation.UPLOAD, "docs/b.txt", ProviderException.Kind.INTEGRITY, Integer.MAX_VALUE);
        List<SyncListener.RetryEvent> retries = new CopyOnWriteArrayList<>();
        CloudSync cs = cloudSync();
        cs.addListener(new SyncListener() {
            @Override
            public void onRetry(RetryEvent event) {
                retries.add(event);
            }
        });

        SyncResult result = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.PARTIAL);
        assertThat(retries).extracting(SyncListener.RetryEvent::service, SyncListener.RetryEvent::snapshot,
                SyncListener.RetryEvent::kind, SyncListener.RetryEvent::attempt).containsExactly(
                tuple("scripted", "nightly", SyncError.Kind.THROTTLED, 1),
                tuple("scripted", "nightly", SyncError.Kind.THROTTLED, 2));
    }

    @Test
    void run_eachOperationBegun_startsBeforeItsProgressEvent_andOneDoneAlreadyNeverStarts() throws Exception {
        List<Object> seen = new CopyOnWriteArrayList<>();
        SyncListener recorder = new SyncListener() {
            @Override
            public void onStart(StartEvent event) {
                seen.add(event);
            }

            @Override
            public void onProgress(ProgressEvent event) {
                seen.add(event);
            }
        };
        CloudSync cs = cloudSync();
        cs.addListener(recorder);
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        Files.delete(root.resolve("docs/b.txt"));
        Files.writeString(root.resolve("a.txt"), "alpha, longer");
        seen.clear();

        SyncResult second = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(second.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(seen).filteredOn(SyncListener.StartEvent.class::isInstance).map(SyncListener.StartEvent.class::cast)
                .extracting(SyncListener.StartEvent::action, SyncListener.StartEvent::path, SyncListener.StartEvent::bytes)
                .containsExactlyInAnyOrder(tuple(SyncAction.UPLOAD, "a.txt", 13L), tuple(SyncAction.DELETE, "docs/b.txt", 0L));
        for (String path : List.of("a.txt", "docs/b.txt")) {
            int start = indexOf(seen, SyncListener.StartEvent.class, path);
            int done = indexOf(seen, SyncListener.ProgressEvent.class, path);
            assertThat(start).as(path).isGreaterThanOrEqualTo(0).isLessThan(done);
        }
    }

    private static int indexOf(List<Object> events, Class<?> type, String path) {
        for (int i = 0; i < events.size(); i++) {
            Object e = events.get(i);
            if (type.isInstance(e) && (e instanceof SyncListener.StartEvent s ? s.path() : ((SyncListener.ProgressEvent) e).path())
                    .equals(path)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void run_nonRetryableFailure_isRecordedAfterOneAttempt() {
        script.faults = b -> b.fail(Operation.UPLOAD, "a.txt", ProviderException.Kind.INTEGRITY, Integer.MAX_VALUE);

        SyncResult result = cloudSync().run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(script.attempts.get("a.txt").get()).isEqualTo(1);
        assertThat(result.summary().errors()).singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(SyncError.Kind.INTEGRITY));
    }

    @Test
    void run_quotaExceeded_stopsStartingNewOperations() {
        for (int i = 0; i < 20; i++) {
            Trees.write(root, "bulk/f" + i + ".txt", "file " + i);
        }
        script.faults = b -> b.fail(Operation.UPLOAD, null, ProviderException.Kind.QUOTA_EXCEEDED, Integer.MAX_VALUE);
        CloudSync cs = cloudSync(config("scripted").engine(EngineSettings.builder().parallelism(1).build()).build());

        SyncResult result = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.FAILED);
        assertThat(script.attempts).hasSize(1);
        assertThat(result.summary().errors()).hasSize(23)
                .filteredOn(e -> e.kind() == SyncError.Kind.NOT_ATTEMPTED).hasSize(22);
    }

    @Test
    void run_resumesFromTheJournalWithoutResending() {
        CloudSync cs = cloudSync();
        script.faults = b -> b.fail(Operation.UPLOAD, "docs/deep/c.txt", ProviderException.Kind.PERMANENT, Integer.MAX_VALUE);
        SyncResult first = cs.run(SyncRequest.builder("scripted", "nightly").build());
        assertThat(first.summary().status()).isEqualTo(SyncStatus.PARTIAL);
        assertThat(script.uploaded).containsExactlyInAnyOrder("a.txt", "docs/b.txt");
        script.noFaults();
        script.uploaded.clear();

        SyncResult second = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(second.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(script.uploaded).containsExactly("docs/deep/c.txt");
        assertThat(root.resolve("cache/cloud/journal/scripted/nightly.journal")).doesNotExist();
    }

    @Test
    void run_afterAPartialRun_deletesWhatItUploadedIfTheLocalFileIsGoneSince() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        Trees.write(root, "temp/x.txt", "briefly here");
        Trees.write(root, "fails.txt", "never arrives");
        script.faults = b -> b.fail(Operation.UPLOAD, "fails.txt", ProviderException.Kind.PERMANENT, Integer.MAX_VALUE);
        assertThat(cs.run(SyncRequest.builder("scripted", "nightly").build()).summary().status())
                .isEqualTo(SyncStatus.PARTIAL);
        assertThat(remote.resolve("nightly/temp/x.txt")).exists();
        Files.delete(root.resolve("temp/x.txt"));
        script.noFaults();

        assertThat(cs.dryRun(SyncRequest.builder("scripted", "nightly").build()).plan().deletes())
                .extracting(e -> e.path()).containsExactly("temp/x.txt");
        SyncResult result = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(result.plan().deletes()).extracting(e -> e.path()).containsExactly("temp/x.txt");
        assertThat(Trees.read(remote.resolve("nightly"))).doesNotContainKey("temp/x.txt").containsKey("fails.txt");
    }

    @Test
    void run_commitManifestFalse_leavesTheManifestUnwritten() {
        SyncResult result = cloudSync().run(SyncRequest.builder("local", "nightly").commitManifest(false).build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(remote.resolve(".cloudsync/manifests/nightly.json")).doesNotExist();
        assertThat(Trees.read(remote.resolve("nightly"))).hasSize(3);
    }

    @Test
    void run_concurrentRunsOnOneSnapshot_secondFailsNamingTheHolder() throws Exception {
        script.faults = b -> b.slow(Operation.UPLOAD, Duration.ofMillis(300));
        CloudSync cs = cloudSync();
        CountDownLatch planned = new CountDownLatch(1);
        cs.addListener(new SyncListener() {
            @Override
            public void onPlan(PlanEvent event) {
                planned.countDown();
            }
        });
        Future<SyncResult> first = pool.submit(() -> cs.run(SyncRequest.builder("scripted", "nightly").build()));
        assertThat(planned.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> cs.run(SyncRequest.builder("scripted", "nightly").build()))
                .isInstanceOf(LockHeldException.class)
                .hasMessageContaining("pid " + ProcessHandle.current().pid());
        assertThat(first.get(30, TimeUnit.SECONDS).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(failures()).singleElement().satisfies(f -> {
            assertThat(f.category()).isEqualTo(ErrorCategory.LOCKED);
            assertThat(f.failure()).isInstanceOf(LockHeldException.class);
            assertThat(f.dryRun()).isFalse();
        });
        assertThat(events.stream().filter(SyncListener.CompleteEvent.class::isInstance)).as("the first run's only").hasSize(1);
    }

    @Test
    void run_concurrentRunsWithLockWait_secondWaitsThenFindsNothingToDo() throws Exception {
        script.faults = b -> b.slow(Operation.UPLOAD, Duration.ofMillis(200));
        CloudSync cs = cloudSync();
        CountDownLatch planned = new CountDownLatch(1);
        cs.addListener(new SyncListener() {
            @Override
            public void onPlan(PlanEvent event) {
                planned.countDown();
            }
        });
        Future<SyncResult> first = pool.submit(() -> cs.run(SyncRequest.builder("scripted", "nightly").build()));
        assertThat(planned.await(10, TimeUnit.SECONDS)).isTrue();

        SyncResult second = cs.run(SyncRequest.builder("scripted", "nightly").lockWait(Duration.ofSeconds(30)).build());

        assertThat(first.get().summary().uploaded()).isEqualTo(3);
        assertThat(second.plan().isEmpty()).isTrue();
    }

    @Test
    void run_deletingMostOfALargeRemote_isRefusedByTheDeleteGuard() throws Exception {
        for (int i = 0; i < 20; i++) {
            Trees.write(root, "bulk/f" + i + ".txt", "file " + i);
        }
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build());
        for (int i = 0; i < 15; i++) {
            Files.delete(root.resolve("bulk/f" + i + ".txt"));
        }

        assertThatThrownBy(() -> cs.run(SyncRequest.builder("local", "nightly").build()))
                .isInstanceOfSatisfying(PlanRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PlanRefusedException.Reason.DELETE_GUARD);
                    assertThat(e.plan().deletes()).hasSize(15);
                })
                .hasMessageContaining("refusing to delete 15 of 23")
                .hasMessageContaining("bulk/f0.txt")
                .hasMessageContaining("--allow-mass-delete")
                .hasMessageContaining("delete_guard_max_fraction");
        assertThat(Trees.read(remote.resolve("nightly"))).hasSize(23);
        assertThat(failures()).singleElement().satisfies(f -> {
            assertThat(f).extracting(SyncListener.FailedEvent::service, SyncListener.FailedEvent::snapshot,
                    SyncListener.FailedEvent::dryRun, SyncListener.FailedEvent::category)
                    .containsExactly("local", "nightly", false, ErrorCategory.DELETE_GUARD);
            assertThat(f.failure()).isInstanceOf(PlanRefusedException.class);
            assertThat(f.duration()).isPositive();
        });
        assertThat(events.get(events.size() - 1)).as("no complete event for the refused run")
                .isInstanceOf(SyncListener.FailedEvent.class);

        SyncResult allowed = cs.run(SyncRequest.builder("local", "nightly").allowMassDelete(true).build());
        assertThat(allowed.summary().deleted()).isEqualTo(15);
    }

    @Test
    void run_emptyLocalSide_refusesAnyDelete() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build());
        for (String p : List.of("a.txt", "docs/b.txt", "docs/deep/c.txt")) {
            Files.delete(root.resolve(p));
        }

        assertThatThrownBy(() -> cs.run(SyncRequest.builder("local", "nightly").build()))
                .isInstanceOf(PlanRefusedException.class)
                .hasMessageContaining("local side is empty");
        assertThat(Trees.read(remote.resolve("nightly"))).hasSize(3);
    }

    @Test
    void run_missingLocalRoot_refusesAnyDelete() throws Exception {
        Path state = tmp.resolve("state");
        CloudSync cs = CloudSync.builder().root(root).stateDirectory(state).config(config("local").build()).build();
        cs.run(SyncRequest.builder("local", "nightly").build());
        CloudSync gone = CloudSync.builder().root(tmp.resolve("no-such-root")).stateDirectory(state)
                .config(config("local").build()).build();

        assertThatThrownBy(() -> gone.run(SyncRequest.builder("local", "nightly").build()))
                .isInstanceOf(PlanRefusedException.class)
                .hasMessageContaining("local root is missing");
    }

    @Test
    void run_overRequestLimits_isRefusedBeforeAnythingMoves() {
        CloudSync cs = cloudSync();

        assertThatThrownBy(() -> cs.run(SyncRequest.builder("local", "nightly").maxUploads(2).build()))
                .isInstanceOfSatisfying(PlanRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(PlanRefusedException.Reason.LIMIT))
                .hasMessageContaining("uploads 3 files, more than the limit of 2");
        assertThatThrownBy(() -> cs.run(SyncRequest.builder("local", "nightly").maxBytes(5).build()))
                .isInstanceOf(PlanRefusedException.class).hasMessageContaining("more than the limit of 5");
        assertThat(remote).doesNotExist();
    }

    private List<SyncListener.FailedEvent> failures() {
        return events.stream().filter(SyncListener.FailedEvent.class::isInstance).map(SyncListener.FailedEvent.class::cast)
                .toList();
    }

    @Test
    void aRefusedDryRunOrRun_tellsTheListenersOnFailed_andAResultNever() {
        List<SyncListener.FailedEvent> failed = new CopyOnWriteArrayList<>();
        SyncListener listener = new SyncListener() {
            @Override
            public void onFailed(FailedEvent event) {
                failed.add(event);
            }
        };
        CloudSync masterOnly = CloudSync.builder().root(root).listener(listener)
                .config(CloudSyncConfig.builder().feature("enable_cloud_sync", true).build()).build();
        assertThatThrownBy(() -> masterOnly.dryRun(SyncRequest.builder("local", "nightly").build()))
                .isInstanceOf(FeatureDisabledException.class);
        assertThatThrownBy(() -> masterOnly.run(SyncRequest.builder("local", "weekly").build()))
                .isInstanceOf(FeatureDisabledException.class);
        assertThat(failed).extracting(SyncListener.FailedEvent::snapshot, SyncListener.FailedEvent::dryRun,
                SyncListener.FailedEvent::category).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("nightly", true, ErrorCategory.DISABLED),
                        org.assertj.core.groups.Tuple.tuple("weekly", false, ErrorCategory.DISABLED));
        assertThat(failed).allSatisfy(f -> assertThat(f.failure()).isInstanceOf(FeatureDisabledException.class));

        CloudSync cs = cloudSync();
        cs.dryRun(SyncRequest.builder("local", "nightly").build());
        cs.run(SyncRequest.builder("local", "nightly").build());
        assertThat(failures()).as("runs with a result").isEmpty();
    }

    @Test
    void operations_withFlagsOff_failFastNamingTheFlag() {
        CloudSync off = CloudSync.builder().root(root).config(CloudSyncConfig.defaults()).build();
        assertThatThrownBy(() -> off.dryRun(SyncRequest.builder("local", "nightly").build()))
                .isInstanceOfSatisfying(FeatureDisabledException.class,
                        e -> assertThat(e.flag()).isEqualTo("enable_cloud_sync"))
                .hasMessageContaining("\"enable_cloud_sync\": true");

        CloudSync masterOnly = CloudSync.builder().root(root)
                .config(CloudSyncConfig.builder().feature("enable_cloud_sync", true).build()).build();
        assertThatThrownBy(() -> masterOnly.run(SyncRequest.builder("local", "nightly").build()))
                .isInstanceOfSatisfying(FeatureDisabledException.class,
                        e -> assertThat(e.flag()).isEqualTo("enable_cloud_sync_local"));
        assertThat(remote).doesNotExist();
    }

    @Test
    void listeners_receivePlanProgressAndCompleteWithPayloads() {
        cloudSync().run(SyncRequest.builder("local", "nightly").build());

        assertThat(events.get(0)).isEqualTo(new SyncListener.PlanEvent("local", "nightly", 3, 0, 17, false));
        List<SyncListener.ProgressEvent> progress = events.stream()
                .filter(SyncListener.ProgressEvent.class::isInstance).map(SyncListener.ProgressEvent.class::cast).toList();
        assertThat(progress).hasSize(3).allSatisfy(p -> {
            assertThat(p.action()).isEqualTo(SyncAction.UPLOAD);
            assertThat(p.succeeded()).isTrue();
            assertThat(p.filesTotal()).isEqualTo(3);
        });
        assertThat(progress).extracting(SyncListener.ProgressEvent::filesDone).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(SyncListener.CompleteEvent.class, c -> {
            assertThat(c.summary().status()).isEqualTo(SyncStatus.SUCCESS);
            assertThat(c.summary().bytes()).isEqualTo(17);
        });
    }

    @Test
    void dryRun_firesPlanMarkedAsDryRun() {
        cloudSync().dryRun(SyncRequest.builder("local", "nightly").build());

        assertThat(events.get(0)).isEqualTo(new SyncListener.PlanEvent("local", "nightly", 3, 0, 17, true));
        assertThat(events).noneMatch(SyncListener.ProgressEvent.class::isInstance);
    }

    @Test
    void run_serviceNamedApartFromItsProvider_usesTheProviderKey() {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("mirror")
                .service("mirror", Map.of("provider", "local", "directory", remote.toString())).build();

        SyncResult result = CloudSync.builder().root(root).config(config).build()
                .run(SyncRequest.builder("mirror", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(remote.resolve("nightly/a.txt")).hasContent("alpha");
    }
}
