package io.cloudsync.core.internal.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.CloudSyncException;
import io.cloudsync.LockHeldException;
import io.cloudsync.ManifestEntry;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Names;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.RetryPolicy;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.support.AtomicFiles;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote lease of a snapshot: the metadata object {@code leases/<snapshot>.json}
 * (docs/FORMATS.md, "Lease"), which makes a run on another host wait or refuse before it changes
 * the snapshot, as {@link io.cloudsync.core.internal.lock.RunLock} does on one host.
 *
 * <p>It is taken with {@link MetadataPrecondition#ifAbsent()}, or, when the lease there has
 * expired, with {@link MetadataPrecondition#ifVersion} of that lease's tag; renewed every third of
 * its time to live with {@code ifVersion} of this run's own tag on a daemon thread; and deleted at
 * {@link #close()} if it is still this run's. A lease counts as expired when its writer's
 * {@code expires_at} plus a margin for clock skew lies before this host's clock. This run stops
 * counting its own lease as held at its own {@code expires_at} when renewals fail, and at once when
 * a renewal finds another owner: then {@link #lost()} is true and the run must not commit.
 *
 * <p>One instance per run. {@link #held()} and {@link #lost()} are safe from any thread.
 */
public final class RemoteLease implements AutoCloseable {

    /** The folder of the metadata area that holds leases. */
    public static final String PREFIX = "leases/";
    /** The value of the lease's {@code format} field. */
    static final String FORMAT = "cloudsync-lease";
    /** The lease format this class writes. */
    static final int VERSION = 1;
    /** How much later than its writer's {@code expires_at} a lease is taken over: room for clock skew. */
    public static final Duration DEFAULT_SKEW_MARGIN = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(RemoteLease.class);
    private static final RemoteLease NONE = new RemoteLease();

    private final Provider provider;
    private final Retry retry;
    private final String snapshot;
    private final String name;
    private final Duration ttl;
    private final Clock clock;
    private final String owner;
    private final String host;
    private final long pid;
    private final Instant acquiredAt;
    private final ScheduledExecutorService renewer;
    private final Object lock = new Object();
    /** The version tag of this run's lease as last written; guarded by {@link #lock}. */
    private String tag;
    /** The {@code expires_at} of this run's lease as last written; guarded by {@link #lock}. */
    private Instant expiresAt;
    /** Why the lease was lost, or null while it is not; guarded by {@link #lock}. */
    private String lostReason;
    /** Set by {@link #close()}; guarded by {@link #lock}. */
    private boolean closed;
    /** Set by {@link #keepForResume()}: {@link #close()} leaves the lease in place (guarded by {@code lock}). */
    private boolean kept;

    /** The lease of no run: {@link #none()}. */
    /** Whether the lease was taken over from a killed run of the same state folder (see {@link #continuesOwnRun()}). */
    private final boolean continuesOwnRun;

    private RemoteLease() {
        continuesOwnRun = false;
        provider = null;
        retry = null;
        snapshot = "";
        name = "";
        ttl = Duration.ZERO;
        clock = Clock.systemUTC();
        owner = "";
        host = "";
        pid = 0;
        acquiredAt = Instant.EPOCH;
        renewer = null;
        closed = true;
    }

    private RemoteLease(Provider provider, Retry retry, String snapshot, Duration ttl, Clock clock, String owner,
                        String tag, Instant acquiredAt, Instant expiresAt) {
        this(provider, retry, snapshot, ttl, clock, owner, tag, acquiredAt, expiresAt, false);
    }

    private RemoteLease(Provider provider, Retry retry, String snapshot, Duration ttl, Clock clock, String owner,
                        String tag, Instant acquiredAt, Instant expiresAt, boolean continuesOwnRun) {
        this.continuesOwnRun = continuesOwnRun;
        this.provider = provider;
        this.retry = retry;
        this.snapshot = snapshot;
        this.name = nameOf(snapshot);
        this.ttl = ttl;
        this.clock = clock;
        this.owner = owner;
        this.host = hostName();
        this.pid = ProcessHandle.current().pid();
        this.acquiredAt = acquiredAt;
        this.tag = tag;
        this.expiresAt = expiresAt;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cloudsync-lease-" + snapshot);
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, ttl.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * No lease: what a run holds when leases are off ({@code sync.lease_seconds} 0) or when it
     * changes nothing. Never {@link #held()}, never {@link #lost()}.
     *
     * @return the shared instance
     */
    public static RemoteLease none() {
        return NONE;
    }

    /**
     * The metadata name of a snapshot's lease.
     *
     * @param snapshot the snapshot name, valid by {@link Names#requireSnapshot}
     * @return {@code leases/<snapshot>.json}
     * @throws IllegalArgumentException when the snapshot name is not valid
     */
    public static String nameOf(String snapshot) {
        return Names.requireMetadataName(PREFIX + Names.requireSnapshot(snapshot) + ".json");
    }

    /**
     * Takes the snapshot's lease, waiting up to {@code wait} for another owner to let go or for its
     * lease to expire. A {@link ProviderException.Kind#CONFLICT} while taking it means another run
     * was faster: the lease is read again and the decision made again.
     *
     * @param provider the open provider
     * @param retry how its retryable failures are retried
     * @param service the service name, for messages
     * @param snapshot the snapshot
     * @param ttl how long the lease lasts without a renewal; positive
     * @param wait how long to wait for another owner; zero refuses at once
     * @param skewMargin how long after its writer's {@code expires_at} a lease counts as expired
     * @param clock this host's clock
     * @return the lease, held and renewed until {@link #close()}
     * @throws LockHeldException naming the owner's host and pid, since and until when, when another
     *     run keeps its lease for longer than {@code wait}
     * @throws ProviderException when the lease cannot be read or written
     */
    public static RemoteLease acquire(Provider provider, Retry retry, String service, String snapshot, Duration ttl,
                                      Duration wait, Duration skewMargin, Clock clock) {
        return acquire(provider, retry, service, snapshot, ttl, wait, skewMargin, clock, null);
    }

    /**
     * As {@link #acquire(Provider, Retry, String, String, Duration, Duration, Duration, Clock)}, and
     * remembers the owner of each lease it takes in {@code ownerRecord} (a file of the run's state
     * folder, written before the lease is put): a lease left by an earlier run of the same state
     * folder, killed before it could delete it, is then taken over at once instead of making the
     * resumed run wait for its expiry. The caller holds the state folder's run lock, so that run is
     * not running any more.
     *
     * @param provider the open provider
     * @param retry how its retryable failures are retried
     * @param service the service name, for messages
     * @param snapshot the snapshot
     * @param ttl how long the lease lasts without a renewal; positive
     * @param wait how long to wait for another owner; zero refuses at once
     * @param skewMargin how long after its writer's {@code expires_at} a lease counts as expired
     * @param clock this host's clock
     * @param ownerRecord the file that names the owner of this state folder's last lease, or null for none
     * @return the lease, held and renewed until {@link #close()}
     * @throws LockHeldException as the other form
     * @throws ProviderException when the lease cannot be read or written
     */
    public static RemoteLease acquire(Provider provider, Retry retry, String service, String snapshot, Duration ttl,
                                      Duration wait, Duration skewMargin, Clock clock, Path ownerRecord) {
        Objects.requireNonNull(provider, "provider");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the lease's time to live must be positive, was " + ttl);
        }
        String name = nameOf(snapshot);
        String owner = UUID.randomUUID().toString();
        String ownLast = ownerRecord == null ? null : readOwner(ownerRecord);
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = 1000;
        while (true) {
            Optional<MetadataObject> stored = retry.call(() -> provider.getMetadata(name));
            Instant now = clock.instant();
            MetadataPrecondition precondition;
            Lease other = null;
            if (stored.isEmpty()) {
                precondition = MetadataPrecondition.ifAbsent();
            } else {
                other = Lease.decode(stored.get().bytes(), name);
                if (other.owner.equals(owner)) {
                    // an earlier attempt of this very put was stored and its answer lost
                    return new RemoteLease(provider, retry, snapshot, ttl, clock, owner, stored.get().version(),
                            other.acquiredAt, other.expiresAt);
                }
                if (other.expiresAt.plus(skewMargin).isBefore(now) || other.owner.equals(ownLast)) {
                    // expired, or left by a killed run of this very state folder
                    precondition = MetadataPrecondition.ifVersion(stored.get().version());
                } else {
                    precondition = null;
                }
            }
            if (precondition != null) {
                Instant expires = now.plus(ttl);
                byte[] bytes = new Lease(owner, hostName(), ProcessHandle.current().pid(), now, expires).encode();
                if (ownerRecord != null) {
                    writeOwner(ownerRecord, owner);
                }
                try {
                    String tag = retry.call(() -> provider.putMetadata(name, bytes, precondition));
                    if (other != null) {
                        LOG.atWarn().setMessage("sync.lease").addKeyValue("event", "expired_lease_taken_over")
                                .addKeyValue("snapshot", snapshot).addKeyValue("previous_host", other.host)
                                .addKeyValue("previous_pid", other.pid)
                                .addKeyValue("previous_expires_at", other.expiresAt.toString()).log();
                    }
                    return new RemoteLease(provider, retry, snapshot, ttl, clock, owner, tag, now, expires,
                            other != null && other.owner.equals(ownLast));
                } catch (ProviderException e) {
                    if (e.kind() != ProviderException.Kind.CONFLICT) {
                        throw e;
                    }
                    continue; // another run was faster: read again and decide again
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw refusal(service, snapshot, name, other, wait);
            }
            sleep(Math.min(pause, TimeUnit.NANOSECONDS.toMillis(left) + 1), service, snapshot);
            pause = Math.min(pause * 3 / 2, 5000);
        }
    }

    /**
     * Whether this lease was taken over from the lease an earlier run of the same state folder left
     * (killed before it could delete it): then no other host has held the lease since that run, so
     * no other host has changed the snapshot since, and what that run's journal says it did still
     * holds. False for any other lease, which may follow another host's changes.
     *
     * @return true only for a lease taken over from this state folder's own last run
     */
    public boolean continuesOwnRun() {
        return continuesOwnRun;
    }

    /**
     * Makes {@link #close()} stop renewing the lease but leave it on the remote: for a run that
     * changed the remote but could not commit (its commit failed, say while the network was down).
     * Its journal then stays good for the next run of the same state folder, which takes the lease
     * over at once (see {@link #continuesOwnRun()}); another host waits until it expires.
     */
    public void keepForResume() {
        synchronized (lock) {
            kept = true;
        }
    }

    private static String readOwner(Path ownerRecord) {
        try {
            return Files.readString(ownerRecord, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.debug("sync.lease owner_record_unreadable file={}: {}", ownerRecord, e.toString());
            return null;
        }
    }

    private static void writeOwner(Path ownerRecord, String owner) {
        try {
            AtomicFiles.write(ownerRecord, (owner + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CloudSyncException("cannot write " + ownerRecord + ", the record of this state folder's remote lease: "
                    + e + "; check that the state folder is writable and the disk is not full", e);
        }
    }

    private static LockHeldException refusal(String service, String snapshot, String name, Lease other, Duration wait) {
        String holder = "host " + other.host + ", pid " + other.pid + ", since " + other.acquiredAt
                + ", until " + other.expiresAt;
        return new LockHeldException(holder, "a run on another host holds the remote lease of service \"" + service
                + "\" snapshot \"" + snapshot + "\" (" + holder + ")"
                + (wait.isZero() ? "" : "; waited " + wait) + ". Wait for that run to finish (it renews the lease while it"
                + " runs and deletes it at its end), or ask this run to wait for the lock. If that host is gone for good,"
                + " the lease expires by itself at its expires_at, or delete the metadata object " + name
                + " of the remote (local: the file <directory>/.cloudsync/" + name + "; s3: the key <prefix>/.cloudsync/" + name
                + "; gdrive: the file named \"" + name + "\" in the manifest_parent_id folder; see docs/FORMATS.md, \"Lease\")");
    }

    private static void sleep(long millis, String service, String snapshot) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudSyncException("interrupted while waiting for the remote lease of " + service + '/' + snapshot, e);
        }
    }

    /**
     * Whether this run holds the lease now: taken, not lost, and not past its own {@code expires_at}.
     * An orphan sweep of the metadata area runs only while this is true.
     *
     * @return false for {@link #none()}
     */
    public boolean held() {
        synchronized (lock) {
            return !closed && lostReason == null && clock.instant().isBefore(expiresAt);
        }
    }

    /**
     * Why this run's lease is lost, if it is: a renewal found another owner (or none), or renewals
     * failed until the lease's own {@code expires_at} passed, so another host may have taken it over.
     * A run whose lease is lost must not commit.
     *
     * @return the reason, or empty while the lease is held, and always for {@link #none()}
     */
    public Optional<String> lost() {
        synchronized (lock) {
            if (this == NONE) {
                return Optional.empty();
            }
            if (lostReason == null && !clock.instant().isBefore(expiresAt)) {
                lostReason = "the remote lease " + name + " expired at " + expiresAt + " before this run could renew it";
            }
            return Optional.ofNullable(lostReason);
        }
    }

    /**
     * The provider as a run's operations see it under this lease: every upload, copy and delete
     * first checks that the lease is not {@link #lost()}, and fails with
     * {@link ProviderException.Kind#CONFLICT} if it is, so a run that lost its lease stops changing
     * files that another host's run may now own. Every other call goes straight to {@code provider}.
     * For {@link #none()} the provider itself.
     *
     * @param provider the open provider
     * @return the guarded provider; closing it closes {@code provider}
     */
    public Provider guard(Provider provider) {
        return this == NONE ? provider : new Guarded(provider, this);
    }

    /** Refuses a change to the remote once the lease is lost; see {@link #guard}. */
    private void requireNotLost(String what) {
        Optional<String> reason = lost();
        if (reason.isPresent()) {
            throw new ProviderException(ProviderException.Kind.CONFLICT, "not " + what + ": " + reason.get()
                    + "; another host's run may own the snapshot now. Run again when it has finished");
        }
    }

    /** The version tag of this run's lease as last written; for tests. */
    String tag() {
        synchronized (lock) {
            return tag;
        }
    }

    /** Renews the lease with the tag this run last wrote; a conflict means it is lost. */
    private void renew() {
        String seen;
        synchronized (lock) {
            if (closed || lostReason != null) {
                return;
            }
            seen = tag;
        }
        if (lost().isPresent()) {
            LOG.atWarn().setMessage("sync.lease").addKeyValue("event", "lease_expired").addKeyValue("snapshot", snapshot).log();
            return;
        }
        Instant expires = clock.instant().plus(ttl);
        byte[] bytes = new Lease(owner, host, pid, acquiredAt, expires).encode();
        try {
            String written = retry.call(() -> provider.putMetadata(name, bytes, MetadataPrecondition.ifVersion(seen)));
            synchronized (lock) {
                tag = written;
                expiresAt = expires;
            }
        } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.CONFLICT) {
                synchronized (lock) {
                    lostReason = "the remote lease " + name + " was taken over or deleted by someone else while this run"
                            + " held it (its renewal found another version)";
                }
                LOG.atWarn().setMessage("sync.lease").addKeyValue("event", "lease_lost").addKeyValue("snapshot", snapshot).log();
            } else {
                // the next renewal tries again; the lease counts as lost once its own expires_at passes
                LOG.atWarn().setMessage("sync.lease").addKeyValue("event", "renewal_failed").addKeyValue("snapshot", snapshot)
                        .addKeyValue("error", e.getMessage()).log();
            }
        } catch (RuntimeException e) {
            LOG.atWarn().setMessage("sync.lease").addKeyValue("event", "renewal_failed").addKeyValue("snapshot", snapshot)
                    .addKeyValue("error", e.toString()).log();
        }
    }

    /**
     * Stops renewing and deletes the lease if it is still this run's (its stored owner and tag are
     * this run's); a failure to delete is logged, and the lease then expires by itself.
     */
    @Override
    public void close() {
        String last;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            last = lostReason == null && !kept ? tag : null;
        }
        renewer.shutdownNow();
        try {
            renewer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (last == null) {
            return;
        }
        try {
            Optional<MetadataObject> stored = retry.call(() -> provider.getMetadata(name));
            synchronized (lock) {
                last = tag; // a renewal may have finished after the first look
            }
            if (stored.isPresent() && stored.get().version().equals(last)
                    && Lease.decode(stored.get().bytes(), name).owner.equals(owner)) {
                retry.call(() -> {
                    provider.deleteMetadata(name);
                    return null;
                });
            }
        } catch (RuntimeException | Error e) {
            // as for every provider call of the engine: a provider that breaks its contract fails the
            // release, never the run; the lease then expires (or the next run of this state folder takes it over)
            LOG.atWarn().setMessage("sync.lease").addKeyValue("event", "release_failed").addKeyValue("snapshot", snapshot)
                    .addKeyValue("error", String.valueOf(e)).log();
        }
    }

    @Override
    public String toString() {
        return this == NONE ? "RemoteLease[none]" : "RemoteLease[" + name + ", owner " + owner + ']';
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    /**
     * {@link #guard}: forwards every SPI method (keep it so when the SPI grows a method) and checks
     * the lease before each change to the files of a snapshot.
     */
    private static final class Guarded implements Provider {
        private final Provider delegate;
        private final RemoteLease lease;

        Guarded(Provider delegate, RemoteLease lease) {
            this.delegate = Objects.requireNonNull(delegate, "provider");
            this.lease = lease;
        }

        @Override
        public Optional<MetadataObject> getMetadata(String name) {
            return delegate.getMetadata(name);
        }

        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            return delegate.putMetadata(name, bytes, precondition);
        }

        @Override
        public void deleteMetadata(String name) {
            delegate.deleteMetadata(name);
        }

        @Override
        public Stream<String> listMetadata(String prefix) {
            return delegate.listMetadata(prefix);
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, LongConsumer sent) {
            lease.requireNotLost("uploaded");
            return delegate.upload(snapshot, entry, localFile, sent);
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            lease.requireNotLost("uploaded");
            return delegate.upload(snapshot, entry, localFile);
        }

        @Override
        public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
            lease.requireNotLost("copied");
            return delegate.copy(snapshot, sourcePath, target);
        }

        @Override
        public void copyToMetadata(String snapshot, ManifestEntry source, String name) {
            lease.requireNotLost("kept");
            delegate.copyToMetadata(snapshot, source, name);
        }

        @Override
        public void downloadMetadata(String name, Path target) {
            delegate.downloadMetadata(name, target);
        }

        @Override
        public void download(String snapshot, String path, Path target) {
            delegate.download(snapshot, path, target);
        }

        @Override
        public void delete(String snapshot, String path) {
            lease.requireNotLost("deleted");
            delegate.delete(snapshot, path);
        }

        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            return delegate.list(snapshot);
        }

        @Override
        public void flush() {
            delegate.flush(); // the local provider's deferred syncs: journal records wait for them
        }

        @Override
        public Optional<RetryPolicy> retryPolicy() {
            return delegate.retryPolicy();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** One lease document, format 1 of docs/FORMATS.md "Lease". */
    record Lease(String owner, String host, long pid, Instant acquiredAt, Instant expiresAt) {

        byte[] encode() {
            ObjectNode doc = Json.mapper().createObjectNode();
            doc.put("format", FORMAT).put("version", VERSION).put("owner", owner).put("host", host).put("pid", pid)
                    .put("acquired_at", acquiredAt.truncatedTo(ChronoUnit.MILLIS).toString())
                    .put("expires_at", expiresAt.truncatedTo(ChronoUnit.MILLIS).toString());
            try {
                byte[] json = Json.mapper().writeValueAsBytes(doc);
                byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
                withNewline[json.length] = '\n';
                return withNewline;
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode a lease", e);
            }
        }

        /**
         * Reads a lease; unknown fields are ignored, and a later version is honoured by its owner
         * and {@code expires_at}, which every version keeps.
         */
        static Lease decode(byte[] bytes, String name) {
            JsonNode doc;
            try {
                doc = Json.mapper().readTree(bytes);
            } catch (IOException e) {
                throw damaged(name, "it is not JSON");
            }
            if (doc == null || !doc.isObject() || !FORMAT.equals(doc.path("format").asText())) {
                throw damaged(name, "its \"format\" is not \"" + FORMAT + '"');
            }
            if (!doc.path("version").canConvertToInt() || doc.path("version").asInt() < 1) {
                throw damaged(name, "its \"version\" is not a positive number");
            }
            String owner = doc.path("owner").asText("");
            if (owner.isEmpty()) {
                throw damaged(name, "it has no \"owner\"");
            }
            return new Lease(owner, doc.path("host").asText("unknown-host"), doc.path("pid").asLong(0),
                    instant(doc, "acquired_at", name), instant(doc, "expires_at", name));
        }

        private static Instant instant(JsonNode doc, String field, String name) {
            try {
                return Instant.parse(doc.path(field).asText(""));
            } catch (DateTimeParseException e) {
                throw damaged(name, "its \"" + field + "\" is not a UTC timestamp such as 2026-12-02T10:00:00.000Z");
            }
        }

        private static ProviderException damaged(String name, String what) {
            return new ProviderException(ProviderException.Kind.INTEGRITY, "the remote lease (metadata object " + name
                    + ") is damaged: " + what + "; nothing was changed. If no run holds it, delete that object"
                    + " (see docs/FORMATS.md, \"Lease\") and run again");
        }
    }
}
