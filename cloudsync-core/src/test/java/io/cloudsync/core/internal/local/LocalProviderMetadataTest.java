package io.cloudsync.core.internal.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local provider's metadata area ({@code <directory>/.cloudsync/<name>}) and its server-side copy. */
class LocalProviderMetadataTest {

    private static final Instant MTIME = Instant.parse("2023-03-04T05:06:07.123456789Z");

    @TempDir
    Path tmp;

    private Path remote() {
        return tmp.resolve("remote");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) {
        return Digests.hex(Digests.sha256().digest(bytes));
    }

    private static List<String> names(LocalProvider p, String prefix) {
        try (Stream<String> s = p.listMetadata(prefix)) {
            return s.toList();
        }
    }

    private static ProviderException.Kind kindOf(Throwable e) {
        return ((ProviderException) e).kind();
    }

    @Test
    void put_storesTheBytesAtDotCloudsyncSlashName_andGetReturnsThemWithAStableTag() throws IOException {
        LocalProvider p = new LocalProvider(remote());
        byte[] bytes = utf8("{\"any\": \"bytes\"}\n");

        String version = p.putMetadata("manifests/nightly.json", bytes, MetadataPrecondition.ifAbsent());

        assertThat(Files.readAllBytes(remote().resolve(".cloudsync/manifests/nightly.json"))).isEqualTo(bytes);
        MetadataObject read = p.getMetadata("manifests/nightly.json").orElseThrow();
        assertThat(read.bytes()).isEqualTo(bytes);
        assertThat(read.version()).isEqualTo(version).isEqualTo(sha256(bytes));
        assertThat(new LocalProvider(remote()).getMetadata("manifests/nightly.json").orElseThrow().version())
                .as("stable across reads and providers").isEqualTo(version);
        String changed = p.putMetadata("manifests/nightly.json", utf8("other"), MetadataPrecondition.ifVersion(version));
        assertThat(changed).isNotEqualTo(version);
        assertThat(p.getMetadata("manifests/nightly.json").orElseThrow().version()).isEqualTo(changed);
    }

    @Test
    void get_ofAFileTodaysLayoutWrote_returnsIt_andAbsentNamesAndFoldersAreEmpty() throws IOException {
        Path manifests = Files.createDirectories(remote().resolve(".cloudsync/manifests"));
        byte[] legacy = utf8("{\"format\":\"cloudsync-manifest\"}");
        Files.write(manifests.resolve("nightly.json"), legacy);
        LocalProvider p = new LocalProvider(remote());

        assertThat(p.getMetadata("manifests/nightly.json")).get().extracting(MetadataObject::bytes).isEqualTo(legacy);
        assertThat(p.getMetadata("manifests/weekly.json")).isEmpty();
        assertThat(p.getMetadata("manifests")).as("a folder is no object").isEmpty();
        assertThat(p.getMetadata("manifests/nightly.json/below")).as("below a file").isEmpty();
        assertThat(new LocalProvider(tmp.resolve("never-created")).getMetadata("a")).isEmpty();
    }

    @Test
    void preconditions_thatDoNotHold_areConflicts_andLeaveTheObjectAsItWas() {
        LocalProvider p = new LocalProvider(remote());
        String v1 = p.putMetadata("leases/x", utf8("one"), MetadataPrecondition.none());

        assertThatThrownBy(() -> p.putMetadata("leases/x", utf8("two"), MetadataPrecondition.ifAbsent()))
                .isInstanceOf(ProviderException.class).satisfies(e -> assertThat(kindOf(e)).isEqualTo(ProviderException.Kind.CONFLICT))
                .hasMessageContaining("\"leases/x\" already exists");
        assertThatThrownBy(() -> p.putMetadata("leases/x", utf8("two"), MetadataPrecondition.ifVersion(sha256(utf8("zero")))))
                .isInstanceOf(ProviderException.class).satisfies(e -> assertThat(kindOf(e)).isEqualTo(ProviderException.Kind.CONFLICT))
                .hasMessageContaining("changed since it was read").hasMessageContaining("found version " + v1);
        assertThatThrownBy(() -> p.putMetadata("leases/absent", utf8("two"), MetadataPrecondition.ifVersion(v1)))
                .isInstanceOf(ProviderException.class).satisfies(e -> assertThat(kindOf(e)).isEqualTo(ProviderException.Kind.CONFLICT))
                .hasMessageContaining("found none");

        assertThat(p.getMetadata("leases/x").orElseThrow().bytes()).isEqualTo(utf8("one"));
        assertThat(p.getMetadata("leases/absent")).isEmpty();
        assertThat(p.putMetadata("leases/x", utf8("three"), MetadataPrecondition.none())).isEqualTo(sha256(utf8("three")));
    }

