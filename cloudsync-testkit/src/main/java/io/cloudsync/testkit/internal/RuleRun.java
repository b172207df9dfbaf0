package io.cloudsync.testkit.internal;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.ContractRule;
import io.cloudsync.testkit.ContractSettings;
import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.testkit.TransientFault;
import io.cloudsync.testkit.UploadInterruption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.junit.jupiter.api.TestInfo;
import org.opentest4j.AssertionFailedError;

/**
 * The shared runner of every provider contract family: one rule's run, with its remote, its local
 * files, the providers it opened, and the checks the rules are written with. Every failure it
 * raises starts with the rule id. Not part of the API.
 */
public final class RuleRun implements AutoCloseable {

    /** The snapshot most rules use. */
    public static final String SNAPSHOT = "nightly";
    /** A second snapshot, for rules about independence. */
    public static final String OTHER_SNAPSHOT = "nightly-2";

    /** The rule being checked. */
    public final ContractRule rule;
    /** The factory under test. */
    public final ProviderFactory factory;
    /** The settings, with system property overrides applied. */
    public final ContractSettings settings;
    /** This rule's remote. */
    public final ProviderConfig config;
    /** A temporary folder of this rule. */
    public final Path dir;
    private final ProviderUnderTest subject;

    /**
     * Checks one rule: skips it when its capability is not declared, reports a known violation,
     * and otherwise runs {@code body} and closes every provider it opened.
     *
     * @param subject the provider under test
     * @param rule the rule
     * @param test the running test
     * @param dir a temporary folder
     * @param body the rule's checks
     */
    public static void run(ProviderUnderTest subject, ContractRule rule, TestInfo test, Path dir, Body body) {
        ProviderFactory factory = subject.factory();
        Rules.verify(rule, factory.id(), subject.knownViolations(), () -> {
            Rules.requireCapability(rule, factory);
            try (RuleRun r = new RuleRun(subject, rule, factory, test, dir)) {
                body.run(r);
            }
        });
    }

