package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ConfigurationException;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.core.result.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service resolves to one remote, the same for every front end; the snapshot prefix and rule apply
 * to every operation alike.
 */
class RemoteTargetTest {

    @TempDir
    Path tmp;

    @Test
    void theProviderIsTheProviderSettingOrElseTheServiceName() {
        CloudSyncConfig config = CloudSyncConfig.builder()
                .service("mirror", Map.of("provider", "local", "directory", "/m"))
                .service("local", Map.of("directory", "/l"))
                .build();

        RemoteTarget mirror = RemoteTarget.of(config, "mirror");
        assertThat(mirror.service()).isEqualTo("mirror");
        assertThat(mirror.providerId()).isEqualTo("local");
        assertThat(mirror.settings()).containsExactly(Map.entry("directory", "/m"));

        RemoteTarget local = RemoteTarget.of(config, "local");
        assertThat(local.providerId()).isEqualTo("local");
        assertThat(local.settings()).containsExactly(Map.entry("directory", "/l"));

        RemoteTarget unconfigured = RemoteTarget.of(config, "s3");
        assertThat(unconfigured.providerId()).isEqualTo("s3");
        assertThat(unconfigured.settings()).isEmpty();
    }

    @Test
    void overridesWinOverTheConfigurationAndMayChooseTheProvider() {
        CloudSyncConfig config = CloudSyncConfig.builder()
                .service("mirror", Map.of("provider", "local", "directory", "/m", "fsync", "true"))
                .build();

        RemoteTarget t = RemoteTarget.of(config, "mirror", Map.of("directory", "/other", "provider", "memory"));

        assertThat(t.providerId()).isEqualTo("memory");
        assertThat(t.settings()).containsExactly(Map.entry("directory", "/other"), Map.entry("fsync", "true"));
        assertThatThrownBy(() -> t.settings().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(t).isEqualTo(RemoteTarget.of(config, "mirror", Map.of("directory", "/other", "provider", "memory")))
                .isNotEqualTo(RemoteTarget.of(config, "mirror"));
    }

    @Test
    void toStringNamesTheSettingsButNotTheirValues() {
        CloudSyncConfig config = CloudSyncConfig.builder()
                .service("s3", Map.of("bucket", "b", "secret_access_key", "do-not-print-me"))
                .build();

        assertThat(RemoteTarget.of(config, "s3").toString())
                .contains("s3", "bucket", "secret_access_key")
                .doesNotContain("do-not-print-me");
    }

    @Test
    void everyOperationUsesTheConfiguredPrefixAndTheServicesProvider() throws Exception {
        Path root = tmp.resolve("project");
        Path remote = tmp.resolve("remote");
        Trees.write(root, "a.txt", "alpha");
        CloudSyncConfig config = CloudSyncConfig.builder().enable("mirror").snapshotPrefix("proj-")
                .service("mirror", Map.of("provider", "local", "directory", remote.toString()))
                .build();
        CloudSync cs = CloudSync.builder().root(root).config(config).build();
        SyncRequest request = SyncRequest.builder("mirror", "nightly").build();

        assertThat(cs.dryRun(request).snapshot()).isEqualTo("proj-nightly");
        SyncResult run = cs.run(request);
        assertThat(run.snapshot()).isEqualTo("proj-nightly");
        assertThat(run.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(Files.readString(remote.resolve("proj-nightly/a.txt"))).isEqualTo("alpha");
        // the dry run after it reads the manifest the run committed under the prefixed name
        SyncResult again = cs.dryRun(request);
        assertThat(again.planSource()).isEqualTo(PlanSource.REMOTE);
        assertThat(again.plan().isEmpty()).isTrue();

        PullResult pulled = cs.pull("mirror", "nightly", tmp.resolve("restored"), false);
        assertThat(pulled.snapshot()).isEqualTo("proj-nightly");
        assertThat(Files.readString(tmp.resolve("restored/a.txt"))).isEqualTo("alpha");
        VerifyResult verified = cs.verify("mirror", "nightly", 100);
        assertThat(verified.snapshot()).isEqualTo("proj-nightly");
        assertThat(verified.ok()).isTrue();
    }

    @Test
    void aPrefixThatBreaksTheSnapshotRuleIsRefusedByEveryOperationBeforeAnythingIsOpened() {
        Path root = tmp.resolve("project");
        Trees.write(root, "a.txt", "alpha");
        for (String prefix : List.of("-", ".", "a/", "x".repeat(125))) {
            // the flags are off too: the name is checked first, so the message is about the name
            CloudSyncConfig config = CloudSyncConfig.builder().snapshotPrefix(prefix)
                    .service("mirror", Map.of("provider", "local", "directory", tmp.resolve("remote").toString()))
                    .build();
            CloudSync cs = CloudSync.builder().root(root).config(config).build();
            SyncRequest request = SyncRequest.builder("mirror", "nightly").build();
            List<ThrowingCallable> operations = List.of(() -> cs.dryRun(request), () -> cs.run(request),
                    () -> cs.pull(request, tmp.resolve("restored"), false), () -> cs.verify(request, 0));
            for (ThrowingCallable operation : operations) {
                assertThatThrownBy(operation).isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("snapshot name \"" + prefix + "nightly\"")
                        .hasMessageContaining("prefix \"" + prefix + "\"")
                        .hasMessageContaining("must be 1-128 letters, digits, '.', '_' or '-'");
            }
        }
        assertThat(tmp.resolve("remote")).doesNotExist();
    }
}
