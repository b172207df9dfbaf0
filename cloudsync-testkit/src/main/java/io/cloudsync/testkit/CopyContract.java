package io.cloudsync.testkit;

import static io.cloudsync.testkit.internal.ContractFiles.MTIME;
import static io.cloudsync.testkit.internal.RuleRun.OTHER_SNAPSHOT;
import static io.cloudsync.testkit.internal.RuleRun.SNAPSHOT;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.internal.ContractFiles;
import io.cloudsync.testkit.internal.RuleRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider contract's rules for server-side copy, where {@link Capability#SERVER_SIDE_COPY} is declared, and its refusal where it is not (R10.*). Extend it in a test and return your
 * {@link ProviderUnderTest} from {@link #subject()}, or extend {@link ProviderContract} to run
 * every family at once. Each test method checks one {@link ContractRule}, is {@code public final}
 * (a rule cannot be overridden away), and every failure message starts with the rule id; rules that
 * need a capability the factory does not declare are skipped with a message saying how to enable
 * them. The rules are explained in {@code docs/PROVIDERS.md}.
 *
 * @since 0.1.0
 */
public abstract class CopyContract {

    /** For subclasses. */
    protected CopyContract() {
    }

    /**
     * The provider under test, as its author describes it once for every contract.
     *
     * @return the provider under test
     */
    protected abstract ProviderUnderTest subject();

    /**
     * R10.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R10_01_copyStoresTheSourceBytes(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R10_01, test, dir, r -> {
            Provider p = r.open();
            for (long size : new long[] {0, 1, r.settings.smallFileBytes()}) {
                Path source = r.file("source-" + size, size);
                r.upload(p, SNAPSHOT, "from/source-" + size + ".bin", source);
                ManifestEntry target = new ManifestEntry("to/deeper/copy-" + size + ".bin", size, MTIME.plusSeconds(size),
                        ContractFiles.sha256(source));
                UploadReceipt receipt = p.copy(SNAPSHOT, "from/source-" + size + ".bin", target);
                r.check(receipt != null, "copy returned null instead of a receipt");
                r.check(receipt.path().equals(target.path()), "the copy's receipt names %s for a copy to %s", receipt.path(),
                        target.path());
                r.check(receipt.size() == size, "the copy's receipt says %d bytes for a %d-byte file", receipt.size(), size);
                r.check(receipt.sha256().map(target.sha256()::equals).orElse(true),
                        "the copy's receipt reports sha256 %s but the bytes hash to %s", receipt.sha256().orElse(""), target.sha256());
                r.check(!receipt.serverVerified() || receipt.sha256().isPresent(), "the copy's receipt is verified but carries no sha256");
                r.eventually(() -> r.requireContent(p, SNAPSHOT, target.path(), source));
                r.eventually(() -> r.requireContent(p, SNAPSHOT, "from/source-" + size + ".bin", source));
            }
            if (r.declares(Capability.LISTING)) {
                r.eventually(() -> {
                    Map<String, RemoteEntry> listed = r.list(p, SNAPSHOT);
                    r.check(listed.size() == 6, "after three uploads and three copies list(\"%s\") reports %s", SNAPSHOT, listed.keySet());
                });
            }
        });
    }

    /**
     * R10.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R10_02_copyOverAFileReplacesIt(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R10_02, test, dir, r -> {
            Provider p = r.open();
            Path shorter = r.file("shorter", r.settings.smallFileBytes() / 2);
            Path longer = r.file("longer", r.settings.smallFileBytes() * 2L);
            r.upload(p, SNAPSHOT, "short.bin", shorter);
            r.upload(p, SNAPSHOT, "target.bin", longer);
            p.copy(SNAPSHOT, "short.bin", ContractFiles.entry("target.bin", shorter));
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "target.bin", shorter));
            r.upload(p, SNAPSHOT, "long.bin", longer);
            p.copy(SNAPSHOT, "long.bin", ContractFiles.entry("target.bin", longer));
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "target.bin", longer));
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "short.bin", shorter));
        });
    }

    /**
     * R10.03.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R10_03_copyOfAMissingFileFailsWithNotFound(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R10_03, test, dir, r -> {
            Provider p = r.open();
            Path bytes = r.file("some", 64);
            ManifestEntry target = ContractFiles.entry("copy.bin", bytes);
            r.expectFailure(ProviderException.Kind.NOT_FOUND, "copy from a path never uploaded",
                    () -> p.copy(SNAPSHOT, "never/uploaded.bin", target));
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "copy.bin"));
            r.upload(p, OTHER_SNAPSHOT, "elsewhere.bin", bytes);
            r.expectFailure(ProviderException.Kind.NOT_FOUND, "copy from a path stored only in another snapshot",
                    () -> p.copy(SNAPSHOT, "elsewhere.bin", target));
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "copy.bin"));
            r.upload(p, SNAPSHOT, "folder/inner.bin", bytes);
            r.expectFailure(ProviderException.Kind.NOT_FOUND, "copy from a path that is a folder",
                    () -> p.copy(SNAPSHOT, "folder", target));
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "copy.bin"));
        });
    }

    /**
     * R10.04.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R10_04_undeclaredCopyIsUnsupported(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R10_04, test, dir, r -> {
            if (r.declares(Capability.SERVER_SIDE_COPY)) {
                throw new org.opentest4j.TestAbortedException("Skipped [R10.04]: provider '" + r.factory.id()
                        + "' declares Capability.SERVER_SIDE_COPY, so R10.01 to R10.03 apply instead");
            }
            Provider p = r.open();
            Path bytes = r.file("some", 64);
            r.upload(p, SNAPSHOT, "source.bin", bytes);
            try {
                p.copy(SNAPSHOT, "source.bin", ContractFiles.entry("copy.bin", bytes));
                r.fail("copy succeeded although the factory does not declare SERVER_SIDE_COPY; declare it in capabilities()");
            } catch (UnsupportedOperationException expected) {
                // as the SPI says
            } catch (RuntimeException e) {
                r.fail("copy without SERVER_SIDE_COPY threw %s instead of UnsupportedOperationException: %s",
                        e.getClass().getName(), e.getMessage());
            }
            r.eventually(() -> r.requireNotFound(p, SNAPSHOT, "copy.bin"));
        });
    }

    /**
     * R10.05.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R10_05_copyCarriesTheTargetMtime(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R10_05, test, dir, r -> {
            if (!r.declares(Capability.LISTING)) {
                throw new org.opentest4j.TestAbortedException("Skipped [R10.05]: provider '" + r.factory.id()
                        + "' does not declare Capability.LISTING, so the copy's mtime cannot be read back");
            }
            Provider p = r.open();
            Path source = r.file("dated-source", 64);
            r.upload(p, SNAPSHOT, "dated/source.bin", source);
            java.time.Instant later = MTIME.plus(java.time.Duration.ofDays(400));
            p.copy(SNAPSHOT, "dated/source.bin", new ManifestEntry("dated/copy.bin", 64, later, ContractFiles.sha256(source)));
            r.eventually(() -> {
                Map<String, RemoteEntry> listed = r.list(p, SNAPSHOT);
                RemoteEntry original = listed.get("dated/source.bin");
                if (original == null || original.mtime().isEmpty()
                        || Math.abs(java.time.Duration.between(original.mtime().get(), MTIME).toMillis()) > 2000) {
                    throw new org.opentest4j.TestAbortedException("Skipped [R10.05]: the listing of provider '"
                            + r.factory.id() + "' reports no mtime for an uploaded file, or not the uploaded one (R7.05), "
                            + "so a copy's mtime cannot be judged");
                }
                RemoteEntry copy = listed.get("dated/copy.bin");
                r.check(copy != null, "list(\"%s\") does not report the copy dated/copy.bin", SNAPSHOT);
                r.check(copy.mtime().map(m -> Math.abs(java.time.Duration.between(m, later).toMillis()) <= 2000).orElse(true),
                        "the copy dated/copy.bin is listed with mtime %s, expected its entry's %s (the source has %s). If this "
                        + "fails, set the copy's metadata from the target entry instead of copying the source's",
                        copy.mtime().orElse(null), later, MTIME);
            });
        });
    }

    private void run(ContractRule rule, TestInfo test, Path dir, RuleRun.Body body) {
        RuleRun.run(subject(), rule, test, dir, body);
    }
}
