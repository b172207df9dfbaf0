package io.cloudsync.testkit;

import static io.cloudsync.testkit.internal.RuleRun.SNAPSHOT;

import io.cloudsync.spi.Capability;
import io.cloudsync.spi.Provider;
import io.cloudsync.testkit.internal.RuleRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider contract's rules for resumable uploads, where {@link Capability#RESUMABLE_UPLOAD} is declared (R6.*). Extend it in a test and return your
 * {@link ProviderUnderTest} from {@link #subject()}, or extend {@link ProviderContract} to run
 * every family at once. Each test method checks one {@link ContractRule}, is {@code public final}
 * (a rule cannot be overridden away), and every failure message starts with the rule id; rules that
 * need a capability the factory does not declare are skipped with a message saying how to enable
 * them. The rules are explained in {@code docs/PROVIDERS.md}.
 *
 * @since 0.1.0
 */
public abstract class ResumeContract {

    /** For subclasses. */
    protected ResumeContract() {
    }

    /**
     * The provider under test, as its author describes it once for every contract.
     *
     * @return the provider under test
     */
    protected abstract ProviderUnderTest subject();

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

    private void run(ContractRule rule, TestInfo test, Path dir, RuleRun.Body body) {
        RuleRun.run(subject(), rule, test, dir, body);
    }
}
