package io.cloudsync.it.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.result.VerifyResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts as separate JVM processes ({@link HostMain}), each with its own tree and state folder,
 * syncing snapshot {@code nightly} of one {@code local} remote at once: exactly one commits each
 * round, the others exit 6 (the remote lease is held) or 7 (another run committed first), each
 * succeeds when run again, and the remote's manifest names only files that are there.
 *
 * <p>S3 is covered in threads only, not here: the test-started S3 servers (S3Mock, S3Proxy) decide
 * conditional writes one request at a time but not concurrent ones atomically (docs/S3.md), so a
 * race of processes on them could let two leases or two commits through and prove nothing.
 */
class MultiHostProcessTest {

    private static final int HOSTS = 3;

    @TempDir
    Path tmp;

    private Process start(int host, Path meeting, int meetingOf) throws IOException {
        Path dir = tmp.resolve("host" + host);
        Path log = dir.resolve("out-" + meeting.getFileName() + ".txt");
        Files.createDirectories(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Dfile.encoding=UTF-8",
                HostMain.class.getName(), dir.resolve("project").toString(), dir.resolve("state").toString(),
                tmp.resolve("remote").toString(), meeting.toString(), Integer.toString(meetingOf), "host" + host)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int exitOf(Process p) throws InterruptedException {
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("the host process ended").isTrue();
        return p.exitValue();
    }

    private String output(int host, Path meeting) throws IOException {
        return Files.readString(tmp.resolve("host" + host + "/out-" + meeting.getFileName() + ".txt"), StandardCharsets.UTF_8);
    }

    private void write(int host, String path, String content) throws IOException {
        Path file = tmp.resolve("host" + host + "/project/" + path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private VerifyResult verify() throws IOException {
        Path viewer = Files.createDirectories(tmp.resolve("viewer"));
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", tmp.resolve("remote").toString())).build();
        return CloudSync.builder().root(viewer).stateDirectory(tmp.resolve("viewer-state")).config(config).build()
                .verify("local", "nightly", 100);
    }

    @Test
    void hostsInSeparateProcesses_oneCommitsEachRound_theOthersExit6or7_andSucceedWhenRunAgain() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (int h = 0; h < HOSTS; h++) {
                write(h, "shared.txt", "host " + h + " round " + round);
                write(h, "host" + h + "/round" + round + ".txt", "host " + h + " round " + round);
            }
            Path meeting = tmp.resolve("meeting-" + round);
            List<Process> processes = new ArrayList<>();
            for (int h = 0; h < HOSTS; h++) {
                processes.add(start(h, meeting, HOSTS));
            }
            List<Integer> codes = new ArrayList<>();
            for (Process p : processes) {
                codes.add(exitOf(p));
            }
            StringBuilder outputs = new StringBuilder();
            for (int h = 0; h < HOSTS; h++) {
                outputs.append("host ").append(h).append(": ").append(output(h, meeting)).append('\n');
            }

            assertThat(codes).as("round %d exit codes %s%n%s", round, codes, outputs).allMatch(c -> c == 0 || c == 6 || c == 7)
                    .filteredOn(c -> c == 0).hasSize(1);
            for (int h = 0; h < HOSTS; h++) {
                if (codes.get(h) == 6) {
                    assertThat(output(h, meeting)).contains("remote lease", "leases/nightly.json", "Wait for that run");
                }
            }
            VerifyResult v = verify();
            assertThat(v.problems()).as("round %d: the remote after the race, exit codes %s%n%s", round, codes, outputs).isEmpty();

            for (int h = 0; h < HOSTS; h++) {
                if (codes.get(h) != 0) {
                    Path alone = tmp.resolve("again-" + round + "-" + h);
                    assertThat(exitOf(start(h, alone, 1))).as("host %d run again: %s", h, output(h, alone)).isZero();
                    assertThat(verify().problems()).isEmpty();
                    assertThat(Files.readString(tmp.resolve("remote/nightly/host" + h + "/round" + round + ".txt")))
                            .isEqualTo("host " + h + " round " + round);
                }
            }
            assertThat(tmp.resolve("remote/.cloudsync/leases/nightly.json")).as("no lease left behind").doesNotExist();
        }
    }
}
