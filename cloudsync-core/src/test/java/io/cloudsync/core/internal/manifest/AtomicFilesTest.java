package io.cloudsync.core.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AtomicFilesTest {

    /** 255 bytes each: ASCII, two- and three-byte characters, four-byte characters. */
    static final List<String> LONG_NAMES = List.of("a".repeat(251) + ".txt", "\u00e9" + "\u65e5".repeat(83) + ".txt",
            "\uD83D\uDE00".repeat(62) + "abc.txt");

    @TempDir
    Path dir;

    @Test
    void tempName_isShortFixedLengthAndMatchesTheGlobAndTheCheck() {
        Glob glob = Glob.of(AtomicFiles.TEMP_GLOB);
        for (int i = 0; i < 1000; i++) {
            String name = AtomicFiles.tempName();

            assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(AtomicFiles.TEMP_NAME_LENGTH);
            assertThat(name).startsWith(".cs-").endsWith(".tmp");
            assertThat(AtomicFiles.isTempName(name)).as(name).isTrue();
            assertThat(glob.matchesFile("some/folder/" + name)).as(name).isTrue();
            assertThat(glob.matchesFile(name)).as(name).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {".a.cloudsync-tmp", ".a.txt.1f2e3d4c5b6a7988.cloudsync-tmp", "x.tmp", ".cs-short.tmp",
        ".cs-0123456789abc.tmp", "cs-0123456789ab.tmp", ".cs-0123456789ab.tmpx", ".cs-0123456789a/.tmp"})
    void otherNames_areNotTempNames_andAreNotExcluded(String name) {
        assertThat(AtomicFiles.isTempName(name)).isFalse();
        assertThat(Glob.of(AtomicFiles.TEMP_GLOB).matchesFile("dir/" + name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {".cs-0123456789AB.tmp", ".cs-0123456789a-.tmp"})
    void namesOfTheTempFrameWithOtherCharacters_areNotTempNames_butTheGlobReservesThem(String name) {
        // globs have no character classes: the scan leaves out every .cs-<12 characters>.tmp
        assertThat(AtomicFiles.isTempName(name)).isFalse();
        assertThat(Glob.of(AtomicFiles.TEMP_GLOB).matchesFile("dir/" + name)).isTrue();
    }

    @Test
    void write_targetsWith255ByteNames_areWrittenAndLeaveNoTemporaryFile() throws IOException {
        for (String name : LONG_NAMES) {
            assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(255);
            Path target = dir.resolve("folder").resolve(name);

            AtomicFiles.write(target, name.getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(target, ("again " + name).getBytes(StandardCharsets.UTF_8));

            assertThat(Files.readString(target)).isEqualTo("again " + name);
        }
        try (Stream<Path> files = Files.list(dir.resolve("folder"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(LONG_NAMES);
        }
    }

    @Test
    void prepareTemp_besideA255ByteName_isInTheSameFolderWithAShortName() throws IOException {
        Path target = dir.resolve(LONG_NAMES.get(1));

        Path temp = AtomicFiles.prepareTemp(target, false);
        Files.writeString(temp, "x");
        AtomicFiles.commit(temp, target);

        assertThat(temp.getParent()).isEqualTo(target.getParent());
        assertThat(AtomicFiles.isTempName(temp.getFileName().toString())).isTrue();
        assertThat(Files.readString(target)).isEqualTo("x");
        assertThat(Files.exists(temp)).isFalse();
    }
}
