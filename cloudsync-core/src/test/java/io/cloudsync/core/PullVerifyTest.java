package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.FeatureDisabledException;
import io.cloudsync.ManifestEntry;
import io.cloudsync.SyncError;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullVerifyTest {

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    CloudSync cs;

    @BeforeEach
    void setUp() {
        root = tmp.resolve("project");
        remote = tmp.resolve("remote");
        Trees.write(root, "a.txt", "alpha");
        Trees.write(root, "docs/b.txt", "bravo");
        Trees.write(root, "docs/deep/c.txt", "charlie");
        cs = cloudSync(CloudSyncConfig.builder().enable("local", "nolist"));
        assertThat(cs.run(SyncRequest.builder("local", "nightly").build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
    }

    private CloudSync cloudSync(CloudSyncConfig.Builder config) {
        config.engine(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build())
                .service("local", Map.of("directory", remote.toString()))
                .service("nolist", Map.of("directory", remote.toString()));
        return CloudSync.builder().root(root).config(config.build()).provider(noListing()).build();
    }

    private Path remoteFile(String path) {
        return remote.resolve("nightly").resolve(path);
    }

    @Test
    void pull_intoEmptyFolder_restoresEveryFileWithItsContentAndMtime() throws Exception {
        Path target = tmp.resolve("restore");

        PullResult result = cs.pull("local", "nightly", target, false);

        assertThat(result.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(result.written()).isEqualTo(3);
        assertThat(result.bytes()).isEqualTo(5 + 5 + 7);
        assertThat(Trees.read(target)).isEqualTo(Map.of("a.txt", "alpha", "docs/b.txt", "bravo", "docs/deep/c.txt", "charlie"));
        for (ManifestEntry e : result.manifest().entries()) {
            assertThat(Files.getLastModifiedTime(target.resolve(e.path())).toInstant()).isEqualTo(e.mtime());
        }
    }

    @Test
    void pull_existingFiles_areSkippedUnlessReplaceIsAsked() {
        Path target = tmp.resolve("restore");
        Trees.write(target, "a.txt", "mine");

        PullResult kept = cs.pull("local", "nightly", target, false);
        assertThat(kept.skippedExisting()).isEqualTo(1);
        assertThat(kept.written()).isEqualTo(2);
        assertThat(Trees.read(target)).containsEntry("a.txt", "mine");

        PullResult replaced = cs.pull("local", "nightly", target, true);
        assertThat(replaced.written()).isEqualTo(3);
        assertThat(Trees.read(target)).containsEntry("a.txt", "alpha");
    }

    @Test
    void pull_damagedRemoteFile_failsThatFileAndWritesNothingUnderItsName() {
        Trees.write(remote.resolve("nightly"), "docs/b.txt", "BRAVO");
        Path target = tmp.resolve("restore");

        PullResult result = cs.pull("local", "nightly", target, false);

        assertThat(result.status()).isEqualTo(SyncStatus.PARTIAL);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("docs/b.txt");
            assertThat(e.kind()).isEqualTo(SyncError.Kind.INTEGRITY);
            assertThat(e.message()).contains("run verify");
        });
        assertThat(Trees.read(target)).containsOnlyKeys("a.txt", "docs/deep/c.txt");
    }

    @Test
    void pull_missingRemoteFile_isReportedAndTheRestIsWritten() throws Exception {
        Files.delete(remoteFile("a.txt"));

        PullResult result = cs.pull("local", "nightly", tmp.resolve("restore"), false);

        assertThat(result.errors()).singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(SyncError.Kind.NOT_FOUND));
        assertThat(result.written()).isEqualTo(2);
    }

    @Test
    void pull_remoteFolderWhereTheManifestHasAFile_isNotFoundAndLeavesNothingUnderItsName() throws Exception {
        Files.delete(remoteFile("a.txt"));
        Trees.write(remote.resolve("nightly"), "a.txt/inside.txt", "a folder took the file's place");
        Path target = tmp.resolve("restore");

        PullResult result = cs.pull("local", "nightly", target, false);

        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("a.txt");
            assertThat(e.kind()).isEqualTo(SyncError.Kind.NOT_FOUND);
        });
        assertThat(target.resolve("a.txt")).doesNotExist();
        assertThat(Trees.read(target)).containsOnlyKeys("docs/b.txt", "docs/deep/c.txt");
        try (java.util.stream.Stream<Path> all = Files.walk(target)) {
            assertThat(all.filter(Files::isDirectory).map(target::relativize).map(Path::toString))
                    .containsExactlyInAnyOrder("", "docs", "docs/deep");
        }
    }

    @Test
    void pull_namesOf255Bytes_areWritten() throws Exception {
        String ascii = "a".repeat(251) + ".txt";
        String utf8 = "\u00e9" + "\u65e5".repeat(83) + ".txt";
        Trees.write(root, "long/" + ascii, "ascii");
        Trees.write(root, "long/" + utf8, "utf-8");
        assertThat(cs.run(SyncRequest.builder("local", "nightly").build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        Path target = tmp.resolve("restore");

        PullResult result = cs.pull("local", "nightly", target, false);

        assertThat(result.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(Trees.read(target)).containsEntry("long/" + ascii, "ascii").containsEntry("long/" + utf8, "utf-8");
        try (java.util.stream.Stream<Path> all = Files.walk(target)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp") || n.endsWith("-tmp"));
        }
    }

    @Test
    void pull_symbolicLinkInsideTarget_isNeverWrittenThrough() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("restore"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(target.resolve("docs"), outside);

        PullResult result = cs.pull("local", "nightly", target, true);

        assertThat(result.errors()).extracting(SyncError::path).containsExactly("docs/b.txt", "docs/deep/c.txt");
        assertThat(result.errors().get(0).message()).contains("symbolic link");
        assertThat(Trees.read(outside)).isEmpty();
    }

    @Test
    void pull_unknownSnapshot_throwsSayingThereIsNoManifest() {
        assertThatThrownBy(() -> cs.pull("local", "weekly", tmp.resolve("restore"), false))
                .isInstanceOf(CloudSyncException.class).hasMessageContaining("no manifest for snapshot \"weekly\"")
                .hasMessageContaining("run a sync first");
    }

    @Test
    void pull_targetIsAFile_throwsConfigurationException() {
        Path file = Trees.write(tmp, "file.txt", "x");

        assertThatThrownBy(() -> cs.pull("local", "nightly", file, false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("is not a folder");
    }

    @Test
    void pull_serviceFlagOff_throwsFeatureDisabled() {
        CloudSync off = cloudSync(CloudSyncConfig.builder().enable());

        assertThatThrownBy(() -> off.pull("local", "nightly", tmp.resolve("restore"), false))
                .isInstanceOf(FeatureDisabledException.class).hasMessageContaining("enable_cloud_sync_local");
    }

    @Test
    void verify_intactRemoteWithFullSample_downloadsAndConfirmsEveryFile() {
        VerifyResult result = cs.verify("local", "nightly", 100);

        assertThat(result.ok()).isTrue();
        assertThat(result.listed()).isTrue();
        assertThat(result.verifiedByDownload()).isEqualTo(3);
        assertThat(result.verifiedBySize() + result.verifiedByDigest() + result.unchecked()).isZero();
        assertThat(tmp.resolve("project/cache/cloud/tmp")).isEmptyDirectory();
    }

    @Test
    void verify_zeroSample_confirmsSizesFromTheListingOnly() {
        VerifyResult result = cs.verify("local", "nightly", 0);

        assertThat(result.ok()).isTrue();
        assertThat(result.verifiedBySize()).isEqualTo(3);
        assertThat(result.verifiedByDownload()).isZero();
    }

    @Test
    void verify_damagedRemote_reportsMissingResizedCorruptedAndExtraFiles() throws Exception {
        Files.delete(remoteFile("a.txt"));
        Trees.write(remote.resolve("nightly"), "docs/b.txt", "bravo, longer");
        Trees.write(remote.resolve("nightly"), "docs/deep/c.txt", "CHARLIE");
        Trees.write(remote.resolve("nightly"), "stray.txt", "left over");

        VerifyResult result = cs.verify("local", "nightly", 100);

        assertThat(result.ok()).isFalse();
        assertThat(result.problems()).extracting(p -> p.path() + ":" + p.kind()).containsExactly(
                "a.txt:MISSING", "docs/b.txt:SIZE_MISMATCH", "docs/deep/c.txt:DIGEST_MISMATCH");
        assertThat(result.extra()).containsExactly("stray.txt");
    }

    @Test
    void verify_providerWithoutListing_downloadsTheSampleAndLeavesTheRestUnchecked() throws Exception {
        assertThat(cs.run(SyncRequest.builder("nolist", "nightly").build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        Files.delete(remoteFile("a.txt"));

        VerifyResult none = cs.verify("nolist", "nightly", 0);
        assertThat(none.listed()).isFalse();
        assertThat(none.unchecked()).isEqualTo(3);
        assertThat(none.ok()).isTrue();

        VerifyResult all = cs.verify("nolist", "nightly", 100);
        assertThat(all.problems()).extracting(p -> p.path() + ":" + p.kind()).containsExactly("a.txt:MISSING");
        assertThat(all.verifiedByDownload()).isEqualTo(2);
    }

    @Test
    void verify_sampleOutOfRange_throwsNamingTheRange() {
        assertThatThrownBy(() -> cs.verify("local", "nightly", 101))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 to 100");
    }

    /** The local provider, declaring no listing. */
    private static ProviderFactory noListing() {
        Set<Capability> caps = EnumSet.copyOf(new LocalProviderFactory().capabilities());
        caps.remove(Capability.LISTING);
        return new TestProviders.WrappedFactory("nolist", new LocalProviderFactory(), caps, p -> p);
    }
}
