package io.cloudsync.testkit;

import static io.cloudsync.testkit.internal.ContractFiles.MTIME;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ManifestPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.internal.ContractFiles;
import io.cloudsync.testkit.internal.Rules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * The provider contract: what every {@link Provider} must do so that the engine can trust it with
 * someone's files. A provider author extends this class in a test, supplies the factory and a fresh,
 * empty remote per test, and runs it with JUnit Jupiter:
 *
 * <pre>{@code
 * class MyProviderContractTest extends ProviderContract {
 *     @Override protected ProviderFactory factory() { return new MyProviderFactory(); }
 *     @Override protected ProviderConfig freshRemote(TestInfo test) {
 *         return ProviderConfig.builder().put("container", "contract-" + UUID.randomUUID()).build();
 *     }
 * }
 * }</pre>
 *
 * <p>Each test method checks one {@link ContractRule}, is {@code public final} (a rule cannot be
 * overridden away), and every failure message starts with the rule id, such as {@code [R2.01]}.
 * Rules that need a capability are skipped, with a message saying how to enable them, when the
 * factory does not declare it. A provider that knows it breaks a rule lists it in
 * {@link #knownViolations()}: the test then reports a "KNOWN VIOLATION" instead of failing, and
 * fails again once the rule holds, so the list stays true. The whole contract is described in
 * {@code docs/PROVIDERS.md}.
 *
 * <p>Each test opens the remote through {@link ProviderFactory#open} as the engine would. When the
 * configuration from {@link #freshRemote} has no {@link ProviderConfig#stateDirectory()}, the
 * contract gives it a fresh folder, as the engine gives each service its own.
 *
 * @since 0.1.0
 */
public abstract class ProviderContract {

    private static final String SNAPSHOT = "nightly";
    private static final String OTHER_SNAPSHOT = "nightly-2";

    /** For subclasses. */
    protected ProviderContract() {
    }

    // ---- supplied by the provider author --------------------------------------------------------

    /**
     * The factory under test.
     *
     * @return a factory, possibly a new instance per call
     */
    protected abstract ProviderFactory factory();

    /**
     * Settings of an empty remote location used only by this test, such as a fresh key prefix or
     * folder. Called once per test; the contract may open it several times.
     *
     * @param test the running test, handy for naming the location
     * @return the settings
     */
    protected abstract ProviderConfig freshRemote(TestInfo test);

    /**
     * Secrets for {@link #freshRemote}.
     *
     * @return none by default
     */
    protected Secrets secrets() {
        return Secrets.none();
    }

    /**
     * Sizes, threads and waits; system properties {@code cloudsync.testkit.*} override what this
     * returns.
     *
     * @return {@link ContractSettings#defaults()} by default
     */
    protected ContractSettings settings() {
        return ContractSettings.defaults();
    }

    /**
     * Rules this provider is known to break, each with the reason. They are reported as aborted
     * tests with the reason, never hidden; a listed rule that holds fails.
     *
     * @return none by default
     */
    protected Map<ContractRule, String> knownViolations() {
        return Map.of();
    }

    /**
     * How to interrupt an upload midway. Required when the factory declares
     * {@link Capability#RESUMABLE_UPLOAD} (R6.* fail without it); when present for any provider,
     * R2.03 also checks that an interrupted upload leaves nothing readable.
     *
     * @return empty by default
     */
    protected Optional<UploadInterruption> uploadInterruption() {
        return Optional.empty();
    }

    // ---- R1: manifests ---------------------------------------------------------------------------

    /**
     * R1.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_01_readManifestOfNewSnapshotIsEmpty(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_01, test, dir, r -> {
            Provider p = r.open();
            Optional<Manifest> read = p.readManifest(SNAPSHOT);
            r.check(read.isEmpty(), "readManifest(\"%s\") returned %s for a snapshot never written", SNAPSHOT, read);
        });
    }

    /**
     * R1.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_02_writtenManifestReadsBackEqual(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_02, test, dir, r -> {
            Provider p = r.open();
            Manifest written = r.manifest(SNAPSHOT, 3, "first");
            p.writeManifest(SNAPSHOT, written, ManifestPrecondition.none());
            r.eventually(() -> r.requireManifest(p, SNAPSHOT, written));
            Manifest empty = Manifest.empty(OTHER_SNAPSHOT);
            p.writeManifest(OTHER_SNAPSHOT, empty, ManifestPrecondition.none());
            r.eventually(() -> r.requireManifest(p, OTHER_SNAPSHOT, empty));
        });
    }

    /**
     * R1.03.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_03_writingAManifestAgainReplacesIt(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_03, test, dir, r -> {
            Provider p = r.open();
            p.writeManifest(SNAPSHOT, r.manifest(SNAPSHOT, 5, "old"), ManifestPrecondition.none());
            Manifest second = r.manifest(SNAPSHOT, 2, "new");
            p.writeManifest(SNAPSHOT, second, ManifestPrecondition.none());
            r.eventually(() -> r.requireManifest(p, SNAPSHOT, second));
            Manifest third = r.manifest(SNAPSHOT, 7, "newer");
            p.writeManifest(SNAPSHOT, third, ManifestPrecondition.none());
            r.eventually(() -> r.requireManifest(p, SNAPSHOT, third));
        });
    }

    /**
     * R1.04.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_04_snapshotsAreIndependent(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_04, test, dir, r -> {
            Provider p = r.open();
            Path a = r.file("a", r.settings.smallFileBytes());
            Path b = r.file("b", r.settings.smallFileBytes() + 1);
            r.upload(p, SNAPSHOT, "shared.txt", a);
            Manifest manifest = r.manifest(SNAPSHOT, 1, "a");
            p.writeManifest(SNAPSHOT, manifest, ManifestPrecondition.none());
            r.eventually(() -> r.requireNotFound(p, OTHER_SNAPSHOT, "shared.txt"));
            r.check(p.readManifest(OTHER_SNAPSHOT).isEmpty(), "snapshot \"%s\" shows the manifest of \"%s\"",
                    OTHER_SNAPSHOT, SNAPSHOT);
            if (r.declares(Capability.LISTING)) {
                r.eventually(() -> r.requireListing(p, OTHER_SNAPSHOT, Map.of()));
            }
            r.upload(p, OTHER_SNAPSHOT, "shared.txt", b);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "shared.txt", a));
            r.eventually(() -> r.requireContent(p, OTHER_SNAPSHOT, "shared.txt", b));
            p.delete(OTHER_SNAPSHOT, "shared.txt");
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "shared.txt", a));
            r.eventually(() -> r.requireManifest(p, SNAPSHOT, manifest));
        });
    }

    /**
     * R1.05.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_05_noFileCanReplaceTheManifest(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_05, test, dir, r -> {
            Provider p = r.open();
            Manifest manifest = r.manifest(SNAPSHOT, 2, "m");
            p.writeManifest(SNAPSHOT, manifest, ManifestPrecondition.none());
            Map<String, Path> files = new LinkedHashMap<>();
            for (String name : List.of("manifest.json", SNAPSHOT + ".json", ".cloudsync/manifests/" + SNAPSHOT + ".json",
                    ".cloudsync/manifest.json", "manifests/" + SNAPSHOT + ".json", SNAPSHOT)) {
                files.put(name, r.text("collide-" + files.size(), "not a manifest: " + name));
                r.upload(p, SNAPSHOT, name, files.get(name));
            }
            r.eventually(() -> r.requireManifest(p, SNAPSHOT, manifest));
            Manifest next = r.manifest(SNAPSHOT, 3, "m2");
            p.writeManifest(SNAPSHOT, next, ManifestPrecondition.none());
            r.eventually(() -> r.requireManifest(p, SNAPSHOT, next));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                r.eventually(() -> r.requireContent(p, SNAPSHOT, f.getKey(), f.getValue()));
            }
            if (r.declares(Capability.LISTING)) {
                r.eventually(() -> r.requireListing(p, SNAPSHOT, files));
            }
        });
    }

    // ---- R2: transfers ---------------------------------------------------------------------------

    /**
     * R2.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_01_uploadThenDownloadReturnsTheSameBytes(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_01, test, dir, r -> {
            Provider p = r.open();
            Path source = r.file("small", r.settings.smallFileBytes());
            r.upload(p, SNAPSHOT, "docs/small.bin", source);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "docs/small.bin", source));
            Path text = r.text("readme", "hello, cloudsync\n");
            r.upload(p, SNAPSHOT, "README.md", text);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "README.md", text));
        });
    }

    /**
     * R2.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_02_emptyAndOneByteFilesRoundTrip(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_02, test, dir, r -> {
            Provider p = r.open();
            Path empty = r.file("empty", 0);
            Path one = r.file("one", 1);
            r.upload(p, SNAPSHOT, "empty.txt", empty);
            r.upload(p, SNAPSHOT, "one.bin", one);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "empty.txt", empty));
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "one.bin", one));
        });
    }

    /**
     * R2.03.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_03_failedUploadLeavesNothingReadable(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_03, test, dir, r -> {
            Provider p = r.open();
            Path missing = dir.resolve("no-such-local-file.bin");
            ManifestEntry claimed = new ManifestEntry("missing.bin", 10, MTIME, ContractFiles.sha256(r.file("ten", 10)));
            r.expectFailure(null, "upload of a local file that does not exist", () -> p.upload(SNAPSHOT, claimed, missing));
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "missing.bin"));

            Path folder = Files.createDirectories(dir.resolve("a-folder"));
            ManifestEntry folderEntry = new ManifestEntry("folder.bin", 0, MTIME, io.cloudsync.Digests.EMPTY_SHA256);
            r.expectFailure(null, "upload of a local path that is a folder", () -> p.upload(SNAPSHOT, folderEntry, folder));
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "folder.bin"));

            Path kept = r.file("kept", r.settings.smallFileBytes());
            r.upload(p, SNAPSHOT, "kept.bin", kept);
            ManifestEntry over = new ManifestEntry("kept.bin", 10, MTIME, claimed.sha256());
            r.expectFailure(null, "upload over an existing file from a local file that does not exist",
                    () -> p.upload(SNAPSHOT, over, missing));
            r.eventually(() -> r.requireOldOrNothing(p, SNAPSHOT, "kept.bin", kept));

            Optional<UploadInterruption> interruption = uploadInterruption();
            if (interruption.isPresent()) {
                Path big = r.file("interrupted", r.interruptedSize());
                r.interruptUpload(interruption.get(), "interrupted.bin", big);
                Provider fresh = r.open();
                r.eventually(() -> r.requireNotFound(fresh, SNAPSHOT, "interrupted.bin"));
            }
            if (r.declares(Capability.LISTING)) {
                r.eventually(() -> {
                    Map<String, RemoteEntry> listed = r.list(p, SNAPSHOT);
                    r.check(listed.keySet().stream().allMatch("kept.bin"::equals),
                            "after failed uploads the listing shows %s; only kept.bin may be there (no partial or temporary files)",
                            listed.keySet());
                });
            }
        });
    }

    /**
     * R2.04.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_04_aFewMegabytesRoundTrip(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_04, test, dir, r -> {
            Provider p = r.open();
            Path large = r.file("large", r.settings.largeFileBytes());
            r.upload(p, SNAPSHOT, "data/large.bin", large);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "data/large.bin", large));
        });
    }

    /**
     * R2.05.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_05_fileAboveMultipartThresholdRoundTrips(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_05, test, dir, r -> {
            long threshold = r.settings.multipartThresholdBytes().orElseThrow(() -> new org.opentest4j.TestAbortedException(
                    "Skipped [R2.05]: no multipart or chunk threshold declared. If the provider uploads large files in "
                            + "parts, return settings().withMultipartThresholdBytes(threshold) to run this rule"));
            Provider p = r.open();
            Path multi = r.file("multipart", 2 * threshold + 7);
            r.upload(p, SNAPSHOT, "data/multipart.bin", multi);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "data/multipart.bin", multi));
        });
    }

    /**
     * R2.06.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_06_receiptDescribesWhatWasStored(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_06, test, dir, r -> {
            Provider p = r.open();
            for (long size : new long[] {0, 1, r.settings.smallFileBytes()}) {
                Path file = r.file("receipt-" + size, size);
                ManifestEntry entry = ContractFiles.entry("receipts/file-" + size + ".bin", file);
                UploadReceipt receipt = p.upload(SNAPSHOT, entry, file);
                r.check(receipt != null, "upload returned null instead of a receipt");
                r.check(receipt.path().equals(entry.path()), "receipt names %s for an upload to %s", receipt.path(), entry.path());
                r.check(receipt.size() == size, "receipt says %d bytes for a file of %d bytes", receipt.size(), size);
                r.check(receipt.sha256().map(entry.sha256()::equals).orElse(true),
                        "receipt reports sha256 %s but the bytes hash to %s", receipt.sha256().orElse(""), entry.sha256());
                r.check(!receipt.serverVerified() || receipt.sha256().isPresent(), "receipt is verified but carries no sha256");
            }
        });
    }

    /**
     * R2.07.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_07_uploadOverAFileReplacesIt(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_07, test, dir, r -> {
            Provider p = r.open();
            Path longer = r.file("v1", r.settings.smallFileBytes() * 2L);
            Path shorter = r.file("v2", r.settings.smallFileBytes() / 2);
            Path emptied = r.file("v3", 0);
            r.upload(p, SNAPSHOT, "changing.bin", longer);
            r.upload(p, SNAPSHOT, "changing.bin", shorter);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "changing.bin", shorter));
            r.upload(p, SNAPSHOT, "changing.bin", emptied);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "changing.bin", emptied));
            r.upload(p, SNAPSHOT, "changing.bin", longer);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "changing.bin", longer));
        });
    }

    /**
     * R2.08.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_08_downloadOfAMissingFileFailsWithNotFound(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_08, test, dir, r -> {
            Provider p = r.open();
            r.requireNotFound(p, SNAPSHOT, "never/uploaded.txt");
            r.upload(p, SNAPSHOT, "present.txt", r.text("present", "here"));
            r.requireNotFound(p, SNAPSHOT, "present.txt.missing");
            r.requireNotFound(p, OTHER_SNAPSHOT, "present.txt");
        });
    }

    /**
     * R2.09.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_09_downloadOfAFolderFailsWithNotFound(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_09, test, dir, r -> {
            Provider p = r.open();
            r.upload(p, SNAPSHOT, "folder/inner.txt", r.text("inner", "inner"));
            r.upload(p, SNAPSHOT, "folder/sub/deeper.txt", r.text("deeper", "deeper"));
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "folder/sub/deeper.txt", r.dir.resolve("local/deeper.txt")));
            r.requireNotFound(p, SNAPSHOT, "folder");
            r.requireNotFound(p, SNAPSHOT, "folder/sub");
            r.requireNotFound(p, SNAPSHOT, "folder/inner.txt/child");
            r.requireContent(p, SNAPSHOT, "folder/inner.txt", r.dir.resolve("local/inner.txt"));
        });
    }

    /**
     * R2.10.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_10_uploadProgressStaysWithinTheFile(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_10, test, dir, r -> {
            Provider p = r.open();
            java.util.OptionalLong threshold = r.settings.multipartThresholdBytes();
            long size = threshold.isPresent() ? 2 * threshold.getAsLong() + 7 : r.settings.largeFileBytes();
            Path file = r.file("progress", size);
            ManifestEntry entry = ContractFiles.entry("data/progress.bin", file);
            List<Long> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Long> late = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
            p.upload(SNAPSHOT, entry, file, n -> (returned.get() ? late : sent).add(n));
            returned.set(true);
            for (int i = 0; i < sent.size(); i++) {
                long n = sent.get(i);
                r.check(n >= 0 && n <= size, "upload of a %d-byte file reported %d bytes sent (all reports: %s). If this "
                        + "fails, look at what the callback counts: each byte of this file once, at most entry.size()",
                        size, n, sent);
                r.check(i == 0 || n >= sent.get(i - 1), "upload reported %d bytes after %d within one call (all reports: "
                        + "%s). If this fails, look at parts finishing in parallel: report their sum under a lock", n,
                        sent.get(Math.max(0, i - 1)), sent);
            }
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "data/progress.bin", file));
            r.check(late.isEmpty(), "the progress callback was called after upload returned, with %s. If this fails, "
                    + "wait for the threads that send parts before returning", late);
        });
    }

    // ---- R3: names -------------------------------------------------------------------------------

    /**
     * R3.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R3_01_specialCharactersRoundTrip(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R3_01, test, dir, r -> r.roundTripAll(List.of(
                "a file with spaces.txt", "folder with space/inner file.txt", "café/naïve résumé.txt",
                "日本語/ファイル.txt", "Ελληνικά.txt", "emoji-\uD83D\uDE00.txt", "#hash#.txt", "100%.txt",
                "%41%zz.txt", "a+b=c.txt", "question?.txt", "semi;colon&and.txt", "tilde~/quote'\"s.txt",
                "brackets[1](2){3}.txt", "at@dollar$comma,excl!.txt", "star*pipe|lt<gt>.txt", "back`tick^.txt")));
    }

    /**
     * R3.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R3_02_deepFoldersRoundTrip(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R3_02, test, dir, r -> {
            StringBuilder deep = new StringBuilder();
            for (int i = 1; i <= 16; i++) {
                deep.append("level-").append(i).append('/');
            }
            r.roundTripAll(List.of(deep + "deep.txt", deep + "sibling.txt", "level-1/shallow.txt", "top.txt",
                    "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z.txt"));
        });
    }

    /**
     * R3.03.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R3_03_lookAlikeNamesStayDistinct(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R3_03, test, dir, r -> r.roundTripAll(List.of(
                "a b.txt", "a+b.txt", "a%20b.txt", "a%2Bb.txt", "a_b.txt", "a%2Fb.txt", "a%252Fb.txt", "dir/file.txt",
                "dir%2Ffile.txt", "dir_file.txt", "x?y.txt", "x%3Fy.txt", "x#y.txt", "x%23y.txt")));
    }

    /**
     * R3.04.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R3_04_longNamesRoundTrip(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R3_04, test, dir, r -> {
            List<String> names = new ArrayList<>();
            for (String leaf : ContractFiles.longNames()) {
                names.add(leaf);
                names.add("long names/" + leaf);
            }
            names.add("d".repeat(255) + "/" + ContractFiles.longNames().get(1));
            names.add("\u65e5".repeat(85) + "/" + ContractFiles.longNames().get(0));
            r.roundTripAll(names);
        });
    }

    /**
     * R3.05.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R3_05_temporaryLookingNamesAreFiles(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R3_05, test, dir, r -> {
            List<String> names = List.of("a", ".a.cloudsync-tmp", "dir/x", "dir/.x.cloudsync-tmp", "dir/.x.1f2e3d.cloudsync-tmp",
                    ".cs-0123456789ab.tmp", "dir/.cs-abcdefghijkl.tmp", "x.part", "y.tmp", ".tmp", ".cloudsync-tmp");
            r.roundTripAll(names);
            Provider p = r.open();
            p.delete(SNAPSHOT, "a");
            p.delete(SNAPSHOT, "dir/x");
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "a"));
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "dir/x"));
            Map<String, Path> left = new TreeMap<>();
            for (int i = 0; i < names.size(); i++) {
                if (!names.get(i).equals("a") && !names.get(i).equals("dir/x")) {
                    left.put(names.get(i), r.dir.resolve("local").resolve("name-" + i + ".txt"));
                }
            }
            for (Map.Entry<String, Path> f : left.entrySet()) {
                r.eventually(() -> r.requireContent(p, SNAPSHOT, f.getKey(), f.getValue()));
            }
            if (r.declares(Capability.LISTING)) {
                r.eventually(() -> r.requireListing(p, SNAPSHOT, left));
            }
        });
    }

    // ---- R4: SERVER_SHA256 -----------------------------------------------------------------------

    /**
     * R4.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R4_01_wrongSha256IsRefused(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R4_01, test, dir, r -> {
            Provider p = r.open();
            Path actual = r.file("actual", r.settings.smallFileBytes());
            Path other = r.file("other", r.settings.smallFileBytes());
            ManifestEntry lying = new ManifestEntry("lying.bin", r.settings.smallFileBytes(), MTIME, ContractFiles.sha256(other));
            ProviderException refused = r.expectFailure(null, "upload with a sha256 that does not match the bytes",
                    () -> p.upload(SNAPSHOT, lying, actual));
            r.check(refused.kind() == ProviderException.Kind.INTEGRITY, "the refusal has kind %s, expected INTEGRITY", refused.kind());
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "lying.bin"));

            r.upload(p, SNAPSHOT, "existing.bin", other);
            ManifestEntry lyingOver = new ManifestEntry("existing.bin", r.settings.smallFileBytes(), MTIME,
                    io.cloudsync.Digests.EMPTY_SHA256);
            ProviderException refusedOver = r.expectFailure(null, "upload over a file with a sha256 that does not match the bytes",
                    () -> p.upload(SNAPSHOT, lyingOver, actual));
            r.check(refusedOver.kind() == ProviderException.Kind.INTEGRITY, "the refusal has kind %s, expected INTEGRITY",
                    refusedOver.kind());
            r.eventually(() -> r.requireOldOrNothing(p, SNAPSHOT, "existing.bin", other));
        });
    }

    /**
     * R4.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R4_02_receiptIsVerified(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R4_02, test, dir, r -> {
            Provider p = r.open();
            for (long size : new long[] {0, r.settings.smallFileBytes()}) {
                Path file = r.file("verified-" + size, size);
                ManifestEntry entry = ContractFiles.entry("verified-" + size + ".bin", file);
                UploadReceipt receipt = p.upload(SNAPSHOT, entry, file);
                r.check(receipt.serverVerified(), "the receipt for %s is not verified: %s", entry.path(), receipt);
                r.check(receipt.sha256().equals(Optional.of(entry.sha256())), "the receipt for %s carries sha256 %s, the bytes hash to %s",
                        entry.path(), receipt.sha256().orElse("none"), entry.sha256());
            }
        });
    }

    // ---- R5: CONDITIONAL_MANIFEST_WRITE ----------------------------------------------------------

    /**
     * R5.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R5_01_ifAbsentFailsWhenAManifestExists(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R5_01, test, dir, r -> {
            Provider p = r.open();
            Manifest first = r.manifest(SNAPSHOT, 1, "first");
            p.writeManifest(SNAPSHOT, first, ManifestPrecondition.ifAbsent());
            r.eventually(() -> r.requireManifest(p, SNAPSHOT, first));
            r.expectFailure(ProviderException.Kind.CONFLICT, "writeManifest(ifAbsent) over an existing manifest",
                    () -> p.writeManifest(SNAPSHOT, r.manifest(SNAPSHOT, 2, "second"), ManifestPrecondition.ifAbsent()));
            r.requireManifest(p, SNAPSHOT, first);
        });
    }

    /**
     * R5.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R5_02_ifChecksumHoldsOnlyForTheStoredChecksum(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R5_02, test, dir, r -> {
            Provider p = r.open();
            Manifest first = r.manifest(SNAPSHOT, 1, "first");
            r.expectFailure(ProviderException.Kind.CONFLICT, "writeManifest(ifChecksum) when no manifest is stored",
                    () -> p.writeManifest(SNAPSHOT, first, ManifestPrecondition.ifChecksum(first.checksum())));
            r.check(p.readManifest(SNAPSHOT).isEmpty(), "a refused ifChecksum write stored a manifest anyway");
            p.writeManifest(SNAPSHOT, first, ManifestPrecondition.none());
            Manifest second = r.manifest(SNAPSHOT, 2, "second");
            p.writeManifest(SNAPSHOT, second, ManifestPrecondition.ifChecksum(first.checksum()));
            r.eventually(() -> r.requireManifest(p, SNAPSHOT, second));
            r.expectFailure(ProviderException.Kind.CONFLICT, "writeManifest(ifChecksum) with a stale checksum",
                    () -> p.writeManifest(SNAPSHOT, r.manifest(SNAPSHOT, 3, "third"), ManifestPrecondition.ifChecksum(first.checksum())));
            r.requireManifest(p, SNAPSHOT, second);
        });
    }

    /**
     * R5.03.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R5_03_racingConditionalWritesHaveOneWinner(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R5_03, test, dir, r -> {
            Provider setup = r.open();
            Manifest base = r.manifest(SNAPSHOT, 1, "base");
            setup.writeManifest(SNAPSHOT, base, ManifestPrecondition.none());
            r.eventually(() -> r.requireManifest(setup, SNAPSHOT, base));
            int writers = r.settings.threads();
            List<Provider> instances = new ArrayList<>();
            List<Manifest> candidates = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                instances.add(r.open()); // one instance per writer, as separate processes would have
                candidates.add(r.manifest(SNAPSHOT, 2 + i, "writer-" + i));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Provider mine = instances.get(i);
                Manifest candidate = candidates.get(i);
                tasks.add(() -> {
                    start.await();
                    try {
                        mine.writeManifest(SNAPSHOT, candidate, ManifestPrecondition.ifChecksum(base.checksum()));
                        return true;
                    } catch (ProviderException e) {
                        if (e.kind() != ProviderException.Kind.CONFLICT) {
                            throw e;
                        }
                        return false;
                    }
                });
            }
            List<Boolean> won = r.inParallel(tasks, start);
            List<Manifest> winners = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                if (won.get(i)) {
                    winners.add(candidates.get(i));
                }
            }
            r.check(winners.size() == 1, "%d of %d writers racing with ifChecksum(base) succeeded; exactly one may",
                    winners.size(), writers);
            r.eventually(() -> r.requireManifest(setup, SNAPSHOT, winners.get(0)));
        });
    }

    // ---- R6: RESUMABLE_UPLOAD --------------------------------------------------------------------

    /**
     * R6.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R6_01_interruptedUploadResumes(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R6_01, test, dir, r -> {
            UploadInterruption interruption = r.requireInterruption();
            Path big = r.file("resumable", r.interruptedSize());
            long before = r.interruptUpload(interruption, "resumable.bin", big);
            Provider again = r.open();
            r.eventually(() -> r.requireNotFound(again, SNAPSHOT, "resumable.bin"));
            long afterInterruption = interruption.bytesReceivedByRemote();
            r.upload(again, SNAPSHOT, "resumable.bin", big);
            long afterResume = interruption.bytesReceivedByRemote();
            r.eventually(() -> r.requireContent(again, SNAPSHOT, "resumable.bin", big));
            if (before >= 0 && afterInterruption >= 0 && afterResume >= 0) {
                long size = Files.size(big);
                r.check(afterInterruption > before, "the remote received nothing before the interruption; "
                        + "openDyingAfter must let the upload get partway");
                r.check(afterResume - afterInterruption < size,
                        "the resumed upload sent %d bytes of a %d-byte file; it should not resend what already arrived",
                        afterResume - afterInterruption, size);
            }
        });
    }

    /**
     * R6.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R6_02_resumeAfterTheFileChangedStartsOver(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R6_02, test, dir, r -> {
            UploadInterruption interruption = r.requireInterruption();
            long size = r.interruptedSize();
            Path file = r.file("changing-before", size);
            r.interruptUpload(interruption, "changing.bin", file);
            Path changed = r.file("changing-after", size);
            Files.copy(changed, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Provider again = r.open();
            r.upload(again, SNAPSHOT, "changing.bin", file);
            r.eventually(() -> r.requireContent(again, SNAPSHOT, "changing.bin", changed));
        });
    }

    // ---- R7: LISTING -----------------------------------------------------------------------------

    /**
     * R7.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R7_01_emptySnapshotListsNothing(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R7_01, test, dir, r -> {
            Provider p = r.open();
            r.requireListing(p, SNAPSHOT, Map.of());
            p.writeManifest(SNAPSHOT, r.manifest(SNAPSHOT, 2, "listed"), ManifestPrecondition.none());
            r.eventually(() -> r.requireListing(p, SNAPSHOT, Map.of()));
        });
    }

    /**
     * R7.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R7_02_listingIsExact(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R7_02, test, dir, r -> {
            Provider p = r.open();
            Map<String, Path> files = new TreeMap<>();
            files.put("empty.txt", r.file("l-empty", 0));
            files.put("one.bin", r.file("l-one", 1));
            files.put("docs/guide.md", r.file("l-guide", r.settings.smallFileBytes()));
            files.put("docs/deeper/notes with space.txt", r.file("l-notes", 333));
            files.put("docs/deeper/ünïcødé+%.txt", r.file("l-unicode", 42));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                r.upload(p, SNAPSHOT, f.getKey(), f.getValue());
            }
            r.upload(p, OTHER_SNAPSHOT, "elsewhere.txt", r.file("l-other", 5));
            r.eventually(() -> r.requireListing(p, SNAPSHOT, files));
        });
    }

    /**
     * R7.03.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R7_03_listingReflectsDeletesAndOverwrites(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R7_03, test, dir, r -> {
            Provider p = r.open();
            Map<String, Path> files = new TreeMap<>();
            files.put("keep.txt", r.file("k", 10));
            files.put("drop.txt", r.file("d", 20));
            files.put("grow.txt", r.file("g1", 30));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                r.upload(p, SNAPSHOT, f.getKey(), f.getValue());
            }
            r.eventually(() -> r.requireListing(p, SNAPSHOT, files));
            p.delete(SNAPSHOT, "drop.txt");
            files.remove("drop.txt");
            files.put("grow.txt", r.file("g2", 3000));
            r.upload(p, SNAPSHOT, "grow.txt", files.get("grow.txt"));
            files.put("new.txt", r.file("n", 7));
            r.upload(p, SNAPSHOT, "new.txt", files.get("new.txt"));
            r.eventually(() -> r.requireListing(p, SNAPSHOT, files));
        });
    }

    /**
     * R7.04.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R7_04_listingWhileTransfersRunFailsOnlyRetryably(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R7_04, test, dir, r -> {
            Provider p = r.open();
            r.upload(p, SNAPSHOT, "steady/kept.txt", r.text("steady", "never touched"));
            r.eventually(() -> r.check(r.list(p, SNAPSHOT).containsKey("steady/kept.txt"),
                    "list(\"%s\") does not report steady/kept.txt after its upload", SNAPSHOT));
            int count = Math.max(16, r.settings.threads() * 4);
            Map<String, Path> files = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                files.put("load/" + i / 2 + "/file-" + i + ".bin", r.file("load-" + i, 1 + (long) i * 131 % r.settings.smallFileBytes()));
            }
            Map<String, Path> remaining = new TreeMap<>();
            remaining.put("steady/kept.txt", r.dir.resolve("local/steady.txt"));
            List<String> order = new ArrayList<>(files.keySet());
            for (int i = 0; i < count; i++) {
                if (i / 2 % 2 == 1) {
                    remaining.put(order.get(i), files.get(order.get(i)));
                }
            }
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                // uploads one file after another; every other pair of files is deleted again, which
                // empties (and, where the backend has folders, may remove) its folder
                Future<?> writes = writer.submit(() -> {
                    try {
                        for (int i = 0; i < count; i++) {
                            r.upload(p, SNAPSHOT, order.get(i), files.get(order.get(i)));
                            if (i % 2 == 1 && i / 2 % 2 == 0) {
                                p.delete(SNAPSHOT, order.get(i - 1));
                                p.delete(SNAPSHOT, order.get(i));
                            }
                        }
                    } finally {
                        done.set(true);
                    }
                    return null;
                });
                int listings = 0;
                int retryable = 0;
                while (!done.get() || listings == 0) {
                    Map<String, RemoteEntry> listed;
                    try {
                        listed = r.list(p, SNAPSHOT);
                    } catch (ProviderException e) {
                        if (e.retryable() && ++retryable <= 1000) {
                            continue; // the engine retries these (some fake servers race themselves)
                        }
                        throw r.failure("list(\"%s\") failed while uploads and deletes ran (listing %d): %s %s; a listing "
                                + "must skip files that vanish under it", SNAPSHOT, listings + 1, e.kind(), e.getMessage());
                    }
                    listings++;
                    for (String path : listed.keySet()) {
                        r.check(path.equals("steady/kept.txt") || files.containsKey(path), "list(\"%s\") reports %s while "
                                + "uploads run, a file that was never uploaded (a staging or temporary file?)", SNAPSHOT, path);
                    }
                    r.check(listed.containsKey("steady/kept.txt"), "list(\"%s\") lost steady/kept.txt while other files "
                            + "were uploaded and deleted (listing %d)", SNAPSHOT, listings);
                }
                try {
                    writes.get(r.settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw r.failure("an upload or delete beside the listings failed: %s", e.getCause());
                }
            } finally {
                writer.shutdownNow();
            }
            r.eventually(() -> r.requireListing(p, SNAPSHOT, remaining));
        });
    }

    // ---- R8: deletes -----------------------------------------------------------------------------

    /**
     * R8.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R8_01_deletedFileIsGone(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R8_01, test, dir, r -> {
            Provider p = r.open();
            r.upload(p, SNAPSHOT, "doomed.txt", r.file("doomed", 100));
            r.upload(p, SNAPSHOT, "deep/er/doomed.txt", r.file("doomed2", 0));
            p.delete(SNAPSHOT, "doomed.txt");
            p.delete(SNAPSHOT, "deep/er/doomed.txt");
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "doomed.txt"));
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "deep/er/doomed.txt"));
            Path again = r.file("reborn", 50);
            r.upload(p, SNAPSHOT, "doomed.txt", again);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "doomed.txt", again));
        });
    }

    /**
     * R8.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R8_02_deletingAMissingFileSucceeds(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R8_02, test, dir, r -> {
            Provider p = r.open();
            r.attempt("delete of a path never uploaded in a snapshot never used", () -> p.delete(SNAPSHOT, "never/there.txt"));
            r.upload(p, SNAPSHOT, "once.txt", r.file("once", 12));
            r.attempt("first delete", () -> p.delete(SNAPSHOT, "once.txt"));
            r.attempt("second delete of the same path", () -> p.delete(SNAPSHOT, "once.txt"));
            r.attempt("delete of a missing path in a folder that exists", () -> p.delete(SNAPSHOT, "once.txt/child"));
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "once.txt"));
        });
    }

    /**
     * R8.03.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R8_03_deleteRemovesOnlyTheNamedFile(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R8_03, test, dir, r -> {
            Provider p = r.open();
            Map<String, Path> survivors = new TreeMap<>();
            for (String name : List.of("dir/x.bak", "dir/xx", "dir/y", "dir-x", "x", "other/dir/x")) {
                survivors.put(name, r.file("survivor-" + survivors.size(), 16 + survivors.size()));
                r.upload(p, SNAPSHOT, name, survivors.get(name));
            }
            r.upload(p, SNAPSHOT, "dir/x", r.file("victim", 9));
            Path elsewhere = r.file("elsewhere", 9);
            r.upload(p, OTHER_SNAPSHOT, "dir/x", elsewhere);
            Manifest manifest = r.manifest(SNAPSHOT, 2, "kept");
            p.writeManifest(SNAPSHOT, manifest, ManifestPrecondition.none());
            p.delete(SNAPSHOT, "dir/x");
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "dir/x"));
            for (Map.Entry<String, Path> s : survivors.entrySet()) {
                r.eventually(() -> r.requireContent(p, SNAPSHOT, s.getKey(), s.getValue()));
            }
            r.eventually(() -> r.requireContent(p, OTHER_SNAPSHOT, "dir/x", elsewhere));
            r.requireManifest(p, SNAPSHOT, manifest);
            for (String name : List.of("dir/x.bak", "dir/xx", "dir/y")) {
                p.delete(SNAPSHOT, name);
                survivors.remove(name);
            }
            r.eventually(() -> r.requireManifest(p, SNAPSHOT, manifest));
            for (Map.Entry<String, Path> s : survivors.entrySet()) {
                r.eventually(() -> r.requireContent(p, SNAPSHOT, s.getKey(), s.getValue()));
            }
        });
    }

    // ---- R9: concurrency and durability ----------------------------------------------------------

    /**
     * R9.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R9_01_concurrentTransfersAllSucceed(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R9_01, test, dir, r -> {
            Provider p = r.open();
            int count = r.settings.threads() * 4;
            Map<String, Path> files = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                files.put("concurrent/" + (i % 3) + "/file-" + i + ".bin", r.file("concurrent-" + i, (long) i * 997 % r.settings.smallFileBytes() + i % 2));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<Boolean>> uploads = new ArrayList<>();
            for (Map.Entry<String, Path> f : files.entrySet()) {
                uploads.add(() -> {
                    start.await();
                    r.upload(p, SNAPSHOT, f.getKey(), f.getValue());
                    return true;
                });
            }
            r.inParallel(uploads, start);
            CountDownLatch start2 = new CountDownLatch(1);
            List<Callable<Boolean>> downloads = new ArrayList<>();
            for (Map.Entry<String, Path> f : files.entrySet()) {
                downloads.add(() -> {
                    start2.await();
                    r.eventually(() -> r.requireContent(p, SNAPSHOT, f.getKey(), f.getValue()));
                    return true;
                });
            }
            r.inParallel(downloads, start2);
            if (r.declares(Capability.LISTING)) {
                r.eventually(() -> r.requireListing(p, SNAPSHOT, files));
            }
        });
    }

    /**
     * R9.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R9_02_reopenedProviderSeesTheSameState(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R9_02, test, dir, r -> {
            Map<String, Path> files = new TreeMap<>();
            files.put("kept/a.txt", r.file("ra", 10));
            files.put("kept/b.txt", r.file("rb", r.settings.smallFileBytes()));
            Manifest manifest = r.manifest(SNAPSHOT, 2, "reopen");
            try (Provider first = factory().open(r.config, secrets())) {
                for (Map.Entry<String, Path> f : files.entrySet()) {
                    r.upload(first, SNAPSHOT, f.getKey(), f.getValue());
                }
                first.writeManifest(SNAPSHOT, manifest, ManifestPrecondition.none());
            }
            Provider second = r.open();
            r.eventually(() -> r.requireManifest(second, SNAPSHOT, manifest));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                r.eventually(() -> r.requireContent(second, SNAPSHOT, f.getKey(), f.getValue()));
            }
            if (r.declares(Capability.LISTING)) {
                r.eventually(() -> r.requireListing(second, SNAPSHOT, files));
            }
        });
    }

    /**
     * R9.03.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R9_03_closeIsIdempotent(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R9_03, test, dir, r -> {
            Provider p = factory().open(r.config, secrets());
            p.readManifest(SNAPSHOT);
            r.attempt("first close()", p::close);
            r.attempt("second close()", p::close);
        });
    }

    // ---- machinery -------------------------------------------------------------------------------

    private void run(ContractRule rule, TestInfo test, Path dir, RuleBody body) {
        ProviderFactory factory = factory();
        Rules.verify(rule, factory.id(), knownViolations(), () -> {
            Rules.requireCapability(rule, factory);
            try (RuleRun r = new RuleRun(rule, factory, test, dir)) {
                body.run(r);
            }
        });
    }

    @FunctionalInterface
    private interface RuleBody {
        void run(RuleRun r) throws Exception;
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** The state of one rule's run: its remote, its local files, the providers it opened. */
    private final class RuleRun implements AutoCloseable {
        final ContractRule rule;
        final ProviderFactory factory;
        final ContractSettings settings;
        final ProviderConfig config;
        final Path dir;
        private final List<Provider> opened = new ArrayList<>();
        private final AtomicInteger downloads = new AtomicInteger();

        RuleRun(ContractRule rule, ProviderFactory factory, TestInfo test, Path dir) throws IOException {
            this.rule = rule;
            this.factory = factory;
            this.settings = settings().withOverrides(System.getProperties());
            this.dir = dir;
            ProviderConfig remote = freshRemote(test);
            this.config = remote.stateDirectory().isPresent() ? remote
                    : remote.toBuilder().stateDirectory(Files.createDirectories(dir.resolve("provider-state"))).build();
        }

        Provider open() {
            Provider p = factory.open(config, secrets());
            synchronized (opened) {
                opened.add(p);
            }
            return p;
        }

        boolean declares(Capability capability) {
            return factory.capabilities().contains(capability);
        }

        Path file(String name, long size) {
            return ContractFiles.random(dir.resolve("local").resolve(name + ".bin"), size, settings.seed(), rule.name() + name);
        }

        Path text(String name, String content) {
            return ContractFiles.text(dir.resolve("local").resolve(name + ".txt"), content);
        }

        Manifest manifest(String snapshot, int entries, String salt) {
            List<ManifestEntry> list = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                String sha = io.cloudsync.Digests.hex(io.cloudsync.Digests.sha256().digest((salt + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                list.add(new ManifestEntry("dir " + i + "/file-" + salt + "-é+%#?.txt", 1000L * i + salt.length(),
                        MTIME.plusNanos(i * 1_001L), sha));
            }
            return Manifest.of(snapshot, "/projects/" + salt, Instant.parse("2024-05-06T07:08:09.987654321Z"), list);
        }

        UploadReceipt upload(Provider p, String snapshot, String path, Path file) {
            return p.upload(snapshot, ContractFiles.entry(path, file), file);
        }

        void roundTripAll(List<String> names) throws Exception {
            Provider p = open();
            Map<String, Path> files = new TreeMap<>();
            for (String name : names) {
                Path local = text("name-" + files.size(), "content of " + name + '\n');
                files.put(io.cloudsync.PathRules.requireCanonical(name), local);
                upload(p, SNAPSHOT, name, local);
            }
            for (Map.Entry<String, Path> f : files.entrySet()) {
                eventually(() -> requireContent(p, SNAPSHOT, f.getKey(), f.getValue()));
            }
            if (declares(Capability.LISTING)) {
                eventually(() -> requireListing(p, SNAPSHOT, files));
            }
        }

        long interruptedSize() {
            long size = settings.largeFileBytes();
            if (settings.multipartThresholdBytes().isPresent()) {
                size = Math.max(size, 2 * settings.multipartThresholdBytes().getAsLong() + 7);
            }
            return size;
        }

        UploadInterruption requireInterruption() {
            return uploadInterruption().orElseThrow(() -> Rules.failure(rule, factory.id(),
                    "the provider declares RESUMABLE_UPLOAD but the contract subclass does not override "
                            + "uploadInterruption(); supply an UploadInterruption so the rule can be checked"));
        }

        /** Returns the remote's byte count before the interrupted upload. */
        long interruptUpload(UploadInterruption interruption, String path, Path file) throws IOException {
            long before = interruption.bytesReceivedByRemote();
            long size = Files.size(file);
            Provider dying = interruption.openDyingAfter(config, secrets(), size / 2);
            try {
                dying.upload(SNAPSHOT, ContractFiles.entry(path, file), file);
                fail("the upload through UploadInterruption.openDyingAfter(%d) of a %d-byte file did not throw", size / 2, size);
            } catch (RuntimeException expected) {
                // the simulated death
            } finally {
                dying.close();
            }
            return before;
        }

        void requireContent(Provider p, String snapshot, String path, Path expected) throws IOException {
            Path target = dir.resolve("downloads").resolve("d" + downloads.incrementAndGet());
            Files.createDirectories(target.getParent());
            Files.write(target, new byte[] {'s', 't', 'a', 'l', 'e'});
            try {
                p.download(snapshot, path, target);
            } catch (ProviderException e) {
                fail("download of %s/%s failed after it was uploaded: %s %s", snapshot, path, e.kind(), e.getMessage());
            }
            check(Files.isRegularFile(target), "download of %s/%s left no file at the target", snapshot, path);
            long mismatch = Files.mismatch(expected, target);
            check(mismatch == -1, "%s/%s downloads as %d bytes that differ from the %d uploaded at byte %d", snapshot, path,
                    Files.size(target), Files.size(expected), mismatch);
            Files.delete(target);
        }

        void requireNotFound(Provider p, String snapshot, String path) throws IOException {
            Path target = dir.resolve("downloads").resolve("nf" + downloads.incrementAndGet());
            Files.createDirectories(target.getParent());
            ProviderException e = expectFailure(ProviderException.Kind.NOT_FOUND, "download of " + snapshot + '/' + path
                    + " (nothing should be readable there)", () -> p.download(snapshot, path, target));
            check(e.kind() == ProviderException.Kind.NOT_FOUND, "download of %s/%s failed with %s, expected NOT_FOUND",
                    snapshot, path, e.kind());
            check(!Files.exists(target), "a failed download of %s/%s left a file at the target", snapshot, path);
        }

        void requireOldOrNothing(Provider p, String snapshot, String path, Path old) throws IOException {
            Path target = dir.resolve("downloads").resolve("o" + downloads.incrementAndGet());
            Files.createDirectories(target.getParent());
            try {
                p.download(snapshot, path, target);
            } catch (ProviderException e) {
                check(e.kind() == ProviderException.Kind.NOT_FOUND, "download of %s/%s failed with %s; after a failed upload "
                        + "the path holds the previous bytes or nothing (NOT_FOUND)", snapshot, path, e.kind());
                return;
            }
            long mismatch = Files.mismatch(old, target);
            check(mismatch == -1, "after a failed upload %s/%s holds %d bytes that are not the previous content; "
                    + "it must hold the previous bytes or nothing", snapshot, path, Files.size(target));
        }

        void requireManifest(Provider p, String snapshot, Manifest expected) {
            Optional<Manifest> read = p.readManifest(snapshot);
            check(read.isPresent(), "readManifest(\"%s\") is empty after a manifest was written", snapshot);
            check(read.get().equals(expected), "readManifest(\"%s\") returned %s (root %s, created %s), expected %s (root %s, created %s)%s",
                    snapshot, read.get(), read.get().root(), read.get().createdAt(), expected, expected.root(),
                    expected.createdAt(), firstEntryDifference(read.get(), expected));
        }

        private String firstEntryDifference(Manifest actual, Manifest expected) {
            for (int i = 0; i < Math.min(actual.entries().size(), expected.entries().size()); i++) {
                if (!actual.entries().get(i).equals(expected.entries().get(i))) {
                    return "; entry " + i + " is " + actual.entries().get(i) + ", expected " + expected.entries().get(i);
                }
            }
            return "";
        }

        Map<String, RemoteEntry> list(Provider p, String snapshot) {
            Map<String, RemoteEntry> listed = new TreeMap<>();
            try (Stream<RemoteEntry> stream = p.list(snapshot)) {
                check(stream != null, "list(\"%s\") returned null", snapshot);
                stream.forEach(e -> {
                    RemoteEntry earlier = listed.put(e.path(), e);
                    check(earlier == null, "list(\"%s\") reports %s twice", snapshot, e.path());
                });
            }
            return listed;
        }

        void requireListing(Provider p, String snapshot, Map<String, Path> expected) throws IOException {
            Map<String, RemoteEntry> listed = list(p, snapshot);
            check(listed.keySet().equals(new TreeMap<>(expected).keySet()), "list(\"%s\") reports %s, expected exactly %s",
                    snapshot, listed.keySet(), new TreeMap<>(expected).keySet());
            for (Map.Entry<String, Path> e : expected.entrySet()) {
                RemoteEntry entry = listed.get(e.getKey());
                long size = Files.size(e.getValue());
                check(entry.size() == size, "list(\"%s\") reports %d bytes for %s, %d are stored", snapshot, entry.size(),
                        e.getKey(), size);
                String sha = ContractFiles.sha256(e.getValue());
                check(entry.sha256().map(sha::equals).orElse(!settings.listingReportsSha256()),
                        "list(\"%s\") reports sha256 %s for %s, the stored bytes hash to %s%s", snapshot,
                        entry.sha256().orElse("none"), e.getKey(), sha,
                        settings.listingReportsSha256() ? " (settings declare listingReportsSha256)" : "");
            }
        }

        ProviderException expectFailure(ProviderException.Kind kind, String what, Step step) {
            try {
                step.run();
            } catch (ProviderException e) {
                if (kind != null) {
                    check(e.kind() == kind, "%s failed with kind %s, expected %s: %s", what, e.kind(), kind, e.getMessage());
                }
                return e;
            } catch (Exception e) {
                fail("%s threw %s instead of a ProviderException: %s", what, e.getClass().getName(), e.getMessage());
            }
            throw failure("%s succeeded; it must fail with a ProviderException%s", what, kind == null ? "" : " of kind " + kind);
        }

        void attempt(String what, Step step) {
            try {
                step.run();
            } catch (Exception e) {
                fail("%s threw %s: %s", what, e.getClass().getName(), e.getMessage());
            }
        }

        /** Retries {@code step} until it passes or the consistency wait is over. */
        void eventually(Step step) throws Exception {
            long deadline = System.nanoTime() + settings.consistencyWait().toNanos();
            while (true) {
                try {
                    step.run();
                    return;
                } catch (AssertionError | ProviderException e) {
                    if (System.nanoTime() - deadline >= 0) {
                        throw e;
                    }
                    Thread.sleep(Math.max(1, settings.pollInterval().toMillis()));
                }
            }
        }

        <T> List<T> inParallel(List<Callable<T>> tasks, CountDownLatch start) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(settings.threads());
            try {
                List<Future<T>> futures = new ArrayList<>();
                for (Callable<T> task : tasks) {
                    futures.add(pool.submit(task));
                }
                start.countDown();
                long deadline = System.nanoTime() + settings.operationTimeout().toNanos();
                List<T> results = new ArrayList<>();
                for (Future<T> f : futures) {
                    try {
                        results.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof AssertionError a) {
                            throw a;
                        }
                        fail("a concurrent step threw %s: %s", cause.getClass().getName(), cause.getMessage());
                    } catch (java.util.concurrent.TimeoutException e) {
                        fail("concurrent steps did not finish within %s (settings operationTimeout); deadlock?", settings.operationTimeout());
                    }
                }
                return results;
            } finally {
                pool.shutdownNow();
            }
        }

        void check(boolean holds, String detail, Object... args) {
            if (!holds) {
                throw failure(detail, args);
            }
        }

        void fail(String detail, Object... args) {
            throw failure(detail, args);
        }

        AssertionFailedError failure(String detail, Object... args) {
            return Rules.failure(rule, factory.id(), String.format(java.util.Locale.ROOT, detail, args));
        }

        @Override
        public void close() {
            synchronized (opened) {
                for (Provider p : opened) {
                    try {
                        p.close();
                    } catch (RuntimeException e) {
                        // close() problems belong to R9.03; do not hide the rule's own outcome
                    }
                }
            }
        }
    }
}
