package io.cloudsync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Secret;
import io.cloudsync.Vault;
import io.cloudsync.core.Vaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NightlyMirrorTest {

    @TempDir
    Path tmp;

    @Test
    void mirror_onLocal_uploadsTheTreeThenFindsNothingToDo() throws IOException {
        Path root = tmp.resolve("project");
        Path remote = tmp.resolve("mirror");
        write(root.resolve("config/cloudsync.json"), """
                {"features": {"enable_cloud_sync": true, "enable_cloud_sync_local": true},
                 "services": {"local": {"directory": "%s"}}}
                """.formatted(remote.toString().replace("\\", "\\\\")));
        write(root.resolve("data/a.txt"), "alpha");
        write(root.resolve("assets/b.txt"), "beta");

        assertThat(NightlyMirror.mirror(root, "local", "nightly")).isTrue();
        assertThat(remote.resolve("nightly/data/a.txt")).hasContent("alpha");
        assertThat(remote.resolve("nightly/assets/b.txt")).hasContent("beta");

        // The second night: the plan is empty, so the example returns before running.
        assertThat(NightlyMirror.mirror(root, "local", "nightly")).isTrue();

        Files.delete(root.resolve("data/a.txt"));
        assertThat(NightlyMirror.mirror(root, "local", "nightly")).isTrue();
        assertThat(remote.resolve("nightly/data/a.txt")).doesNotExist();
    }

    @Test
    void mirror_withAVaultButNoPassphrase_returnsFalseWithoutSyncing() throws IOException {
        Path root = tmp.resolve("project");
        Path remote = tmp.resolve("mirror");
        write(root.resolve("config/cloudsync.json"), """
                {"features": {"enable_cloud_sync": true, "enable_cloud_sync_local": true},
                 "services": {"local": {"directory": "%s"}}}
                """.formatted(remote.toString().replace("\\", "\\\\")));
        write(root.resolve("data/a.txt"), "alpha");
        Vault vault = Vaults.create(root.resolve(Vaults.DEFAULT_FILE), Secret.of("correct horse battery staple"));
        vault.set("s3", Secret.of("{\"access_key_id\":\"x\"}"));

        // The test JVM has no CLOUDSYNC_PASSPHRASE (surefire does not set one): the example's
        // CloudSyncException branch answers false, and nothing reaches the remote.
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(Vaults.PASSPHRASE_ENV) == null);
        assertThat(NightlyMirror.mirror(root, "local", "nightly")).isFalse();
        assertThat(remote.resolve("nightly")).doesNotExist();
    }

    @Test
    void syncGuide_quotesTheExampleVerbatim() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/cloudsync/examples/NightlyMirror.java"));
        String marker = "// --8<-- example\n";
        int start = source.indexOf(marker) + marker.length();
        int end = source.indexOf(marker, start);
        String example = source.substring(start, end);
        String guide = Files.readString(Path.of("../docs/SYNC.md"), StandardCharsets.UTF_8);
        assertThat(guide).as("docs/SYNC.md must show NightlyMirror.java between its markers, unchanged")
                .contains("```java\n" + example + "```\n");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
