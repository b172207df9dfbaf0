package io.cloudsync.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the benchmarks share: the tree they run on, and the coreutils baseline they run beside it. */
final class Reference {

    private Reference() {
    }

    /**
     * The tree a benchmark runs on, from its {@code root} parameter.
     *
     * @param root the parameter's value
     * @param benchmark the benchmark's name, for the message
     * @return the folder
     * @throws IllegalArgumentException when no existing folder was given
     */
    static Path tree(String root, String benchmark) {
        Path dir = Path.of(root);
        if (root.isEmpty() || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(benchmark + " needs an existing tree: pass -p root=DIR"
                    + " (bench/manifest-bench.sh generates one); was \"" + root + '"');
        }
        return dir;
    }

    /**
     * Runs a command to its end, its output thrown away (as {@code > /dev/null} would).
     *
     * @param command the program and its arguments
     * @return the exit code, always 0
     * @throws IllegalStateException when the command fails, so that a broken baseline stops the run
     */
    static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        int exit = p.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("reference command failed with exit code " + exit + ": " + command);
        }
        return exit;
    }
}
