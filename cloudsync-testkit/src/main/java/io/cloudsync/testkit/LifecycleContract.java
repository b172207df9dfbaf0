package io.cloudsync.testkit;

import static io.cloudsync.testkit.internal.RuleRun.SNAPSHOT;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.internal.ContractFiles;
import io.cloudsync.testkit.internal.RuleRun;
import io.cloudsync.testkit.internal.SecretWatch;
import io.cloudsync.testkit.internal.ThreadGroups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * The provider contract's rules for concurrency, durability across instances, close, refused credentials, secrets at
 * work, retries left to the engine and threads ended by close (R9.*). Extend it in a test and return your
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

    /**
     * R9.04.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R9_04_refusedCredentialsFailWithAuthentication(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R9_04, test, dir, r -> {
            Secrets refused = r.refusedSecrets().orElseThrow(() -> new TestAbortedException("Skipped [R9.04]: not proven that "
                    + "provider '" + r.factory.id() + "' reports refused credentials as AUTHENTICATION (and not as a retryable "
                    + "kind, which makes the engine retry a lost cause). Override ProviderUnderTest.refusedSecrets() to return "
                    + "secrets the test's remote refuses"));
            Provider p;
            try {
                p = r.openWith(refused);
            } catch (ProviderException e) {
                r.check(e.kind() == ProviderException.Kind.AUTHENTICATION, "open() with refused credentials failed with kind %s "
                        + "(retryable: %s), expected AUTHENTICATION: %s. If this fails, look at how the provider maps the "
                        + "backend's 401/403 or invalid-grant answers", e.kind(), e.retryable(), e.getMessage());
                return;
            } catch (RuntimeException e) {
                throw r.failure("open() with refused credentials threw %s instead of a ProviderException of kind "
                        + "AUTHENTICATION: %s", e.getClass().getName(), e.getMessage());
            }
            Path file = r.file("refused", 100);
            ManifestEntry entry = ContractFiles.entry("refused/file.bin", file);
            Map<String, RuleRun.Step> operations = new LinkedHashMap<>();
            operations.put("getMetadata", () -> p.getMetadata("manifests/" + SNAPSHOT + ".json"));
            operations.put("putMetadata", () -> p.putMetadata("refused/object", new byte[] {1, 2, 3}, MetadataPrecondition.none()));
            operations.put("listMetadata", () -> drainMetadata(p, ""));
            operations.put("upload", () -> p.upload(SNAPSHOT, entry, file));
            operations.put("download", () -> p.download(SNAPSHOT, "refused/file.bin", dir.resolve("refused-download.bin")));
            operations.put("delete", () -> p.delete(SNAPSHOT, "refused/other.bin"));
            if (r.declares(Capability.LISTING)) {
                operations.put("list", () -> drainList(p, SNAPSHOT));
            }
            for (Map.Entry<String, RuleRun.Step> op : operations.entrySet()) {
                ProviderException e = r.expectFailure(null, op.getKey() + "() with credentials the remote refuses (open() "
                        + "accepted them)", op.getValue());
                r.check(e.kind() == ProviderException.Kind.AUTHENTICATION, "%s() with refused credentials failed with kind %s "
                        + "(retryable: %s), expected AUTHENTICATION: %s. If this fails, look at how the provider maps the "
                        + "backend's 401/403 or invalid-grant answers", op.getKey(), e.kind(), e.retryable(), e.getMessage());
            }
            Provider good = r.open();
            r.requireNotFound(good, SNAPSHOT, "refused/file.bin");
            r.requireNoMetadata(good, "refused/object", "a put with refused credentials must store nothing");
        });
    }

    /**
     * R9.05.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R9_05_noSecretShowsWhileTheProviderWorks(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R9_05, test, dir, r -> {
            try (SecretWatch watch = new SecretWatch(r.secrets(), r.refusedSecrets().orElse(Secrets.none()))) {
                if (!watch.watchesAnything()) {
                    throw new TestAbortedException("Skipped [R9.05]: ProviderUnderTest.secrets() holds no secret for provider '"
                            + r.factory.id() + "', so there is nothing that could leak. A provider that takes credentials "
                            + "returns them from secrets()");
                }
                Provider p = r.open();
                watch.saw(p);
                String name = "manifests/" + SNAPSHOT + ".json";
                String version = p.putMetadata(name, r.bytes("secret-watch", 64), MetadataPrecondition.none());
                watch.saw(p.getMetadata(name).orElse(null));
                watch.provoke(() -> p.putMetadata(name, new byte[] {1}, MetadataPrecondition.ifAbsent()));
                watch.provoke(() -> p.putMetadata(name, new byte[] {2}, MetadataPrecondition.ifVersion(version + "-stale")));
                watch.provoke(() -> p.putMetadata("never/put", new byte[] {3}, MetadataPrecondition.ifVersion(version)));
                watch.provoke(() -> p.download(SNAPSHOT, "no/such/file.bin", dir.resolve("missing.bin")));
                watch.provoke(() -> p.download(RuleRun.OTHER_SNAPSHOT, "no/such/file.bin", dir.resolve("missing-2.bin")));
                Path file = r.file("watched", r.settings.smallFileBytes());
                Path other = r.file("other", r.settings.smallFileBytes());
                watch.provoke(() -> watch.saw(p.upload(SNAPSHOT, new ManifestEntry("integrity.bin", Files.size(file),
                        ContractFiles.MTIME, ContractFiles.sha256(other)), file)));
                watch.provoke(() -> watch.saw(p.upload(SNAPSHOT, new ManifestEntry("gone.bin", 10, ContractFiles.MTIME,
                        ContractFiles.sha256(other)), dir.resolve("no-such-local-file"))));
                watch.saw(r.upload(p, SNAPSHOT, "watched.bin", file));
                if (r.declares(Capability.LISTING)) {
                    try (Stream<RemoteEntry> files = p.list(SNAPSHOT)) {
                        files.forEach(watch::saw);
                    }
                    watch.provoke(() -> {
                        try (Stream<RemoteEntry> files = p.list("never-used")) {
                            files.forEach(watch::saw);
                        }
                    });
                }
                if (r.declares(Capability.SERVER_SIDE_COPY)) {
                    watch.provoke(() -> p.copy(SNAPSHOT, "no/such/source.bin", ContractFiles.entry("copy.bin", file)));
                }
                watch.provoke(() -> {
                    try (Stream<String> names = p.listMetadata("")) {
                        names.forEach(watch::saw);
                    }
                });
                Path big = r.file("interrupted", r.interruptedSize());
                watch.provoke(() -> r.interruptSomehow("interrupted.bin", big));
                watch.saw(r.lastInterruption);
                r.refusedSecrets().ifPresent(refused -> {
                    watch.provoke(() -> {
                        Provider denied = r.openWith(refused);
                        watch.saw(denied);
                        watch.provoke(() -> denied.getMetadata(name));
                        watch.provoke(() -> denied.upload(SNAPSHOT, ContractFiles.entry("denied.bin", file), file));
                    });
                });
                watch.provoke(p::close);
                watch.provoke(p::close);
                String leak = watch.firstLeak();
                r.check(leak == null, "%s (checked %d errors and objects, and the console). If this fails, look at the "
                        + "messages and log lines that describe requests: never print a credential, a token, an "
                        + "Authorization header or a signed URL", leak, watch.seenCount());
            }
        });
    }

    /**
     * R9.06.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R9_06_transientFailuresReachTheEngineUnretried(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R9_06, test, dir, r -> {
            TransientFault fault = r.transientFault().orElseThrow(() -> new TestAbortedException("Skipped [R9.06]: not proven "
                    + "that provider '" + r.factory.id() + "' leaves retries to the engine (a provider that retries by itself, "
                    + "such as an SDK with its own retries left on, multiplies the engine's retry budget and hides throttling "
                    + "from it). Override ProviderUnderTest.transientFault() to let the test's remote fail its next request "
                    + "with a 503"));
            Provider p = r.open();
            String name = "manifests/" + SNAPSHOT + ".json";
            p.getMetadata(name); // tokens, ids and connections are fetched before the first fault
            Path file = r.file("transient", r.settings.smallFileBytes());
            r.upload(p, SNAPSHOT, "transient/stored.bin", file);
            p.putMetadata("transient/object", r.bytes("transient", 64), MetadataPrecondition.none());
            Map<String, RuleRun.Step> operations = new LinkedHashMap<>();
            operations.put("getMetadata", () -> p.getMetadata(name));
            operations.put("putMetadata", () -> p.putMetadata("transient/object", r.bytes("transient-2", 64),
                    MetadataPrecondition.none()));
            operations.put("listMetadata", () -> drainMetadata(p, ""));
            operations.put("upload", () -> p.upload(SNAPSHOT, ContractFiles.entry("transient/new.bin", file), file));
            operations.put("download", () -> p.download(SNAPSHOT, "transient/stored.bin", dir.resolve("transient-download.bin")));
            if (r.declares(Capability.LISTING)) {
                operations.put("list", () -> drainList(p, SNAPSHOT));
            }
            if (r.declares(Capability.SERVER_SIDE_COPY)) {
                operations.put("copy", () -> p.copy(SNAPSHOT, "transient/stored.bin",
                        ContractFiles.entry("transient/copy.bin", file)));
            }
            operations.put("delete", () -> p.delete(SNAPSHOT, "transient/stored.bin"));
            for (Map.Entry<String, RuleRun.Step> op : operations.entrySet()) {
                fault.failNextRequest(r.config);
                ProviderException e;
                try {
                    op.getValue().run();
                    throw r.failure("%s() succeeded although the backend failed its request with a transient error: the "
                            + "provider retried it by itself (or sent no request). Providers never retry: turn the SDK's own "
                            + "retries off and report the failure as UNAVAILABLE or THROTTLED, so that the engine retries "
                            + "within its budget and sees the throttling", op.getKey());
                } catch (ProviderException thrown) {
                    e = thrown;
                } catch (AssertionError failure) {
                    throw failure;
                } catch (Exception other) {
                    throw r.failure("%s() threw %s instead of a retryable ProviderException when the backend failed its "
                            + "request with a transient error: %s", op.getKey(), other.getClass().getName(), other.getMessage());
                }
                r.check(e.retryable(), "%s() failed with kind %s when the backend failed its request with a transient error "
                        + "(500/503); expected a retryable kind (UNAVAILABLE or THROTTLED), so that the engine retries: %s",
                        op.getKey(), e.kind(), e.getMessage());
            }
        });
    }

    /**
     * R9.07.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R9_07_closeEndsTheProvidersThreads(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R9_07, test, dir, r -> {
            // a first cycle in a group of its own: threads a library starts once per JVM (a cleaner, a shared
            // timer) start there and may stay; the second cycle must leave nothing behind
            ThreadGroups.cycle(r, new ThreadGroup("cloudsync-contract-R9.07-first"), () -> useAndClose(r, "first"));
            ThreadGroup group = new ThreadGroup("cloudsync-contract-R9.07");
            ThreadGroups.cycle(r, group, () -> useAndClose(r, "second"));
            List<String> left = ThreadGroups.awaitNoneAlive(group, java.time.Duration.ofSeconds(5));
            r.check(left.isEmpty(), "after close() the provider's threads %s are still running (5 s after close). close() "
                    + "must shut down the executors, schedulers and HTTP clients the provider started: an application that "
                    + "opens a provider per run would leak them, and a JVM with non-daemon ones never exits", left);
        });
    }

    /**
     * R9.08.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R9_08_flushSucceedsWhenThereIsWorkAndWhenThereIsNone(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R9_08, test, dir, r -> {
            Provider p = r.open();
            r.attempt("flush() of a provider that has done nothing", p::flush);
            Path file = r.file("flushed", r.settings.smallFileBytes());
            r.upload(p, SNAPSHOT, "flushed/a.bin", file);
            r.upload(p, SNAPSHOT, "flushed/b.bin", file);
            if (r.declares(Capability.SERVER_SIDE_COPY)) {
                p.copy(SNAPSHOT, "flushed/a.bin", ContractFiles.entry("flushed/c.bin", file));
            }
            p.delete(SNAPSHOT, "flushed/b.bin");
            r.attempt("flush() after uploads, a copy and a delete", p::flush);
            r.attempt("flush() again, with nothing new to flush", p::flush);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "flushed/a.bin", file));
        });
    }

    /**
     * Opens a provider, works with it as a run does (metadata, small and large files, listing, copy, delete,
     * flush) and closes it. What the operations return is other rules' business: only their threads count here.
     */
    private static void useAndClose(RuleRun r, String salt) throws Exception {
        String base = "threads/" + salt + "/";
        Path small = r.file("threads-small-" + salt, r.settings.smallFileBytes());
        Path large = r.file("threads-large-" + salt, r.interruptedSize());
        Provider p = r.factory.open(r.config, r.secrets());
        try {
            quietly(() -> p.putMetadata(base + "object", r.bytes(salt, 256), MetadataPrecondition.none()));
            quietly(() -> p.getMetadata(base + "object"));
            quietly(() -> drainMetadata(p, "threads/"));
            quietly(() -> p.upload(SNAPSHOT, ContractFiles.entry(base + "small.bin", small), small, n -> { }));
            quietly(() -> p.upload(SNAPSHOT, ContractFiles.entry(base + "large.bin", large), large, n -> { }));
            quietly(() -> p.download(SNAPSHOT, base + "large.bin", r.dir.resolve("threads-" + salt + ".bin")));
            if (r.declares(Capability.LISTING)) {
                quietly(() -> drainList(p, SNAPSHOT));
            }
            if (r.declares(Capability.SERVER_SIDE_COPY)) {
                quietly(() -> p.copy(SNAPSHOT, base + "small.bin", ContractFiles.entry(base + "copy.bin", small)));
            }
            quietly(() -> p.delete(SNAPSHOT, base + "small.bin"));
            quietly(p::flush);
        } finally {
            p.close();
        }
    }

    /** Reads a metadata listing to its end, whatever it holds (what it holds is R1.08's business). */
    private static void drainMetadata(Provider p, String prefix) {
        try (Stream<String> names = p.listMetadata(prefix)) {
            names.forEach(n -> { });
        }
    }

    /** Reads a file listing to its end, whatever it holds (what it holds is R7's business). */
    private static void drainList(Provider p, String snapshot) {
        try (Stream<RemoteEntry> files = p.list(snapshot)) {
            files.forEach(f -> { });
        }
    }

    private static void quietly(RuleRun.Step step) throws Exception {
        try {
            step.run();
        } catch (RuntimeException e) {
            // another rule's concern
        }
    }

    private void run(ContractRule rule, TestInfo test, Path dir, RuleRun.Body body) {
        RuleRun.run(subject(), rule, test, dir, body);
    }
}
