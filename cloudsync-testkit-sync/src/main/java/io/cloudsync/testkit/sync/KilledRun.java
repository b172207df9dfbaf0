package io.cloudsync.testkit.sync;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Secret;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.Providers;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.FaultInjectingProvider;
import io.cloudsync.testkit.ForwardingProvider;
import io.cloudsync.testkit.internal.ContractFiles;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code kill -9} of a sync between overwrites and the commit, for any provider whose factory
 * is on the class path: the run goes in a child JVM (its uploads slowed down and logged, so the kill
 * lands after some overwrites reached the remote), and the parent then pulls the snapshot and checks
 * every file against the committed manifest. Used by the S3 and Drive modules' tests; the {@code local}
 * case is core's {@code CrashResumeTest}.
 */
public final class KilledRun {

    private static final String SERVICE = "killed";
    private static final String SNAPSHOT = "nightly";
    private static final int FILES = 24;

    private KilledRun() {
    }

    /**
     * Syncs a tree, changes every file, kills a second sync with SIGKILL after a few overwrites, then
     * checks that a pull restores every file the committed manifest names with the sha256 it names,
     * that verify finds no problem, and that the next run converges with nothing left unlisted.
     *
     * @param factory the provider under test; the child finds the same id by ServiceLoader
     * @param remote settings of an empty remote location
     * @param secrets the secrets the provider needs
     * @param secretKeys the keys under which the provider reads them (the child gets these)
     * @param tmp a scratch folder
     * @throws Exception when the child cannot be run
     * @throws AssertionError naming what does not hold
     */
    public static void assertKillBetweenOverwritesAndCommitLeavesARestorableSnapshot(
            ProviderFactory factory, ProviderConfig remote, Secrets secrets, List<String> secretKeys, Path tmp)
            throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        Path state = tmp.resolve("state");
        for (int i = 0; i < FILES; i++) {
            write(root, "d" + (i % 3) + "/file-" + i + ".txt", "first version of file " + i);
        }
        Path secretsFile = tmp.resolve("secrets.properties");
        Properties props = new Properties();
        for (String key : secretKeys) {
            secrets.get(key).ifPresent(s -> props.setProperty(key, s.revealString()));
        }
        try (Writer w = Files.newBufferedWriter(secretsFile, StandardCharsets.UTF_8)) {
            props.store(w, "test secrets for the child sync");
        }
        Path settings = tmp.resolve("settings.properties");
        Properties values = new Properties();
        values.putAll(remote.values());
        try (Writer w = Files.newBufferedWriter(settings, StandardCharsets.UTF_8)) {
            values.store(w, "provider settings for the child sync");
        }

        Child first = Child.start(factory.id(), root, state, settings, secretsFile, tmp.resolve("first.log"), 0, tmp);
        check(first.await().contains("SUCCESS"), "the first sync in the child did not succeed: %s", first.describe());
        for (int i = 0; i < FILES; i++) {
            write(root, "d" + (i % 3) + "/file-" + i + ".txt", "second, longer version of file number " + i);
        }
        Path log = tmp.resolve("overwrites.log");
        Child child = Child.start(factory.id(), root, state, settings, secretsFile, log, 300, tmp);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (lines(log).size() < 3 && child.process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        check(child.process.isAlive(), "the child finished before it could be killed between overwrite and commit: %s",
                child.describe());
        child.process.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        check(child.process.waitFor(30, TimeUnit.SECONDS), "the killed child did not exit");
        int overwritten = lines(log).size();
        check(overwritten >= 3 && overwritten < FILES, "the kill came after %d of %d overwrites", overwritten, FILES);

        CloudSync cs = engine(factory, remote, secrets, root, state);
        Path target = Files.createDirectories(tmp.resolve("pulled"));
        PullResult pulled = cs.pull(SERVICE, SNAPSHOT, target, false);
        check(pulled.errors().isEmpty(), "pull after the kill failed: %s", pulled.errors());
        for (ManifestEntry e : pulled.manifest().entries()) {
            String sha256 = ContractFiles.sha256(target.resolve(e.path()));
            check(sha256.equals(e.sha256()), "pulled \"%s\" has sha256 %s, the manifest names %s", e.path(), sha256, e.sha256());
        }
        VerifyResult verified = cs.verify(SERVICE, SNAPSHOT, 100);
        check(verified.problems().isEmpty(), "verify after the kill: %s", verified.problems());

        Child last = Child.start(factory.id(), root, state, settings, secretsFile, tmp.resolve("last.log"), 0, tmp);
        check(last.await().contains("SUCCESS"), "the run after the kill did not succeed: %s", last.describe());
        try (Provider p = factory.open(remote, secrets)) {
            Manifest m = SyncContract.readManifest(p, SNAPSHOT).orElseThrow(() -> new AssertionError("no manifest after the last run"));
            check(m.entries().size() == FILES, "the last run committed %d entries, expected %d", m.entries().size(), FILES);
            if (factory.capabilities().contains(Capability.LISTING)) {
                List<String> unlisted = new ArrayList<>();
                try (Stream<io.cloudsync.spi.RemoteEntry> listed = p.list(SNAPSHOT)) {
                    listed.filter(r -> m.find(r.path()).isEmpty()).forEach(r -> unlisted.add(r.path()));
                }
                check(unlisted.isEmpty(), "the remote holds files no manifest names: %s", unlisted);
            }
        }
    }

