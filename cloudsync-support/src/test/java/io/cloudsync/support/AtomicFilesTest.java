package io.cloudsync.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writeCreatesTheFolderAndTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("a/b/state.json");

        AtomicFiles.write(target, "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(target).hasContent("{}");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
        }
    }

    @Test
    void aFileSystemRootIsRefusedWithAMessageThatSaysSo() {
        Path root = dir.toAbsolutePath().getRoot();

        assertThatThrownBy(() -> AtomicFiles.write(root, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(root + " is a file system root");
        assertThatThrownBy(() -> AtomicFiles.prepareTemp(root, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give the path of a file in a folder");
    }
}
