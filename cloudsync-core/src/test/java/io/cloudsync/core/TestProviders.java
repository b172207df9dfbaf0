package io.cloudsync.core;

import io.cloudsync.ManifestEntry;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.UploadReceipt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A factory that serves the real {@code local} provider behind a scriptable wrapper: chosen
 * operations fail, are slowed down, or are counted. Core cannot use the testkit (the testkit
 * depends on core), so this small double lives here.
 */
final class TestProviders {

    private TestProviders() {
    }

    /** What the wrapper does; tests set the fields before a run. */
    static final class Script {
        volatile Predicate<String> failUpload = p -> false;
        volatile ProviderException.Kind failKind = ProviderException.Kind.PERMANENT;
        volatile int failTimesThenSucceed = Integer.MAX_VALUE;
        volatile boolean failDelete;
        volatile boolean failRead;
        volatile long uploadDelayMillis;
        volatile Path uploadLog;
        /** After this many uploads have reached the remote, every later call fails as a killed process would stop: nothing more happens. */
        volatile int dieAfterUploads = -1;
        /** Bytes of a path the provider says an interrupted earlier upload had stored (a resumed multipart upload). */
        volatile java.util.function.ToLongFunction<String> resumedBytes = p -> 0;
        /** Runs after each metadata read has returned from the remote: another writer's moment. */
        volatile Runnable afterRead = () -> { };
        /** Runs before each upload reaches the remote, with the upload's path: another writer's moment. */
        volatile java.util.function.Consumer<String> beforeUpload = p -> { };
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final List<String> uploaded = new CopyOnWriteArrayList<>();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger manifestWrites = new AtomicInteger();
    }

    /** A provider id other than {@code local} backed by the local provider and a script. */
    static final class ScriptedFactory implements ProviderFactory {
        private final String id;
        final Script script;
        private final LocalProviderFactory local = new LocalProviderFactory();

        ScriptedFactory(String id, Script script) {
            this.id = id;
            this.script = script;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public int spiVersion() {
            return io.cloudsync.spi.SpiVersion.CURRENT;
        }

        @Override
        public Set<Capability> capabilities() {
            return local.capabilities();
        }

        @Override
        public List<ConfigKey> configKeys() {
            return local.configKeys();
        }

        @Override
        public Provider open(ProviderConfig config, Secrets secrets) {
            return new Scripted(local.open(config, secrets), script);
        }
    }

    /** Thrown by every call once the scripted process is "killed"; an Error, so nothing treats it as a provider failure. */
    static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed() {
            super("the scripted process was killed", null, false, false);
        }
    }

    static final class Scripted implements Provider {
        private final Provider delegate;
        private final Script script;

        Scripted(Provider delegate, Script script) {
            this.delegate = delegate;
            this.script = script;
        }

        /** What a process killed at this moment leaves: no further call reaches the remote. */
        private void aliveOrKilled() {
            int n = script.dieAfterUploads;
            if (n >= 0 && script.uploaded.size() >= n) {
                throw new Killed();
            }
        }

        @Override
        public Optional<MetadataObject> getMetadata(String name) {
            aliveOrKilled();
            script.reads.incrementAndGet();
            if (script.failRead) {
                throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "remote unreachable (scripted)");
            }
            Optional<MetadataObject> read = delegate.getMetadata(name);
            script.afterRead.run();
            return read;
        }

        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            aliveOrKilled();
            script.manifestWrites.incrementAndGet();
            return delegate.putMetadata(name, bytes, precondition);
        }

        @Override
        public void deleteMetadata(String name) {
            aliveOrKilled();
            delegate.deleteMetadata(name);
        }

        @Override
        public Stream<String> listMetadata(String prefix) {
            return delegate.listMetadata(prefix);
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            aliveOrKilled();
            int attempt = script.attempts.computeIfAbsent(entry.path(), k -> new AtomicInteger()).incrementAndGet();
            if (script.failUpload.test(entry.path()) && attempt <= script.failTimesThenSucceed) {
                throw new ProviderException(script.failKind, "scripted failure of " + entry.path(), entry.path(), null);
            }
            if (script.uploadDelayMillis > 0) {
                try {
                    Thread.sleep(script.uploadDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            script.beforeUpload.accept(entry.path());
            UploadReceipt receipt = delegate.upload(snapshot, entry, localFile);
            script.uploaded.add(entry.path());
            Path log = script.uploadLog;
            if (log != null) {
                try {
                    Files.writeString(log, entry.path() + '\n', StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND, StandardOpenOption.SYNC);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return receipt.withResumedBytes(script.resumedBytes.applyAsLong(entry.path()));
        }

        @Override
        public void download(String snapshot, String path, Path target) {
            delegate.download(snapshot, path, target);
        }

        @Override
        public void delete(String snapshot, String path) {
            aliveOrKilled();
            if (script.failDelete) {
                throw new ProviderException(ProviderException.Kind.PERMANENT, "scripted delete failure of " + path, path, null);
            }
            delegate.delete(snapshot, path);
        }

        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            return delegate.list(snapshot);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
