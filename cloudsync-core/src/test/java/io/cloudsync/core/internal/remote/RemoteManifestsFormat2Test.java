package io.cloudsync.core.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.ManifestJson;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.core.internal.manifest2.ChunkFolder;
import io.cloudsync.core.internal.manifest2.Chunked;
import io.cloudsync.core.internal.manifest2.Format2;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.FaultInjectingProvider;
import io.cloudsync.testkit.FaultInjectingProvider.Operation;
import io.cloudsync.testkit.ForwardingProvider;
import io.cloudsync.testkit.InMemoryProviderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format 2 on the remote: what a write puts and deletes, what a read fetches, and damage. */
class RemoteManifestsFormat2Test {

    private static final Instant T0 = Instant.parse("2024-05-06T07:08:09Z");
    private static final String ROOT = "manifests/nightly.json";
    private static final String CHUNKS = "chunks/nightly/";
    /** Chunk puts and sweep deletes at once in most tests, as a run sends them. */
    private static final int PARALLEL = 4;

    @TempDir
    Path remote;
    @TempDir
    Path state;

    private final String store = "format2-" + System.nanoTime();

    @AfterEach
    void dropStore() {
        InMemoryProviderFactory.dropStore(store);
    }

    /** Records every metadata call as "get NAME", "put NAME", "delete NAME" or "list PREFIX". */
    private static final class Recording extends ForwardingProvider {
        final List<String> calls = new CopyOnWriteArrayList<>();

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

        List<String> named(String verb) {
            return calls.stream().filter(c -> c.startsWith(verb + ' ')).map(c -> c.substring(verb.length() + 1)).toList();
        }
    }

    private Provider local() {
        return new LocalProviderFactory().open(ProviderConfig.builder().put("directory", remote.toString()).build(),
                Secrets.none());
    }

    private Provider memory() {
        return new InMemoryProviderFactory().open(InMemoryProviderFactory.config(store), Secrets.none());
    }

    private static Retry retry() {
        return new Retry(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build(),
                d -> { });
    }

    private static RemoteManifests manifests(Provider p, Path cache, BooleanSupplier lease) {
        return new RemoteManifests(p, retry(), s -> Optional.of(new ChunkFolder(cache.resolve(s + ".chunks"))), lease,
                PARALLEL);
    }

