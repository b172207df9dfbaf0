package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.hash.Hashing;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run narrowed by {@link SyncRequest#include()} plans and applies changes under its paths only:
 * the remote, and the committed manifest, keep everything outside them as it was.
 */
class ScopedRunTest {

    private static final List<String> SCOPE = List.of("assets", "config");

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    final TestProviders.Script script = new TestProviders.Script();

    @BeforeEach
    void setUp() {
        root = tmp.resolve("project");
        remote = tmp.resolve("remote");
        Trees.write(root, "assets/logo.png", "logo v1");
        Trees.write(root, "assets/old.css", "old css");
        Trees.write(root, "assets2/other.txt", "not under assets");
        Trees.write(root, "config/app.json", "{}");
        Trees.write(root, "docs/guide.md", "guide v1");
        Trees.write(root, "readme.txt", "readme");
        settle();
    }

    /** Files older than the racy window, so no run rewrites a manifest for their timestamps alone. */
    private void settle() {
        try (var files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private CloudSync cloudSync(List<String> configuredInclude) {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local", "scripted")
                .service("local", Map.of("directory", remote.toString()))
                .service("scripted", Map.of("directory", remote.toString()))
                .include(configuredInclude)
                .engine(EngineSettings.builder().parallelism(1).retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build())
                .build();
        return CloudSync.builder().root(root).config(config)
                .provider(TestProviders.scripted("scripted", script)).build();
    }

    private CloudSync cloudSync() {
        return cloudSync(List.of());
    }

    private static SyncRequest narrowed(String service, List<String> include) {
        return SyncRequest.builder(service, "nightly").include(include).build();
    }

    private Manifest committed() {
        return TestManifests.committed(remote, "nightly");
    }

    /** Inside the scope: one change, one new file, one delete. Outside: a change, a new file and a delete too. */
    private void changeInsideAndOutside() throws Exception {
        Trees.write(root, "assets/logo.png", "logo v2, longer");
        Trees.write(root, "assets/new.svg", "new svg");
        Files.delete(root.resolve("assets/old.css"));
        Trees.write(root, "assets2/other.txt", "changed but outside the scope");
        Trees.write(root, "docs/guide.md", "guide v2, changed outside the scope");
        Trees.write(root, "docs/added.md", "new outside the scope");
        Files.delete(root.resolve("readme.txt"));
        settle();
    }

    @Test
    void dryRun_withInclude_plansOnlyUnderThoseSegments() throws Exception {
        CloudSync cs = cloudSync();
        assertThat(cs.run(SyncRequest.builder("local", "nightly").build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        changeInsideAndOutside();

        SyncResult plan = cs.dryRun(narrowed("local", SCOPE));

        assertThat(plan.scope()).containsExactly("assets", "config");
        assertThat(plan.plan().uploads()).extracting(PlannedUpload::path).containsExactly("assets/logo.png", "assets/new.svg");
        assertThat(plan.plan().deletes()).extracting(ManifestEntry::path).containsExactly("assets/old.css");
        assertThat(plan.plan().skipped()).extracting(ManifestEntry::path).containsExactly("config/app.json");
        // what the run would commit: the scope's new state, and the remote's entries outside it as they are
        Manifest before = committed();
        assertThat(plan.localManifest().find("readme.txt")).isEqualTo(before.find("readme.txt"));
        assertThat(plan.localManifest().find("docs/guide.md")).isEqualTo(before.find("docs/guide.md"));
        assertThat(plan.localManifest().find("docs/added.md")).isEmpty();
        assertThat(plan.localManifest().find("assets/old.css")).isEmpty();

        SyncResult whole = cs.dryRun(SyncRequest.builder("local", "nightly").build());
        assertThat(whole.scope()).isEmpty();
        assertThat(whole.plan().deletes()).extracting(ManifestEntry::path).containsExactly("assets/old.css", "readme.txt");
    }

    @Test
    void run_withInclude_leavesEverythingOutsideOnTheRemoteAndInTheManifest() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build());
        Manifest before = committed();
        changeInsideAndOutside();

        SyncResult run = cs.run(narrowed("local", SCOPE));

        assertThat(run.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(run.summary().uploaded()).isEqualTo(2);
        assertThat(run.summary().deleted()).isEqualTo(1);
        assertThat(Trees.read(remote.resolve("nightly"))).isEqualTo(Map.of(
                "assets/logo.png", "logo v2, longer", "assets/new.svg", "new svg", "config/app.json", "{}",
                "assets2/other.txt", "not under assets", "docs/guide.md", "guide v1", "readme.txt", "readme"));
        Manifest after = committed();
        for (String outside : List.of("assets2/other.txt", "docs/guide.md", "readme.txt")) {
            assertThat(after.find(outside)).as(outside).isPresent().isEqualTo(before.find(outside));
        }
        assertThat(after.find("docs/added.md")).isEmpty();
        assertThat(after.find("assets/old.css")).isEmpty();
        assertThat(after.find("assets/new.svg")).isPresent();
        assertThat(after.checksum()).isEqualTo(run.localManifest().checksum());
        assertThat(cs.manifestCache().read("local", "nightly")).get().extracting(Manifest::checksum).isEqualTo(after.checksum());
        assertRestorable(cs, "local", Trees.read(remote.resolve("nightly")).size());

        // the whole mirror afterwards does the rest, and a narrowed rerun finds nothing to do
        assertThat(cs.dryRun(narrowed("local", SCOPE)).plan().isEmpty()).isTrue();
        SyncResult whole = cs.run(SyncRequest.builder("local", "nightly").build());
        assertThat(whole.plan().uploads()).extracting(PlannedUpload::path)
                .containsExactly("assets2/other.txt", "docs/added.md", "docs/guide.md");
        assertThat(whole.plan().deletes()).extracting(ManifestEntry::path).containsExactly("readme.txt");
    }

    @Test
    void run_withInclude_keepsExcludesInsideTheScope() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build());
        Trees.write(root, "assets/draft.tmp", "scratch");
        Trees.write(root, "assets/kept.txt", "kept");
        settle();

        SyncResult run = cs.run(SyncRequest.builder("local", "nightly").include(List.of("assets"))
                .exclude(List.of("**/*.tmp", "assets/old.css")).build());

        assertThat(run.plan().uploads()).extracting(PlannedUpload::path).containsExactly("assets/kept.txt");
        // an excluded file is not part of the mirror: inside the scope it goes, as in a full run
        assertThat(run.plan().deletes()).extracting(ManifestEntry::path).containsExactly("assets/old.css");
        assertThat(remote.resolve("nightly/assets/draft.tmp")).doesNotExist();
        assertThat(remote.resolve("nightly/readme.txt")).exists();
    }

    @Test
    void include_isNormalisedAndMatchesWholeSegments() {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build());
        Trees.write(root, "assets2/other.txt", "changed, but assets2 is not assets");
        Trees.write(root, "assets/logo.png", "logo v2");
        settle();

        SyncResult plan = cs.dryRun(narrowed("local", List.of("./assets/", "assets//logo.png", "config/")));

        assertThat(plan.scope()).containsExactly("assets", "config");
        assertThat(plan.plan().uploads()).extracting(PlannedUpload::path).containsExactly("assets/logo.png");
        assertThat(cs.dryRun(narrowed("local", List.of(".", "assets"))).scope()).as("'.' is the whole root").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside", "assets/../../etc", "/etc", "C:/Windows", "assets\\win"})
    void include_absoluteOrLeavingTheRoot_isAConfigurationErrorBeforeAnythingMoves(String bad) {
        CloudSync cs = cloudSync();

        assertThatThrownBy(() -> cs.run(narrowed("local", List.of("assets", bad))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot narrow the run to \"" + bad + "\"")
                .hasMessageContaining("relative to the project root");
        assertThatThrownBy(() -> cs.dryRun(narrowed("local", List.of(bad)))).isInstanceOf(ConfigurationException.class);
        assertThat(remote).doesNotExist();
    }

    @Test
    void configuredInclude_isTheWholeMirror_andARunCanOnlyNarrowIt() throws Exception {
        CloudSync everything = cloudSync();
        everything.run(SyncRequest.builder("local", "nightly").build());

        // sync.include keeps its meaning: what the mirror holds, so a full run deletes what is outside it
        CloudSync mirror = cloudSync(List.of("assets", "config"));
        SyncResult full = mirror.dryRun(SyncRequest.builder("local", "nightly").build());
        assertThat(full.plan().deletes()).extracting(ManifestEntry::path)
                .containsExactly("assets2/other.txt", "docs/guide.md", "readme.txt");

        // narrowing within it plans within it; a path above configured ones walks only those
        Trees.write(root, "assets/logo.png", "logo v2");
        settle();
        assertThat(mirror.dryRun(narrowed("local", List.of("assets/logo.png"))).plan().uploads())
                .extracting(PlannedUpload::path).containsExactly("assets/logo.png");
        CloudSync nested = cloudSync(List.of("assets/logo.png"));
        SyncResult above = nested.dryRun(narrowed("local", List.of("assets")));
        assertThat(above.plan().uploads()).extracting(PlannedUpload::path).containsExactly("assets/logo.png");
        assertThat(above.plan().deletes()).extracting(ManifestEntry::path).containsExactly("assets/old.css");

        assertThatThrownBy(() -> mirror.dryRun(narrowed("local", List.of("docs"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("\"docs\"").hasMessageContaining("outside sync.include [assets, config]")
                .hasMessageContaining("add \"docs\" to sync.include");
    }

    @Test
    void narrowedRun_neverDeletesAJournalLeftoverOutsideTheScope() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        Trees.write(root, "docs/draft.md", "uploaded by a run that was killed before its commit");
        settle();
        script.uploaded.clear();
        script.dieAfterUploads = 1;
        try {
            cs.run(SyncRequest.builder("scripted", "nightly").build());
        } catch (TestProviders.Killed expected) {
            // the process "died" after the upload, before the commit
        }
        script.dieAfterUploads = -1;
        assertThat(remote.resolve("nightly/docs/draft.md")).exists();
        assertThat(committed().find("docs/draft.md")).isEmpty();
        Files.delete(root.resolve("docs/draft.md"));

        SyncResult narrowed = cs.run(narrowed("scripted", List.of("assets")));

        assertThat(narrowed.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(narrowed.plan().deletes()).isEmpty();
        assertThat(remote.resolve("nightly/docs/draft.md")).as("outside the scope: left alone").exists();

        SyncResult whole = cs.run(SyncRequest.builder("scripted", "nightly").build());
        assertThat(whole.plan().deletes()).extracting(ManifestEntry::path).containsExactly("docs/draft.md");
        assertThat(remote.resolve("nightly/docs/draft.md")).doesNotExist();
        assertThat(root.resolve("cache/cloud/journal/scripted/nightly.journal")).doesNotExist();
    }

    /** A narrowed run killed after 0, 1 or 2 uploads leaves a snapshot that pulls and verifies, outside entries intact. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void narrowedRun_killedMidway_leavesARestorableSnapshot(int uploadsBeforeTheKill) throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("scripted", "nightly").build());
        Manifest before = committed();
        changeInsideAndOutside();
        script.uploaded.clear();
        script.dieAfterUploads = uploadsBeforeTheKill;

        try {
            SyncResult killed = cs.run(narrowed("scripted", SCOPE));
            assertThat(killed.summary().status()).isNotEqualTo(SyncStatus.SUCCESS);
        } catch (TestProviders.Killed expected) {
            // the process "died"
        }
        script.dieAfterUploads = -1;

        Manifest left = committed();
        for (String outside : List.of("assets2/other.txt", "docs/guide.md", "readme.txt")) {
            assertThat(left.find(outside)).as(outside).isEqualTo(before.find(outside));
        }
        assertRestorable(cs, "scripted", left.entries().size());

        SyncResult rerun = cs.run(narrowed("scripted", SCOPE));
        assertThat(rerun.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(Trees.read(remote.resolve("nightly"))).containsEntry("assets/logo.png", "logo v2, longer")
                .containsEntry("assets/new.svg", "new svg").containsEntry("readme.txt", "readme")
                .containsEntry("docs/guide.md", "guide v1").doesNotContainKey("assets/old.css");
        assertThat(committed().find("readme.txt")).isEqualTo(before.find("readme.txt"));
        assertRestorable(cs, "scripted", 6);
    }

    /** A clock the test moves by hand. */
    static final class MovableClock extends java.time.Clock {
        volatile Instant now = Instant.now();

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void narrowedRun_doesNotMakeARacilyCleanEntryOutsideTheScopeTrusted() throws Exception {
        MovableClock clock = new MovableClock();
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local").service("local", Map.of("directory", remote.toString()))
                .build();
        CloudSync cs = CloudSync.builder().root(root).config(config).clock(clock).build();
        // hashed by the first run within the racy window of its manifest's time
        Path racy = Trees.write(root, "docs/racy.txt", "before");
        FileTime mtime = FileTime.from(clock.now);
        Files.setLastModifiedTime(racy, mtime);
        cs.run(SyncRequest.builder("local", "nightly").build());
        Instant first = committed().createdAt();

        clock.now = clock.now.plus(Duration.ofHours(1));
        Trees.write(root, "assets/logo.png", "logo v2");
        SyncResult narrowed = cs.run(narrowed("local", List.of("assets")));
        assertThat(narrowed.plan().uploads()).extracting(PlannedUpload::path).containsExactly("assets/logo.png");
        assertThat(committed().createdAt()).as("dated no later than the entries it keeps from the remote").isEqualTo(first);

        // same size, same mtime, other content: only a scan that distrusts the racy entry sees it
        Files.writeString(racy, "after!");
        Files.setLastModifiedTime(racy, mtime);
        clock.now = clock.now.plus(Duration.ofHours(1));
        SyncResult whole = cs.run(SyncRequest.builder("local", "nightly").build());

        assertThat(whole.plan().uploads()).extracting(PlannedUpload::path).contains("docs/racy.txt");
        assertThat(remote.resolve("nightly/docs/racy.txt")).hasContent("after!");
    }

    /** Pulls into a fresh folder: every file the manifest names arrives and matches it; verify finds no problem. */
    private void assertRestorable(CloudSync cs, String service, int expectedFiles) throws Exception {
        Path target = Files.createTempDirectory(tmp, "pull-");
        PullResult pulled = cs.pull(service, "nightly", target, false);
        assertThat(pulled.errors()).isEmpty();
        assertThat(pulled.written()).isEqualTo(expectedFiles);
        for (ManifestEntry e : pulled.manifest().entries()) {
            assertThat(Hashing.sha256(target.resolve(e.path()))).as(e.path()).isEqualTo(e.sha256());
        }
        assertThat(cs.verify(service, "nightly", 100).problems()).isEmpty();
    }
}