    @Test
    void racingPuts_fromTwoProvidersOnOneFolder_withTheSameVersion_haveExactlyOneWinner() throws Exception {
        LocalProvider first = new LocalProvider(remote());
        LocalProvider second = new LocalProvider(remote());
        String start = first.putMetadata("manifests/s.json", utf8("start"), MetadataPrecondition.none());
        int writers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                LocalProvider p = i % 2 == 0 ? first : second;
                byte[] mine = utf8("writer " + i);
                outcomes.add(pool.submit(() -> {
                    go.await();
                    try {
                        p.putMetadata("manifests/s.json", mine, MetadataPrecondition.ifVersion(start));
                        return new String(mine, StandardCharsets.UTF_8);
                    } catch (ProviderException e) {
                        return e.kind() == ProviderException.Kind.CONFLICT ? null : "unexpected " + e;
                    }
                }));
            }
            go.countDown();
            List<String> winners = new ArrayList<>();
            for (Future<String> f : outcomes) {
                String w = f.get();
                if (w != null) {
                    winners.add(w);
                }
            }

            assertThat(winners).hasSize(1).allMatch(w -> w.startsWith("writer "));
            assertThat(new String(first.getMetadata("manifests/s.json").orElseThrow().bytes(), StandardCharsets.UTF_8))
                    .isEqualTo(winners.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readers_duringPuts_seeTheOldBytesOrTheNew_neverAMix_andNoTemporaryFileStays() throws Exception {
        LocalProvider p = new LocalProvider(remote());
        byte[] a = new byte[256 * 1024];
        byte[] b = new byte[256 * 1024];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        p.putMetadata("big", a, MetadataPrecondition.none());
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> reads = pool.submit((Callable<Integer>) () -> {
                int n = 0;
                while (!done.get() || n == 0) {
                    byte[] seen = p.getMetadata("big").orElseThrow().bytes();
                    if (!Arrays.equals(seen, a) && !Arrays.equals(seen, b)) {
                        throw new AssertionError("a torn read of " + seen.length + " bytes");
                    }
                    n++;
                }
                return n;
            });
            for (int i = 0; i < 60; i++) {
                p.putMetadata("big", i % 2 == 0 ? b : a, MetadataPrecondition.none());
            }
            done.set(true);
            assertThat(reads.get()).isPositive();
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> all = Files.list(remote().resolve(".cloudsync"))) {
            assertThat(all.map(f -> f.getFileName().toString())).noneMatch(AtomicFiles::isTempName);
        }
    }

    @Test
    void list_isSortedByStringOrder_filtersByPrefix_andShowsNoFileOfASnapshotNorOfTheProvider() throws IOException {
        LocalProvider p = new LocalProvider(remote());
        List<String> put = List.of("manifests/b.json", "manifests/A.json", "manifests/\u00e9t\u00e9.json", "manifests/a.json",
                "manifestsX", "chunks/00/ff", "plans/p-1", "manifests/sub/deeper.json");
        for (String name : put) {
            p.putMetadata(name, utf8(name), MetadataPrecondition.none());
        }
        Path file = Files.writeString(Files.createDirectories(tmp.resolve("local")).resolve("f"), "file");
        byte[] content = Files.readAllBytes(file);
        p.upload("snap", new ManifestEntry("manifests/x.json", content.length, MTIME, sha256(content)), file);
        // what a killed atomic write leaves, and the provider's own staging folder and lock
        Files.writeString(remote().resolve(".cloudsync/manifests").resolve(AtomicFiles.tempName()), "torn");

        assertThat(names(p, "")).isSorted().containsExactlyInAnyOrderElementsOf(put);
        assertThat(names(p, "manifests/")).containsExactly("manifests/A.json", "manifests/a.json", "manifests/b.json",
                "manifests/sub/deeper.json", "manifests/\u00e9t\u00e9.json");
        assertThat(names(p, "manifests")).contains("manifestsX", "manifests/a.json").hasSize(6);
        assertThat(names(p, "manifests/a")).containsExactly("manifests/a.json");
        assertThat(names(p, "nothing/")).isEmpty();
        assertThat(names(p, LocalProvider.PRIVATE_PREFIX + "staging/")).isEmpty();
        try (Stream<RemoteEntry> files = p.list("snap")) {
            assertThat(files.map(RemoteEntry::path)).containsExactly("manifests/x.json");
        }
        assertThat(new LocalProvider(tmp.resolve("never-created")).listMetadata("")).isEmpty();
    }

