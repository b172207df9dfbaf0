package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.result.BackupCreateResult;
import io.cloudsync.core.result.SyncResult;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the scan cannot read is never deleted from the remote: unreadable folders and files, files that
 * vanish or keep changing while they are read, names that are not valid UTF-8. The vault is never
 * mirrored unless named.
 */
class UnreadableTreeTest {

    @TempDir
    Path tmp;
    Path root;
    Path remote;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("project"));
        remote = tmp.resolve("remote");
        Trees.write(root, "secret/a.txt", "in a folder that becomes unreadable");
        Trees.write(root, "secret/deep/b.txt", "deeper");
        Trees.write(root, "locked.txt", "a file that becomes unreadable");
        Trees.write(root, "plain.txt", "always readable");
        for (String p : List.of("secret/a.txt", "secret/deep/b.txt", "locked.txt", "plain.txt")) {
            Files.setLastModifiedTime(root.resolve(p), FileTime.from(Instant.now().minusSeconds(3600)));
        }
    }

    private CloudSync cloudSync() {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", remote.toString())).build();
        return CloudSync.builder().root(root).config(config).build();
    }

    /**
     * The reproduction: {@code chmod 000} on a synced folder and a synced file, then a sync by a
     * process that cannot bypass permissions (as root: without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH).
     */
    @Test
    void unreadableFolderAndFile_areNeverDeleted_theRunIsPartialAndNamesThem() throws Exception {
        assertThat(cloudSync().run(SyncRequest.builder("local", "nightly").build()).summary().status())
                .isEqualTo(SyncStatus.SUCCESS);
        Trees.write(root, "new.txt", "uploaded although other paths cannot be read");
        Files.setPosixFilePermissions(root.resolve("secret"), PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(root.resolve("locked.txt"), PosixFilePermissions.fromString("---------"));
        // a changed file that cannot be read must not be planned either (its mtime no longer matches)
        Files.setLastModifiedTime(root.resolve("locked.txt"), FileTime.from(Instant.now().minusSeconds(60)));
        try {
            List<String> plan = runChild("plan");
            assertThat(plan).contains("STATUS DRY_RUN", "UPLOAD new.txt", "ERROR SCAN secret", "ERROR SCAN locked.txt")
                    .noneMatch(l -> l.startsWith("DELETE"));

            List<String> sync = runChild("sync");
            assertThat(sync).contains("STATUS PARTIAL", "UPLOAD new.txt", "ERROR SCAN secret", "ERROR SCAN locked.txt")
                    .noneMatch(l -> l.startsWith("DELETE"));
        } finally {
            Files.setPosixFilePermissions(root.resolve("secret"), PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(root.resolve("locked.txt"), PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(Trees.read(remote.resolve("nightly"))).containsKeys("secret/a.txt", "secret/deep/b.txt", "locked.txt",
                "plain.txt", "new.txt");
        Manifest committed = TestManifests.committed(remote, "nightly");
        assertThat(committed.entries()).extracting(ManifestEntry::path)
                .containsExactly("locked.txt", "new.txt", "plain.txt", "secret/a.txt", "secret/deep/b.txt");
        // readable again: a normal run, nothing lost
        SyncResult after = cloudSync().run(SyncRequest.builder("local", "nightly").build());
        assertThat(after.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(after.plan().deletes()).isEmpty();
    }

    /**
     * A changed file whose overwrite failed is no longer claimed by the manifest, and the journal
     * remembers it as released; if it cannot be read at the next run, what is left of it on the remote
     * must not be planned as a leftover delete either.
     */
    @Test
    void releasedButUnreadableFile_isNotDeletedAsALeftover() throws Exception {
        assertThat(cloudSync().run(SyncRequest.builder("local", "nightly").build()).summary().status())
                .isEqualTo(SyncStatus.SUCCESS);
        Path manifestFile = remote.resolve(".cloudsync/manifests/nightly.json");
        Manifest committed = TestManifests.committed(remote, "nightly");
        ManifestEntry locked = committed.find("locked.txt").orElseThrow();
        List<ManifestEntry> withdrawn = new ArrayList<>(committed.entries());
        withdrawn.remove(locked);
        Files.write(manifestFile, ManifestJson.toBytes(Manifest.of("nightly", committed.root(), committed.createdAt(), withdrawn)));
        Path journal = root.resolve("cache/cloud/journal/local/nightly.journal");
        Files.createDirectories(journal.getParent());
        Files.writeString(journal, "R\t" + locked.sha256() + '\t' + locked.size() + "\tlocked.txt\n");
        Files.setPosixFilePermissions(root.resolve("locked.txt"), PosixFilePermissions.fromString("---------"));
        Files.setLastModifiedTime(root.resolve("locked.txt"), FileTime.from(Instant.now().minusSeconds(60)));
        try {
            List<String> plan = runChild("plan");
            assertThat(plan).contains("STATUS DRY_RUN", "ERROR SCAN locked.txt").noneMatch(l -> l.startsWith("DELETE"));
            List<String> sync = runChild("sync");
            assertThat(sync).contains("STATUS PARTIAL", "ERROR SCAN locked.txt").noneMatch(l -> l.startsWith("DELETE"));
        } finally {
            Files.setPosixFilePermissions(root.resolve("locked.txt"), PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(remote.resolve("nightly/locked.txt")).exists();
        assertThat(Files.readString(journal)).contains("\tlocked.txt");
    }

    @Test
    void fileThatVanishesWhileItIsRead_isNotPlannedAsADelete() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build());
        Manifest remoteManifest = TestManifests.committed(remote, "nightly");
        Trees.write(root, "plain.txt", "changed, then gone before its hash could be checked");
        ManifestBuilder.Result scanned = ManifestBuilder.forRoot(root).parallelism(1).afterHash((file, attempt) -> {
            if (file.getFileName().toString().equals("plain.txt")) {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }).scan();

        assertThat(scanned.unreadable()).extracting(ManifestBuilder.Unreadable::path).containsExactly("plain.txt");
        Manifest planned = keepUnreadable(scanned, remoteManifest);
        assertThat(Planner.plan(planned, remoteManifest).deletes()).isEmpty();
        assertThat(planned.find("plain.txt")).isEqualTo(remoteManifest.find("plain.txt"));
    }

    @Test
    void keptEntries_keepTheRemoteManifestsTime_soTheNextScanDoesNotTrustARacyDigest() throws IOException {
        java.time.Instant hashedAt = java.time.Instant.parse("2026-01-01T00:00:00Z");
        java.time.Instant scannedAt = hashedAt.plusSeconds(3600);
        ManifestEntry kept = new ManifestEntry("secret/a.txt", 5, hashedAt, "a".repeat(64));
        ManifestEntry fresh = new ManifestEntry("plain.txt", 5, hashedAt, "b".repeat(64));
        Manifest remoteManifest = Manifest.of("nightly", "root", hashedAt, List.of(kept, fresh));
        Manifest local = Manifest.of("nightly", "root", scannedAt, List.of(fresh));
        ManifestBuilder.Result scanned = new ManifestBuilder.Result(local, List.of(), List.of(), 1, 0,
                List.of(new ManifestBuilder.Unreadable("secret", "cannot be listed")), List.of(), 0);

        Manifest planned = keepUnreadable(scanned, remoteManifest);

        assertThat(planned.find("secret/a.txt")).contains(kept);
        assertThat(planned.createdAt()).isEqualTo(hashedAt);
        ManifestBuilder.Result nothingUnreadable = new ManifestBuilder.Result(local, List.of(), List.of(), 1, 0);
        assertThat(keepUnreadable(nothingUnreadable, remoteManifest).createdAt()).isEqualTo(scannedAt);
    }

    @Test
    void unreadable_coversTheFolderAndEverythingUnderIt_butNotANameThatOnlyStartsTheSame() {
        ManifestBuilder.Unreadable u = new ManifestBuilder.Unreadable("secret", "test");
        assertThat(u.covers("secret")).isTrue();
        assertThat(u.covers("secret/deep/b.txt")).isTrue();
        assertThat(u.covers("secret.txt")).isFalse();
        assertThat(u.covers("secrets/a")).isFalse();
        assertThat(new ManifestBuilder.Unreadable("", "root").covers("anything/at/all")).isTrue();
    }

    @Test
    void namesThatAreNotValidUtf8_areSkippedByEscapedName_andTheRestSyncs() throws Exception {
        // two such names decode to the same string (x\uFFFD.txt): before, every sync failed with "lists ... twice"
        shell("printf one > \"$(printf 'x\\377.txt')\" && printf two > \"$(printf 'x\\376.txt')\" && mkdir \"$(printf 'd\\377')\""
                + " && printf three > \"$(printf 'd\\377')/inner.txt\"", root);

        SyncResult result = cloudSync().run(SyncRequest.builder("local", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(result.scan().invalidNames()).isEqualTo(3);
        assertThat(result.scan().skipped()).anyMatch(s -> s.startsWith("x\\xff.txt: name is not valid UTF-8"))
                .anyMatch(s -> s.startsWith("x\\xfe.txt: name is not valid UTF-8"))
                .anyMatch(s -> s.startsWith("d\\xff: name is not valid UTF-8"));
        assertThat(Trees.read(remote.resolve("nightly")).keySet())
                .containsExactlyInAnyOrder("secret/a.txt", "secret/deep/b.txt", "locked.txt", "plain.txt");
        assertThat(result.localManifest().entries()).noneMatch(e -> e.path().indexOf('\uFFFD') >= 0);
    }

    @Test
    void aRealReplacementCharacterInAName_isAValidName() throws Exception {
        Trees.write(root, "odd\uFFFDname.txt", "a valid UTF-8 name that holds U+FFFD");

        ManifestBuilder.Result scanned = ManifestBuilder.forRoot(root).scan();

        assertThat(scanned.invalidNames()).isZero();
        assertThat(scanned.manifest().find("odd\uFFFDname.txt")).isPresent();
    }

    @Test
    void theVaultAndItsLock_areNeverMirrored_unlessAnIncludeNamesThem() throws Exception {
        Trees.write(root, "config/cloudsync.secrets.json", "{\"encrypted\": true}");
        Trees.write(root, "config/cloudsync.secrets.json.lock", "");
        Trees.write(root, "config/cloudsync.json", "{}");

        ManifestBuilder.Result all = ManifestBuilder.forRoot(root).scan();
        assertThat(all.manifest().entries()).extracting(ManifestEntry::path).contains("config/cloudsync.json")
                .doesNotContain("config/cloudsync.secrets.json", "config/cloudsync.secrets.json.lock");
        ManifestBuilder.Result config = ManifestBuilder.forRoot(root).include(List.of("config")).scan();
        assertThat(config.manifest().entries()).extracting(ManifestEntry::path).containsExactly("config/cloudsync.json");

        ManifestBuilder.Result named = ManifestBuilder.forRoot(root)
                .include(List.of("config/cloudsync.secrets.json", "plain.txt")).scan();
        assertThat(named.manifest().entries()).extracting(ManifestEntry::path)
                .containsExactly("config/cloudsync.secrets.json", "plain.txt");
        assertThat(named.warnings()).singleElement().asString().startsWith("config/cloudsync.secrets.json: the encrypted vault");

        BackupCreateResult backup = Backups.of(root).create("nightly");
        try (var zip = new java.util.zip.ZipFile(backup.archive().toFile())) {
            assertThat(zip.stream().map(java.util.zip.ZipEntry::getName).toList())
                    .contains("config/cloudsync.json").noneMatch(n -> n.contains("secrets"));
        }
    }

    @Test
    void syncResultNamesUnreadablePathsAsScanErrors_inTheDryRunToo() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build());
        Manifest remoteManifest = TestManifests.committed(remote, "nightly");
        ManifestBuilder.Result scanned = new ManifestBuilder.Result(Manifest.of("nightly", root.toString(), Instant.now(),
                List.of(remoteManifest.find("plain.txt").orElseThrow())), List.of("secret: cannot be read"), List.of(), 0, 0,
                List.of(new ManifestBuilder.Unreadable("secret", "cannot be read"),
                        new ManifestBuilder.Unreadable("locked.txt", "cannot be read")), List.of(), 0);

        Manifest planned = keepUnreadable(scanned, remoteManifest);

        assertThat(planned.entries()).extracting(ManifestEntry::path)
                .containsExactly("locked.txt", "plain.txt", "secret/a.txt", "secret/deep/b.txt");
        assertThat(Planner.plan(planned, remoteManifest).isEmpty()).isTrue();
        assertThat(SyncAction.SCAN.jsonName()).isEqualTo("scan");
    }

    /** The scan plus the remote's entries under its unreadable paths, as a run plans it (through chunks). */
    private Manifest keepUnreadable(ManifestBuilder.Result scanned, Manifest remote) throws IOException {
        io.cloudsync.core.internal.manifest2.ChunkFolder folder = new io.cloudsync.core.internal.manifest2.ChunkFolder(
                Files.createTempDirectory(tmp, "chunks"));
        return EntryStreams.keepUnreadable(io.cloudsync.core.internal.manifest2.Chunked.of(scanned.manifest(), folder),
                LocalScan.unreadablePaths(scanned.unreadable()), io.cloudsync.core.internal.manifest2.Chunked.of(remote, folder)).toManifest();
    }

    private List<String> runChild(String mode) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // root reads anything; drop the capabilities that allow it, as the reproduction does
            command.addAll(List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps=-all"));
        }
        command.addAll(List.of(java, "-cp", classPath, "-Xmx128m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                SyncOnceMain.class.getName(), root.toString(), remote.toString(), mode));
        Path err = tmp.resolve("child-" + mode + ".log");
        Process child = new ProcessBuilder(command).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("child failed: %s", Files.readString(err)).isZero();
        return out.lines().toList();
    }

    private static void shell(String script, Path dir) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
