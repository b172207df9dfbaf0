package io.cloudsync.core;

import static io.cloudsync.core.TestManifests.sha;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Digests;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestBuilderTest {

    private static final Instant OLD = Instant.parse("2023-03-28T10:40:00.123456789Z");
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

    @TempDir
    Path root;

    private Path write(String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(OLD));
        return file;
    }

    private ManifestBuilder builder() {
        return ManifestBuilder.forRoot(root).clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static List<String> paths(Manifest m) {
        return m.entries().stream().map(ManifestEntry::path).toList();
    }

    @Test
    void scan_simpleTree_recordsPathSizeMtimeAndSha256() throws IOException {
        write("src/Main.java", "class Main {}");
        write("docs/read me.txt", "hello world");
        write("empty.txt", "");
        Files.createDirectories(root.resolve("empty-folder/nested"));

        ManifestBuilder.Result result = builder().name("nightly").scan();

        Manifest m = result.manifest();
        assertThat(m.name()).isEqualTo("nightly");
        assertThat(m.createdAt()).isEqualTo(NOW);
        assertThat(m.root()).isEqualTo(root.toRealPath().toString());
        assertThat(paths(m)).containsExactly("docs/read me.txt", "empty.txt", "src/Main.java");
        assertThat(m.find("src/Main.java")).hasValue(new ManifestEntry("src/Main.java", 13, OLD, sha("class Main {}")));
        assertThat(m.find("empty.txt").orElseThrow().sha256()).isEqualTo(Digests.EMPTY_SHA256);
        assertThat(result.skipped()).isEmpty();
        assertThat(result.filesHashed()).isEqualTo(3);
        assertThat(result.filesReused()).isZero();
        assertThat(builder().build()).isEqualTo(builder().name("manifest").build());
    }

    @Test
    void scan_mtime_keepsFullPrecision() throws IOException {
        Path file = write("a.txt", "a");
        Instant precise = Instant.parse("2022-01-02T03:04:05.987654321Z");
        Files.setLastModifiedTime(file, FileTime.from(precise));
        assumeThat(Files.getLastModifiedTime(file).toInstant()).as("file system keeps nanoseconds").isEqualTo(precise);

        assertThat(builder().build().find("a.txt").orElseThrow().mtime()).isEqualTo(precise);
    }

    @Test
    void scan_defaultExcludes_leaveOutStateLogsTmpBackupsGitAndTempFiles() throws IOException {
        write("cache/cloud/manifests/s3/nightly.json", "{}");
        write("logs/app.log", "x");
        write("tmp/t", "x");
        write("backups/cloud/1.zip", "x");
        write(".git/HEAD", "x");
        write("config/" + io.cloudsync.support.AtomicFiles.tempName(), "x");
        write("src/cache/kept.txt", "x");
        write("cachefile", "x");
        write(".gitignore", "x");
        // project files that only look like temporary files of this or an older version are kept
        write("config/.app.json.1a2b.cloudsync-tmp", "x");
        write("notes.cloudsync-tmp", "x");
        write("data/.cs-short.tmp", "x");
        write("data/.cs-0123456789abc.tmp", "x");
        write("data/scratch.tmp", "x");

        Manifest m = builder().build();

        assertThat(paths(m)).containsExactly(".gitignore", "cachefile", "config/.app.json.1a2b.cloudsync-tmp",
                "data/.cs-0123456789abc.tmp", "data/.cs-short.tmp", "data/scratch.tmp", "notes.cloudsync-tmp",
                "src/cache/kept.txt");
        assertThat(ManifestBuilder.DEFAULT_EXCLUDES).contains("cache/**", "logs/**", "tmp/**", "backups/**", ".git/**");
    }

    @Test
    void scan_customExcludesAndExcludedPath_leaveThemOut() throws IOException {
        write("build/out.class", "x");
        write("a/debug.log", "x");
        write("top.log", "x");
        write("state/manifests/x.json", "x");
        write("keep/me.txt", "x");

        Manifest m = builder().exclude(List.of("build/**", "**/*.log")).excludePath(root.resolve("state")).build();

        assertThat(paths(m)).containsExactly("keep/me.txt");
    }

    @Test
    void scan_includes_limitTheScanAndReportMissingOnes() throws IOException {
        write("src/a.txt", "a");
        write("src/sub/b.txt", "b");
        write("config/app.json", "{}");
        write("other/c.txt", "c");
        write("src/cache/x", "x"); // not excluded: excludes are anchored at the root

        ManifestBuilder.Result result = builder()
                .include(List.of("src/", "src/sub", "config/app.json", "does/not/exist")).scan();

        assertThat(paths(result.manifest())).containsExactly("config/app.json", "src/a.txt", "src/cache/x", "src/sub/b.txt");
        assertThat(result.missingIncludes()).containsExactly("does/not/exist");
    }

    @Test
    void scan_includeOfExcludedFolder_staysExcluded() throws IOException {
        write("logs/a.log", "a");

        assertThat(builder().include(List.of("logs")).build().entries()).isEmpty();
    }

    @Test
    void include_leavingTheRoot_isRejected() {
        assertThatThrownBy(() -> builder().include(List.of("../etc"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("../etc");
        assertThatThrownBy(() -> builder().include(List.of("/etc"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("relative");
    }

    @Test
    void scan_symbolicLinks_areNeverFollowedAndAreReported(@TempDir Path outside) throws IOException {
        write("real/file.txt", "content");
        Files.writeString(outside.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(root.resolve("link-to-file"), root.resolve("real/file.txt"));
        Files.createSymbolicLink(root.resolve("link-to-dir"), root.resolve("real"));
        Files.createSymbolicLink(root.resolve("link-outside"), outside);
        Files.createSymbolicLink(root.resolve("dangling"), root.resolve("nothing-here"));
        Files.createSymbolicLink(root.resolve("loop"), root);

        ManifestBuilder.Result result = builder().include(List.of("", "link-to-dir")).scan();

        assertThat(paths(result.manifest())).containsExactly("real/file.txt");
        assertThat(result.skipped()).containsExactly(
                "dangling: symbolic link, not followed",
                "link-outside: symbolic link, not followed",
                "link-to-dir: symbolic link, not followed",
                "link-to-file: symbolic link, not followed",
                "loop: symbolic link, not followed");
        assertThat(result.leftOut()).extracting(ManifestBuilder.Skipped::path)
                .containsExactly("dangling", "link-outside", "link-to-dir", "link-to-file", "loop");
        assertThat(result.leftOut()).extracting(ManifestBuilder.Skipped::reason).containsOnly("symbolic link, not followed");
        assertThat(result.leftOut()).extracting(ManifestBuilder.Skipped::text).isEqualTo(result.skipped());
    }

    @Test
    void scan_rootGivenThroughALink_isScanned(@TempDir Path elsewhere) throws IOException {
        write("a.txt", "a");
        Path link = Files.createSymbolicLink(elsewhere.resolve("root-link"), root);

        assertThat(paths(ManifestBuilder.forRoot(link).build())).containsExactly("a.txt");
    }

    @Test
    void scan_fifo_isSkippedAndReported() throws Exception {
        write("a.txt", "a");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start();
        } catch (IOException e) {
            assumeThat(false).as("mkfifo is available").isTrue();
            return;
        }
        assumeThat(mkfifo.waitFor()).as("mkfifo succeeded").isZero();

        ManifestBuilder.Result result = builder().scan();

        assertThat(paths(result.manifest())).containsExactly("a.txt");
        assertThat(result.skipped()).singleElement().asString().startsWith("pipe: not a regular file");
    }

    @Test
    void scan_nfdName_isRecordedAsNfcAndFoundAgain() throws IOException {
        String nfd = "cafe\u0301/e\u0301te\u0301.txt";
        Path file = write(nfd, "summer");
        assumeThat(Files.exists(root.resolve("caf\u00e9/\u00e9t\u00e9.txt"))).as("file system keeps names as bytes").isFalse();

        Manifest m = builder().build();

        assertThat(paths(m)).containsExactly("caf\u00e9/\u00e9t\u00e9.txt");
        assertThat(ManifestBuilder.localPathOf(root, "caf\u00e9/\u00e9t\u00e9.txt")).isEqualTo(file);
        assertThat(ManifestBuilder.localPathOf(root, "missing/x")).isEqualTo(root.resolve("missing/x"));
    }

    @Test
    void scan_nfcAndNfdFormsOfOneName_areBothReportedNotMerged() throws IOException {
        write("caf\u00e9.txt", "nfc");
        write("cafe\u0301.txt", "nfd");
        write("other.txt", "o");
        assumeThat(Files.readString(root.resolve("caf\u00e9.txt"))).as("file system keeps names as bytes").isEqualTo("nfc");

        ManifestBuilder.Result result = builder().scan();

        assertThat(paths(result.manifest())).containsExactly("other.txt");
        assertThat(result.skipped()).hasSize(2).allSatisfy(s -> assertThat(s).contains("only by Unicode normalisation"));
        // reported once, as unreadable (the remote keeps what it has there), not also as left out
        assertThat(result.unreadable()).extracting(ManifestBuilder.Unreadable::path).containsExactly("caf\u00e9.txt");
        assertThat(result.leftOut()).isEmpty();
    }

    @Test
    void scan_nameWithBackslash_isSkippedAndReported() throws IOException {
        assumeThat(java.io.File.separatorChar).isEqualTo('/');
        write("back\\slash.txt", "x");
        write("ok.txt", "x");

        ManifestBuilder.Result result = builder().scan();

        assertThat(paths(result.manifest())).containsExactly("ok.txt");
        assertThat(result.skipped()).singleElement().asString().startsWith("back\\slash.txt: name cannot be recorded");
        assertThat(result.leftOut()).singleElement().satisfies(l -> {
            assertThat(l.path()).isEqualTo("back\\slash.txt");
            assertThat(l.reason()).startsWith("name cannot be recorded");
        });
    }

    @Test
    void result_builtFromTextItems_readsLeftOutPaths_butNotTheUnreadableOnes() {
        ManifestBuilder.Result r = new ManifestBuilder.Result(Manifest.empty("m"),
                List.of("a: b: symbolic link, not followed", "secret: cannot be read", "secret/x: cannot be read"),
                List.of(), 0, 0, List.of(new ManifestBuilder.Unreadable("secret", "cannot be read")), List.of(), 0);

        assertThat(r.leftOut()).containsExactly(new ManifestBuilder.Skipped("a", "b: symbolic link, not followed"));
    }

    @Test
    void scan_unchangedTreeWithPrevious_readsNoContent() throws IOException {
        Path a = write("a.txt", "aaaa");
        write("b/b.txt", "bbbb");
        Manifest first = builder().build();
        // Same size, mtime restored: only a content read could notice. The cache must not read it.
        Files.writeString(a, "AAAA");
        Files.setLastModifiedTime(a, FileTime.from(OLD));

        ManifestBuilder.Result second = builder().previous(first).scan();

        assertThat(second.filesHashed()).isZero();
        assertThat(second.filesReused()).isEqualTo(2);
        assertThat(second.manifest().find("a.txt").orElseThrow().sha256()).isEqualTo(sha("aaaa"));
        assertThat(second.manifest().checksum()).isEqualTo(first.checksum());
    }

    @Test
    void scan_previousFromFile_readsNoContentAndGivesSameManifest() throws IOException {
        Path a = write("a.txt", "aaaa");
        write("b/b.txt", "bbbb");
        Manifest first = builder().build();
        Path file = Files.createTempFile("previous", ".json");
        Files.write(file, ManifestJson.toBytes(first));
        Files.writeString(a, "AAAA"); // same size, mtime restored: only a content read could notice
        Files.setLastModifiedTime(a, FileTime.from(OLD));

        ManifestBuilder.Result second = builder().previousFile(file).scan();

        assertThat(second.filesHashed()).isZero();
        assertThat(second.filesReused()).isEqualTo(2);
        assertThat(second.manifest().checksum()).isEqualTo(first.checksum());
        Files.delete(file);
    }

    @Test
    void scan_pendingPrevious_isAwaitedAfterTheWalkAndUsed() throws IOException {
        write("a.txt", "aaaa");
        write("b/b.txt", "bbbb");
        Manifest first = builder().build();
        CompletableFuture<Optional<Manifest>> pending = new CompletableFuture<>();
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pending.complete(Optional.of(first));
        });
        late.start();

        ManifestBuilder.Result second = builder().previousFuture(pending).scan();

        assertThat(second.filesHashed()).isZero();
        assertThat(second.filesReused()).isEqualTo(2);
        assertThat(second.manifest().checksum()).isEqualTo(first.checksum());
        assertThat(builder().previousFuture(CompletableFuture.completedFuture(Optional.<Manifest>empty())).scan().filesHashed())
                .isEqualTo(2);
    }

    @Test
    void scan_pendingPreviousFails_failsWithItsExceptionAndHashesNothing() throws IOException {
        write("a.txt", "aaaa");
        AtomicInteger hashes = new AtomicInteger();
        CompletableFuture<Optional<Manifest>> failed =
                CompletableFuture.failedFuture(new CloudSyncException("remote manifest unreadable"));

        assertThatThrownBy(() -> builder().afterHash((f, attempt) -> hashes.incrementAndGet()).previousFuture(failed).scan())
                .isInstanceOf(CloudSyncException.class).hasMessage("remote manifest unreadable");
        assertThat(hashes).hasValue(0);
    }

    @Test
    void scan_previousFileDamagedOrMissing_hashesEverything() throws IOException {
        write("a.txt", "aaaa");
        Manifest first = builder().build();
        Path damaged = Files.createTempFile("previous", ".json");
        Files.write(damaged, ManifestJson.toBytes(first));
        Files.writeString(damaged, "{", StandardOpenOption.APPEND);

        ManifestBuilder.Result fromDamaged = builder().previousFile(damaged).scan();
        ManifestBuilder.Result fromMissing = builder().previousFile(damaged.resolveSibling("absent.json")).scan();

        assertThat(fromDamaged.filesHashed()).isEqualTo(1);
        assertThat(fromDamaged.manifest().checksum()).isEqualTo(first.checksum());
        assertThat(fromMissing.filesHashed()).isEqualTo(1);
        Files.delete(damaged);
    }

    @Test
    void scan_manyFoldersOnSeveralThreads_sameManifestAsOneThread() throws IOException {
        for (int i = 0; i < 300; i++) {
            write("d" + (i % 7) + "/s" + (i % 13) + "/f" + i + ".txt", "content " + i);
        }
        write("d0.txt", "sorts before d0/ by UTF-8 bytes");

        Manifest one = builder().parallelism(1).build();
        Manifest four = builder().parallelism(4).build();

        assertThat(four.entries()).isEqualTo(one.entries());
        assertThat(four.checksum()).isEqualTo(one.checksum());
        assertThat(one.entries()).hasSize(301);
    }

    @Test
    void scan_namesWhereFolderOrderAndPathOrderDiffer_comeOutInUtf8PathOrder() throws IOException {
        // '-' (0x2D) and '.' (0x2E) sort before '/' (0x2F), '0' after it; U+E000 is EFxxxx in UTF-8 but
        // sorts after a surrogate pair (U+1F600, F0xxxxxx) in UTF-16: the walk must follow UTF-8
        List<String> names = List.of("a/b.txt", "a/c/d.txt", "a-b.txt", "a.txt", "a0", "ab/x", "a/b-c/e.txt",
                "a/b/f.txt", "z/\ue000.txt", "z/\ud83d\ude00.txt", "z/\ue000/g.txt", "zz");
        for (String name : names) {
            write(name, name);
        }
        List<String> expected = names.stream().sorted(io.cloudsync.PathRules.ORDER).toList();

        for (int threads : new int[] {1, 2, 4}) {
            ManifestBuilder.Result result = builder().parallelism(threads).scan();
            assertThat(paths(result.manifest())).as("parallelism " + threads).containsExactlyElementsOf(expected);
        }
        assertThat(expected.indexOf("z/\ue000.txt")).isLessThan(expected.indexOf("z/\ud83d\ude00.txt"));
        assertThat(expected.indexOf("a-b.txt")).isLessThan(expected.indexOf("a/b.txt"));
    }

    @Test
    void scan_changedSizeOrMtime_isHashedAgain() throws IOException {
        Path a = write("a.txt", "aaaa");
        Path b = write("b.txt", "bbbb");
        write("c.txt", "cccc");
        Manifest first = builder().build();
        Files.writeString(a, "AAAAA");
        Files.setLastModifiedTime(a, FileTime.from(OLD));
        Files.writeString(b, "BBBB");
        Files.setLastModifiedTime(b, FileTime.from(OLD.plusNanos(1)));

        ManifestBuilder.Result second = builder().previous(first).scan();

        assertThat(second.filesHashed()).isEqualTo(2);
        assertThat(second.filesReused()).isEqualTo(1);
        assertThat(second.manifest().find("a.txt").orElseThrow().sha256()).isEqualTo(sha("AAAAA"));
        assertThat(second.manifest().find("b.txt").orElseThrow().sha256()).isEqualTo(sha("BBBB"));
    }

    @Test
    void scan_mtimeCloseToPreviousCreatedAt_isRacyAndHashedAgain() throws IOException {
        Path a = write("a.txt", "aaaa");
        Instant racy = NOW.minusMillis(500);
        Files.setLastModifiedTime(a, FileTime.from(racy));
        Manifest first = builder().build();
        Files.writeString(a, "AAAA"); // same size, same mtime tick
        Files.setLastModifiedTime(a, FileTime.from(racy));

        ManifestBuilder.Result second = builder().previous(first).scan();

        assertThat(second.filesHashed()).isEqualTo(1);
        assertThat(second.manifest().find("a.txt").orElseThrow().sha256()).isEqualTo(sha("AAAA"));
    }

    @Test
    void scan_fileModifiedDuringHashing_isHashedAgainWithItsNewContent() throws IOException {
        Path a = write("a.txt", "first");
        AtomicInteger calls = new AtomicInteger();

        ManifestBuilder.Result result = builder().parallelism(1).afterHash((file, attempt) -> {
            calls.incrementAndGet();
            if (attempt == 1) {
                append(file, " and more");
            }
        }).scan();

        assertThat(calls).hasValue(2);
        ManifestEntry e = result.manifest().find("a.txt").orElseThrow();
        assertThat(e.sha256()).isEqualTo(sha("first and more"));
        assertThat(e.size()).isEqualTo(14);
        assertThat(e.mtime()).isEqualTo(Files.getLastModifiedTime(a).toInstant());
        assertThat(result.skipped()).isEmpty();
    }

    @Test
    void scan_fileRewrittenWithSameSizeDuringHashing_isNoticedByMtime() throws IOException {
        write("a.txt", "first");

        ManifestBuilder.Result result = builder().afterHash((file, attempt) -> {
            if (attempt == 1) {
                rewrite(file, "FIRST", OLD.plusSeconds(1));
            }
        }).scan();

        assertThat(result.manifest().find("a.txt").orElseThrow().sha256()).isEqualTo(sha("FIRST"));
    }

    @Test
    void scan_fileThatKeepsChanging_isLeftOutAndReported() throws IOException {
        write("busy.log.txt", "x");
        write("calm.txt", "y");

        ManifestBuilder.Result result = builder().afterHash((file, attempt) -> {
            if (file.endsWith("busy.log.txt")) {
                append(file, "x");
            }
        }).scan();

        assertThat(paths(result.manifest())).containsExactly("calm.txt");
        assertThat(result.skipped()).singleElement().asString()
                .startsWith("busy.log.txt: kept changing while it was hashed (" + ManifestBuilder.MAX_ATTEMPTS + " attempts)");
    }

    @Test
    void scan_fileDeletedDuringHashing_isReportedNotRecorded() throws IOException {
        write("gone.txt", "x");

        ManifestBuilder.Result result = builder().afterHash((file, attempt) -> {
            try {
                Files.delete(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).scan();

        assertThat(result.manifest().entries()).isEmpty();
        assertThat(result.skipped()).containsExactly("gone.txt: disappeared during the scan");
    }

    @Test
    void scan_sameTreeAnywhere_givesSameEntriesAndChecksumWhateverTheParallelism(@TempDir Path copy) throws IOException {
        for (int i = 0; i < 300; i++) {
            String path = "d" + (i % 7) + "/s" + (i % 3) + "/f " + i + (i % 5 == 0 ? "\u00e9" : "") + ".bin";
            write(path, "x".repeat(i * 37 % 5000));
            Path other = copy.resolve(path);
            Files.createDirectories(other.getParent());
            Files.copy(root.resolve(path), other);
            Files.setLastModifiedTime(other, FileTime.from(OLD));
        }

        Manifest one = builder().parallelism(1).build();
        Manifest four = builder().parallelism(4).build();
        Manifest elsewhere = ManifestBuilder.forRoot(copy).clock(Clock.fixed(NOW, ZoneOffset.UTC)).parallelism(3).build();

        assertThat(four).isEqualTo(one);
        assertThat(elsewhere.entries()).isEqualTo(one.entries());
        assertThat(elsewhere.checksum()).isEqualTo(one.checksum());
        assertThat(one.entries()).hasSize(300);
        assertThat(ManifestJson.toBytes(four)).isEqualTo(ManifestJson.toBytes(one));
    }

    @Test
    void scan_missingRoot_failsNamingIt() {
        Path missing = root.resolve("nope");

        assertThatThrownBy(() -> ManifestBuilder.forRoot(missing).scan()).isInstanceOf(CloudSyncException.class)
                .hasMessageContaining("nope").hasMessageContaining("does not exist");
    }

    @Test
    void scan_rootIsAFile_failsSayingSo() throws IOException {
        Path file = write("f.txt", "x");

        assertThatThrownBy(() -> ManifestBuilder.forRoot(file).scan()).isInstanceOf(CloudSyncException.class)
                .hasMessageContaining("not a folder");
    }

    @Test
    void scan_unreadableFile_isReported() throws IOException {
        assumeThat(System.getProperty("user.name")).as("root can read everything").isNotEqualTo("root");
        Path secret = write("secret.txt", "x");
        write("ok.txt", "y");
        assumeThat(secret.toFile().setReadable(false, false)).isTrue();
        try {
            ManifestBuilder.Result result = builder().scan();

            assertThat(paths(result.manifest())).containsExactly("ok.txt");
            assertThat(result.skipped()).singleElement().asString().startsWith("secret.txt: cannot be read");
        } finally {
            secret.toFile().setReadable(true, false);
        }
    }

    @Test
    void settings_badValues_areRejected() {
        assertThatThrownBy(() -> builder().parallelism(0)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> builder().exclude(List.of("/abs"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("/abs");
    }

    private static void append(Path file, String more) {
        try {
            Files.writeString(file, more, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void rewrite(Path file, String content, Instant mtime) {
        try {
            Files.writeString(file, content);
            Files.setLastModifiedTime(file, FileTime.from(mtime));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