    /**
     * The child: one run of service {@code killed}. Arguments: provider id, root, state folder, settings
     * file, secrets file, upload log, delay per upload in milliseconds.
     *
     * @param args see above
     * @throws IOException when a file cannot be read
     */
    public static void main(String[] args) throws IOException {
        ProviderFactory found = Providers.load().require(args[0]);
        Properties settings = load(Path.of(args[3]));
        Properties secretValues = load(Path.of(args[4]));
        Map<String, Secret> secrets = new HashMap<>();
        secretValues.stringPropertyNames().forEach(k -> secrets.put(k, Secret.of(secretValues.getProperty(k))));
        Path log = Path.of(args[5]);
        long delay = Long.parseLong(args[6]);
        ProviderFactory slowed = new Wrapped(found, Secrets.of(secrets), delay, log);
        Map<String, String> values = new TreeMap<>();
        settings.stringPropertyNames().forEach(k -> values.put(k, settings.getProperty(k)));
        CloudSync cs = engine(slowed, ProviderConfig.builder().service(SERVICE).putAll(values).build(), Secrets.of(secrets),
                Path.of(args[1]), Path.of(args[2]));
        System.out.println(cs.run(SyncRequest.builder(SERVICE, SNAPSHOT).build()).summary().status());
    }

    private static CloudSync engine(ProviderFactory factory, ProviderConfig remote, Secrets secrets, Path root, Path state) {
        ProviderFactory withSecrets = factory instanceof Wrapped ? factory : new Wrapped(factory, secrets, 0, null);
        Map<String, String> values = new TreeMap<>(remote.values());
        values.put(CloudSyncConfig.PROVIDER_KEY, withSecrets.id());
        CloudSyncConfig config = CloudSyncConfig.builder().enable(SERVICE).service(SERVICE, values)
                .engine(EngineSettings.builder().parallelism(2).build()).build();
        return CloudSync.builder().root(root).stateDirectory(state).config(config).providers(Providers.of(withSecrets)).build();
    }

    /** The factory with the test's secrets, and uploads slowed down and logged once they reached the remote. */
    private static final class Wrapped extends io.cloudsync.testkit.internal.RenamedFactory {
        private final Secrets secrets;
        private final long delayMillis;
        private final Path log;

        Wrapped(ProviderFactory delegate, Secrets secrets, long delayMillis, Path log) {
            super("killed-", delegate);
            this.secrets = secrets;
            this.delayMillis = delayMillis;
            this.log = log;
        }

        @Override
        public Provider open(ProviderConfig config, Secrets ignored) {
            Provider p = delegate.open(config, secrets);
            if (log == null) {
                return p;
            }
            FaultInjectingProvider.Builder b = FaultInjectingProvider.wrap(new Logging(p, log));
            if (delayMillis > 0) {
                b.slow(FaultInjectingProvider.Operation.UPLOAD, Duration.ofMillis(delayMillis));
            }
            return b.build();
        }
    }

    /** Appends each path to the log, synced, once its upload returned. */
    private static final class Logging extends ForwardingProvider {
        private final Path log;

        Logging(Provider delegate, Path log) {
            super(delegate);
            this.log = log;
        }

        @Override
        public io.cloudsync.spi.UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            return logged(entry, super.upload(snapshot, entry, localFile));
        }

        @Override
        public io.cloudsync.spi.UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile,
                                                     java.util.function.LongConsumer sent) {
            return logged(entry, super.upload(snapshot, entry, localFile, sent));
        }

        private io.cloudsync.spi.UploadReceipt logged(ManifestEntry entry, io.cloudsync.spi.UploadReceipt receipt) {
            try {
                Files.writeString(log, entry.path() + '\n', StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return receipt;
        }
    }

    /** A child JVM on this class path. */
    private record Child(Process process, Path stderr) {
        static Child start(String providerId, Path root, Path state, Path settings, Path secrets, Path log, long delay,
                           Path tmp) throws IOException {
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path err = Files.createTempFile(tmp, "child-", ".log");
            List<String> command = List.of(java, "-cp", classPath, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", KilledRun.class.getName(), providerId,
                    root.toString(), state.toString(), settings.toString(), secrets.toString(), log.toString(),
                    Long.toString(delay));
            Process p = new ProcessBuilder(command).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return new Child(p, err);
        }

        String await() throws Exception {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            check(process.waitFor(180, TimeUnit.SECONDS), "the child sync did not finish");
            return out;
        }

        String describe() {
            try {
                return "exit " + (process.isAlive() ? "(running)" : process.exitValue()) + ", stderr: " + Files.readString(stderr);
            } catch (IOException e) {
                return e.toString();
            }
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
    }

    private static void check(boolean holds, String detail, Object... args) {
        if (!holds) {
            throw new AssertionError(detail.formatted(args));
        }
    }
}
