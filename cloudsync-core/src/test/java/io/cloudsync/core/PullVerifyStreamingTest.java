package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Manifest;
import io.cloudsync.SyncError;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.core.internal.remote.RemoteManifests;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.ForwardingProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull and verify of a snapshot of 20,000 files on the {@code local} provider, streamed over the
 * chunked remote manifest: the same files, problems and extra files as the whole manifest in memory
 * gives, the same with a summary only, and a second run with the chunk cache filled reads nothing
 * from the metadata area but the root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PullVerifyStreamingTest {

    private static final int FILES = 20_000;
    private static final Set<String> MISSING = Set.of("d000/f00000.txt", "d057/f11457.txt", "d099/f19999.txt");
    private static final Set<String> RESIZED = Set.of("d003/f00603.txt", "d088/f17688.txt");
    private static final List<String> EXTRA = List.of("d010/zz-stray.txt", "e-stray.txt");

    @TempDir
    static Path tmp;
    Path root;
    Path remote;
    CloudSync cs;
    final List<String> metadataReads = new CopyOnWriteArrayList<>();
    Manifest inMemory;

    @BeforeAll
    void syncAndDamage() throws IOException {
        root = tmp.resolve("project");
        remote = tmp.resolve("remote");
        for (int i = 0; i < FILES; i++) {
            Trees.write(root, path(i), "file " + i);
        }
        ProviderFactoryRecording rec = new ProviderFactoryRecording();
        cs = CloudSync.builder().root(root).config(CloudSyncConfig.builder().enable("rec")
                .engine(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build())
                .service("rec", Map.of("directory", remote.toString())).build()).provider(rec.factory()).build();
        assertThat(cs.run(SyncRequest.builder("rec", "nightly").build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        try (Provider p = new LocalProviderFactory().open(ProviderConfig.builder().put("directory", remote.toString()).build(),
                Secrets.none())) {
            Retry retry = new Retry(EngineSettings.builder().build(), d -> { });
            inMemory = new RemoteManifests(p, retry).read("nightly").orElseThrow();
        }
        assertThat(inMemory.entries()).hasSize(FILES);
        for (String m : MISSING) {
            Files.delete(remoteFile(m));
        }
        for (String r : RESIZED) {
            Files.writeString(remoteFile(r), "resized behind cloudsync's back");
        }
        for (String x : EXTRA) {
            Files.createDirectories(remoteFile(x).getParent());
            Files.writeString(remoteFile(x), "left over");
        }
    }

    private static String path(int i) {
        return String.format("d%03d/f%05d.txt", i / 200, i);
    }

    private Path remoteFile(String path) {
        return remote.resolve("nightly").resolve(path);
    }

    private Path chunkCache() {
        return root.resolve("cache/cloud/manifests/rec/nightly.chunks");
    }

    private Set<String> cachedChunks() throws IOException {
        if (!Files.isDirectory(chunkCache())) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(chunkCache())) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private final class ProviderFactoryRecording {
        TestProviders.WrappedFactory factory() {
            return new TestProviders.WrappedFactory("rec", new LocalProviderFactory(), null, p -> new ForwardingProvider(p) {
                @Override
                public Optional<MetadataObject> getMetadata(String name) {
                    metadataReads.add(name);
                    return super.getMetadata(name);
                }
            });
        }
    }

    private static SyncRequest request(boolean summaryOnly) {
        return SyncRequest.builder("rec", "nightly").summaryOnly(summaryOnly).build();
    }

    @Test
    @Order(1)
    void verify_ofTwentyThousandFiles_findsWhatTheWholeManifestWouldAndCarriesIt() {
        VerifyResult r = cs.verify(request(false), 0);

        assertThat(r.problems()).extracting(p -> p.path() + ":" + p.kind()).containsExactly(
                "d000/f00000.txt:MISSING", "d003/f00603.txt:SIZE_MISMATCH", "d057/f11457.txt:MISSING",
                "d088/f17688.txt:SIZE_MISMATCH", "d099/f19999.txt:MISSING");
        assertThat(r.extra()).containsExactlyElementsOf(EXTRA);
        assertThat(r.verifiedBySize()).isEqualTo(FILES - 5);
        assertThat(r.files()).isEqualTo(FILES);
        assertThat(r.manifest()).isEqualTo(inMemory);
    }

    @Test
    @Order(2)
    void verify_summaryOnly_givesTheSameCountsWithoutTheEntries() {
        VerifyResult full = cs.verify(request(false), 5);
        VerifyResult summary = cs.verify(request(true), 5);

        assertThat(summary.problems()).extracting(VerifyResult.Problem::path).hasSize(5)
                .containsAll(MISSING).containsAll(RESIZED);
        assertThat(summary.extra()).isEqualTo(full.extra());
        assertThat(summary.verifiedByDownload()).isEqualTo(full.verifiedByDownload()).isEqualTo(1_000); // 5% of 19,995, up
        assertThat(summary.verifiedBySize()).isEqualTo(full.verifiedBySize()).isEqualTo(FILES - 5 - 1_000);
        assertThat(summary.files()).isEqualTo(FILES);
        assertThat(summary.manifest().entries()).isEmpty();
        assertThat(summary.manifest().name()).isEqualTo(inMemory.name());
        assertThat(summary.manifest().root()).isEqualTo(inMemory.root());
        assertThat(summary.manifest().createdAt()).isEqualTo(inMemory.createdAt());
        assertThat(root.resolve("cache/cloud/tmp")).isEmptyDirectory();
    }

    @Test
    @Order(3)
    void pull_ofTwentyThousandFiles_writesEveryGoodFileAndFailsTheDamagedOnes() throws IOException {
        Path target = tmp.resolve("restore");

        PullResult r = cs.pull(request(false), target, false);

        assertThat(r.status()).isEqualTo(SyncStatus.PARTIAL);
        assertThat(r.written()).isEqualTo(FILES - 5);
        assertThat(r.errors()).extracting(e -> e.path() + ":" + e.kind()).containsExactly(
                "d000/f00000.txt:NOT_FOUND", "d003/f00603.txt:INTEGRITY", "d057/f11457.txt:NOT_FOUND",
                "d088/f17688.txt:INTEGRITY", "d099/f19999.txt:NOT_FOUND");
        assertThat(r.manifest()).isEqualTo(inMemory);
        assertThat(r.files()).isEqualTo(FILES);
        assertThat(Files.readString(target.resolve(path(12_345)), StandardCharsets.UTF_8)).isEqualTo("file 12345");
        try (Stream<Path> all = Files.walk(target)) {
            assertThat(all.filter(Files::isRegularFile).count()).isEqualTo(FILES - 5);
        }

        PullResult again = cs.pull(request(true), target, false);

        assertThat(again.skippedExisting()).isEqualTo(FILES - 5);
        assertThat(again.errors()).extracting(SyncError::path).containsExactlyElementsOf(
                r.errors().stream().map(SyncError::path).toList());
        assertThat(again.files()).isEqualTo(FILES);
        assertThat(again.manifest().entries()).isEmpty();
        assertThat(again.manifest().checksum()).isEqualTo(Manifest.of("any", "", inMemory.createdAt(), List.of()).checksum());
    }

    @Test
    @Order(4)
    void secondPullAndVerify_withTheChunkCacheFilled_readOnlyTheRootFromTheMetadataArea() throws IOException {
        try (Stream<Path> all = Files.walk(chunkCache())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        metadataReads.clear();

        cs.verify(request(true), 0);
        List<String> first = new ArrayList<>(metadataReads);
        Set<String> filled = cachedChunks();

        assertThat(first).first().isEqualTo(RemoteManifests.nameOf("nightly"));
        assertThat(first).hasSizeGreaterThan(20); // the root, its index part(s) and some 40 entry chunks
        assertThat(filled).hasSize(first.size() - 1);

        metadataReads.clear();
        cs.verify(request(true), 0);
        assertThat(metadataReads).containsExactly(RemoteManifests.nameOf("nightly"));

        metadataReads.clear();
        PullResult pulled = cs.pull(request(true), tmp.resolve("restore"), false);
        assertThat(metadataReads).containsExactly(RemoteManifests.nameOf("nightly"));
        assertThat(pulled.skippedExisting()).isEqualTo(FILES - 5);
        assertThat(cachedChunks()).as("pull and verify only add to the chunk cache").containsAll(filled);
    }
}
