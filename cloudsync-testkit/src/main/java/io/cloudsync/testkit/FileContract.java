package io.cloudsync.testkit;

import static io.cloudsync.testkit.internal.ContractFiles.MTIME;
import static io.cloudsync.testkit.internal.RuleRun.OTHER_SNAPSHOT;
import static io.cloudsync.testkit.internal.RuleRun.SNAPSHOT;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.internal.ContractFiles;
import io.cloudsync.testkit.internal.RuleRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider contract's rules for files: uploads, downloads and receipts (R2.*), names (R3.*), server-side checksums (R4.*) and deletes (R8.*). Extend it in a test and return your
 * {@link ProviderUnderTest} from {@link #subject()}, or extend {@link ProviderContract} to run
 * every family at once. Each test method checks one {@link ContractRule}, is {@code public final}
 * (a rule cannot be overridden away), and every failure message starts with the rule id; rules that
 * need a capability the factory does not declare are skipped with a message saying how to enable
 * them. The rules are explained in {@code docs/PROVIDERS.md}.
 *
 * @since 0.1.0
 */
public abstract class FileContract {

    /** For subclasses. */
    protected FileContract() {
    }

    /**
     * The provider under test, as its author describes it once for every contract.
     *
     * @return the provider under test
     */
    protected abstract ProviderUnderTest subject();

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
            // text is bytes too: line endings (CRLF, lone CR) and a last line without one stay as they are
            Path windows = r.text("windows", "line one\r\nline two\rline three\r\nno newline at the end");
            r.upload(p, SNAPSHOT, "notes/windows.txt", windows);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "notes/windows.txt", windows));
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
            // all zeros: a store that keeps such files as holes must still give back their length
            Path zero = Files.write(dir.resolve("zero.bin"), new byte[1]);
            Path zeros = Files.write(dir.resolve("zeros.bin"), new byte[r.settings.smallFileBytes()]);
            r.upload(p, SNAPSHOT, "empty.txt", empty);
            r.upload(p, SNAPSHOT, "one.bin", one);
            r.upload(p, SNAPSHOT, "zero.bin", zero);
            r.upload(p, SNAPSHOT, "zeros.bin", zeros);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "empty.txt", empty));
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "one.bin", one));
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "zero.bin", zero));
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "zeros.bin", zeros));
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
            Path odd = r.file("odd", r.settings.largeFileBytes() + 12_345);
            r.upload(p, SNAPSHOT, "data/odd.bin", odd);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "data/odd.bin", odd));
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
            r.requireNotFound(p, SNAPSHOT, "never/uploaded.txt");
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

    /**
     * R2.11.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_11_receiptsStayHonestWhenTheBytesDifferFromTheEntry(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_11, test, dir, r -> {
            Provider p = r.open();
            long size = r.settings.smallFileBytes();
            Path actual = r.file("actual", size);
            Path other = r.file("other", size);
            Path claimedLonger = r.file("claimed-longer", size + 100);
            Path claimedShorter = r.file("claimed-shorter", size - 100);
            Path old = r.file("old", 300);
            r.upload(p, SNAPSHOT, "existing.bin", old);
            // the entry is what the engine scanned; the file changed before (or while) it was sent
            r.requireHonestOrRefused(p, new ManifestEntry("other-sha256.bin", size, MTIME, ContractFiles.sha256(other)), actual,
                    null, "another SHA-256 than the bytes");
            r.requireHonestOrRefused(p, new ManifestEntry("grew.bin", size + 100, MTIME, ContractFiles.sha256(claimedLonger)),
                    actual, null, "a larger size and its SHA-256 (the file shrank)");
            r.requireHonestOrRefused(p, new ManifestEntry("shrank.bin", size - 100, MTIME, ContractFiles.sha256(claimedShorter)),
                    actual, null, "a smaller size and its SHA-256 (the file grew)");
            r.requireHonestOrRefused(p, new ManifestEntry("existing.bin", size, MTIME, ContractFiles.sha256(other)), actual, old,
                    "another SHA-256 than the bytes, over an existing file");
        });
    }

    /**
     * R2.12.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_12_interruptedUploadLeavesNothingReadable(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_12, test, dir, r -> {
            Provider p = r.open();
            Path old = r.file("old", 300);
            r.upload(p, SNAPSHOT, "replaced.bin", old);
            Path big = r.file("interrupted", r.interruptedSize());
            r.interruptSomehow("interrupted.bin", big);
            r.interruptSomehow("replaced.bin", big);
            Provider fresh = r.open();
            r.eventually(() -> r.requireNotFound(fresh, SNAPSHOT, "interrupted.bin"));
            r.eventually(() -> r.requireOldOrNothing(fresh, SNAPSHOT, "replaced.bin", old));
            if (r.declares(Capability.LISTING)) {
                r.eventually(() -> {
                    Map<String, RemoteEntry> listed = r.list(fresh, SNAPSHOT);
                    r.check(listed.keySet().stream().allMatch("replaced.bin"::equals), "after interrupted uploads the listing "
                            + "shows %s; only replaced.bin may be there (no partial or temporary files)", listed.keySet());
                });
            }
        });
    }

    /**
     * R2.13.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_13_downloadReplacesAnExistingFile(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_13, test, dir, r -> {
            Provider p = r.open();
            Map<String, Path> files = new TreeMap<>();
            files.put("replace/small.txt", r.file("replace-small", 10));
            files.put("replace/large.bin", r.file("replace-large", r.settings.largeFileBytes()));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                r.upload(p, SNAPSHOT, f.getKey(), f.getValue());
                Path target = dir.resolve("existing-" + f.getValue().getFileName());
                Files.write(target, r.bytes("longer", (int) Files.size(f.getValue()) * 2 + 1024));
                r.eventually(() -> {
                    p.download(SNAPSHOT, f.getKey(), target);
                    long mismatch = Files.mismatch(f.getValue(), target);
                    r.check(mismatch == -1, "a download of %s over an existing %d-byte local file left %d bytes that differ "
                            + "from the %d uploaded at byte %d. If this fails, truncate (or replace) the target: open it "
                            + "with TRUNCATE_EXISTING, or write a temporary file and move it over", f.getKey(),
                            Files.size(f.getValue()) * 2 + 1024, Files.size(target), Files.size(f.getValue()), mismatch);
                });
            }
        });
    }

    /**
     * R2.14.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R2_14_uploadLeavesTheLocalFileAsItWas(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R2_14, test, dir, r -> {
            Provider p = r.open();
            for (long size : new long[] {0, r.settings.smallFileBytes(), r.interruptedSize() + 1}) {
                Path local = r.file("untouched-" + size, size);
                java.nio.file.attribute.FileTime mtime = java.nio.file.attribute.FileTime.from(MTIME);
                Files.setLastModifiedTime(local, mtime);
                Path copy = Files.copy(local, dir.resolve("untouched-copy-" + size));
                r.upload(p, SNAPSHOT, "untouched/" + size + ".bin", local);
                r.check(Files.isRegularFile(local), "the upload of a %d-byte file removed or moved the local file; upload "
                        + "reads it and leaves it where it is", size);
                r.check(Files.mismatch(local, copy) == -1, "the upload of a %d-byte file changed its bytes", size);
                r.check(Files.getLastModifiedTime(local).equals(mtime), "the upload of a %d-byte file changed its "
                        + "modification time from %s to %s; the engine's change detection reads it", size, mtime,
                        Files.getLastModifiedTime(local));
            }
        });
    }

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
                "brackets[1](2){3}.txt", "at@dollar$comma,excl!.txt", "star*pipe|lt<gt>.txt", "back`tick^.txt",
                " leading space.txt", "trailing space.txt ", "trailing dot.", "...", "-dash first", "CON", "aux/nul.txt",
                "colon:in:name.txt", "עברית.txt", "zero\u200bwidth.txt")));
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

    /**
     * R3.06.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R3_06_namesThatDifferOnlyInCaseStayDistinct(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R3_06, test, dir, r -> r.roundTripAll(List.of(
                "README.md", "readme.md", "ReadMe.md", "Docs/a.txt", "docs/a.txt", "docs/A.txt", "Straße.txt", "STRASSE.txt",
                "\u00c9t\u00e9.txt", "\u00e9t\u00e9.txt")));
    }

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
            Path doomed = r.file("doomed", 100);
            r.upload(p, SNAPSHOT, "doomed.txt", doomed);
            r.upload(p, SNAPSHOT, "deep/er/doomed.txt", r.file("doomed2", 0));
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "doomed.txt", doomed)); // read once: no cache may outlive the delete
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
            byte[] manifest = r.bytes("kept", 120);
            String version = p.putMetadata("manifests/" + SNAPSHOT + ".json", manifest, MetadataPrecondition.none());
            byte[] lookAlike = r.bytes("look-alike", 12);
            String lookAlikeVersion = p.putMetadata("dir/x", lookAlike, MetadataPrecondition.none());
            p.delete(SNAPSHOT, "dir/x");
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "dir/x"));
            for (Map.Entry<String, Path> s : survivors.entrySet()) {
                r.eventually(() -> r.requireContent(p, SNAPSHOT, s.getKey(), s.getValue()));
            }
            r.eventually(() -> r.requireContent(p, OTHER_SNAPSHOT, "dir/x", elsewhere));
            r.requireMetadata(p, "manifests/" + SNAPSHOT + ".json", manifest, version);
            r.requireMetadata(p, "dir/x", lookAlike, lookAlikeVersion);
            for (String name : List.of("dir/x.bak", "dir/xx", "dir/y")) {
                p.delete(SNAPSHOT, name);
                survivors.remove(name);
            }
            r.eventually(() -> r.requireMetadata(p, "manifests/" + SNAPSHOT + ".json", manifest, version));
            for (Map.Entry<String, Path> s : survivors.entrySet()) {
                r.eventually(() -> r.requireContent(p, SNAPSHOT, s.getKey(), s.getValue()));
            }
        });
    }

    private void run(ContractRule rule, TestInfo test, Path dir, RuleRun.Body body) {
        RuleRun.run(subject(), rule, test, dir, body);
    }
}