    @Test
    void delete_isIdempotent_andLeavesOtherObjectsAndFolders() {
        LocalProvider p = new LocalProvider(remote());
        p.putMetadata("manifests/a.json", utf8("a"), MetadataPrecondition.none());
        p.putMetadata("manifests/b.json", utf8("b"), MetadataPrecondition.none());

        p.deleteMetadata("manifests/a.json");
        p.deleteMetadata("manifests/a.json");
        p.deleteMetadata("never/there");
        p.deleteMetadata("manifests"); // a folder: nothing of that name

        assertThat(p.getMetadata("manifests/a.json")).isEmpty();
        assertThat(names(p, "")).containsExactly("manifests/b.json");
    }

    @Test
    void badNames_areRefusedSayingWhatIsWrong() {
        LocalProvider p = new LocalProvider(remote());
        for (String bad : List.of("", "/a", "a/", "a//b", "..", "a/../b", "./a", "a\\b", "a\u0001b")) {
            assertThatThrownBy(() -> p.getMetadata(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("metadata name");
            assertThatThrownBy(() -> p.putMetadata(bad, utf8("x"), MetadataPrecondition.none())).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> p.deleteMetadata(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> p.listMetadata("a//")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.putMetadata(".cs-staging/x", utf8("x"), MetadataPrecondition.none()))
                .isInstanceOf(ProviderException.class).hasMessageContaining("\".cs-\"").hasMessageContaining("choose another name");
        assertThatThrownBy(() -> p.getMetadata("a/" + AtomicFiles.tempName())).isInstanceOf(ProviderException.class);
        assertThat(remote().resolve(".cloudsync/a")).doesNotExist();
    }

    @Test
    void put_underANameThatIsAnObject_orOverAFolder_failsSayingWhy() {
        LocalProvider p = new LocalProvider(remote());
        p.putMetadata("a", utf8("object"), MetadataPrecondition.none());
        p.putMetadata("dir/inner", utf8("inner"), MetadataPrecondition.none());

        assertThatThrownBy(() -> p.putMetadata("a/b", utf8("x"), MetadataPrecondition.none()))
                .isInstanceOf(ProviderException.class).satisfies(e -> assertThat(kindOf(e)).isEqualTo(ProviderException.Kind.PERMANENT))
                .hasMessageContaining("a folder it needs is stored as an object");
        assertThatThrownBy(() -> p.putMetadata("dir", utf8("x"), MetadataPrecondition.none()))
                .isInstanceOf(ProviderException.class).hasMessageContaining("is a folder");
        assertThat(p.getMetadata("a").orElseThrow().bytes()).isEqualTo(utf8("object"));
        assertThat(names(p, "")).containsExactly("a", "dir/inner");
    }

    @Test
    void snapshotNamedLikeTheMetadataArea_isRefused() throws IOException {
        LocalProvider p = new LocalProvider(remote());
        Path file = Files.writeString(Files.createDirectories(tmp.resolve("local")).resolve("f"), "x");
        ManifestEntry entry = new ManifestEntry("manifests/n.json", 1, MTIME, sha256(utf8("x")));

        assertThatThrownBy(() -> p.upload(".cloudsync", entry, file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved for the metadata area");
        assertThatThrownBy(() -> p.list("..")).isInstanceOf(IllegalArgumentException.class);
        assertThat(remote().resolve(".cloudsync/manifests/n.json")).doesNotExist();
    }

    // ------------------------------------------------------------------ copy

    private ManifestEntry stored(LocalProvider p, String path, String content) throws IOException {
        Path file = Files.writeString(Files.createDirectories(tmp.resolve("local")).resolve("src-" + path.replace('/', '_')),
                content);
        ManifestEntry e = new ManifestEntry(path, content.length(), MTIME, sha256(utf8(content)));
        p.upload("snap", e, file);
        return e;
    }

    @Test
    void copy_storesTheSourcesBytesUnderTheTarget_withItsOwnMtime_andAVerifiedReceipt() throws IOException {
        LocalProvider p = new LocalProvider(remote());
        ManifestEntry source = stored(p, "dir/a.txt", "alpha");
        Instant later = MTIME.plusSeconds(3600);
        ManifestEntry target = new ManifestEntry("moved/b.txt", source.size(), later, source.sha256());

        UploadReceipt receipt = p.copy("snap", "dir/a.txt", target);

        assertThat(receipt.path()).isEqualTo("moved/b.txt");
        assertThat(receipt.size()).isEqualTo(5);
        assertThat(receipt.serverVerified()).isTrue();
        assertThat(receipt.sha256()).contains(source.sha256());
        assertThat(Files.readString(remote().resolve("snap/moved/b.txt"))).isEqualTo("alpha");
        assertThat(Files.getLastModifiedTime(remote().resolve("snap/moved/b.txt")).toInstant()).isEqualTo(later);
        assertThat(Files.getLastModifiedTime(remote().resolve("snap/dir/a.txt")).toInstant())
                .as("no hard link: the source keeps its mtime").isEqualTo(MTIME);
        Files.writeString(remote().resolve("snap/dir/a.txt"), "changed in place by someone");
        assertThat(Files.readString(remote().resolve("snap/moved/b.txt"))).as("no link to the source").isEqualTo("alpha");
    }

    @Test
    void copy_replacesTheTarget() throws IOException {
        LocalProvider p = new LocalProvider(remote());
        ManifestEntry source = stored(p, "new.txt", "new content");
        stored(p, "old.txt", "old");

        p.copy("snap", "new.txt", new ManifestEntry("old.txt", source.size(), MTIME, source.sha256()));

        assertThat(Files.readString(remote().resolve("snap/old.txt"))).isEqualTo("new content");
        try (Stream<RemoteEntry> files = p.list("snap")) {
            assertThat(files.map(RemoteEntry::path)).containsExactly("new.txt", "old.txt");
        }
    }

    @Test
    void copy_ofAMissingSource_isNotFound_andCreatesNothing() throws IOException {
        LocalProvider p = new LocalProvider(remote());
        stored(p, "folder/inner.txt", "x");
        ManifestEntry target = new ManifestEntry("t/target.txt", 1, MTIME, sha256(utf8("x")));

        for (String missing : List.of("missing.txt", "folder")) {
            assertThatThrownBy(() -> p.copy("snap", missing, target)).as(missing).isInstanceOf(ProviderException.class)
                    .satisfies(e -> assertThat(kindOf(e)).isEqualTo(ProviderException.Kind.NOT_FOUND))
                    .hasMessageContaining(missing);
        }
        assertThat(remote().resolve("snap/t")).doesNotExist();
    }

    @Test
    void copy_whoseSourceIsNotWhatTheEntrySays_isRefusedAsIntegrity_andLeavesTheTarget() throws IOException {
        LocalProvider p = new LocalProvider(remote());
        stored(p, "a.txt", "alpha");
        stored(p, "b.txt", "bravo");
        ManifestEntry lying = new ManifestEntry("b.txt", 5, MTIME, sha256(utf8("other")));

        assertThatThrownBy(() -> p.copy("snap", "a.txt", lying)).isInstanceOf(ProviderException.class)
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(ProviderException.Kind.INTEGRITY));

        assertThat(Files.readString(remote().resolve("snap/b.txt"))).isEqualTo("bravo");
        try (Stream<Path> staged = Files.list(p.stagingDir())) {
            assertThat(staged).isEmpty();
        }
    }

    @Test
    void aStaleStagingFileInTheLegacyStagingFolder_isSweptToo() throws IOException {
        Path legacy = Files.createDirectories(remote().resolve(".cloudsync/staging"));
        Path stale = Files.writeString(legacy.resolve(AtomicFiles.tempName()), "left by a killed upload of an earlier version");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(LocalProvider.STALE_STAGING).minusSeconds(60)));
        LocalProvider p = new LocalProvider(remote());

        stored(p, "a.txt", "alpha");

        assertThat(stale).doesNotExist();
        assertThat(p.stagingDir()).isEqualTo(remote().resolve(".cloudsync/.cs-staging"));
    }
}
