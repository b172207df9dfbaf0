package io.cloudsync.core.internal.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.spi.MetadataPrecondition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conditional puts from separate processes on one folder (the file lock, not the in-process monitor,
 * keeps them apart): no two puts may both succeed over the same version.
 */
class LocalMetadataProcessTest {

    private static final int CHILDREN = 3;
    private static final int ATTEMPTS = 150;

    @TempDir
    Path tmp;

    @Test
    void racingProcesses_neverBothReplaceTheSameVersion() throws Exception {
        Path remote = tmp.resolve("remote");
        new LocalProvider(remote).putMetadata("manifests/s.json", "start".getBytes(StandardCharsets.UTF_8),
                MetadataPrecondition.none());
        Path start = tmp.resolve("go");
        List<Process> children = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int i = 0; i < CHILDREN; i++) {
            Path out = tmp.resolve("child-" + i + ".out");
            outputs.add(out);
            children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LocalMetadataChildMain.class.getName(),
                    remote.toString(), "manifests/s.json", "child-" + i, String.valueOf(ATTEMPTS), start.toString(),
                    out.toString())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child-" + i + ".log").toFile()).start());
        }
        Files.writeString(start, "go");
        for (int i = 0; i < CHILDREN; i++) {
            Process child = children.get(i);
            if (!child.waitFor(3, TimeUnit.MINUTES)) { // only keeps a hung child from hanging the build
                child.destroyForcibly();
            }
            assertThat(child.exitValue()).as(Files.readString(tmp.resolve("child-" + i + ".log"))).isZero();
        }

        List<String> replaced = new ArrayList<>();
        for (Path out : outputs) {
            replaced.addAll(Files.readAllLines(out, StandardCharsets.UTF_8));
        }
        assertThat(replaced).as("every version was replaced at most once").doesNotHaveDuplicates();
        assertThat(replaced).isNotEmpty();
    }
}
