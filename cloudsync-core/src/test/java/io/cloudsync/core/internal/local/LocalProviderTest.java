package io.cloudsync.core.internal.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProviderTest {

    private static final Instant MTIME = Instant.parse("2024-01-02T03:04:05.123456789Z");

    @TempDir
    Path tmp;

    private Path local(String name, String content) throws IOException {
        return Files.writeString(Files.createDirectories(tmp.resolve("local")).resolve(name), content);
    }

    private static ManifestEntry entry(String path, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return new ManifestEntry(path, bytes.length, MTIME, Digests.hex(Digests.sha256().digest(bytes)));
    }

    private static List<String> listed(LocalProvider p, String snapshot) {
        try (Stream<RemoteEntry> s = p.list(snapshot)) {
            return s.map(RemoteEntry::path).toList();
        }
    }

    @Test
    void flush_syncsWhatWasStoredSinceTheLastFlush_eachFolderOnce_andThenNothing() throws IOException {
        Path remote = tmp.resolve("remote").toAbsolutePath().normalize();
        LocalProvider p = new LocalProvider(remote);
        Path one = local("one.txt", "one");
        Path two = local("two.txt", "two");
        p.upload("snap", entry("a/b/one.txt", one), one);
        p.upload("snap", entry("a/b/two.txt", two), two);
        p.copy("snap", "a/b/one.txt", entry("a/three.txt", one));

        assertThat(p.unsynced().get(0)).containsExactlyInAnyOrder(remote.resolve("snap/a/b/one.txt"),
                remote.resolve("snap/a/b/two.txt"), remote.resolve("snap/a/three.txt"));
        // each folder whose entries changed, and the ones above it that gained a folder, once
        assertThat(p.unsynced().get(1)).containsExactlyInAnyOrder(remote.resolve("snap/a/b"), remote.resolve("snap/a"),
                remote.resolve("snap"), remote);
        // the staging folder is not among them: losing a staging entry loses nothing
        assertThat(p.unsynced().get(1)).doesNotContain(p.stagingDir());

        p.flush();

        assertThat(p.unsynced()).allMatch(Set::isEmpty);
        assertThat(Files.readString(remote.resolve("snap/a/three.txt"))).isEqualTo("one");
        p.flush(); // nothing to do
        assertThat(p.unsynced()).allMatch(Set::isEmpty);
    }

    @Test
    void flush_afterDeletes_syncsTheFoldersThatLostEntries_andSkipsFilesGoneSince() throws IOException {
        Path remote = tmp.resolve("remote").toAbsolutePath().normalize();
        LocalProvider p = new LocalProvider(remote);
        Path one = local("one.txt", "one");
        p.upload("snap", entry("a/b/one.txt", one), one);
        p.upload("snap", entry("keep.txt", one), one);
        p.flush();

        p.upload("snap", entry("a/b/again.txt", one), one);
        p.delete("snap", "a/b/again.txt"); // stored, then gone before the flush: nothing of it to sync
        p.delete("snap", "a/b/one.txt");   // removes a/b and a too

        assertThat(p.unsynced().get(1)).contains(remote.resolve("snap/a/b"), remote.resolve("snap/a"), remote.resolve("snap"));
        p.flush();

        assertThat(p.unsynced()).allMatch(Set::isEmpty);
        assertThat(listed(p, "snap")).containsExactly("keep.txt");
    }

    @Test
    void upload_reportsTheBytesCopiedPerMebibyte_andTheWholeSizeAtTheEnd() throws IOException {
        LocalProvider p = new LocalProvider(tmp.resolve("remote"));
        byte[] bytes = new byte[3 * LocalProvider.REPORT_EVERY + 12345];
        new java.util.Random(7).nextBytes(bytes);
        Path file = Files.write(Files.createDirectories(tmp.resolve("local")).resolve("big.bin"), bytes);
        List<Long> sent = new ArrayList<>();

        p.upload("snap", entry("big.bin", file), file, sent::add);

        assertThat(sent).hasSizeGreaterThanOrEqualTo(4).isSorted().last().isEqualTo((long) bytes.length);
        assertThat(sent.subList(0, sent.size() - 1)).allMatch(n -> n > 0 && n < bytes.length);
        assertThat(sent.get(0)).isBetween((long) LocalProvider.REPORT_EVERY, 2L * LocalProvider.REPORT_EVERY);
    }

    @Test
    void upload_ofAFileThatGrew_neverReportsMoreThanTheManifestSize() throws IOException {
        LocalProvider p = new LocalProvider(tmp.resolve("remote"));
        Path file = Files.write(Files.createDirectories(tmp.resolve("local")).resolve("grew.bin"),
                new byte[LocalProvider.REPORT_EVERY + 10]);
        ManifestEntry before = entry("grew.bin", file);
        Files.write(file, new byte[3 * LocalProvider.REPORT_EVERY]);
        List<Long> sent = new ArrayList<>();

        assertThatThrownBy(() -> p.upload("snap", before, file, sent::add)).isInstanceOf(ProviderException.class);

        assertThat(sent).isNotEmpty().allMatch(n -> n <= before.size());
    }

    @Test
    void legacyStagingLeftovers_areListedAsFiles_andADeleteOfTheirOwnerKeepsThem() throws IOException {
        Path remote = tmp.resolve("remote");
        // what 0.x left in a snapshot folder after an upload killed halfway, and a project file of that shape
        Files.createDirectories(remote.resolve("snap/dir"));
        Files.writeString(remote.resolve("snap/dir/.x.cloudsync-tmp"), "left by a killed upload");
        LocalProvider p = new LocalProvider(remote);
        Path a = local("a", "a");
        Path tempLike = local("temp-like", "a project file named like a staging file");
        p.upload("snap", entry("a", a), a);
        p.upload("snap", entry(".a.cloudsync-tmp", tempLike), tempLike);
        p.upload("snap", entry("dir/x", a), a);

        assertThat(listed(p, "snap")).containsExactly(".a.cloudsync-tmp", "a", "dir/.x.cloudsync-tmp", "dir/x");

        p.delete("snap", "a");
        p.delete("snap", "dir/x");

        assertThat(listed(p, "snap")).containsExactly(".a.cloudsync-tmp", "dir/.x.cloudsync-tmp");
        assertThat(Files.readString(remote.resolve("snap/.a.cloudsync-tmp"))).isEqualTo("a project file named like a staging file");
    }

    @Test
    void upload_stagesOutsideTheSnapshot_andAFailedOneLeavesNothingAnywhere() throws IOException {
        Path remote = tmp.resolve("remote");
        LocalProvider p = new LocalProvider(remote);
        Path file = local("f", "content");
        ManifestEntry wrong = new ManifestEntry("dir/f.txt", 7, MTIME, "0".repeat(64));

        assertThatThrownBy(() -> p.upload("snap", wrong, file)).isInstanceOf(ProviderException.class)
                .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INTEGRITY);

        try (Stream<Path> all = Files.walk(remote.resolve("snap"))) {
            assertThat(all.filter(Files::isRegularFile)).isEmpty();
        }
        try (Stream<Path> staged = Files.list(p.stagingDir())) {
            assertThat(staged).isEmpty();
        }
        assertThat(p.stagingDir()).startsWith(remote.resolve(".cloudsync"));
    }

    @Test
    void upload_of255ByteNames_worksAndListsThem() throws IOException {
        LocalProvider p = new LocalProvider(tmp.resolve("remote"));
        String ascii = "a".repeat(251) + ".txt";
        String utf8 = "\u00e9" + "\u65e5".repeat(83) + ".txt";
        Path file = local("f", "long");

        p.upload("snap", entry("dir/" + ascii, file), file);
        p.upload("snap", entry(utf8, file), file);

        assertThat(listed(p, "snap")).containsExactlyInAnyOrder("dir/" + ascii, utf8);
    }

    @Test
    void staleStagingFiles_areSweptByTheFirstUpload_othersAreKept() throws IOException {
        Path remote = tmp.resolve("remote");
        LocalProvider p = new LocalProvider(remote);
        Path staging = Files.createDirectories(p.stagingDir());
        Path stale = Files.writeString(staging.resolve(AtomicFiles.tempName()), "killed three days ago");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(LocalProvider.STALE_STAGING).minusSeconds(3600)));
        Path fresh = Files.writeString(staging.resolve(AtomicFiles.tempName()), "another run is writing this");
        Path foreign = Files.writeString(staging.resolve("not-ours.txt"), "x");
        Files.setLastModifiedTime(foreign, FileTime.from(Instant.now().minus(LocalProvider.STALE_STAGING).minusSeconds(3600)));
        Path file = local("f", "content");

        p.upload("snap", entry("f.txt", file), file);

        assertThat(Files.getLastModifiedTime(remote.resolve("snap/f.txt")).toInstant()).isEqualTo(MTIME);
        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        assertThat(foreign).exists();
    }

    @Test
    void downloadOfAFolder_isNotFound_andCreatesNothing() throws IOException {
        LocalProvider p = new LocalProvider(tmp.resolve("remote"));
        Path file = local("f", "content");
        p.upload("snap", entry("folder/inner.txt", file), file);
        Path target = tmp.resolve("target");

        for (String path : List.of("folder", "folder/inner.txt/child", "missing")) {
            assertThatThrownBy(() -> p.download("snap", path, target)).as(path).isInstanceOf(ProviderException.class)
                    .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
            assertThat(target).as(path).doesNotExist();
        }
        p.delete("snap", "folder");
        assertThat(listed(p, "snap")).containsExactly("folder/inner.txt");
    }

    @Test
    void list_whileFilesAndFoldersAppearAndVanish_neverFails() throws Exception {
        Path remote = tmp.resolve("remote");
        LocalProvider p = new LocalProvider(remote);
        Path file = local("f", "steady");
        p.upload("snap", entry("steady.txt", file), file);
        Path base = remote.resolve("snap");
        AtomicBoolean done = new AtomicBoolean();
        List<Throwable> churnFailures = new ArrayList<>();
        Thread churn = new Thread(() -> {
            try {
                for (int i = 0; i < 3000; i++) {
                    Path dir = Files.createDirectories(base.resolve("churn-" + i % 7).resolve("deeper"));
                    Path f = Files.writeString(dir.resolve("f" + i), "x");
                    Files.delete(f);
                    Files.delete(dir);
                    Files.delete(dir.getParent());
                }
            } catch (IOException e) {
                churnFailures.add(e);
            } finally {
                done.set(true);
            }
        });
        churn.start();
        int listings = 0;
        while (!done.get() || listings == 0) {
            assertThat(listed(p, "snap")).contains("steady.txt");
            listings++;
        }
        churn.join();

        assertThat(churnFailures).isEmpty();
        assertThat(listed(p, "snap")).containsExactly("steady.txt");
    }
}
