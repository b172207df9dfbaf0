package io.cloudsync.it.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.testkit.s3.EmbeddedS3Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts as separate JVM processes ({@link HostMain}), each with its own tree and state folder,
 * syncing snapshot {@code nightly} of one remote at once: exactly one commits each round, the others
 * exit 6 (the remote lease is held) or 7 (another run committed first), each succeeds when run again,
 * the remote's manifest names only files that are there, and no lease is left behind.
 *
 * <p>On {@code local}, and on {@code s3} over HTTP against S3Proxy: the testkit's S3Proxy fixture
 * decides racing conditional writes atomically, as AWS S3 does (S3Mock does not, so it is not raced).
 */
class MultiHostProcessTest {

    private static final int HOSTS = 3;

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    @TempDir
    Path tmp;

    /** Where the hosts sync to: the provider, its settings, and the credentials it needs (empty for none). */
    private record Remote(String provider, Map<String, String> settings, String credentials) {
    }

    @Test
    void hostsInSeparateProcesses_onLocal_oneCommitsEachRound_theOthersExit6or7_andSucceedWhenRunAgain() throws Exception {
        race(new Remote("local", Map.of("directory", tmp.resolve("remote").toString()), ""));
    }

    @Test
    void hostsInSeparateProcesses_onS3_oneCommitsEachRound_theOthersExit6or7_andSucceedWhenRunAgain() throws Exception {
        race(new Remote("s3", Map.of("bucket", S3.bucket(), "prefix", "hosts-" + tmp.getFileName(),
                "endpoint_url", S3.endpoint().toString(), "region", S3.region()),
                "{\"access_key_id\":\"" + S3.accessKeyId() + "\",\"secret_access_key\":\"" + S3.secretAccessKey() + "\"}"));
    }

    private void race(Remote remote) throws Exception {
        for (int round = 0; round < 2; round++) {
            for (int h = 0; h < HOSTS; h++) {
                write(h, "shared.txt", "host " + h + " round " + round);
                write(h, "host" + h + "/round" + round + ".txt", "host " + h + " round " + round);
            }
            Path meeting = tmp.resolve("meeting-" + round);
            List<Process> processes = new ArrayList<>();
            for (int h = 0; h < HOSTS; h++) {
                processes.add(start(remote, h, meeting, HOSTS));
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
            VerifyResult v = verify(remote);
            assertThat(v.problems()).as("round %d: the remote after the race, exit codes %s%n%s", round, codes, outputs).isEmpty();

            for (int h = 0; h < HOSTS; h++) {
                if (codes.get(h) != 0) {
                    Path alone = tmp.resolve("again-" + round + "-" + h);
                    assertThat(exitOf(start(remote, h, alone, 1))).as("host %d run again: %s", h, output(h, alone)).isZero();
                    assertThat(verify(remote).problems()).isEmpty();
                    assertThat(remoteFile(remote, "host" + h + "/round" + round + ".txt"))
                            .isEqualTo("host " + h + " round " + round);
                }
            }
            try (Provider p = open(remote)) {
                assertThat(p.getMetadata("leases/nightly.json")).as("no lease left behind").isEmpty();
            }
        }
    }

    private Process start(Remote remote, int host, Path meeting, int meetingOf) throws IOException {
        Path dir = tmp.resolve("host" + host);
        Path log = dir.resolve("out-" + meeting.getFileName() + ".txt");
        Files.createDirectories(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                // short runs of small files: C1 alone and the serial collector start fastest
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dfile.encoding=UTF-8", HostMain.class.getName(), dir.resolve("project").toString(),
                dir.resolve("state").toString(), meeting.toString(), Integer.toString(meetingOf), "host" + host,
                remote.provider()));
        remote.settings().forEach((k, v) -> command.add(k + '=' + v));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (!remote.credentials().isEmpty()) {
            builder.environment().put("HOST_CREDENTIALS", remote.credentials());
        }
        return builder.start();
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

    /** A sync of nobody's tree checks the remote: every file the committed manifest names is there, intact. */
    private VerifyResult verify(Remote remote) throws IOException {
        Path viewer = Files.createDirectories(tmp.resolve("viewer"));
        CloudSyncConfig config = CloudSyncConfig.builder().enable("meeting").service("meeting", Map.copyOf(remote.settings())).build();
        ProviderFactory factory = factory(remote);
        return CloudSync.builder().root(viewer).stateDirectory(tmp.resolve("viewer-state")).config(config)
                .provider(new HostMain.Meeting(factory, HostMain.credentials(factory, remote.credentials()), () -> { }))
                .build().verify("meeting", "nightly", 100);
    }

    private static ProviderFactory factory(Remote remote) {
        return ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.id().equals(remote.provider())).findFirst().orElseThrow();
    }

    private Provider open(Remote remote) throws IOException {
        ProviderFactory factory = factory(remote);
        return factory.open(ProviderConfig.builder().service(remote.provider()).putAll(remote.settings())
                .stateDirectory(Files.createDirectories(tmp.resolve("viewer-provider-state"))).build(),
                HostMain.credentials(factory, remote.credentials()));
    }

    private String remoteFile(Remote remote, String path) throws IOException {
        Path target = tmp.resolve("downloaded-" + path.replace('/', '-'));
        try (Provider p = open(remote)) {
            p.download("nightly", path, target);
        }
        return Files.readString(target, StandardCharsets.UTF_8);
    }
}
