package io.cloudsync.core.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streamed scan's memory does not grow with the tree: 120,000 files stream through a JVM whose
 * heap could not hold their candidates at once (the scan before streaming needed more than 64 MiB
 * for 200,000 files; this one streams 200,000 in 16 MiB). The margin is twofold: the streamed scan
 * of this tree fits in half the heap given here.
 */
class TreeScanMemoryTest {

    private static final int FILES = 120_000;

    @Test
    void scanTo_treeLargerThanTheHeapCouldHold_streamsUnderASmallHeap(@TempDir Path dir) throws Exception {
        Path tree = dir.resolve("tree");
        ScanMemoryMain.make(tree, FILES, 240);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-Xmx32m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                ScanMemoryMain.class.getName(),
                tree.toString(), Integer.toString(FILES), "240", "2"))
                .redirectErrorStream(true).start();
        boolean ended = child.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            child.destroyForcibly();
        }
        String output = output(child);

        assertThat(ended).as("the scan ended").isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("files=" + FILES + " ");
    }

    private static String output(Process child) throws IOException {
        return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
