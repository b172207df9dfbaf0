package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Manifest;
import io.cloudsync.core.result.PullResult;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs killed with SIGKILL at random moments, several times in a row, must lose nothing: the next run
 * resumes without resending what the journal records as verified, and the last one leaves the remote
 * equal to the local tree with a manifest that claims nothing missing.
 */
class CrashResumeTest {

    private static final int FILES = 80;
    private static final int PARALLELISM = 4;

    @TempDir
    Path tmp;

    @Test
    void run_killedAtRandomPoints_resumesAndConverges() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Path state = tmp.resolve("state");
        Path remote = tmp.resolve("remote");
        for (int i = 0; i < FILES; i++) {
            Trees.write(root, "dir" + (i % 7) + "/file-" + i + ".bin", "content of file " + i + " ".repeat(i));
        }
        Path journal = state.resolve("journal/scripted/nightly.journal");
        Random random = new Random(42);
        Set<String> journaledBefore = new HashSet<>();
        int kills = 0;
        int totalUploads = 0;
        for (int round = 0; round < 4; round++) {
            Path log = tmp.resolve("uploads-" + round + ".log");
            Process child = start(root, state, remote, log, 60);
            long killAfter = 700 + random.nextInt(900);
            boolean finished = child.waitFor(killAfter, TimeUnit.MILLISECONDS);
            if (!finished) {
                child.destroyForcibly();                 // SIGKILL on Unix: no shutdown hooks, no finally blocks
                child.waitFor(30, TimeUnit.SECONDS);
                kills++;
            }
            List<String> sent = readLines(log);
            totalUploads += sent.size();
            assertThat(sent).as("round %d resent a file that an earlier run had recorded as verified", round)
                    .noneMatch(journaledBefore::contains);
            journaledBefore.addAll(journaledPaths(journal));
            if (finished) {
                break;
            }
        }
        assertThat(kills).as("the child must have been killed at least once for this test to mean anything")
                .isGreaterThan(0);

        Path finalLog = tmp.resolve("uploads-final.log");
        Process last = start(root, state, remote, finalLog, 0);
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(last.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("SUCCESS");
        List<String> finalSent = readLines(finalLog);
        assertThat(finalSent).noneMatch(journaledBefore::contains);
        totalUploads += finalSent.size();

        assertThat(Trees.read(remote.resolve("nightly"))).isEqualTo(Trees.read(root));
        Manifest committed = TestManifests.committed(remote, "nightly");
        assertThat(committed.entries()).hasSize(FILES);
        // Only files not yet journalled at a kill can be sent twice: those in flight (at most
        // PARALLELISM) and those stored but waiting for the flush that journals them. The local
        // provider's flush of a few files is cheap, so the engine flushes within a few of its own
        // durations, well before PARALLELISM more uploads (each slowed to 60 ms) have finished.
        assertThat(totalUploads).isLessThanOrEqualTo(FILES + kills * 2 * PARALLELISM);
        assertThat(journal).doesNotExist();
    }

    /**
     * SIGKILL after some overwrites reached the remote and before the commit: a pull of the snapshot
     * restores a tree in which every file verifies, and verify finds no problem.
     */
    @Test
    void run_killedBetweenOverwritesAndTheCommit_leavesASnapshotThatPullsAndVerifies() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Path state = tmp.resolve("state");
        Path remote = tmp.resolve("remote");
        for (int i = 0; i < 30; i++) {
            Trees.write(root, "dir" + (i % 3) + "/file-" + i + ".txt", "first version of " + i);
        }
        Process first = start(root, state, remote, tmp.resolve("first.log"), 0);
        assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("SUCCESS");
        for (int i = 0; i < 30; i++) {
            Trees.write(root, "dir" + (i % 3) + "/file-" + i + ".txt", "second, longer version of file " + i);
        }
        Path log = tmp.resolve("overwrites.log");
        Process child = start(root, state, remote, log, 150);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (readLines(log).size() < 5 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(child.isAlive()).as("the child must still be running to be killed between overwrite and commit").isTrue();
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(readLines(log).size()).isBetween(5, 29);

        CloudSyncConfig config = CloudSyncConfig.builder().enable("scripted")
                .service("scripted", Map.of("directory", remote.toString())).build();
        CloudSync cs = CloudSync.builder().root(root).stateDirectory(state).config(config)
                .provider(TestProviders.scripted("scripted", new TestProviders.Script())).build();
        Path target = Files.createDirectories(tmp.resolve("pulled"));
        PullResult pulled = cs.pull("scripted", "nightly", target, false);
        assertThat(pulled.errors()).isEmpty();
        for (io.cloudsync.ManifestEntry e : pulled.manifest().entries()) {
            assertThat(io.cloudsync.core.internal.hash.Hashing.sha256(target.resolve(e.path()))).as(e.path()).isEqualTo(e.sha256());
        }
        assertThat(cs.verify("scripted", "nightly", 100).problems()).isEmpty();

        Process last = start(root, state, remote, tmp.resolve("last.log"), 0);
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(last.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("SUCCESS");
        assertThat(Trees.read(remote.resolve("nightly"))).isEqualTo(Trees.read(root));
        assertThat(cs.verify("scripted", "nightly", 100).extra()).isEmpty();
    }

    private Process start(Path root, Path state, Path remote, Path log, int delayMillis) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPath, "-Xmx128m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", KillableRunMain.class.getName(),
                root.toString(), state.toString(), remote.toString(), log.toString(), Integer.toString(delayMillis)));
        return new ProcessBuilder(command).redirectError(tmp.resolve("child-stderr.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static List<String> readLines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private static Set<String> journaledPaths(Path journal) throws IOException {
        Set<String> paths = new HashSet<>();
        if (!Files.exists(journal)) {
            return paths;
        }
        String text = Files.readString(journal, StandardCharsets.UTF_8);
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            String[] parts = line.split("\t", 4);
            if (parts.length == 4 && parts[0].equals("U")) {
                paths.add(parts[3]);
            }
        }
        return paths;
    }
}
