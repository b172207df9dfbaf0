package io.cloudsync.testkit.selftest;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.ForwardingProvider;
import io.cloudsync.testkit.InMemoryProviderFactory;
import io.cloudsync.testkit.UploadInterruption;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A memory provider that uploads in chunks and keeps unfinished uploads (as a server keeps a
 * multipart upload) so that a later upload of the same file resumes. The test-only setting
 * {@code die_after_bytes} makes it stop midway, which is how its {@link UploadInterruption} works.
 * {@link Flaw} variants break resume on purpose.
 */
final class ResumableMemoryFactory implements ProviderFactory {

    enum Flaw { NONE, RESUMES_CHANGED_FILES, NEVER_RESUMES }

    static final ConfigKey DIE_AFTER = ConfigKey.optional("die_after_bytes", "Test only: stop uploads after this many bytes");
    static final int CHUNK = 16 * 1024;

    /** Unfinished uploads and byte counters, per store, as the remote would keep them. */
    private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> RECEIVED = new ConcurrentHashMap<>();

    private record Session(String sha256, ByteArrayOutputStream received) {
    }

    private final Flaw flaw;

    ResumableMemoryFactory(Flaw flaw) {
        this.flaw = flaw;
    }

    static UploadInterruption interruption(ResumableMemoryFactory factory, String store) {
        return new UploadInterruption() {
            @Override
            public Provider openDyingAfter(ProviderConfig config, Secrets secrets, long afterBytes) {
                return factory.open(config.toBuilder().put(DIE_AFTER.name(), Long.toString(afterBytes)).build(), secrets);
            }

            @Override
            public long bytesReceivedByRemote() {
                return RECEIVED.computeIfAbsent(store, s -> new AtomicLong()).get();
            }
        };
    }

    @Override
    public String id() {
        return "resumable-memory";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.SERVER_SHA256, Capability.CONDITIONAL_METADATA_PUT, Capability.LISTING,
                Capability.RESUMABLE_UPLOAD);
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(InMemoryProviderFactory.STORE, DIE_AFTER);
    }

    @Override
    public Provider open(ProviderConfig config, Secrets secrets) {
        config.requireValid(configKeys());
        String store = config.require(InMemoryProviderFactory.STORE.name());
        long dieAfter = config.getLong(DIE_AFTER.name(), -1, 0);
        Provider memory = new InMemoryProviderFactory().open(InMemoryProviderFactory.config(store), secrets);
        AtomicLong received = RECEIVED.computeIfAbsent(store, s -> new AtomicLong());
        return new ForwardingProvider(memory) {
            @Override
            public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, java.util.function.LongConsumer sent) {
                return upload(snapshot, entry, localFile);
            }

            @Override
            public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
                throw new UnsupportedOperationException("resumable-memory does not declare Capability.SERVER_SIDE_COPY");
            }

            @Override
            public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
                String key = store + '\u0000' + snapshot + '\u0000' + entry.path();
                Session session = SESSIONS.get(key);
                boolean resume = session != null && flaw != Flaw.NEVER_RESUMES
                        && (session.sha256.equals(entry.sha256()) || flaw == Flaw.RESUMES_CHANGED_FILES);
                if (!resume) {
                    session = new Session(entry.sha256(), new ByteArrayOutputStream());
                    SESSIONS.put(key, session);
                }
                try (InputStream in = Files.newInputStream(localFile)) {
                    in.skipNBytes(session.received.size());
                    byte[] chunk = new byte[CHUNK];
                    int n;
                    while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
                        if (dieAfter >= 0 && session.received.size() >= dieAfter) {
                            throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "simulated death after "
                                    + session.received.size() + " bytes of " + entry.path());
                        }
                        session.received.write(chunk, 0, n);
                        received.addAndGet(n);
                    }
                } catch (IOException e) {
                    throw new ProviderException(ProviderException.Kind.PERMANENT, "cannot read " + localFile, entry.path(), e);
                }
                SESSIONS.remove(key);
                byte[] bytes = session.received.toByteArray();
                String sha = Digests.hex(Digests.sha256().digest(bytes));
                if (!sha.equals(entry.sha256())) { // a flawed resume is refused here too, as a server-side check would
                    throw new ProviderException(ProviderException.Kind.INTEGRITY, "assembled " + entry.path()
                            + " does not match its sha256", entry.path(), null);
                }
                ManifestEntry assembled = BrokenProvider.entryFor(entry.path(), bytes);
                return delegate().upload(snapshot, new ManifestEntry(entry.path(), bytes.length, entry.mtime(), assembled.sha256()),
                        BrokenProvider.write(bytes));
            }
        };
    }
}
