package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's two commands, taken from README.md itself. */
class ReadmeIT {

    private static final Pattern FENCE = Pattern.compile("```(?:sh|bash|shell)\\n(.*?)```", Pattern.DOTALL);

    private static List<String> fencedCommands() {
        List<String> out = new ArrayList<>();
        Matcher m = FENCE.matcher(Jar.readString(Jar.REPO.resolve("README.md")));
        while (m.find()) {
            for (String line : m.group(1).split("\n")) {
                if (!line.isBlank() && !line.trim().startsWith("#")) {
                    out.add(line.trim());
                }
            }
        }
        return out;
    }

    @Test
    void readmeDemoCommand_runsVerbatimAndMirrorsTheSampleProject() throws Exception {
        String demo = fencedCommands().stream().filter(c -> c.startsWith("./cloudsync demo")).findFirst()
                .orElseThrow(() -> new AssertionError("README.md has no fenced ./cloudsync demo command"));
        requireJarNewerThanSources();

        // the launcher's daemon in a folder of this test's, stopped at the end: no JVM outlives the build
        Path daemons = Files.createTempDirectory("cloudsync-readme-daemons");
        Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"), "CLOUDSYNC_DAEMON_DIR", daemons.toString());
        Jar.Proc p;
        try {
            p = Jar.exec(Jar.REPO, env, "", List.of("bash", "-c", demo));
        } finally {
            Jar.exec(Jar.REPO, env, "", List.of("./cloudsync", "daemon", "stop"));
        }

        assertThat(p.code()).as(p.toString()).isZero();
        assertThat(p.err()).as("the launcher must not rebuild inside the build").doesNotContain("building the command-line tool");
        assertThat(p.out()).contains("2/4 Sync", "4/4 Sync again", "1 uploaded", "The mirror of snapshot \"demo\" is in");
        Path mirror = Jar.REPO.resolve("target/demo/mirror/demo");
        assertThat(mirror.resolve("data/notes.txt")).exists();
        assertThat(Jar.readString(mirror.resolve("data/notes.txt")))
                .isEqualTo(Jar.readString(Jar.REPO.resolve("target/demo/project/data/notes.txt")));
    }

    @Test
    void readmeTestCommand_isExactlyWhatCiRuns() {
        String ci = Jar.readString(Jar.REPO.resolve(".ci/run")).lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("set ") && !l.startsWith("cd "))
                .reduce((a, b) -> b).orElseThrow();

        assertThat(fencedCommands()).contains(ci);
        assertThat(ci).startsWith("mvn ").contains("verify");
    }

    /** The launcher rebuilds when a source is newer than the jar; a test must never start a build. */
    private static void requireJarNewerThanSources() throws IOException {
        FileTime jar = Files.getLastModifiedTime(Jar.JAR);
        try (Stream<Path> walk = Files.walk(Jar.REPO)) {
            List<Path> newer = walk.filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                    .filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().equals("pom.xml") || p.toString().contains("/src/main/"))
                    .filter(p -> {
                        try {
                            return Files.getLastModifiedTime(p).compareTo(jar) > 0;
                        } catch (IOException e) {
                            return false;
                        }
                    }).toList();
            assertThat(newer).as("sources newer than " + Jar.JAR + "; run mvn package first so ./cloudsync does not build").isEmpty();
        }
    }
}
