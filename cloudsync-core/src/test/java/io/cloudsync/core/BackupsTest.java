package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.BackupException;
import io.cloudsync.core.internal.backup.ArchiveWriter;
import io.cloudsync.core.result.BackupCreateResult;
import io.cloudsync.core.result.BackupInfo;
import io.cloudsync.core.result.BackupRestoreResult;
import io.cloudsync.core.result.BackupVerifyResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupsTest {

    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00.250Z");
    private static final Instant OLD = Instant.parse("2023-03-28T10:40:00.123456789Z");

    @TempDir
    Path dir;

    private Path root() throws IOException {
        return Files.createDirectories(dir.resolve("project"));
    }

    private Backups backups(Path root, Instant at) {
        return Backups.of(root).clock(Clock.fixed(at, ZoneOffset.UTC));
    }

    private static Path write(Path root, String path, String content) throws IOException {
        Path f = Trees.write(root, path, content);
        Files.setLastModifiedTime(f, FileTime.from(OLD));
        return f;
    }

    @Test
    void create_thenRestore_roundTripsUnicodeNamesEmptyFilesAndEmptyFolders() throws IOException {
        Path root = root();
        write(root, "data/scenes/scène 1 — café.json", "{\"a\":1}");
        write(root, "data/日本語/ファイル.txt", "こんにちは");
        write(root, "data/empty.bin", "");
        write(root, "assets/icons/😀.svg", "<svg/>");
        write(root, "config/app.json", "{}");
        write(root, "notes.txt", "not in the default paths");
        Files.createDirectories(root.resolve("data/empty-folder/nested"));
        Files.createDirectories(root.resolve("assets/void"));

        BackupCreateResult made = backups(root, NOW).create("Before upgrade: v2/3");

        assertThat(made.name()).isEqualTo("20240601T120000Z-Before_upgrade_v2_3.zip");
        assertThat(made.archive()).exists().hasParent(root.resolve("backups/cloud"));
        assertThat(made.label()).isEqualTo("Before upgrade: v2/3");
        assertThat(made.files()).isEqualTo(5);
        assertThat(made.folders()).isEqualTo(2);
        assertThat(made.missingPaths()).isEmpty();
        assertThat(made.rotated()).isEmpty();
        try (Stream<Path> files = Files.list(root.resolve("backups/cloud"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(made.name());
        }

        Path target = dir.resolve("restored");
        BackupRestoreResult r = backups(root, NOW).restore(made.name(), target, false);

        assertThat(r.restored()).containsExactly("assets/icons/😀.svg", "config/app.json", "data/empty.bin",
                "data/scenes/scène 1 — café.json", "data/日本語/ファイル.txt");
        assertThat(r.skipped()).isEmpty();
        assertThat(r.refused()).isEmpty();
        assertThat(r.foldersCreated()).containsExactly("assets/void", "data/empty-folder/nested");
        for (String top : List.of("data", "assets", "config")) {
            Map<String, String> expected = Trees.read(root.resolve(top));
            assertThat(Trees.read(target.resolve(top))).isEqualTo(expected);
        }
        assertThat(target.resolve("notes.txt")).doesNotExist();
        assertThat(target.resolve("data/empty-folder/nested")).isEmptyDirectory();
        assertThat(Files.getLastModifiedTime(target.resolve("config/app.json")).toInstant()).isEqualTo(OLD);

        BackupVerifyResult v = backups(root, NOW).verify(made.name());
        assertThat(v.entryCount()).isEqualTo(5);
        assertThat(v.manifestChecksum()).isEqualTo(made.manifestChecksum());
        assertThat(v.label()).isEqualTo("Before upgrade: v2/3");
    }

    @Test
    void create_missingPathsAndSymlinks_areReportedNotArchived() throws IOException {
        Path root = root();
        write(root, "data/a.txt", "a");
        write(root, "outside.txt", "secret");
        Files.createSymbolicLink(root.resolve("data/link.txt"), root.resolve("outside.txt"));

        BackupCreateResult made = backups(root, NOW).create("x", List.of("data", "nope"), 5);

        assertThat(made.files()).isEqualTo(1);
        assertThat(made.missingPaths()).containsExactly("nope");
        assertThat(made.skipped()).singleElement().asString().contains("data/link.txt").contains("symbolic link");
    }

    @Test
    void create_twiceInTheSameSecond_keepsBothArchives() throws IOException {
        Path root = root();
        write(root, "data/a.txt", "a");
        Backups b = backups(root, NOW);

        String first = b.create("same").name();
        String second = b.create("same").name();
        String third = b.create("same").name();

        assertThat(first).isEqualTo("20240601T120000Z-same.zip");
        assertThat(second).isEqualTo("20240601T120000Z-same~2.zip");
        assertThat(third).isEqualTo("20240601T120000Z-same~3.zip");
        assertThat(b.list()).extracting(BackupInfo::name).containsExactly(third, second, first);
    }

    @Test
    void create_sevenArchivesWithMaxFive_deletesTheTwoOldestAndLeavesForeignZipsAlone() throws IOException {
        Path root = root();
        write(root, "data/a.txt", "a");
        Path folder = Files.createDirectories(root.resolve("backups/cloud"));
        // a user's own zip that even has our name pattern, but no manifest: never counted, never deleted
        Path foreign = folder.resolve("20000101T000000Z-mine.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(foreign))) {
            z.putNextEntry(new ZipEntry("photo.jpg"));
            z.write(new byte[] {1, 2, 3});
        }
        Path other = Files.writeString(folder.resolve("notes.zip"), "not even a zip");

        List<String> rotated = List.of();
        String[] names = new String[7];
        for (int i = 0; i < 7; i++) {
            BackupCreateResult made = backups(root, NOW.plusSeconds(60L * i)).create("n" + i, List.of(), 5);
            names[i] = made.name();
            if (i == 6) {
                rotated = made.rotated();
            }
        }

        assertThat(rotated).containsExactly(names[1]);
        assertThat(backups(root, NOW).list()).extracting(BackupInfo::name)
                .containsExactly(names[6], names[5], names[4], names[3], names[2]);
        assertThat(folder.resolve(names[0])).doesNotExist();
        assertThat(foreign).exists();
        assertThat(other).exists();
    }

    @Test
    void create_withAClockThatWentBack_neverDeletesTheNewArchive() throws IOException {
        Path root = root();
        write(root, "data/a.txt", "a");
        backups(root, NOW).create("later", List.of(), 1);

        BackupCreateResult made = backups(root, NOW.minusSeconds(3600)).create("earlier", List.of(), 1);

        assertThat(made.archive()).exists();
        assertThat(made.rotated()).containsExactly("20240601T120000Z-later.zip");
    }

    @Test
    void list_showsLabelTimeSizeCountAndChecksum() throws IOException {
        Path root = root();
        write(root, "data/a.txt", "aaa");
        write(root, "config/b.txt", "bb");
        BackupCreateResult made = backups(root, NOW).create("nightly");

        assertThat(backups(root, NOW).list()).singleElement().satisfies(info -> {
            assertThat(info.name()).isEqualTo(made.name());
            assertThat(info.label()).isEqualTo("nightly");
            assertThat(info.createdAt()).isEqualTo(NOW);
            assertThat(info.size()).isEqualTo(Files.size(made.archive()));
            assertThat(info.entryCount()).isEqualTo(2);
            assertThat(info.totalBytes()).isEqualTo(5);
            assertThat(info.manifestChecksum()).isEqualTo(made.manifestChecksum());
        });
    }

    @Test
    void restore_withoutReplace_skipsExistingFiles_withReplace_overwritesThem() throws IOException {
        Path root = root();
        write(root, "data/a.txt", "archived a");
        write(root, "data/b.txt", "archived b");
        Backups b = backups(root, NOW);
        String name = b.create("x").name();
        Files.writeString(root.resolve("data/a.txt"), "edited a");
        Files.delete(root.resolve("data/b.txt"));

        BackupRestoreResult keep = b.restore(name, null, false);

        assertThat(keep.target()).isEqualTo(root.toAbsolutePath().normalize());
        assertThat(keep.skipped()).containsExactly("data/a.txt");
        assertThat(keep.restored()).containsExactly("data/b.txt");
        assertThat(root.resolve("data/a.txt")).hasContent("edited a");
        assertThat(root.resolve("data/b.txt")).hasContent("archived b");

        BackupRestoreResult replace = b.restore(name, null, true);

        assertThat(replace.skipped()).isEmpty();
        assertThat(replace.restored()).containsExactly("data/a.txt", "data/b.txt");
        assertThat(root.resolve("data/a.txt")).hasContent("archived a");
        try (Stream<Path> files = Files.list(root.resolve("data"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.txt", "b.txt");
        }
    }

    @Test
    void restore_whereTheTargetHasASymlinkedFolderOrAFolderInTheWay_refusesThoseFilesOnly() throws IOException {
        Path root = root();
        write(root, "data/a.txt", "a");
        write(root, "assets/b.txt", "b");
        write(root, "config/c.txt", "c");
        String name = backups(root, NOW).create("x").name();
        Path target = Files.createDirectories(dir.resolve("t"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(target.resolve("data"), elsewhere);
        Files.createDirectories(target.resolve("assets/b.txt"));

        BackupRestoreResult r = backups(root, NOW).restore(name, target, true);

        assertThat(r.restored()).containsExactly("config/c.txt");
        assertThat(r.refused()).hasSize(2).anySatisfy(s -> assertThat(s).startsWith("data/a.txt: ").contains("symbolic link"))
                .anySatisfy(s -> assertThat(s).startsWith("assets/b.txt: ").contains("folder"));
        try (Stream<Path> files = Files.list(elsewhere)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void restoreAndVerify_namesWithAPath_areRefused() throws IOException {
        Backups b = backups(root(), NOW);
        for (String bad : List.of("../x.zip", "a/b.zip", "..\\x.zip", "/tmp/x.zip", "C:x.zip", ".hidden.zip", "", "x.tar")) {
            assertThatThrownBy(() -> b.restore(bad, dir.resolve("t"), true)).isInstanceOf(BackupException.class)
                    .hasMessageContaining("refused");
            assertThatThrownBy(() -> b.verify(bad)).isInstanceOf(BackupException.class);
        }
        assertThatThrownBy(() -> b.verify("20240101T000000Z-none.zip")).isInstanceOf(BackupException.class)
                .hasMessageContaining("does not exist");
        assertThat(dir.resolve("t")).doesNotExist();
    }

    @Test
    void create_fileChangedBetweenScanAndArchiving_archivesTheNewContentWithAMatchingManifest() throws IOException {
        Path root = root();
        Path f = write(root, "data/a.txt", "first");
        Backups b = backups(root, NOW).createHooks(new ArchiveWriter.Hooks() {
            @Override
            public void beforeRead(Path file) {
                try {
                    Files.writeString(file, "second, longer");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });

        BackupCreateResult made = b.create("x");

        assertThat(backups(root, NOW).verify(made.name()).totalBytes()).isEqualTo("second, longer".length());
        Path target = dir.resolve("t");
        backups(root, NOW).restore(made.name(), target, false);
        assertThat(target.resolve("data/a.txt")).hasContent("second, longer");
        assertThat(f).hasContent("second, longer");
    }

    @Test
    void create_fileChangedWhileBeingRead_failsClearlyAndLeavesNoArchive() throws IOException {
        Path root = root();
        write(root, "data/a.txt", "first");
        Backups b = backups(root, NOW).createHooks(new ArchiveWriter.Hooks() {
            @Override
            public void beforeRead(Path file) {
                try {
                    Files.writeString(file, "second");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void afterRead(Path file) {
                try {
                    Files.writeString(file, "third, while it was read");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });

        assertThatThrownBy(() -> b.create("x")).isInstanceOf(BackupException.class)
                .hasMessageContaining("data/a.txt").hasMessageContaining("changed while it was being archived");
        try (Stream<Path> files = Files.list(root.resolve("backups/cloud"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void create_archive_isAZipWithTheManifestAtTheDocumentedPath() throws IOException {
        Path root = root();
        write(root, "data/a.txt", "a");
        BackupCreateResult made = backups(root, NOW).create("x");

        try (ZipFile zip = new ZipFile(made.archive().toFile());
             InputStream in = zip.getInputStream(zip.getEntry(Backups.MANIFEST_PATH))) {
            assertThat(ManifestJson.read(in, "test").checksum()).isEqualTo(made.manifestChecksum());
            assertThat(zip.getEntry("data/a.txt")).isNotNull();
        }
    }

    @Test
    void create_badArguments_areRefusedWithAClearMessage() throws IOException {
        Path root = root();
        assertThatThrownBy(() -> backups(root, NOW).create("x", List.of(), 0)).isInstanceOf(BackupException.class)
                .hasMessageContaining("maxBackups");
        assertThatThrownBy(() -> backups(root, NOW).create("x", List.of("../etc"), 5)).isInstanceOf(BackupException.class)
                .hasMessageContaining("../etc");
        assertThatThrownBy(() -> Backups.of(root).compressionLevel(10)).isInstanceOf(BackupException.class);
        assertThatThrownBy(() -> backups(dir.resolve("missing"), NOW).create("x")).isInstanceOf(BackupException.class)
                .hasMessageContaining("not a folder");
    }

    @Test
    void safeLabel_keepsOnlyFileNameSafeCharacters() throws IOException {
        Path root = root();
        write(root, "data/a.txt", "a");
        assertThat(backups(root, NOW).create("../../etc/passwd").name()).isEqualTo("20240601T120000Z-etc_passwd.zip");
        assertThat(backups(root, NOW).create("  ").name()).isEqualTo("20240601T120000Z-backup.zip");
        assertThat(backups(root, NOW).create("ünïcödé\u0000").name()).isEqualTo("20240601T120000Z-n_c_d.zip");
        assertThat(Files.readString(root.resolve("data/a.txt"), StandardCharsets.UTF_8)).isEqualTo("a");
    }
}
