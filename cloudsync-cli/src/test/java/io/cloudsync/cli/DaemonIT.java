package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm daemon, through its real client and real daemon processes over a Unix socket: the same
 * output and exit codes as a process of its own, the client's working folder, environment and stdin,
 * one daemon per environment and jar, a private folder, and a daemon that stops when its client is
 * killed in the middle of a command.
 */
class DaemonIT {

    @TempDir
    Path tmp;
    Fixture f;
    Path daemonDir;
    Path jar;

    @BeforeEach
    void setUp() throws IOException {
        f = new Fixture(tmp);
        daemonDir = tmp.resolve("daemons");
        jar = Files.copy(Jar.JAR, tmp.resolve("cloudsync.jar")); // a copy, so that a test may touch it
    }

    @AfterEach
    void stopDaemons() {
        client(f.root, Map.of(), "", "daemon", "stop");
    }

    /** The launcher's client: {@code java -cp JAR io.cloudsync.cli.DaemonClient ARGS}, daemon folder in the test. */
    private Jar.Proc client(Path dir, Map<String, String> env, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Jar.JAVA.toString(), "-XX:+UseSerialGC", "-Dcloudsync.daemon=on",
                "-Dcloudsync.daemon.jvm=-XX:+UseSerialGC -Dcloudsync.daemon.check=100", "-cp", jar.toString(),
                "io.cloudsync.cli.DaemonClient"));
        cmd.addAll(List.of(args));
        Map<String, String> all = new HashMap<>(env);
        all.put("CLOUDSYNC_DAEMON_DIR", daemonDir.toString());
        return Jar.exec(dir, all, stdin, cmd);
    }

    private List<Long> daemonPids() {
        Jar.Proc status = client(f.root, Map.of(), "", "daemon", "status");
        assertThat(status.code()).as(status.toString()).isZero();
        List<Long> pids = new ArrayList<>();
        Matcher m = Pattern.compile("running: pid (\\d+)").matcher(status.out());
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    @Test
    void commandsRunInOneWarmDaemon_withTheSameOutputAndExitCodesAsInTheirOwnProcess() {
        // relative paths: resolved against the client's working folder, not the daemon's
        Path work = f.root.getParent();
        Jar.Proc sync = client(work, Map.of(), "", "--root", "project", "sync", "--service", "local", "--snapshot", "s");
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.out()).contains("Synced service \"local\", snapshot \"s\": success. 4 uploaded");
        assertThat(f.remote.resolve("s/docs/deep/c.txt")).hasContent("charlie");

        Fixture.write(f.root, "a.txt", "alpha, changed");
        Jar.Proc viaDaemon = client(work, Map.of(), "", "--root", "project", "--json", "plan", "--service", "local",
                "--snapshot", "s", "--summary-only");
        Jar.Proc own = Jar.cloudsync(work, "--root", "project", "--json", "plan", "--service", "local", "--snapshot", "s",
                "--summary-only");
        assertThat(viaDaemon.code()).as(viaDaemon.toString()).isZero();
        assertThat(viaDaemon.json().path("plan")).isEqualTo(own.json().path("plan"));
        assertThat(viaDaemon.json().path("plan").path("counts").path("uploads").asInt()).isEqualTo(1);

        Jar.Proc usage = client(work, Map.of(), "", "sync", "--snapshot", "s", "--max-bytes", "lots");
        Jar.Proc usageOwn = Jar.cloudsync(work, "sync", "--snapshot", "s", "--max-bytes", "lots");
        assertThat(usage.code()).isEqualTo(2).isEqualTo(usageOwn.code());
        assertThat(usage.err()).isEqualTo(usageOwn.err());
        assertThat(usage.out()).isEmpty();

        Jar.Proc refused = client(work, Map.of(), "", "--root", "project", "sync", "--service", "nowhere", "--snapshot", "s");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("nowhere");

        List<Long> pids = daemonPids();
        assertThat(pids).as("one daemon served every command").hasSize(1);
        assertThat(client(f.root, Map.of(), "", "daemon", "status").out()).contains("4 command(s) run");
    }

    @Test
    void environmentAndStdinAreTheClients_andAnotherEnvironmentGetsADaemonOfItsOwn() {
        Map<String, String> env = Map.of("CLOUDSYNC_SECRETS_KEY", "daemon it passphrase");
        Jar.Proc set = client(f.root, env, "value-from-stdin\n", "vault", "set", "cloud_sync.local.token");
        assertThat(set.code()).as(set.toString()).isZero();
        Jar.Proc reveal = client(f.root, env, "", "vault", "get", "cloud_sync.local.token", "--reveal");
        assertThat(reveal.out().trim()).as(reveal.toString()).isEqualTo("value-from-stdin");
        assertThat(daemonPids()).hasSize(1);

        Jar.Proc wrong = client(f.root, Map.of("CLOUDSYNC_SECRETS_KEY", "another passphrase"), "", "vault", "get",
                "cloud_sync.local.token", "--reveal");
        assertThat(wrong.code()).as(wrong.toString()).isNotZero();
        assertThat(wrong.out()).doesNotContain("value-from-stdin");
        assertThat(daemonPids()).as("another passphrase, another daemon").hasSize(2);
    }

    @Test
    void aFolderOthersMayEnter_isNotUsed() throws IOException {
        Files.createDirectories(daemonDir);
        Files.setPosixFilePermissions(daemonDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Jar.Proc sync = client(f.root, Map.of(), "", "sync", "--service", "local", "--snapshot", "s");
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.err()).contains("not using the daemon", daemonDir.toString(), "chmod 700");
        assertThat(sync.out()).contains("4 uploaded");
        try (var list = Files.list(daemonDir)) {
            assertThat(list).as("no daemon started").isEmpty();
        }
    }

    /** The launcher's light client: a JVM made to start fast, which runs no command itself. */
    private List<String> lightClient(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Jar.JAVA.toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dcloudsync.daemon=on", "-Dcloudsync.daemon.client=light",
                "-Dcloudsync.daemon.jvm=-XX:+UseSerialGC -Dcloudsync.daemon.check=100 -Dcloudsync.it.marker=full", "-cp",
                jar.toString(), "io.cloudsync.cli.DaemonClient"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void aLightClient_runsWhatTheDaemonCannotTake_inAJvmOfItsOwn_withTheSameOutputAndExitCode() throws Exception {
        Files.createDirectories(daemonDir);
        Files.setPosixFilePermissions(daemonDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("CLOUDSYNC_DAEMON_DIR", daemonDir.toString());
        Jar.Proc sync = Jar.exec(f.root, env, "", lightClient("sync", "--service", "local", "--snapshot", "s"));
        assertThat(sync.code()).as(sync.toString()).isZero();
        assertThat(sync.err()).contains("not using the daemon");
        assertThat(sync.out()).contains("4 uploaded");
        Jar.Proc unknown = Jar.exec(f.root, env, "", lightClient("sync", "--service", "nope", "--snapshot", "s"));
        assertThat(unknown.code()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown service \"nope\"");

        // `vault set` waits for stdin, which this client never closes: the command's own JVM, found by
        // the daemon's options it was started with, stops when the client is killed
        ProcessBuilder pb = new ProcessBuilder(lightClient("vault", "set", "cloud_sync.local.token"))
                .directory(f.root.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("CLOUDSYNC_SECRETS_KEY", "daemon it passphrase");
        Process client = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        java.util.Optional<ProcessHandle> command = java.util.Optional.empty();
        while (command.isEmpty()) {
            assertThat(System.nanoTime()).as("the command's JVM never started").isLessThan(deadline);
            Thread.sleep(100);
            command = client.toHandle().children().filter(c -> c.info().arguments().map(a -> List.of(a)
                    .contains("-Dcloudsync.it.marker=full")).orElse(false)).findFirst();
        }
        ProcessHandle jvm = command.get();
        assertThat(jvm.info().arguments().orElseThrow()).contains("-Dcloudsync.parent.pid=" + client.pid(), "-jar");
        client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(jvm.onExit().get(30, TimeUnit.SECONDS).isAlive()).as("the command stopped with its client").isFalse();
    }

    @Test
    void aRebuiltJar_getsANewDaemon_andTheOldOneStops() throws Exception {
        assertThat(client(f.root, Map.of(), "", "providers").code()).isZero();
        List<Long> before = daemonPids();
        assertThat(before).hasSize(1);

        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertThat(client(f.root, Map.of(), "", "providers").code()).isZero();
        ProcessHandle old = ProcessHandle.of(before.get(0)).orElse(null);
        if (old != null) {
            old.onExit().get(10, TimeUnit.SECONDS);
        }
        List<Long> after = daemonPids();
        assertThat(after).hasSize(1).doesNotContainAnyElementsOf(before);
    }

    @Test
    void aClientKilledDuringACommand_stopsTheDaemon_andTheNextCommandRuns() throws Exception {
        Map<String, String> env = Map.of("CLOUDSYNC_SECRETS_KEY", "daemon it passphrase");
        assertThat(client(f.root, env, "", "providers").code()).isZero();
        long pid = daemonPids().get(0);
        // `vault set` waits for stdin, which this client never closes: kill it while the daemon waits
        List<String> cmd = List.of(Jar.JAVA.toString(), "-Dcloudsync.daemon=on",
                "-Dcloudsync.daemon.jvm=-XX:+UseSerialGC -Dcloudsync.daemon.check=100", "-cp", jar.toString(),
                "io.cloudsync.cli.DaemonClient", "vault", "set", "cloud_sync.local.token");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(f.root.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("CLOUDSYNC_DAEMON_DIR", daemonDir.toString());
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!client(f.root, Map.of(), "", "daemon", "status").out().contains("running a command")) {
            assertThat(System.nanoTime()).as("the daemon never ran the command").isLessThan(deadline);
            Thread.sleep(100);
        }
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertThat(Files.readString(daemonDir.resolve(logOf(pid)))).contains("daemon stops: its client went away");

        Jar.Proc again = client(f.root, env, "value\n", "vault", "set", "cloud_sync.local.token");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(daemonPids()).hasSize(1).doesNotContain(pid);
    }

    /** The log file of the daemon with this pid. */
    private String logOf(long pid) throws IOException {
        try (var list = Files.list(daemonDir)) {
            for (Path p : list.filter(x -> x.toString().endsWith(".log")).toList()) {
                if (Files.readString(p).contains("daemon " + pid + " listens")) {
                    return p.getFileName().toString();
                }
            }
        }
        throw new AssertionError("no log of daemon " + pid);
    }

    @Test
    void onlyVariablesThatLibrariesRead_nameADaemonOfTheirOwn_andStopStopsThemAll() {
        assertThat(client(f.root, Map.of("UNRELATED", "1"), "", "providers").code()).isZero();
        assertThat(client(f.root, Map.of("UNRELATED", "2"), "", "providers").code()).isZero();
        assertThat(daemonPids()).as("a variable no library reads: the same daemon").hasSize(1);
        assertThat(client(f.root, Map.of("AWS_PROFILE", "other"), "", "providers").code()).isZero();
        assertThat(daemonPids()).as("AWS_PROFILE, read by the AWS SDK from the process").hasSize(2);
        Map<String, String> plugin = Map.of("CLOUDSYNC_DAEMON_ENV", "MY_PLUGIN_TOKEN", "MY_PLUGIN_TOKEN", "a");
        assertThat(client(f.root, plugin, "", "providers").code()).isZero();
        assertThat(client(f.root, Map.of("CLOUDSYNC_DAEMON_ENV", "MY_PLUGIN_TOKEN", "MY_PLUGIN_TOKEN", "b"), "", "providers")
                .code()).isZero();
        assertThat(daemonPids()).as("a variable named in CLOUDSYNC_DAEMON_ENV").hasSize(4);

        Jar.Proc stop = client(f.root, Map.of(), "", "daemon", "stop");
        assertThat(stop.out()).contains("stopped: pid");
        assertThat(client(f.root, Map.of(), "", "daemon", "status").out()).contains("no daemon is running");
    }
}
