package io.cloudsync.core;

import io.cloudsync.ManifestEntry;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.FaultInjectingProvider;
import io.cloudsync.testkit.ForwardingProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * The real {@code local} provider behind the kit's wrappers, under another id: injected failures and
 * slowness come from the testkit's {@link FaultInjectingProvider}; what the kit cannot do (hooks at an
 * exact moment, a process killed after N uploads, counting, a resumed upload's receipt) is a
 * {@link ForwardingProvider} on top of it.
 */
final class TestProviders {

    private TestProviders() {
    }

    /** What the wrappers do; tests set the fields before a run (each run opens a provider with the script as it is then). */
    static final class Script {
        /** The kit's faults for each provider opened, such as {@code b -> b.fail(Operation.UPLOAD, "a.txt", Kind.PERMANENT, 1)}. */
        volatile UnaryOperator<FaultInjectingProvider.Builder> faults = b -> b;
        volatile Path uploadLog;
        /** After this many uploads have reached the remote, every later call fails as a killed process would stop: nothing more happens. */
        volatile int dieAfterUploads = -1;
        /** Bytes of a path the provider says an interrupted earlier upload had stored (a resumed multipart upload). */
        volatile ToLongFunction<String> resumedBytes = p -> 0;
        /** Runs after each metadata read has returned from the remote: another writer's moment. */
        volatile Runnable afterRead = () -> { };
        /** Runs before each upload reaches the remote, with the upload's path: another writer's moment. */
        volatile Consumer<String> beforeUpload = p -> { };
        /** Upload attempts per path, counted before the kit's faults (a failed attempt counts). */
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        /** Paths whose upload reached the remote. */
        final List<String> uploaded = new CopyOnWriteArrayList<>();
        /** Metadata reads, counted before the kit's faults. */
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger manifestWrites = new AtomicInteger();

        /** Removes every fault. */
        void noFaults() {
            faults = b -> b;
        }
    }

    /** A provider id other than {@code local} backed by the local provider and a script. */
    static ProviderFactory scripted(String id, Script script) {
        return new WrappedFactory(id, new LocalProviderFactory(), null,
                p -> new Scripted(script.faults.apply(FaultInjectingProvider.wrap(p)).build(), script));
    }

    /**
     * A factory that stands for another under its own id, optionally declaring other capabilities,
     * and wraps each provider the other opens (the wrappers themselves are the kit's).
     */
    static final class WrappedFactory implements ProviderFactory {
        private final String id;
        private final ProviderFactory delegate;
        private final Set<Capability> capabilities;
        private final UnaryOperator<Provider> wrap;

        /**
         * @param capabilities what to declare, or {@code null} for what the delegate declares
         */
        WrappedFactory(String id, ProviderFactory delegate, Set<Capability> capabilities, UnaryOperator<Provider> wrap) {
            this.id = id;
            this.delegate = delegate;
            this.capabilities = capabilities;
            this.wrap = wrap;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public Set<Capability> capabilities() {
            return capabilities == null ? delegate.capabilities() : capabilities;
        }

        @Override
        public List<ConfigKey> configKeys() {
            return delegate.configKeys();
        }

        @Override
        public Provider open(ProviderConfig config, Secrets secrets) {
            return wrap.apply(delegate.open(config, secrets));
        }

        @Override
        public String toString() {
            return "WrappedFactory[" + id + " over " + delegate.id() + ']';
        }
    }

    /** Thrown by every call once the scripted process is "killed"; an Error, so nothing treats it as a provider failure. */
    static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed() {
            super("the scripted process was killed", null, false, false);
        }
    }

    /** Counts, hooks and kills on top of the kit's fault injection. */
    static final class Scripted extends ForwardingProvider {
        private final Script script;

        Scripted(Provider delegate, Script script) {
            super(delegate);
            this.script = Objects.requireNonNull(script, "script");
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
            if (isLease(name)) {
                return super.getMetadata(name); // the run's lease is not what the counts and hooks are about
            }
            script.reads.incrementAndGet();
            Optional<MetadataObject> read = super.getMetadata(name);
            script.afterRead.run();
            return read;
        }

        private static boolean isLease(String name) {
            return name.startsWith("leases/");
        }

        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            aliveOrKilled();
            if (name.startsWith("manifests/")) { // roots only: format 2 puts its chunks too
                script.manifestWrites.incrementAndGet();
            }
            return super.putMetadata(name, bytes, precondition);
        }

        @Override
        public void deleteMetadata(String name) {
            aliveOrKilled();
            super.deleteMetadata(name);
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            return upload(snapshot, entry, localFile, n -> { });
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, LongConsumer sent) {
            aliveOrKilled();
            script.attempts.computeIfAbsent(entry.path(), k -> new AtomicInteger()).incrementAndGet();
            script.beforeUpload.accept(entry.path());
            UploadReceipt receipt = super.upload(snapshot, entry, localFile, sent);
            script.uploaded.add(entry.path());
            Path log = script.uploadLog;
            if (log != null) {
                try {
                    Files.writeString(log, entry.path() + '\n', StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND, StandardOpenOption.SYNC);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return receipt.withResumedBytes(script.resumedBytes.applyAsLong(entry.path()));
        }

        @Override
        public void delete(String snapshot, String path) {
            aliveOrKilled();
            super.delete(snapshot, path);
        }
    }
}
