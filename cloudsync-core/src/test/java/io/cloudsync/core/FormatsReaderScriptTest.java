package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudsync.ManifestEntry;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.result.SyncResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/FORMATS.md promises that a snapshot's files, sizes and sha256 can be listed from the remote
 * alone by a short script in another language. docs/examples/list_snapshot.py is that script, written
 * from the document; this test runs it on a remote the engine wrote and compares what it prints with
 * the committed manifest, before and after a change, so the document, the script and the writer
 * cannot drift apart.
 */
class FormatsReaderScriptTest {

    private static final Path SCRIPT = Path.of("..", "docs", "examples", "list_snapshot.py").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void theDocumentedReader_listsWhatTheEngineCommitted() throws Exception {
        assumeTrue(python() != null, "python3 is not on the PATH: the documented reader cannot be run here");
        Path root = Files.createDirectories(tmp.resolve("project"));
        Path remote = tmp.resolve("remote");
        // enough files for several chunks and index entries, with names outside ASCII and above U+FFFF
        for (int i = 0; i < 3000; i++) {
            Trees.write(root, "d" + (i % 7) + "/f" + i + (i % 11 == 0 ? "-é" : "") + (i % 13 == 0 ? "-\uD83D\uDE00" : "")
                    + ".txt", "content " + i);
        }
        CloudSync cs = CloudSync.builder().root(root).config(CloudSyncConfig.builder().enable("local")
                        .engine(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build())
                        .service("local", Map.of("directory", remote.toString())).build())
                .build();

        SyncResult first = cs.run(SyncRequest.builder("local", "nightly").build());
        assertThat(first.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(Files.readString(remote.resolve(".cloudsync/manifests/nightly.json")))
                .as("the root is format 2").containsPattern("\"version\"\\s*:\\s*2,");
        assertThat(listed(remote)).containsExactlyElementsOf(lines(first.localManifest().entries()));

        Trees.write(root, "d2/f1500.txt", "changed"); // i % 7 == 2
        Files.delete(root.resolve("d0/f0-é-\uD83D\uDE00.txt"));
        SyncResult second = cs.run(SyncRequest.builder("local", "nightly").build());
        assertThat(second.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(listed(remote)).containsExactlyElementsOf(lines(second.localManifest().entries()))
                .hasSize(2999);
    }

    private static List<String> lines(List<ManifestEntry> entries) {
        return entries.stream().map(e -> e.sha256() + "  " + e.size() + "  " + e.path()).toList();
    }

    private List<String> listed(Path remote) throws IOException, InterruptedException {
        Path out = tmp.resolve("listed.txt");
        ProcessBuilder builder = new ProcessBuilder(python(), SCRIPT.toString(), remote.resolve(".cloudsync").toString(),
                "nightly").redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("PYTHONIOENCODING", "utf-8");
        Process p = builder.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the script finished").isTrue();
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code of the script; it printed:%n%s", output).isZero();
        return output.lines().toList();
    }

    private static String python() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "python3");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
