package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Manifest;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.core.internal.manifest2.Format2;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.testkit.ForwardingProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs of the engine over format 2: what a no-op and a one-file change cost in metadata requests. */
class Format2RunTest {

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    final List<String> calls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("project"));
        remote = tmp.resolve("remote");
        for (int i = 0; i < 3000; i++) {
            Path file = root.resolve(String.format("src/d%02d/f%05d.txt", i % 40, i));
            Files.createDirectories(file.getParent());
            Files.writeString(file, "content " + i);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
        }
    }

    /** Records every metadata call as "get NAME", "put NAME", "delete NAME" or "list PREFIX". */
    private final class Recording extends ForwardingProvider {
        Recording(Provider delegate) {
            super(delegate);
        }

        @Override
        public Optional<MetadataObject> getMetadata(String name) {
            calls.add("get " + name);
            return super.getMetadata(name);
        }

        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            calls.add("put " + name);
            return super.putMetadata(name, bytes, precondition);
        }

        @Override
        public void deleteMetadata(String name) {
            calls.add("delete " + name);
            super.deleteMetadata(name);
        }

        @Override
        public Stream<String> listMetadata(String prefix) {
            calls.add("list " + prefix);
            return super.listMetadata(prefix);
        }
    }

    private CloudSync cloudSync() {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("recorded")
                .engine(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build())
                .service("recorded", Map.of("directory", remote.toString())).build();
        return CloudSync.builder().root(root).config(config)
                .provider(new TestProviders.WrappedFactory("recorded", new LocalProviderFactory(), null, Recording::new))
                .build();
    }

    private List<String> named(String verb) {
        return calls.stream().filter(c -> c.startsWith(verb + ' ')).map(c -> c.substring(verb.length() + 1)).toList();
    }

    @Test
    void aNoOpWithACurrentCache_isExactlyOneMetadataRequest_forTheRoot() {
        CloudSync cs = cloudSync();
        assertThat(cs.run(SyncRequest.builder("recorded", "nightly").build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(named("put")).last().isEqualTo("manifests/nightly.json");
        assertThat(named("put")).hasSizeGreaterThan(2); // several chunks, then the root
        calls.clear();

        assertThat(cs.run(SyncRequest.builder("recorded", "nightly").build()).plan().isEmpty()).isTrue();

        assertThat(calls).containsExactly("get manifests/nightly.json");
        calls.clear();
        assertThat(cs.dryRun(SyncRequest.builder("recorded", "nightly").build()).plan().isEmpty()).isTrue();
        assertThat(calls).containsExactly("get manifests/nightly.json");
    }

    @Test
    void aNoOp_leavesTheCachedRootAndChunksUntouched_andAnotherHostsCommitIsCachedFromItsBytes() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("recorded", "nightly").build());
        Path cached = cs.manifestCache().pathOf("recorded", "nightly");
        Map<String, Object> before = fileKeys(cached.getParent());

        cs.run(SyncRequest.builder("recorded", "nightly").build());

        assertThat(fileKeys(cached.getParent())).isEqualTo(before);

        // another host (its own state folder) commits a change; this host's next no-op-for-it run
        // fetches the new chunks and caches exactly the remote's root
        CloudSync other = CloudSync.builder().root(root).stateDirectory(tmp.resolve("other-state"))
                .config(CloudSyncConfig.builder().enable("recorded")
                        .service("recorded", Map.of("directory", remote.toString())).build())
                .provider(new TestProviders.WrappedFactory("recorded", new LocalProviderFactory(), null, Recording::new))
                .build();
        Files.writeString(root.resolve("src/d01/f00001.txt"), "changed elsewhere");
        Files.setLastModifiedTime(root.resolve("src/d01/f00001.txt"), FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(other.run(SyncRequest.builder("recorded", "nightly").build()).summary().uploaded()).isEqualTo(1);
        calls.clear();

        assertThat(cs.run(SyncRequest.builder("recorded", "nightly").build()).plan().isEmpty()).isTrue();

        assertThat(calls).first().isEqualTo("get manifests/nightly.json");
        assertThat(calls.subList(1, calls.size())).allMatch(c -> c.startsWith("get chunks/nightly/")).hasSizeBetween(2, 3);
        assertThat(Files.readAllBytes(cached)).isEqualTo(Files.readAllBytes(remote.resolve(".cloudsync/manifests/nightly.json")));
        assertThat(cs.manifestCache().read("recorded", "nightly")).contains(TestManifests.committed(remote, "nightly"));
    }

    @Test
    void aSummaryOnlyRequest_givesTheSameFiguresAsTheInMemoryOne_andItsEntriesOnDemand() throws Exception {
        CloudSync cs = cloudSync();
        SyncRequest whole = SyncRequest.builder("recorded", "nightly").build();
        SyncRequest summaryOnly = whole.toBuilder().summaryOnly(true).build();
        cs.run(whole);
        Files.writeString(root.resolve("src/d03/f00003.txt"), "changed");
        Files.delete(root.resolve("src/d04/f00004.txt"));
        Trees.write(root, "src/new.txt", "new");

        io.cloudsync.core.result.SyncResult inMemory = cs.dryRun(whole);
        io.cloudsync.core.result.SyncResult figures = cs.dryRun(summaryOnly);
        assertThat(figures.planSummary()).isEqualTo(PlanSummary.of(inMemory.plan()));
        assertThat(figures.planSummary().uploads()).isEqualTo(2);
        assertThat(figures.planSummary().changed()).isEqualTo(1);
        assertThat(figures.planSummary().deletes()).isEqualTo(1);
        // two scans: the same figures, each at its own time
        assertThat(figures.localHeader()).usingRecursiveComparison().ignoringFields("createdAt")
                .isEqualTo(io.cloudsync.core.result.SyncResult.Header.of(inMemory.localManifest()));
        assertThat(figures.remoteHeader()).contains(io.cloudsync.core.result.SyncResult.Header.of(
                inMemory.remoteManifest().orElseThrow()));
        // a dry run sweeps nothing: its entries are still in the chunk cache, read when asked for
        assertThat(figures.plan()).isEqualTo(inMemory.plan());
        assertThat(figures.localManifest().entries()).isEqualTo(inMemory.localManifest().entries());
        assertThat(figures.localManifest().createdAt()).isEqualTo(figures.localHeader().createdAt());

        io.cloudsync.core.result.SyncResult ran = cs.run(summaryOnly);
        assertThat(ran.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(ran.summary().uploaded()).isEqualTo(2);
        assertThat(ran.summary().deleted()).isEqualTo(1);
        assertThat(ran.planSummary().id()).isEqualTo(inMemory.plan().id());
        // the committed manifest's chunks stay in the cache: the run's local manifest is still there
        assertThat(ran.localManifest()).isEqualTo(TestManifests.committed(remote, "nightly").withName(ran.localManifest().name()));
        assertThat(cs.run(summaryOnly).planSummary().uploads()).isZero();
    }

    private static Map<String, Object> fileKeys(Path dir) throws java.io.IOException {
        Map<String, Object> keys = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                keys.put(dir.relativize(f).toString(),
                        Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
            }
        }
        return keys;
    }

    @Test
    void oneFileChanged_writesAFewChunksAndTheRoot_andTheRemoteManifestIsFormat2() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("recorded", "nightly").build());
        Files.writeString(root.resolve("src/d07/f01207.txt"), "changed");
        Files.setLastModifiedTime(root.resolve("src/d07/f01207.txt"), FileTime.from(Instant.now().minusSeconds(60)));
        calls.clear();

        assertThat(cs.run(SyncRequest.builder("recorded", "nightly").build()).summary().uploaded()).isEqualTo(1);

        // the withdrawal and the commit: each 1-2 entry chunks + 1 index part, then the root
        List<String> puts = named("put");
        assertThat(puts.stream().filter(n -> n.equals("manifests/nightly.json"))).hasSize(2);
        assertThat(puts.stream().filter(n -> n.startsWith("chunks/nightly/"))).hasSizeBetween(2, 6);
        assertThat(named("get").stream().filter(n -> !n.startsWith("leases/")))
                .as("the root, and once more when the lease is held").containsExactly("manifests/nightly.json", "manifests/nightly.json");
        Manifest committed = TestManifests.committed(remote, "nightly");
        assertThat(committed.find("src/d07/f01207.txt").orElseThrow().size()).isEqualTo(7);
        assertThat(Format2.versionOf(Files.readAllBytes(remote.resolve(".cloudsync/manifests/nightly.json")))).isEqualTo(2);
        try (Stream<Path> chunks = Files.list(remote.resolve(".cloudsync/chunks/nightly"))) {
            assertThat(chunks.map(p -> p.getFileName().toString())).as("replaced chunks are gone")
                    .containsExactlyInAnyOrderElementsOf(Format2.encode(committed, Format2.Layout.EMPTY).layout().names());
        }
    }
}