    /** A rule's checks. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs them.
         *
         * @param r the rule's run
         * @throws Exception on any failure
         */
        void run(RuleRun r) throws Exception;
    }

    /** One step of a check. */
    @FunctionalInterface
    public interface Step {
        /**
         * Runs it.
         *
         * @throws Exception on any failure
         */
        void run() throws Exception;
    }
    private final List<Provider> opened = new ArrayList<>();
    /** What the last interrupted upload threw. */
    public volatile RuntimeException lastInterruption;
    private final AtomicInteger downloads = new AtomicInteger();

    private RuleRun(ProviderUnderTest subject, ContractRule rule, ProviderFactory factory, TestInfo test, Path dir)
            throws IOException {
        this.subject = subject;
        this.rule = rule;
        this.factory = factory;
        this.settings = subject.settings().withOverrides(System.getProperties());
        this.dir = dir;
        ProviderConfig remote = subject.freshRemote(test);
        this.config = remote.stateDirectory().isPresent() ? remote
                : remote.toBuilder().stateDirectory(Files.createDirectories(dir.resolve("provider-state"))).build();
    }

    public Provider open() {
        Provider p = factory.open(config, subject.secrets());
        synchronized (opened) {
            opened.add(p);
        }
        return p;
    }

    /**
     * Opens the provider with other secrets; the run closes it.
     *
     * @param secrets the secrets
     * @return the provider
     */
    public Provider openWith(Secrets secrets) {
        Provider p = factory.open(config, secrets);
        synchronized (opened) {
            opened.add(p);
        }
        return p;
    }

    /**
     * The secrets the remote refuses, if the author supplied them.
     *
     * @return the secrets
     */
    public Optional<Secrets> refusedSecrets() {
        return subject.refusedSecrets();
    }

    public boolean declares(Capability capability) {
        return factory.capabilities().contains(capability);
    }

    public Path file(String name, long size) {
        return ContractFiles.random(dir.resolve("local").resolve(name + ".bin"), size, settings.seed(), rule.name() + name);
    }

    public Path text(String name, String content) {
        return ContractFiles.text(dir.resolve("local").resolve(name + ".txt"), content);
    }

    public UploadReceipt upload(Provider p, String snapshot, String path, Path file) {
        return p.upload(snapshot, ContractFiles.entry(path, file), file);
    }

    public void roundTripAll(List<String> names) throws Exception {
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

    public long interruptedSize() {
        long size = settings.largeFileBytes();
        if (settings.multipartThresholdBytes().isPresent()) {
            size = Math.max(size, 2 * settings.multipartThresholdBytes().getAsLong() + 7);
        }
        return size;
    }

    public UploadInterruption requireInterruption() {
        return subject.uploadInterruption().orElseThrow(() -> Rules.failure(rule, factory.id(),
                "the provider declares RESUMABLE_UPLOAD but its ProviderUnderTest does not override "
                        + "uploadInterruption(); supply an UploadInterruption so the rule can be checked"));
    }

    /** Returns the remote's byte count before the interrupted upload. */
    public long interruptUpload(UploadInterruption interruption, String path, Path file) throws IOException {
        long before = interruption.bytesReceivedByRemote();
        long size = Files.size(file);
        Provider dying = interruption.openDyingAfter(config, subject.secrets(), size / 2);
        try {
            dying.upload(SNAPSHOT, ContractFiles.entry(path, file), file);
            fail("the upload through UploadInterruption.openDyingAfter(%d) of a %d-byte file did not throw", size / 2, size);
        } catch (RuntimeException expected) {
            lastInterruption = expected; // the simulated death
        } finally {
            dying.close();
        }
        return before;
    }

    /**
     * Uploads {@code file} under {@code entry}, whose size or SHA-256 differ from the file's, and
     * fails unless the provider refuses it (a {@link ProviderException}, with nothing new readable) or
     * returns a receipt whose size and digest are those of the bytes now stored.
     *
     * @param p the provider
     * @param entry the entry, which does not describe {@code file}
     * @param file the bytes sent
     * @param old what {@code entry.path()} held before, or {@code null} when it held nothing
     * @param what how the entry differs, for messages
     * @throws Exception on failure
     */
    public void requireHonestOrRefused(Provider p, ManifestEntry entry, Path file, Path old, String what) throws Exception {
        String described = String.format(java.util.Locale.ROOT, "upload of %s (%d bytes) under an entry with %s (%d bytes, "
                + "sha256 %s)", entry.path(), Files.size(file), what, entry.size(), entry.sha256());
        UploadReceipt receipt;
        try {
            receipt = p.upload(SNAPSHOT, entry, file);
        } catch (ProviderException refused) {
            if (old == null) {
                eventually(() -> requireNotFound(p, SNAPSHOT, entry.path()));
            } else {
                eventually(() -> requireOldOrNothing(p, SNAPSHOT, entry.path(), old));
            }
            return;
        } catch (RuntimeException e) {
            throw failure("%s threw %s instead of a ProviderException: %s", described, e.getClass().getName(), e.getMessage());
        }
        check(receipt != null, "%s returned null instead of a receipt", described);
        Path stored = dir.resolve("downloads").resolve("h" + downloads.incrementAndGet());
        Files.createDirectories(stored.getParent());
        eventually(() -> {
            Files.deleteIfExists(stored);
            p.download(SNAPSHOT, entry.path(), stored);
        });
        long storedSize = Files.size(stored);
        String storedSha256 = ContractFiles.sha256(stored);
        check(receipt.size() == storedSize, "%s succeeded with a receipt of %d bytes, but %d bytes are stored. If this fails, "
                + "look at where the receipt's size comes from: report what was written, not entry.size()", described,
                receipt.size(), storedSize);
        check(receipt.sha256().map(storedSha256::equals).orElse(true), "%s succeeded with a%s receipt carrying sha256 %s%s, but "
                + "the stored bytes hash to %s. If this fails, look at where the receipt's digest comes from: "
                + "UploadReceipt.verified takes the SHA-256 the server or the provider computed over what it stored, never "
                + "entry.sha256() (the engine trusts a verified receipt and skips its read-back)", described,
                receipt.serverVerified() ? " verified" : "n unverified", receipt.sha256().orElse(""),
                receipt.sha256().orElse("").equals(entry.sha256()) ? " (the entry's own)" : "", storedSha256);
    }

    /**
     * Interrupts an upload of {@code file} to {@code path} midway: through the author's
     * {@link UploadInterruption} when there is one, else through the progress callback, which throws
     * once half the file is reported. Skips the rule, saying what is not proven, when neither can
     * interrupt the provider.
     *
     * @param path the path
     * @param file a file larger than the multipart threshold
     * @throws IOException on local failures
     */
    public void interruptSomehow(String path, Path file) throws IOException {
        Optional<UploadInterruption> hook = subject.uploadInterruption();
        if (hook.isPresent()) {
            interruptUpload(hook.get(), path, file);
            return;
        }
        long size = Files.size(file);
        java.util.concurrent.atomic.AtomicBoolean died = new java.util.concurrent.atomic.AtomicBoolean();
        Provider p = open();
        try {
            p.upload(SNAPSHOT, ContractFiles.entry(path, file), file, n -> {
                if (n >= size / 2 && n < size && !died.getAndSet(true)) {
                    throw new SimulatedDeath(n);
                }
            });
        } catch (RuntimeException e) {
            if (died.get()) {
                lastInterruption = e; // the simulated death, or the provider's report of it
                return;
            }
            throw failure("upload of %s (%d bytes) failed before the interruption: %s", path, size, e);
        }
        throw new org.opentest4j.TestAbortedException("Skipped [" + rule.id() + "]: not proven that an upload of provider '"
                + factory.id() + "' interrupted midway leaves nothing readable. Its ProviderUnderTest supplies no "
                + "uploadInterruption(), and its upload " + (died.get() ? "carried on after the progress callback threw"
                : "reported no progress between half and all of a " + size + "-byte file") + ", so the contract could not "
                + "interrupt it. Override ProviderUnderTest.uploadInterruption(), or report progress as the upload goes");
    }

    /** What the progress callback throws to interrupt an upload. */
    static final class SimulatedDeath extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedDeath(long sent) {
            super("simulated death of the process after " + sent + " bytes were reported sent (contract rule R2.12)");
        }
    }

    public void requireContent(Provider p, String snapshot, String path, Path expected) throws IOException {
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

    public void requireNotFound(Provider p, String snapshot, String path) throws IOException {
        Path target = dir.resolve("downloads").resolve("nf" + downloads.incrementAndGet());
        Files.createDirectories(target.getParent());
        ProviderException e = expectFailure(ProviderException.Kind.NOT_FOUND, "download of " + snapshot + '/' + path
                + " (nothing should be readable there)", () -> p.download(snapshot, path, target));
        check(e.kind() == ProviderException.Kind.NOT_FOUND, "download of %s/%s failed with %s, expected NOT_FOUND",
                snapshot, path, e.kind());
        check(!Files.exists(target), "a failed download of %s/%s left a file at the target", snapshot, path);
    }

    public void requireOldOrNothing(Provider p, String snapshot, String path, Path old) throws IOException {
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

    /**
     * Secrets of the provider under test.
     *
     * @return the secrets
     */
    public Secrets secrets() {
        return subject.secrets();
    }

    /**
     * The upload interruption hook, if the author supplied one.
     *
     * @return the hook
     */
    public Optional<UploadInterruption> uploadInterruption() {
        return subject.uploadInterruption();
    }

    /**
     * The transient-fault hook, if the author supplied one.
     *
     * @return the hook
     */
    public Optional<TransientFault> transientFault() {
        return subject.transientFault();
    }

    /**
     * Bytes for a metadata object: {@code size} pseudo-random bytes that depend on {@code salt}.
     *
     * @param salt makes different objects differ
     * @param size how many bytes
     * @return the bytes
     */
    public byte[] bytes(String salt, int size) {
        byte[] out = new byte[size];
        new java.util.SplittableRandom(settings.seed() ^ (rule.name() + salt).hashCode()).nextBytes(out);
        return out;
    }

    /**
     * Fails unless {@code name} reads back as exactly {@code expected}, with {@code version} when it
     * is not {@code null}.
     *
     * @param p the provider
     * @param name the metadata name
     * @param expected the bytes
     * @param version the version tag put returned, or {@code null}
     * @return the object read
     */
    public MetadataObject requireMetadata(Provider p, String name, byte[] expected, String version) {
        Optional<MetadataObject> read = p.getMetadata(name);
        check(read != null, "getMetadata(\"%s\") returned null instead of an Optional", name);
        check(read.isPresent(), "getMetadata(\"%s\") is empty after %d bytes were put", name, expected.length);
        byte[] actual = read.get().bytes();
        check(java.util.Arrays.equals(actual, expected), "getMetadata(\"%s\") returned %d bytes that differ from the %d put%s",
                name, actual.length, expected.length, firstDifference(actual, expected));
        check(version == null || version.equals(read.get().version()),
                "getMetadata(\"%s\") reports version %s, but the put returned %s; a read must report the tag of the stored state",
                name, read.get().version(), version);
        return read.get();
    }

    /**
     * Fails unless nothing is stored under {@code name}.
     *
     * @param p the provider
     * @param name the metadata name
     * @param why what should have left it absent
     */
    public void requireNoMetadata(Provider p, String name, String why) {
        Optional<MetadataObject> read = p.getMetadata(name);
        check(read != null, "getMetadata(\"%s\") returned null instead of an Optional", name);
        check(read.isEmpty(), "getMetadata(\"%s\") returned %s; %s", name, read.orElse(null), why);
    }

    /**
     * What {@link Provider#listMetadata} reports, checked for order and duplicates.
     *
     * @param p the provider
     * @param prefix the prefix
     * @return the names, in the order listed
     */
    public List<String> listMetadata(Provider p, String prefix) {
        List<String> names;
        try (java.util.stream.Stream<String> stream = p.listMetadata(prefix)) {
            check(stream != null, "listMetadata(\"%s\") returned null", prefix);
            names = stream.toList();
        }
        for (int i = 1; i < names.size(); i++) {
            check(names.get(i - 1).compareTo(names.get(i)) < 0, "listMetadata(\"%s\") lists %s before %s; names come once each, "
                    + "in ascending String order", prefix, names.get(i - 1), names.get(i));
        }
        for (String n : names) {
            check(n.startsWith(prefix), "listMetadata(\"%s\") lists %s, which does not start with the prefix", prefix, n);
        }
        return names;
    }

    private static String firstDifference(byte[] actual, byte[] expected) {
        int at = java.util.Arrays.mismatch(actual, expected);
        return at < 0 ? "" : " from byte " + at;
    }

    public Map<String, RemoteEntry> list(Provider p, String snapshot) {
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

    public void requireListing(Provider p, String snapshot, Map<String, Path> expected) throws IOException {
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

    public ProviderException expectFailure(ProviderException.Kind kind, String what, Step step) {
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

    public void attempt(String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            fail("%s threw %s: %s", what, e.getClass().getName(), e.getMessage());
        }
    }

    /** Retries {@code step} until it passes or the consistency wait is over. */
    public void eventually(Step step) throws Exception {
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

    /**
     * Runs the tasks in parallel once {@code start} is counted down, within the operation timeout.
     *
     * @param tasks the tasks
     * @param start released after every task is submitted
     * @param <T> the result type
     * @return the results, in task order
     * @throws Exception when waiting is interrupted
     */
    public <T> List<T> inParallel(List<Callable<T>> tasks, CountDownLatch start) throws Exception {
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

    public void check(boolean holds, String detail, Object... args) {
        if (!holds) {
            throw failure(detail, args);
        }
    }

    public void fail(String detail, Object... args) {
        throw failure(detail, args);
    }

    public AssertionFailedError failure(String detail, Object... args) {
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
