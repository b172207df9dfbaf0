package io.cloudsync.core.internal.vault;

import static io.cloudsync.core.internal.vault.VaultFixtures.PASSPHRASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.core.Vaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests that need a JVM of their own: concurrent writers in two processes, and what reaches the logs. */
class VaultProcessTest {

    private static final int WRITES_PER_PROCESS = 25;

    @TempDir
    Path dir;

    @Test
    void twoProcessesWritingAtOnce_loseNoUpdate() throws Exception {
        Path file = dir.resolve("cloudsync.secrets.json");
        VaultFixtures.create(file);
        Path start = dir.resolve("start");
        List<Process> writers = new ArrayList<>();
        for (String prefix : List.of("one", "two")) {
            writers.add(child(List.of(), List.of("write", file.toString(), prefix, String.valueOf(WRITES_PER_PROCESS),
                    start.toString()), dir.resolve(prefix + ".out")));
        }
        Files.createFile(start);
        for (int i = 0; i < writers.size(); i++) {
            assertThat(finish(writers.get(i))).as(output(dir.resolve(i == 0 ? "one.out" : "two.out"))).isZero();
        }

        FileVault vault = VaultFixtures.open(file);
        assertThat(vault.list()).hasSize(2 * WRITES_PER_PROCESS);
        for (String prefix : List.of("one", "two")) {
            for (int i = 0; i < WRITES_PER_PROCESS; i++) {
                assertThat(vault.get(prefix + ".k" + i).orElseThrow().revealString()).isEqualTo(prefix + "-value-" + i);
            }
        }
        assertThat(FileVault.inspect(file).backups()).isEqualTo(5);
    }

    @Test
    void noSecretOrPassphrase_everReachesTheLogs() throws Exception {
        Path log = dir.resolve("vault.log");
        Path out = dir.resolve("scenario.out");
        Process scenario = child(List.of("-Dorg.slf4j.simpleLogger.logFile=" + log,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"), List.of("scenario", dir.toString()), out);
        assertThat(finish(scenario)).as(output(out)).isZero();

        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(logged).contains("vault.unlock", "vault.write", "vault.restore_backup", "vault.damaged",
                "vault.passphrase", "does not unlock", "is damaged", "failure as expected", "vault.scenario_done");
        assertThat(logged).doesNotContain("unexpected failure", "expected a failure\n");
        assertThat(logged).doesNotContain("SENTINEL");
        assertThat(output(out)).doesNotContain("SENTINEL");
    }

    private Process child(List<String> jvmArgs, List<String> args, Path output) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(VaultChildMain.class.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put(Vaults.PASSPHRASE_ENV, PASSPHRASE.revealString());
        return builder.start();
    }

    /** Waits for the child; the limit only keeps a hung child from hanging the build. */
    private static int finish(Process process) throws InterruptedException {
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    private static String output(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