    private static List<ManifestEntry> entries(int n) {
        List<ManifestEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new ManifestEntry(String.format("src/f%06d.txt", i), i, T0, String.format("%064x", i)));
        }
        return entries;
    }

    private static Manifest manifest(List<ManifestEntry> entries, Instant at) {
        return Manifest.of("nightly", "/project", at, entries);
    }

    private static Set<String> chunksOn(Provider p) {
        try (Stream<String> names = p.listMetadata(CHUNKS)) {
            return new HashSet<>(names.toList());
        }
    }

    private static Set<String> namesOf(Manifest m) {
        Set<String> names = new HashSet<>();
        Format2.encode(m, Format2.Layout.EMPTY).layout().names().forEach(n -> names.add(CHUNKS + n));
        return names;
    }

    @Test
    void readAfterWrite_givesTheManifestBack_onLocalAndInMemory() {
        for (int n : new int[] {0, 1, 2049, 20_000}) {
            Manifest m = manifest(entries(n), T0);
            try (Provider l = local(); Provider mem = memory()) {
                for (Provider p : List.of(l, mem)) {
                    RemoteManifests w = new RemoteManifests(p, retry(), x -> Optional.empty(), () -> true, PARALLEL);
                    w.read("nightly");
                    w.write("nightly", m);
                    assertThat(new RemoteManifests(p, retry()).read("nightly")).as(n + " entries").contains(m);
                    assertThat(chunksOn(p)).as("exactly the root's chunks").isEqualTo(namesOf(m));
                }
            }
        }
    }

    @Test
    void oneFileInsertedOrRemoved_putsAtMostTwoEntryChunksOneIndexPartAndTheRoot() {
        List<ManifestEntry> base = entries(20_000);
        try (Provider mem = memory()) {
            Recording p = new Recording(mem);
            RemoteManifests w = new RemoteManifests(p, retry(), x -> Optional.empty(), () -> true, PARALLEL); // under the lease
            w.read("nightly");
            w.write("nightly", manifest(base, T0));
            Set<String> before = chunksOn(mem);

            List<ManifestEntry> inserted = new ArrayList<>(base);
            inserted.add(new ManifestEntry("src/f010000.txt.new", 1, T0, "b".repeat(64)));
            p.calls.clear();
            w.write("nightly", manifest(inserted, T0));
            assertWrote(p, before, chunksOn(mem));

            before = chunksOn(mem);
            List<ManifestEntry> removed = new ArrayList<>(inserted);
            removed.remove(15_000);
            p.calls.clear();
            w.write("nightly", manifest(removed, T0));
            assertWrote(p, before, chunksOn(mem));
            assertThat(new RemoteManifests(mem, retry()).read("nightly")).contains(manifest(removed, T0));
        }
    }

    private static void assertWrote(Recording p, Set<String> before, Set<String> after) {
        List<String> puts = p.named("put");
        assertThat(puts.get(puts.size() - 1)).as("the root last").isEqualTo(ROOT);
        List<String> chunkPuts = puts.subList(0, puts.size() - 1);
        assertThat(chunkPuts).allMatch(n -> n.startsWith(CHUNKS)).hasSizeBetween(2, 3) // 1-2 entry chunks + 1 part
                .doesNotContainAnyElementsOf(before);
        Set<String> kept = new HashSet<>(before);
        kept.retainAll(after);
        assertThat(before.size() - kept.size()).as("chunks replaced").isEqualTo(chunkPuts.size());
        assertThat(p.named("delete")).as("exactly the replaced chunks, after the root")
                .containsExactlyInAnyOrderElementsOf(before.stream().filter(n -> !after.contains(n)).toList());
        assertThat(p.calls.indexOf("put " + ROOT)).isLessThan(p.calls.stream().filter(c -> c.startsWith("delete ")).map(p.calls::indexOf)
                .min(Integer::compare).orElse(Integer.MAX_VALUE));
        assertThat(p.named("get")).as("a write reads nothing").isEmpty();
        assertThat(p.named("list")).as("one sweep of the snapshot's own folder").containsExactly(CHUNKS);
    }

    @Test
    void aReadWithACurrentCache_isOneRequestForTheRoot() {
        Manifest m = manifest(entries(10_000), T0);
        try (Provider mem = memory()) {
            RemoteManifests w = new RemoteManifests(mem, retry());
            w.read("nightly");
            w.write("nightly", m);
            manifests(mem, state, () -> false).read("nightly"); // fills the cache

            Recording p = new Recording(mem);
            RemoteManifests r = manifests(p, state, () -> false);
            assertThat(r.read("nightly")).contains(m);

            assertThat(p.calls).containsExactly("get " + ROOT);
            assertThat(r.counts().requests()).isEqualTo(1);
            assertThat(r.counts().bytesRead()).isEqualTo(mem.getMetadata(ROOT).orElseThrow().bytes().length);
            assertThat(r.counts().bytesWritten()).isZero();
        }
    }

    @Test
    void anotherHostsChange_fetchesOnlyTheRootAndTheChangedChunks() {
        List<ManifestEntry> base = entries(10_000);
        try (Provider mem = memory()) {
            RemoteManifests hostA = manifests(mem, state.resolve("a"), () -> false);
            hostA.read("nightly");
            hostA.write("nightly", manifest(base, T0));
            manifests(mem, state.resolve("b"), () -> false).read("nightly"); // host B is current
            Set<String> before = chunksOn(mem);
            List<ManifestEntry> changed = new ArrayList<>(base);
            changed.set(5000, new ManifestEntry(base.get(5000).path(), 1, T0, "c".repeat(64)));
            hostA.write("nightly", manifest(changed, T0.plusSeconds(1)));
            Set<String> fresh = chunksOn(mem);
            fresh.removeAll(before);

            Recording p = new Recording(mem);
            assertThat(manifests(p, state.resolve("b"), () -> false).read("nightly")).contains(manifest(changed, T0.plusSeconds(1)));

            assertThat(p.named("get")).first().isEqualTo(ROOT);
            assertThat(p.named("get").subList(1, p.calls.size())).containsExactlyInAnyOrderElementsOf(fresh).hasSize(2);
        }
    }

    @Test
    void aFailedRootPut_leavesEveryOldChunkAndTheOldRoot() {
        try (Provider l = local()) {
            RemoteManifests setup = new RemoteManifests(l, retry());
            setup.read("nightly");
            Manifest old = manifest(entries(5000), T0);
            setup.write("nightly", old);
            byte[] oldRoot = l.getMetadata(ROOT).orElseThrow().bytes();
            Set<String> oldChunks = chunksOn(l);
            FaultInjectingProvider failing = FaultInjectingProvider.wrap(l)
                    .fail(Operation.PUT_METADATA, ROOT, ProviderException.Kind.PERMANENT, Integer.MAX_VALUE).build();
            RemoteManifests w = new RemoteManifests(failing, retry());
            w.read("nightly");
            List<ManifestEntry> changed = new ArrayList<>(entries(5000));
            changed.remove(10);

            assertThatThrownBy(() -> w.write("nightly", manifest(changed, T0.plusSeconds(1))))
                    .isInstanceOf(ProviderException.class);

            assertThat(chunksOn(l)).containsAll(oldChunks);
            assertThat(l.getMetadata(ROOT).orElseThrow().bytes()).isEqualTo(oldRoot);
            assertThat(new RemoteManifests(l, retry()).read("nightly")).contains(old);
        }
    }

    @Test
    void orphanChunks_areSweptOnlyUnderTheLease_andOnlyInTheSnapshotsOwnFolder() throws IOException {
        try (Provider mem = memory()) {
            RemoteManifests setup = new RemoteManifests(mem, retry());
            setup.read("nightly");
            setup.write("nightly", manifest(entries(300), T0));
            setup.read("weekly");
            setup.write("weekly", Manifest.of("weekly", "/project", T0, entries(300)));
            byte[] junk = "left by a killed run".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String orphan = CHUNKS + Format2.sha256(junk);
            mem.putMetadata(orphan, junk, MetadataPrecondition.none());
            mem.putMetadata(CHUNKS + "notes.txt", junk, MetadataPrecondition.none());
            Set<String> weekly;
            try (Stream<String> names = mem.listMetadata("chunks/weekly/")) {
                weekly = new HashSet<>(names.toList());
            }

            Set<String> replaced = chunksOn(mem);
            RemoteManifests withoutLease = manifests(mem, state, () -> false);
            withoutLease.read("nightly");
            withoutLease.write("nightly", manifest(entries(301), T0));
            assertThat(chunksOn(mem)).as("without the lease another run may still name them: nothing is deleted")
                    .containsAll(replaced).contains(orphan, CHUNKS + "notes.txt");

            Recording p = new Recording(mem);
            RemoteManifests underLease = manifests(p, state, () -> true);
            underLease.read("nightly");
            underLease.write("nightly", manifest(entries(302), T0));
            assertThat(p.named("list")).containsExactly(CHUNKS);
            assertThat(chunksOn(mem)).doesNotContain(orphan).contains(CHUNKS + "notes.txt");
            Set<String> expected = namesOf(manifest(entries(302), T0));
            expected.add(CHUNKS + "notes.txt");
            assertThat(chunksOn(mem)).isEqualTo(expected);
            try (Stream<String> names = mem.listMetadata("chunks/weekly/")) {
                assertThat(names).containsExactlyInAnyOrderElementsOf(weekly);
            }
        }
    }

    @Test
    void aFormat1Remote_isRead_andTheFirstCommitWritesFormat2() throws IOException {
        Manifest legacy = manifest(entries(3), T0);
        Files.createDirectories(remote.resolve(".cloudsync/manifests"));
        Files.write(remote.resolve(".cloudsync/manifests/nightly.json"), ManifestJson.toBytes(legacy));
        try (Provider l = local()) {
            RemoteManifests w = manifests(l, state, () -> false);
            assertThat(w.read("nightly")).contains(legacy);
            Manifest next = manifest(entries(4), T0.plusSeconds(1));
            w.write("nightly", next);

            assertThat(Format2.versionOf(l.getMetadata(ROOT).orElseThrow().bytes())).isEqualTo(2);
            assertThat(new RemoteManifests(l, retry()).read("nightly")).contains(next);
        }
    }

    @Test
    void damagedChunks_areAnIntegrityErrorNamingTheSnapshotAndTheObject_andChangeNothing() throws IOException {
        try (Provider l = local()) {
            RemoteManifests setup = new RemoteManifests(l, retry());
            setup.read("nightly");
            Manifest m = manifest(entries(3000), T0);
            setup.write("nightly", m);
            byte[] root = l.getMetadata(ROOT).orElseThrow().bytes();
            String chunk = Format2.encode(m, Format2.Layout.EMPTY).layout().chunks().get(1).ref().sha256();
            Path file = remote.resolve(".cloudsync/" + CHUNKS + chunk);
            byte[] good = Files.readAllBytes(file);

            Files.write(file, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
            assertIntegrity(l, "chunks/nightly/" + chunk, "does not match its name");
            Files.delete(file);
            assertIntegrity(l, "chunks/nightly/" + chunk, "is missing");

            Files.write(file, good);
            Files.write(remote.resolve(".cloudsync/" + ROOT), new String(root, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("\"entries\": 3000", "\"entries\": 3001").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertIntegrity(l, ROOT, "says 3001 entries");
            Files.write(remote.resolve(".cloudsync/" + ROOT), new String(root, java.nio.charset.StandardCharsets.UTF_8)
                    .replace(m.checksum(), "0".repeat(64)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertIntegrity(l, ROOT, "has checksum " + "0".repeat(64));

            Files.write(remote.resolve(".cloudsync/" + ROOT), new String(root, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("\"version\": 2", "\"version\": 3").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThatThrownBy(() -> new RemoteManifests(l, retry()).read("nightly")).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("version 3").hasMessageContaining("written by a newer cloudsync; upgrade cloudsync");
        }
    }

    private void assertIntegrity(Provider l, String object, String problem) throws IOException {
        Set<String> chunks = chunksOn(l);
        byte[] root = l.getMetadata(ROOT).orElseThrow().bytes();
        assertThatThrownBy(() -> manifests(l, state.resolve("fresh-" + System.nanoTime()), () -> true).read("nightly"))
                .isInstanceOf(ProviderException.class)
                .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INTEGRITY))
                .hasMessageContaining("snapshot \"nightly\"").hasMessageContaining(object).hasMessageContaining(problem)
                .hasMessageContaining("nothing was changed");
        assertThat(chunksOn(l)).as("nothing changed").isEqualTo(chunks);
        assertThat(l.getMetadata(ROOT).orElseThrow().bytes()).isEqualTo(root);
    }

    @Test
    void aChunkedReadAndWrite_roundTripWithTheInMemoryForms_andAnUnchangedRootCostsOneRequest() {
        Manifest m = manifest(entries(12_000), T0);
        try (Provider mem = memory()) {
            Recording p = new Recording(mem);
            ChunkFolder folder = new ChunkFolder(state.resolve("nightly.chunks"));
            RemoteManifests w = manifests(p, state, () -> true);
            assertThat(w.readChunked("nightly", folder)).isEmpty();
            w.write("nightly", Chunked.of(m, folder));
            assertThat(new RemoteManifests(mem, retry()).read("nightly")).as("the in-memory reader agrees").contains(m);
            assertThat(chunksOn(mem)).as("exactly the root's chunks").isEqualTo(namesOf(m));

            p.calls.clear();
            RemoteManifests r = manifests(p, state, () -> true);
            Optional<Chunked> read = r.readChunked("nightly", folder);
            assertThat(p.calls).as("root only: parts and chunks are in the folder").containsExactly("get " + ROOT);
            assertThat(read).isPresent();
            assertThat(read.get().toManifest()).isEqualTo(m);

            // one changed entry: a chunked write replaces 1-2 entry chunks and a part, root last, then the sweep
            List<ManifestEntry> changed = new ArrayList<>(m.entries());
            changed.set(6_000, new ManifestEntry(changed.get(6_000).path(), 7, T0, "d".repeat(64)));
            Set<String> before = chunksOn(mem);
            p.calls.clear();
            r.write("nightly", Chunked.of(manifest(changed, T0), folder));
            assertWrote(p, before, chunksOn(mem));
            assertThat(new RemoteManifests(mem, retry()).read("nightly")).contains(manifest(changed, T0));

            // a fresh folder: every chunk comes from the remote, once
            ChunkFolder empty = new ChunkFolder(state.resolve("fresh"));
            p.calls.clear();
            Optional<Chunked> cold = manifests(p, state, () -> true).readChunked("nightly", empty);
            assertThat(cold.get().toManifest()).isEqualTo(manifest(changed, T0));
            assertThat(p.named("get")).hasSize(1 + namesOf(manifest(changed, T0)).size()).doesNotHaveDuplicates();
        }
    }

    @Test
    void chunkPuts_goInParallel_andTheRootOnlyAfterAll() throws InterruptedException {
        Manifest m = manifest(entries(20_000), T0);
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch together = new java.util.concurrent.CountDownLatch(PARALLEL);
        List<String> done = new CopyOnWriteArrayList<>();
        try (Provider mem = memory()) {
            Provider p = new ForwardingProvider(mem) {
                @Override
                public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
                    if (name.equals(ROOT)) {
                        assertThat(inFlight.get()).as("no chunk put in flight beside the root").isZero();
                        assertThat(done).as("every chunk stored before the root").containsAll(namesOf(m));
                        return super.putMetadata(name, bytes, precondition);
                    }
                    most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    try {
                        together.countDown();
                        together.await(10, java.util.concurrent.TimeUnit.SECONDS); // the first ones wait for each other
                        return super.putMetadata(name, bytes, precondition);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    } finally {
                        done.add(name);
                        inFlight.decrementAndGet();
                    }
                }
            };
            RemoteManifests w = new RemoteManifests(p, retry(), x -> Optional.empty(), () -> true, PARALLEL);
            w.read("nightly");
            w.write("nightly", m);
            assertThat(together.getCount()).as("puts that met in flight").isZero();
            assertThat(most.get()).isEqualTo(PARALLEL);
            assertThat(new RemoteManifests(mem, retry()).read("nightly")).contains(m);
        }
    }

    @Test
    void aFailedChunkPut_startsNoFurtherPut_andPutsNoRoot() {
        Manifest m = manifest(entries(20_000), T0);
        int chunks = namesOf(m).size();
        try (Provider mem = memory()) {
            Recording rec = new Recording(mem);
            java.util.concurrent.atomic.AtomicInteger puts = new java.util.concurrent.atomic.AtomicInteger();
            Provider p = new ForwardingProvider(rec) {
                @Override
                public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
                    if (puts.incrementAndGet() == 3) {
                        throw new ProviderException(ProviderException.Kind.PERMANENT, "refused: " + name, null, null);
                    }
                    return super.putMetadata(name, bytes, precondition);
                }
            };
            RemoteManifests w = new RemoteManifests(p, retry(), x -> Optional.empty(), () -> true, PARALLEL);
            w.read("nightly");

            assertThatThrownBy(() -> w.write("nightly", m)).isInstanceOf(ProviderException.class).hasMessageContaining("refused");

            assertThat(rec.named("put")).doesNotContain(ROOT);
            assertThat(puts.get()).as("puts tried of " + chunks).isLessThan(3 + PARALLEL + 1);
            assertThat(mem.getMetadata(ROOT)).isEmpty();
            assertThat(rec.named("delete")).as("nothing swept").isEmpty();
        }
    }

    @Test
    void aChunkedRead_ofAFormat1Manifest_givesItsEntries() {
        Manifest m = manifest(entries(300), T0);
        try (Provider mem = memory()) {
            mem.putMetadata(ROOT, ManifestJson.toBytes(m), MetadataPrecondition.none());
            ChunkFolder folder = new ChunkFolder(state.resolve("f1"));
            RemoteManifests r = manifests(mem, state, () -> true);
            assertThat(r.readChunked("nightly", folder).get().toManifest()).isEqualTo(m);
            assertThat(r.rootBytes("nightly")).as("no format-2 root").isEmpty();
            r.write("nightly", Chunked.of(m, folder));
            assertThat(Format2.versionOf(mem.getMetadata(ROOT).get().bytes())).as("the first commit writes format 2")
                    .isEqualTo(2);
        }
    }
}
