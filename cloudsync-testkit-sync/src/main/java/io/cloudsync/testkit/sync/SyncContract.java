package io.cloudsync.testkit.sync;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.SyncError;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.Providers;
import io.cloudsync.core.SnapshotManifests;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.ContractRule;
import io.cloudsync.testkit.FaultInjectingProvider;
import io.cloudsync.testkit.ForwardingProvider;
import io.cloudsync.testkit.ProviderContract;
import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.testkit.internal.ContractFiles;
import io.cloudsync.testkit.internal.Rules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync-level contract: the real {@link CloudSync} engine over your provider, as a user runs it.
 * Extend it like {@link ProviderContract}, with the same {@link ProviderUnderTest}; the kit wraps your provider to count
 * calls and to inject faults. Rules {@code S1.*}, documented in {@code docs/PROVIDERS.md}.
 *
 * @since 0.1.0
 */
public abstract class SyncContract {

    private static final String SERVICE = "contract";
    private static final String SNAPSHOT = "sync-contract";

    /** Required by JUnit. */
    protected SyncContract() {
    }

    /**
     * The provider under test, as its author describes it once for every contract
     * ({@link ProviderUnderTest#factory()}, {@link ProviderUnderTest#freshRemote},
     * {@link ProviderUnderTest#secrets()} and {@link ProviderUnderTest#knownViolations()} are used here).
     *
     * @return the provider under test
     */
    protected abstract ProviderUnderTest subject();

    private ProviderFactory factory() {
        return subject().factory();
    }

    private ProviderConfig freshRemote(TestInfo test) {
        return subject().freshRemote(test);
    }

    private Secrets secrets() {
        return subject().secrets();
    }

    private Map<ContractRule, String> knownViolations() {
        return subject().knownViolations();
    }

    /** Counts what the engine asks of the provider. */
    private static final class Calls {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger manifestWrites = new AtomicInteger();
        /** Every metadata request: roots, chunks, anything else. */
        final AtomicInteger metadataRequests = new AtomicInteger();
        final List<String> uploads = new CopyOnWriteArrayList<>();
        final List<String> deletes = new CopyOnWriteArrayList<>();
        /** Server-side copies, as {@code "source -> target"}. */
        final List<String> copies = new CopyOnWriteArrayList<>();

        void clear() {
            copies.clear();
            reads.set(0);
            manifestWrites.set(0);
            metadataRequests.set(0);
            uploads.clear();
            deletes.clear();
        }
    }

    /** One test's world: a local tree, a state folder, the remote, and the engine over a wrapped provider. */
    private final class World {
        final Path root;
        final Path state;
        final ProviderConfig remote;
        final Calls calls = new Calls();
        volatile UnaryOperator<Provider> faults = UnaryOperator.identity();

