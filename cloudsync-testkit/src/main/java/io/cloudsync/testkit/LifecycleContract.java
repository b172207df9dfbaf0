package io.cloudsync.testkit;

import static io.cloudsync.testkit.internal.RuleRun.SNAPSHOT;

import io.cloudsync.spi.Capability;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.testkit.internal.RuleRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider contract's rules for concurrency, durability across instances and close (R9.*). Extend it in a test and return your
 * {@link ProviderUnderTest} from {@link #subject()}, or extend {@link ProviderContract} to run
 * every family at once. Each test method checks one {@link ContractRule}, is {@code public final}
 * (a rule cannot be overridden away), and every failure message starts with the rule id; rules that
 * need a capability the factory does not declare are skipped with a message saying how to enable
 * them. The rules are explained in {@code docs/PROVIDERS.md}.
 *
 * @since 0.1.0
 */
public abstract class LifecycleContract {

    /** For subclasses. */
    protected LifecycleContract() {
    }

    /**
     * The provider under test, as its author describes it once for every contract.
     *
     * @return the provider under test
     */
    protected abstract ProviderUnderTest subject();

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
            byte[] manifest = r.bytes("reopen", 700);
            String version;
            try (Provider first = r.factory.open(r.config, r.secrets())) {
                for (Map.Entry<String, Path> f : files.entrySet()) {
                    r.upload(first, SNAPSHOT, f.getKey(), f.getValue());
                }
                version = first.putMetadata("manifests/" + SNAPSHOT + ".json", manifest, MetadataPrecondition.none());
            }
            Provider second = r.open();
            r.eventually(() -> r.requireMetadata(second, "manifests/" + SNAPSHOT + ".json", manifest, version));
            r.eventually(() -> r.check(r.listMetadata(second, "").equals(List.of("manifests/" + SNAPSHOT + ".json")),
                    "a reopened provider lists %s, expected the one object put", r.listMetadata(second, "")));
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
            Provider p = r.factory.open(r.config, r.secrets());
            p.getMetadata("manifests/" + SNAPSHOT + ".json");
            r.attempt("first close()", p::close);
            r.attempt("second close()", p::close);
        });
    }

    private void run(ContractRule rule, TestInfo test, Path dir, RuleRun.Body body) {
        RuleRun.run(subject(), rule, test, dir, body);
    }
}
