package io.cloudsync.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.internal.hash.Hashing;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.core.internal.manifest2.ChunkFolder;
import io.cloudsync.core.internal.remote.RemoteManifests;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.ForwardingProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verify as a stream: the listing spilled into sorted runs (small runs here, so entries spread over
 * many), merged with the manifest's chunks; the work folder removed afterwards; the sample chosen as
 * it streams.
 */
class VerifyStreamingTest {

    private static final Instant T0 = Instant.parse("2024-05-06T07:08:09Z");
    private static final int FILES = 120;

    @TempDir
    Path remote;
    @TempDir
    Path state;

    private Manifest manifest;
    private final Map<String, String> digests = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            String path = String.format("d%d/f%03d.txt", i % 3, i);
            byte[] bytes = ("content of " + path).getBytes(StandardCharsets.UTF_8);
            Path file = remote.resolve("nightly").resolve(path);
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            String sha = Hashing.sha256(file);
            digests.put(path, sha);
            entries.add(new ManifestEntry(path, bytes.length, T0, sha));
        }
        manifest = Manifest.of("nightly", "/project", T0, entries);
        try (Provider p = local()) {
            RemoteManifests w = new RemoteManifests(p, retry());
            w.read("nightly");
            w.write("nightly", manifest);
        }
    }

    private Provider local() {
        return new LocalProviderFactory().open(ProviderConfig.builder().put("directory", remote.toString()).build(),
                Secrets.none());
    }

    private static Retry retry() {
        return new Retry(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build(),
                d -> { });
    }

    private Path scratch() {
        return state.resolve("tmp");
    }

    private ChunkFolder chunks() {
        return new ChunkFolder(state.resolve("manifests/local/nightly.chunks"));
    }

    private Verify verify(Provider p, Set<Capability> caps, int runSize) {
        return new Verify("local", "nightly", p, caps, retry(), 3, scratch(), chunks()).runSize(runSize)
                .random(new SplittableRandom(42));
    }

    /** The local provider whose listing is {@code listing} applied to what is really there. */
    private Provider listing(UnaryOperator<List<RemoteEntry>> listing) {
        return new ForwardingProvider(local()) {
            @Override
            public Stream<RemoteEntry> list(String snapshot) {
                List<RemoteEntry> real;
                try (Stream<RemoteEntry> s = super.list(snapshot)) {
                    real = new ArrayList<>(s.toList());
                }
                return listing.apply(real).stream();
            }
        };
    }

    private static RemoteEntry withDigest(RemoteEntry r, String sha256) {
        return RemoteEntry.of(r.path(), r.size(), sha256, null);
    }

    @Test
    void listingOverManySortedRuns_findsMissingExtraSizeAndDigestMismatches() throws Exception {
        Files.delete(remote.resolve("nightly/d0/f000.txt"));
        Files.delete(remote.resolve("nightly/d1/f118.txt"));
        Files.writeString(remote.resolve("nightly/d2/f005.txt"), "resized, longer than before");
        Files.writeString(remote.resolve("nightly/a-stray.txt"), "left over");
        Files.writeString(remote.resolve("nightly/d1/f050.txt.extra"), "left over too");
        Files.createDirectories(remote.resolve("nightly/zz"));
        Files.writeString(remote.resolve("nightly/zz/last.txt"), "and at the end");
        String wrong = "f".repeat(64);
        Set<String> noDigest = Set.of("d0/f003.txt", "d1/f004.txt", "d2/f008.txt", "d0/f111.txt");

        try (Provider p = listing(real -> {
            List<RemoteEntry> out = new ArrayList<>();
            for (RemoteEntry r : real) {
                if (r.path().equals("d1/f010.txt")) {
                    out.add(withDigest(r, wrong));
                } else if (noDigest.contains(r.path()) || !digests.containsKey(r.path())) {
                    out.add(RemoteEntry.of(r.path(), r.size()));
                } else {
                    out.add(withDigest(r, digests.get(r.path())));
                }
            }
            // a path listed twice, in different runs: the later report wins (as the old map did)
            out.add(0, withDigest(RemoteEntry.of("d0/f009.txt", 1), wrong));
            Collections.shuffle(out.subList(1, out.size()), new Random(7));
            return out;
        })) {
            VerifyResult r = verify(p, EnumSet.of(Capability.LISTING), 7).run(0);

            assertThat(r.listed()).isTrue();
            assertThat(r.problems()).extracting(x -> x.path() + ":" + x.kind()).containsExactly(
                    "d0/f000.txt:MISSING", "d1/f010.txt:DIGEST_MISMATCH", "d1/f118.txt:MISSING",
                    "d2/f005.txt:SIZE_MISMATCH");
            assertThat(r.problems().get(1).detail()).contains("reports sha256 " + wrong);
            assertThat(r.extra()).containsExactly("a-stray.txt", "d1/f050.txt.extra", "zz/last.txt");
            assertThat(r.verifiedBySize()).isEqualTo(noDigest.size());
            assertThat(r.verifiedByDigest()).isEqualTo(FILES - 4 - noDigest.size());
            assertThat(r.verifiedByDownload() + r.unchecked()).isZero();
            assertThat(r.files()).isEqualTo(FILES);
            assertThat(r.manifest()).isEqualTo(manifest);
        }
        assertThat(scratch()).isEmptyDirectory();
    }

    @Test
    void listingOverManyRuns_withFullSample_downloadsExactlyTheFilesWithoutListedDigest() throws Exception {
        Files.writeString(remote.resolve("nightly/d0/f003.txt"), "same size? no: changed content");
        List<String> downloaded = new ArrayList<>();
        Provider counting = new ForwardingProvider(local()) {
            @Override
            public void download(String snapshot, String path, Path into) {
                synchronized (downloaded) {
                    downloaded.add(path);
                }
                super.download(snapshot, path, into);
            }
        };
        try (counting) {
            VerifyResult r = verify(counting, EnumSet.of(Capability.LISTING), 5).run(100);

            assertThat(downloaded).hasSize(FILES - 1); // local lists no digest; d0/f003.txt has another size
            assertThat(r.verifiedByDownload()).isEqualTo(FILES - 1);
            assertThat(r.problems()).extracting(x -> x.path() + ":" + x.kind()).containsExactly("d0/f003.txt:SIZE_MISMATCH");
        }
        assertThat(scratch()).isEmptyDirectory();
    }

    @Test
    void listingThatFailsHalfWay_leavesNoWorkFolderBehind() {
        AtomicInteger listed = new AtomicInteger();
        try (Provider p = new ForwardingProvider(local()) {
            @Override
            public Stream<RemoteEntry> list(String snapshot) {
                return super.list(snapshot).peek(r -> {
                    if (listed.incrementAndGet() == 50) {
                        throw new ProviderException(ProviderException.Kind.CONFIGURATION, "listing broke at 50");
                    }
                });
            }
        }) {
            assertThatThrownBy(() -> verify(p, EnumSet.of(Capability.LISTING), 7).run(10))
                    .isInstanceOf(ProviderException.class).hasMessageContaining("listing broke at 50");
        }
        assertThat(listed.get()).isEqualTo(50); // several runs had been spilled before it broke
        assertThat(scratch()).isEmptyDirectory();
    }

    @Test
    void summaryOnly_countsTheFilesAndLeavesTheEntriesOut() {
        try (Provider p = local()) {
            VerifyResult r = verify(p, EnumSet.of(Capability.LISTING), 7).run(0, Scope.of(List.of("d1"), state), true);

            assertThat(r.files()).isEqualTo(FILES / 3);
            assertThat(r.verifiedBySize()).isEqualTo(FILES / 3);
            assertThat(r.manifest().entries()).isEmpty();
            assertThat(r.manifest().name()).isEqualTo("nightly");
            assertThat(r.manifest().root()).isEqualTo("/project");
            assertThat(r.manifest().createdAt()).isEqualTo(T0);
            assertThat(r.manifest().checksum()).isEqualTo(Manifest.of("x", "", T0, List.of()).checksum());
        }
    }

    @Test
    void includePathCoveringNothing_failsBeforeTheListingIsRead() {
        AtomicInteger lists = new AtomicInteger();
        try (Provider p = new ForwardingProvider(local()) {
            @Override
            public Stream<RemoteEntry> list(String snapshot) {
                lists.incrementAndGet();
                return super.list(snapshot);
            }
        }) {
            assertThatThrownBy(() -> verify(p, EnumSet.of(Capability.LISTING), 7)
                    .run(0, Scope.of(List.of("d1", "nowhere"), state)))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot verify \"nowhere\"")
                    .hasMessageContaining("has no file at or under that path");
        }
        assertThat(lists.get()).isZero();
    }

    @Test
    void withoutListing_smallSampleDownloadsAtLeastOneAndCountsTheRestUnchecked() {
        List<String> downloaded = new ArrayList<>();
        Provider counting = new ForwardingProvider(local()) {
            @Override
            public void download(String snapshot, String path, Path into) {
                synchronized (downloaded) {
                    downloaded.add(path);
                }
                super.download(snapshot, path, into);
            }
        };
        try (counting) {
            VerifyResult one = verify(counting, EnumSet.noneOf(Capability.class), 7).run(1, Scope.of(List.of("d2"), state));
            assertThat(downloaded).hasSize(1).allMatch(x -> x.startsWith("d2/")); // ceil(40 * 1%) = 1
            assertThat(one.verifiedByDownload()).isEqualTo(1);
            assertThat(one.unchecked()).isEqualTo(FILES / 3 - 1);

            downloaded.clear();
            VerifyResult tenth = verify(counting, EnumSet.noneOf(Capability.class), 7).run(10);
            assertThat(downloaded).hasSize(12).doesNotHaveDuplicates(); // ceil(120 * 10%)
            assertThat(tenth.unchecked()).isEqualTo(FILES - 12);
        }
        assertThat(scratch()).isEmptyDirectory();
    }

    @Test
    void sampleSize_isCeilOfTheShareAndAtLeastOneWhenThereIsACandidate() {
        assertThat(Verify.sampleSize(0, 50)).isZero();
        assertThat(Verify.sampleSize(1000, 0)).isZero();
        assertThat(Verify.sampleSize(1, 1)).isEqualTo(1);
        assertThat(Verify.sampleSize(99, 1)).isEqualTo(1);
        assertThat(Verify.sampleSize(101, 1)).isEqualTo(2);
        assertThat(Verify.sampleSize(3, 100)).isEqualTo(3);
        assertThat(Verify.sampleSize(20_000, 10)).isEqualTo(2_000);
    }

    @Test
    void sample_takesExactlyKInOrderAndEveryItemAboutEquallyOften() {
        SplittableRandom random = new SplittableRandom(1);
        int[] chosen = new int[50];
        for (int trial = 0; trial < 4_000; trial++) {
            AtomicInteger read = new AtomicInteger();
            Iterator<Integer> source = IntStream.range(0, 50).peek(i -> read.incrementAndGet()).boxed().iterator();
            List<Integer> picked = new ArrayList<>();
            Verify.sample(source, 50, 5, random).forEachRemaining(picked::add);
            assertThat(picked).hasSize(5).isSorted().doesNotHaveDuplicates();
            assertThat(read.get()).as("the source is read to its end").isEqualTo(50);
            picked.forEach(i -> chosen[i]++);
        }
        // each item is expected 400 times (4,000 * 5 / 50); 3 standard deviations are about 57
        assertThat(IntStream.of(chosen).min().orElseThrow()).isGreaterThan(320);
        assertThat(IntStream.of(chosen).max().orElseThrow()).isLessThan(480);
        Set<Integer> none = new HashSet<>();
        Verify.sample(List.of(1, 2, 3).iterator(), 3, 0, random).forEachRemaining(none::add);
        assertThat(none).isEmpty();
    }
}