        World(Path dir, TestInfo test) throws IOException {
            this.root = Files.createDirectories(dir.resolve("project"));
            this.state = dir.resolve("state");
            this.remote = freshRemote(test);
            write("readme.txt", "hello");
            write("docs/guide.md", "# guide\n".repeat(40));
            write("docs/deep/er/notes.txt", "deep");
            write("data/empty.bin", "");
            write("data/caf\u00e9 & co.txt", "unicode name");
            for (int i = 0; i < 10; i++) {
                write("bulk/file-" + i + ".txt", "bulk file " + i);
            }
            // an hour old, as a tree that has not just been written: a file modified within two
            // seconds of a run is racily clean, and the next run rewrites the manifest once to settle
            // it, which S1.02's "writes nothing" is not about
            FileTime anHourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.setLastModifiedTime(f, anHourAgo);
                }
            }
        }

        void write(String path, String content) throws IOException {
            Path file = root.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        }

        SyncResult run() {
            return run(UnaryOperator.identity());
        }

        /** A run of the request {@code request} makes of the contract's. */
        SyncResult run(UnaryOperator<SyncRequest.Builder> request) {
            calls.clear();
            return engine().run(request.apply(SyncRequest.builder(SERVICE, SNAPSHOT)).build());
        }

        SyncResult dryRun() {
            calls.clear();
            return engine().dryRun(SyncRequest.builder(SERVICE, SNAPSHOT).build());
        }

        private CloudSync engine() {
            ProviderFactory wrapped = new CountingFactory(factory(), secrets(), calls, this);
            Map<String, String> settings = new TreeMap<>(remote.values());
            settings.put(CloudSyncConfig.PROVIDER_KEY, wrapped.id());
            CloudSyncConfig config = CloudSyncConfig.builder().enable(SERVICE).service(SERVICE, settings)
                    .engine(EngineSettings.builder().parallelism(4).retryAttempts(2).retryInitialDelay(Duration.ZERO)
                            .retryMaxDelay(Duration.ZERO).build())
                    .build();
            return CloudSync.builder().root(root).stateDirectory(state).config(config)
                    .providers(Providers.of(wrapped)).build();
        }

        /**
         * Checks that the snapshot can be restored: the remote has a manifest, and every file it names
         * downloads with the size and sha256 it names.
         */
        Manifest assertRestorable() throws Exception {
            try (Provider p = factory().open(remote, secrets())) {
                Optional<Manifest> m = readManifest(p);
                check(m.isPresent(), "no manifest on the remote");
                Path copy = Files.createTempFile(state, "restore-", ".bin");
                try {
                    for (ManifestEntry e : m.get().entries()) {
                        try {
                            p.download(SNAPSHOT, e.path(), copy);
                        } catch (ProviderException missing) {
                            throw new AssertionError("the manifest names \"" + e.path() + "\" but it cannot be downloaded: "
                                    + missing.kind() + ' ' + missing.getMessage(), missing);
                        }
                        String sha256 = ContractFiles.sha256(copy);
                        check(Files.size(copy) == e.size() && sha256.equals(e.sha256()),
                                "\"%s\" downloads as %d bytes with sha256 %s, but the manifest names %d bytes and %s",
                                e.path(), Files.size(copy), sha256, e.size(), e.sha256());
                    }
                } finally {
                    Files.deleteIfExists(copy);
                }
                return m.get();
            }
        }

        /** Checks that the remote holds exactly the local tree, byte for byte, under a matching manifest. */
        void assertMirrors(SyncResult result, Rules.Body onFailure) throws Exception {
            try (Provider p = factory().open(remote, secrets())) {
                Optional<Manifest> m = readManifest(p);
                Manifest local = result.localManifest();
                check(m.isPresent(), "no manifest on the remote after a successful run");
                check(m.get().checksum().equals(local.checksum()), "remote manifest checksum %s, local %s",
                        m.get().checksum(), local.checksum());
                Path copy = Files.createTempFile(state, "check-", ".bin");
                try {
                    for (ManifestEntry e : local.entries()) {
                        p.download(SNAPSHOT, e.path(), copy);
                        long mismatch = Files.mismatch(copy, root.resolve(e.path()));
                        check(mismatch == -1, "remote \"%s\" differs from the local file at byte %d", e.path(), mismatch);
                    }
                } finally {
                    Files.deleteIfExists(copy);
                }
            }
            onFailure.run();
        }
    }

    private static void check(boolean holds, String detail, Object... args) {
        if (!holds) {
            throw new AssertionError(detail.formatted(args));
        }
    }

    private void verify(ContractRule rule, Rules.Body body) {
        Rules.verify(rule, factory().id(), knownViolations(), body);
    }

    /**
     * S1.01.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void required_S1_01_firstRunMirrorsTheTree(TestInfo test, @TempDir Path dir) {
        verify(ContractRule.S1_01, () -> {
            World w = new World(dir, test);
            SyncResult r = w.run();
            check(r.summary().status() == SyncStatus.SUCCESS, "status %s, errors %s", r.summary().status(), r.summary().errors());
            check(r.summary().uploaded() == r.localManifest().entries().size(), "uploaded %d of %d files",
                    r.summary().uploaded(), r.localManifest().entries().size());
            w.assertMirrors(r, () -> { });
        });
    }

    /**
     * S1.02.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void required_S1_02_noOpResyncReadsOnlyTheManifest(TestInfo test, @TempDir Path dir) {
        verify(ContractRule.S1_02, () -> {
            World w = new World(dir, test);
            w.run();
            SyncResult again = w.run();
            check(again.summary().status() == SyncStatus.SUCCESS, "status %s", again.summary().status());
            check(w.calls.reads.get() == 1, "the no-op run read the manifest %d times", w.calls.reads.get());
            check(w.calls.uploads.isEmpty() && w.calls.deletes.isEmpty(), "the no-op run uploaded %s and deleted %s",
                    w.calls.uploads, w.calls.deletes);
            check(w.calls.manifestWrites.get() == 0, "the no-op run wrote the manifest %d times", w.calls.manifestWrites.get());
            // format 2: with the chunks cached by the first run, the root is all a no-op needs
            check(w.calls.metadataRequests.get() == 1, "the no-op run made %d metadata requests; one (the manifest's root)"
                    + " is all it needs", w.calls.metadataRequests.get());
        });
    }

    /**
     * S1.03.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void required_S1_03_runAfterChangesSendsTheDelta(TestInfo test, @TempDir Path dir) {
        verify(ContractRule.S1_03, () -> {
            World w = new World(dir, test);
            w.run();
            w.write("readme.txt", "hello, changed");
            w.write("bulk/file-3.txt", "bulk file 3, changed");
            w.write("new/one.txt", "new");
            SyncResult r = w.run();
            check(r.summary().status() == SyncStatus.SUCCESS, "status %s, errors %s", r.summary().status(), r.summary().errors());
            check(new HashSet<>(w.calls.uploads).equals(Set.of("readme.txt", "bulk/file-3.txt", "new/one.txt")),
                    "uploaded %s", w.calls.uploads);
            w.assertMirrors(r, () -> { });
        });
    }

    /**
     * S1.04.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void required_S1_04_runAfterDeletionsRemovesThem(TestInfo test, @TempDir Path dir) {
        verify(ContractRule.S1_04, () -> {
            World w = new World(dir, test);
            w.run();
            Files.delete(w.root.resolve("docs/deep/er/notes.txt"));
            Files.delete(w.root.resolve("bulk/file-0.txt"));
            SyncResult r = w.run();
            check(new HashSet<>(w.calls.deletes).equals(Set.of("docs/deep/er/notes.txt", "bulk/file-0.txt")),
                    "deleted %s", w.calls.deletes);
            w.assertMirrors(r, () -> {
                try (Provider p = factory().open(w.remote, secrets())) {
                    Path target = Files.createTempFile(w.state, "gone-", ".bin");
                    try {
                        p.download(SNAPSHOT, "bulk/file-0.txt", target);
                        throw new AssertionError("bulk/file-0.txt can still be downloaded after its delete");
                    } catch (ProviderException expected) {
                        check(expected.kind() == ProviderException.Kind.NOT_FOUND,
                                "download of a deleted file failed with %s, not NOT_FOUND", expected.kind());
                    } finally {
                        Files.deleteIfExists(target);
                    }
                }
            });
        });
    }

    /**
     * S1.05.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void required_S1_05_partialFailureCommitsWhatArrived(TestInfo test, @TempDir Path dir) {
        verify(ContractRule.S1_05, () -> {
            World w = new World(dir, test);
            w.run();
            w.write("readme.txt", "hello, changed");
            w.write("bulk/file-5.txt", "bulk file 5, changed");
            w.faults = p -> FaultInjectingProvider.wrap(p)
                    .fail(FaultInjectingProvider.Operation.UPLOAD, "bulk/file-5.txt", ProviderException.Kind.PERMANENT, 10)
                    .build();
            SyncResult r = w.run();
            check(r.summary().status() == SyncStatus.PARTIAL, "status %s", r.summary().status());
            List<String> failed = r.summary().errors().stream().map(SyncError::path).toList();
            check(failed.equals(List.of("bulk/file-5.txt")), "errors name %s: %s", failed, r.summary().errors());
            Manifest stored = w.assertRestorable();
            check(stored.find("bulk/file-5.txt").isEmpty(), "the manifest of a partial run names the file whose upload failed");
            check(stored.find("readme.txt").map(ManifestEntry::sha256).equals(r.localManifest().find("readme.txt")
                    .map(ManifestEntry::sha256)), "the manifest of a partial run does not name the new readme.txt that arrived");
            check(stored.entries().size() == r.localManifest().entries().size() - 1,
                    "the manifest of a partial run names %d files, expected every file but the failed one (%d)",
                    stored.entries().size(), r.localManifest().entries().size() - 1);
        });
    }

    /**
     * S1.07.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void required_S1_07_killedBetweenAnOverwriteAndTheCommitLeavesARestorableSnapshot(TestInfo test,
                                                                                                   @TempDir Path dir) {
        verify(ContractRule.S1_07, () -> {
            World w = new World(dir, test);
            w.run();
            w.write("readme.txt", "hello, overwritten before the process died");
            w.write("docs/guide.md", "# guide, rewritten\n".repeat(30));
            w.write("bulk/file-3.txt", "bulk file 3, changed");
            Files.delete(w.root.resolve("bulk/file-0.txt"));
            w.faults = p -> FaultInjectingProvider.wrap(p)
                    .crashAfter(FaultInjectingProvider.Operation.UPLOAD, "readme.txt")
                    .build();
            try {
                SyncResult killed = w.run();
                check(killed.summary().status() != SyncStatus.SUCCESS, "a run whose process died reported success");
            } catch (FaultInjectingProvider.SimulatedCrash expected) {
                // the engine may also let the crash through: a dead process does not return
            }
            w.faults = UnaryOperator.identity();
            Manifest stored = w.assertRestorable();
            check(stored.find("bulk/file-0.txt").isEmpty() || stored.find("readme.txt").isEmpty(),
                    "after the overwrite of readme.txt the manifest still names the file being deleted and the overwritten one");
            SyncResult resumed = w.run();
            check(resumed.summary().status() == SyncStatus.SUCCESS, "resumed run: %s %s", resumed.summary().status(),
                    resumed.summary().errors());
            w.assertMirrors(resumed, () -> { });
            if (factory().capabilities().contains(Capability.LISTING)) {
                try (Provider p = factory().open(w.remote, secrets());
                     Stream<io.cloudsync.spi.RemoteEntry> listed = p.list(SNAPSHOT)) {
                    Set<String> unlisted = new java.util.TreeSet<>();
                    listed.forEach(e -> unlisted.add(e.path()));
                    resumed.localManifest().entries().forEach(e -> unlisted.remove(e.path()));
                    check(unlisted.isEmpty(), "after the resumed run the remote holds files no manifest names: %s", unlisted);
                }
            }
        });
    }

    /**
     * S1.06.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void required_S1_06_resumeResendsOnlyWhatWasNotConfirmed(TestInfo test, @TempDir Path dir) {
        verify(ContractRule.S1_06, () -> {
            World w = new World(dir, test);
            w.faults = p -> FaultInjectingProvider.wrap(p)
                    .crashAfter(FaultInjectingProvider.Operation.UPLOAD, "bulk/file-7.txt")
                    .tear("docs/guide.md")
                    .build();
            SyncResult interrupted = w.run();
            check(interrupted.summary().status() != SyncStatus.SUCCESS, "a run with a crash reported %s",
                    interrupted.summary().status());
            Set<String> unconfirmed = new HashSet<>();
            interrupted.summary().errors().forEach(e -> unconfirmed.add(e.path()));
            w.faults = UnaryOperator.identity();
            SyncResult resumed = w.run();
            check(resumed.summary().status() == SyncStatus.SUCCESS, "resumed run: %s %s", resumed.summary().status(),
                    resumed.summary().errors());
            check(unconfirmed.containsAll(w.calls.uploads), "the resumed run sent %s, but only %s were unconfirmed",
                    w.calls.uploads, unconfirmed);
            w.assertMirrors(resumed, () -> { });
        });
    }

    /**
     * S1.08.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void required_S1_08_approvedPlanRunsExactlyOrRefusesAndResumes(TestInfo test, @TempDir Path dir) {
        verify(ContractRule.S1_08, () -> {
            World w = new World(dir, test);
            w.run();
            w.write("readme.txt", "hello, reviewed");
            w.write("bulk/file-2.txt", "bulk file 2, reviewed");
            Files.delete(w.root.resolve("bulk/file-9.txt"));
            io.cloudsync.core.PlanSummary reviewed = w.dryRun().planSummary();
            io.cloudsync.ApprovedPlan approved = io.cloudsync.ApprovedPlan.of(reviewed.id(), reviewed.localChecksum(),
                    reviewed.remoteChecksum());

            // a change after the review: refused before anything moves
            Path changed = w.root.resolve("bulk/file-4.txt");
            FileTime before = Files.getLastModifiedTime(changed);
            w.write("bulk/file-4.txt", "bulk file 4, changed after the review");
            try {
                w.run(b -> b.approvedPlan(approved));
                throw new AssertionError("a run of an approved plan went ahead after the local tree changed");
            } catch (io.cloudsync.PlanRefusedException expected) {
                check(expected.reason() == io.cloudsync.PlanRefusedException.Reason.CHANGED, "refused with %s: %s",
                        expected.reason(), expected.getMessage());
            }
            check(w.calls.uploads.isEmpty() && w.calls.deletes.isEmpty() && w.calls.manifestWrites.get() == 0,
                    "a refused plan changed the remote: uploads %s, deletes %s, %d manifest writes", w.calls.uploads,
                    w.calls.deletes, w.calls.manifestWrites.get());
            w.write("bulk/file-4.txt", "bulk file 4"); // back as reviewed, mtime too
            Files.setLastModifiedTime(changed, before);

            // the approved run, killed after an overwrite, then resumed by the same approval
            w.faults = p -> FaultInjectingProvider.wrap(p)
                    .crashAfter(FaultInjectingProvider.Operation.UPLOAD, "bulk/file-2.txt")
                    .build();
            try {
                SyncResult killed = w.run(b -> b.approvedPlan(approved));
                check(killed.summary().status() != SyncStatus.SUCCESS, "a run whose process died reported success");
            } catch (FaultInjectingProvider.SimulatedCrash expected) {
                // a dead process does not return
            }
            w.faults = UnaryOperator.identity();
            SyncResult resumed = w.run(b -> b.approvedPlan(approved));
            check(resumed.summary().status() == SyncStatus.SUCCESS, "the resumed run of the approved plan: %s %s",
                    resumed.summary().status(), resumed.summary().errors());
            check(resumed.localManifest().checksum().equals(reviewed.localChecksum()),
                    "the resumed run mirrored another tree than the reviewed one");
            w.assertMirrors(resumed, () -> { });
        });
    }

    /**
     * S1.09.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_S1_09_aRenamedFolderIsCopiedOnTheRemoteNotSentAgain(TestInfo test, @TempDir Path dir) {
        Rules.requireCapability(ContractRule.S1_09, factory());
        verify(ContractRule.S1_09, () -> {
            World w = new World(dir, test);
            w.run();
            Files.move(w.root.resolve("bulk"), w.root.resolve("moved"));
            w.write("moved/extra.txt", "a new file in the moved folder");
            // 10 of 15 files leave their paths: the delete guard counts them as deletes, as it should
            SyncResult r = w.run(b -> b.allowMassDelete(true));
            check(r.summary().status() == SyncStatus.SUCCESS, "status %s, errors %s", r.summary().status(), r.summary().errors());
            Set<String> expected = new java.util.TreeSet<>();
            for (int i = 0; i < 10; i++) {
                expected.add("bulk/file-" + i + ".txt -> moved/file-" + i + ".txt");
            }
            check(new java.util.TreeSet<>(w.calls.copies).equals(expected), "copied %s, expected %s", w.calls.copies, expected);
            check(w.calls.uploads.equals(List.of("moved/extra.txt")), "sent %s; only moved/extra.txt is new content",
                    w.calls.uploads);
            check(r.summary().copied() == 10 && r.summary().uploaded() == 11 && r.summary().deleted() == 10,
                    "summary: %d copied, %d uploaded, %d deleted; expected 10, 11, 10", r.summary().copied(),
                    r.summary().uploaded(), r.summary().deleted());
            check(r.summary().bytesSent() == "a new file in the moved folder".length(), "%d bytes sent, expected only the new file's",
                    r.summary().bytesSent());
            w.assertMirrors(r, () -> { });
        });
    }

    /**
     * S1.10.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void required_S1_10_aBandwidthLimitHoldsAcrossTheRun(TestInfo test, @TempDir Path dir) {
        verify(ContractRule.S1_10, () -> {
            World w = new World(dir, test);
            w.run();
            byte[] block = new byte[128 * 1024];
            for (int i = 0; i < 3; i++) {
                java.util.Arrays.fill(block, (byte) ('a' + i));
                Files.write(w.root.resolve("bulk/limited-" + i + ".bin"), block);
            }
            long started = System.nanoTime();
            SyncResult r = w.run(b -> b.bandwidthLimit(128 * 1024));
            double seconds = (System.nanoTime() - started) / 1e9;
            check(r.summary().status() == SyncStatus.SUCCESS, "status %s, errors %s", r.summary().status(), r.summary().errors());
            // 384 KiB at 128 KiB/s is 3 s, less the bucket's first 0.1 s: a lower bound only, which a busy
            // machine cannot break
            check(seconds >= 2.5, "384 KiB at a limit of 128 KiB/s took %.2f s: the limit did not hold", seconds);
            w.assertMirrors(r, () -> { });
        });
    }

    /**
     * S1.11.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_S1_11_deletedAndOverwrittenFilesCanBeRestored(TestInfo test, @TempDir Path dir) {
        Rules.requireCapability(ContractRule.S1_11, factory());
        verify(ContractRule.S1_11, () -> {
            World w = new World(dir, test);
            SyncResult first = w.run();
            check(first.summary().status() == SyncStatus.SUCCESS, "first run: status %s, errors %s", first.summary().status(),
                    first.summary().errors());
            Thread.sleep(20); // record times are in milliseconds
            Instant before = Instant.now();
            Thread.sleep(20);
            w.write("readme.txt", "changed after the first run");
            Files.delete(w.root.resolve("bulk/file-3.txt"));
            Files.delete(w.root.resolve("docs/guide.md"));
            SyncResult r = w.run(b -> b.allowMassDelete(true));
            check(r.summary().status() == SyncStatus.SUCCESS, "status %s, errors %s", r.summary().status(), r.summary().errors());
            SyncRequest request = SyncRequest.builder(SERVICE, SNAPSHOT).build();
            Map<String, String> versions = new TreeMap<>();
            for (io.cloudsync.core.result.TrashVersion v : w.engine().versions(request).versions()) {
                check(v.available(), "version of %s is listed but not available", v.path());
                versions.put(v.path(), v.change());
            }
            Map<String, String> expected = Map.of("readme.txt", "overwritten", "bulk/file-3.txt", "deleted",
                    "docs/guide.md", "deleted");
            check(versions.equals(new TreeMap<>(expected)), "versions %s, expected %s", versions, new TreeMap<>(expected));
            Path into = dir.resolve("restored");
            io.cloudsync.core.result.RestoreResult restored = w.engine().restore(request, before, into, false);
            check(restored.files().status() == SyncStatus.SUCCESS, "restore: status %s, errors %s", restored.files().status(),
                    restored.files().errors());
            check(restored.historyComplete(), "the restore says its history is incomplete");
            check(restored.manifestChecksum().equals(first.localManifest().checksum()),
                    "restored manifest checksum %s, the first run committed %s", restored.manifestChecksum(),
                    first.localManifest().checksum());
            for (ManifestEntry e : first.localManifest().entries()) {
                Path file = into.resolve(e.path());
                check(Files.isRegularFile(file), "restore did not write %s", e.path());
                String sha = io.cloudsync.Digests.hex(io.cloudsync.Digests.sha256().digest(Files.readAllBytes(file)));
                check(sha.equals(e.sha256()), "restored %s has sha256 %s, the first run had %s", e.path(), sha, e.sha256());
            }
            check(restored.files().written() == first.localManifest().entries().size(), "restore wrote %d files, expected %d",
                    restored.files().written(), first.localManifest().entries().size());
        });
    }

    // ---- S1.20: long names (issue 15, item 4) ----------------------------------------------------

    /**
     * S1.20.
     *
     * @param test the running test
     * @param dir a temporary folder
     */
    @Test
    public final void required_S1_20_longNamesSyncPullBackUpAndRestore(TestInfo test, @TempDir Path dir) {
        verify(ContractRule.S1_20, () -> {
            World w = new World(dir, test);
            List<String> longPaths = new java.util.ArrayList<>();
            for (String leaf : ContractFiles.longNames()) {
                longPaths.add("data/long names/" + leaf);
            }
            longPaths.add("data/" + "d".repeat(255) + "/" + ContractFiles.longNames().get(1));
            for (String path : longPaths) {
                w.write(path, "content of a file with a long name\n".repeat(longPaths.indexOf(path) + 1));
            }
            SyncResult r = w.run();
            check(r.summary().status() == SyncStatus.SUCCESS, "sync: status %s, errors %s", r.summary().status(),
                    r.summary().errors());
            List<String> synced = r.localManifest().entries().stream().map(ManifestEntry::path).toList();
            check(synced.containsAll(longPaths), "the local manifest lacks long names: it has %s", synced);
            w.assertMirrors(r, () -> { });

            CloudSync engine = CloudSync.builder().root(w.root).stateDirectory(w.state)
                    .config(longNamesConfig(w)).providers(Providers.of(new CountingFactory(factory(), secrets(), w.calls, w)))
                    .build();
            Path pulled = dir.resolve("pulled");
            io.cloudsync.core.result.PullResult pull = engine.pull(SERVICE, SNAPSHOT, pulled, false);
            check(pull.status() == SyncStatus.SUCCESS && pull.failed() == 0, "pull: status %s, errors %s", pull.status(),
                    pull.errors());
            requireSameFiles("pull", w.root, pulled, synced);

            io.cloudsync.core.Backups backups = io.cloudsync.core.Backups.of(w.root);
            io.cloudsync.core.result.BackupCreateResult archive = backups.create("long names", List.of("data"), 5);
            check(archive.skipped().isEmpty(), "backup: left out %s", archive.skipped());
            Path restored = dir.resolve("restored");
            io.cloudsync.core.result.BackupRestoreResult back = backups.restore(archive.name(), restored, false);
            check(back.refused().isEmpty(), "restore: refused %s", back.refused());
            requireSameFiles("restore", w.root, restored,
                    synced.stream().filter(p -> p.startsWith("data/")).toList());
            try (Stream<Path> left = Files.walk(dir)) {
                List<Path> temps = left.filter(f -> f.getFileName().toString().endsWith(".tmp")
                        || f.getFileName().toString().endsWith(".cloudsync-tmp")).toList();
                check(temps.isEmpty(), "temporary files were left behind: %s", temps);
            }
        });
    }

    private CloudSyncConfig longNamesConfig(World w) {
        Map<String, String> settings = new TreeMap<>(w.remote.values());
        settings.put(CloudSyncConfig.PROVIDER_KEY, "contract-" + factory().id());
        return CloudSyncConfig.builder().enable(SERVICE).service(SERVICE, settings)
                .engine(EngineSettings.builder().parallelism(4).retryAttempts(2).retryInitialDelay(Duration.ZERO)
                        .retryMaxDelay(Duration.ZERO).build())
                .build();
    }

    private static void requireSameFiles(String what, Path expectedRoot, Path actualRoot, List<String> paths) throws IOException {
        for (String path : paths) {
            Path actual = actualRoot.resolve(path);
            check(Files.isRegularFile(actual), "%s: \"%s\" (%d bytes of name) was not written", what, path,
                    path.getBytes(StandardCharsets.UTF_8).length);
            long mismatch = Files.mismatch(expectedRoot.resolve(path), actual);
            check(mismatch == -1, "%s: \"%s\" differs from the original at byte %d", what, path, mismatch);
        }
    }

    /** The author's factory, wrapped to count calls and apply the test's faults; uses the author's secrets. */
    private static final class CountingFactory extends io.cloudsync.testkit.internal.RenamedFactory {
        private final Secrets secrets;
        private final Calls calls;
        private final World world;

        CountingFactory(ProviderFactory delegate, Secrets secrets, Calls calls, World world) {
            super("contract-", delegate);
            this.secrets = secrets;
            this.calls = calls;
            this.world = world;
        }

        @Override
        public Provider open(ProviderConfig config, Secrets ignored) {
            Provider counted = new Counting(delegate.open(config, secrets), calls);
            return world.faults.apply(counted);
        }
    }

    /**
     * The manifest the engine committed for this contract's snapshot, read as the engine reads it: the
     * metadata object {@code manifests/<snapshot>.json} and, in format 2, its chunks (docs/FORMATS.md).
     */
    static Optional<Manifest> readManifest(Provider p) {
        return readManifest(p, SNAPSHOT);
    }

    /** The committed manifest of {@code snapshot}, read as the engine reads it (format 1 or 2). */
    static Optional<Manifest> readManifest(Provider p, String snapshot) {
        return SnapshotManifests.read(p, snapshot);
    }

    /** Counts manifest reads and writes through the metadata area, uploads and deletes. */
    private static final class Counting extends ForwardingProvider {
        private static final String MANIFESTS = "manifests/";
        private final Calls calls;

        Counting(Provider delegate, Calls calls) {
            super(delegate);
            this.calls = calls;
        }

        @Override
        public Optional<io.cloudsync.spi.MetadataObject> getMetadata(String name) {
            calls.metadataRequests.incrementAndGet();
            if (name.startsWith(MANIFESTS)) {
                calls.reads.incrementAndGet();
            }
            return super.getMetadata(name);
        }

        @Override
        public String putMetadata(String name, byte[] bytes, io.cloudsync.spi.MetadataPrecondition precondition) {
            calls.metadataRequests.incrementAndGet();
            if (name.startsWith(MANIFESTS)) {
                calls.manifestWrites.incrementAndGet();
            }
            return super.putMetadata(name, bytes, precondition);
        }

        @Override
        public void deleteMetadata(String name) {
            calls.metadataRequests.incrementAndGet();
            super.deleteMetadata(name);
        }

        @Override
        public java.util.stream.Stream<String> listMetadata(String prefix) {
            calls.metadataRequests.incrementAndGet();
            return super.listMetadata(prefix);
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            calls.uploads.add(entry.path());
            return super.upload(snapshot, entry, localFile);
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile,
                                    java.util.function.LongConsumer sent) {
            calls.uploads.add(entry.path());
            return super.upload(snapshot, entry, localFile, sent);
        }

        @Override
        public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
            calls.copies.add(sourcePath + " -> " + target.path());
            return super.copy(snapshot, sourcePath, target);
        }

        @Override
        public void delete(String snapshot, String path) {
            calls.deletes.add(path);
            super.delete(snapshot, path);
        }
    }
}
