package io.cloudsync.core.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.LockHeldException;
import io.cloudsync.ManifestEntry;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.Secrets;
import io.cloudsync.support.Json;
import io.cloudsync.testkit.ForwardingProvider;
import io.cloudsync.testkit.InMemoryProviderFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remote lease on the kit's in-memory provider: take, wait, refuse, take over, renew, lose, release. */
class RemoteLeaseTest {

    private static final String NAME = "leases/nightly.json";
    private static final Duration MARGIN = Duration.ofSeconds(30);
    private static final Duration LONG = Duration.ofMinutes(10);

    private final String store = "lease-" + UUID.randomUUID();

    @AfterEach
    void dropStore() {
        InMemoryProviderFactory.dropStore(store);
    }

    private Provider open() {
        return new InMemoryProviderFactory().open(InMemoryProviderFactory.config(store), Secrets.none());
    }

    private static Retry retry() {
        return new Retry(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build(),
                d -> { });
    }

    private static RemoteLease acquire(Provider p, Duration ttl, Duration wait, Clock clock) {
        return RemoteLease.acquire(p, retry(), "offsite", "nightly", ttl, wait, MARGIN, clock);
    }

    private static JsonNode stored(Provider p) throws Exception {
        return Json.mapper().readTree(p.getMetadata(NAME).orElseThrow().bytes());
    }

    /** A lease of another run, written as another host would. */
    private static String foreignLease(Provider p, Instant expiresAt, MetadataPrecondition precondition) {
        String doc = "{\"format\":\"cloudsync-lease\",\"version\":1,\"owner\":\"other-run\",\"host\":\"build-7\","
                + "\"pid\":4242,\"acquired_at\":\"" + expiresAt.minusSeconds(120) + "\",\"expires_at\":\"" + expiresAt
                + "\",\"field_of_a_later_version\":true}\n";
        return p.putMetadata(NAME, doc.getBytes(StandardCharsets.UTF_8), precondition);
    }

    /** Waits, without a time limit of its own (the test's timeout is the limit), for a condition a background thread makes true. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - until).as("condition never held").isNegative();
            Thread.sleep(10);
        }
    }

    @Test
    void nameOf_isLeasesSlashSnapshotDotJson() {
        assertThat(RemoteLease.nameOf("nightly")).isEqualTo(NAME);
        assertThatThrownBy(() -> RemoteLease.nameOf("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acquire_onARemoteWithoutLease_writesTheDocumentOfFormatsMd_andHoldsIt() throws Exception {
        Instant now = Instant.parse("2026-12-02T10:00:00.123456Z");
        try (Provider p = open();
             RemoteLease lease = acquire(p, LONG, Duration.ZERO, Clock.fixed(now, ZoneOffset.UTC))) {
            JsonNode doc = stored(p);
            assertThat(doc.fieldNames()).toIterable()
                    .containsExactly("format", "version", "owner", "host", "pid", "acquired_at", "expires_at");
            assertThat(doc.get("format").asText()).isEqualTo("cloudsync-lease");
            assertThat(doc.get("version").asInt()).isEqualTo(1);
            assertThat(doc.get("owner").asText()).isNotBlank();
            assertThat(doc.get("host").asText()).isEqualTo(RemoteLease.hostName());
            assertThat(doc.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(doc.get("acquired_at").asText()).isEqualTo("2026-12-02T10:00:00.123Z");
            assertThat(doc.get("expires_at").asText()).isEqualTo("2026-12-02T10:10:00.123Z");
            assertThat(new String(p.getMetadata(NAME).orElseThrow().bytes(), StandardCharsets.UTF_8)).endsWith("}\n");
            assertThat(lease.held()).isTrue();
            assertThat(lease.lost()).isEmpty();
        }
    }

    @Test
    void acquire_whileAnotherRunHoldsIt_refusesAtOnce_namingHostPidSinceUntilAndWhatToDo() {
        Instant now = Instant.now();
        try (Provider p = open()) {
            foreignLease(p, now.plusSeconds(100), MetadataPrecondition.ifAbsent());
            byte[] before = p.getMetadata(NAME).orElseThrow().bytes();

            assertThatThrownBy(() -> acquire(p, LONG, Duration.ZERO, Clock.systemUTC()))
                    .isInstanceOf(LockHeldException.class)
                    .hasMessageContaining("service \"offsite\" snapshot \"nightly\"")
                    .hasMessageContaining("host build-7, pid 4242, since " + now.plusSeconds(-20) + ", until " + now.plusSeconds(100))
                    .hasMessageContaining("Wait for that run to finish")
                    .hasMessageContaining("delete the metadata object " + NAME)
                    .hasMessageContaining("<directory>/.cloudsync/" + NAME)
                    .hasMessageContaining("<prefix>/.cloudsync/" + NAME)
                    .hasMessageContaining("manifest_parent_id")
                    .satisfies(e -> assertThat(((LockHeldException) e).holder()).contains("build-7", "4242"));
            assertThat(p.getMetadata(NAME).orElseThrow().bytes()).as("the other run's lease is untouched").isEqualTo(before);
        }
    }

    @Test
    void acquire_withAWait_waitsThenRefuses_whenTheOtherRunKeepsIt() {
        try (Provider p = open()) {
            foreignLease(p, Instant.now().plusSeconds(600), MetadataPrecondition.ifAbsent());

            assertThatThrownBy(() -> acquire(p, LONG, Duration.ofMillis(300), Clock.systemUTC()))
                    .isInstanceOf(LockHeldException.class).hasMessageContaining("waited PT0.3S");
        }
    }

    @Test
    void acquire_withAWait_getsTheLease_onceTheOtherRunReleasesIt() throws Exception {
        try (Provider p = open(); Provider other = open()) {
            RemoteLease first = acquire(other, LONG, Duration.ZERO, Clock.systemUTC());
            CompletableFuture<RemoteLease> second = CompletableFuture.supplyAsync(
                    () -> acquire(p, LONG, Duration.ofMinutes(5), Clock.systemUTC()));
            Thread.sleep(50);
            assertThat(second).as("it waits while the first run holds the lease").isNotDone();

            first.close();

            try (RemoteLease lease = second.get(60, TimeUnit.SECONDS)) {
                assertThat(lease.held()).isTrue();
                assertThat(first.held()).isFalse();
            }
        }
    }

    @Test
    void acquire_ofALeaseExpiredByMoreThanTheMargin_takesItOver_withItsVersionTag() throws Exception {
        Instant now = Instant.now();
        try (Provider p = open()) {
            foreignLease(p, now.minus(MARGIN).minusSeconds(1), MetadataPrecondition.ifAbsent());

            try (RemoteLease lease = acquire(p, LONG, Duration.ZERO, Clock.fixed(now, ZoneOffset.UTC))) {
                assertThat(lease.held()).isTrue();
                assertThat(stored(p).get("owner").asText()).isNotEqualTo("other-run");
                assertThat(lease.tag()).isEqualTo(p.getMetadata(NAME).orElseThrow().version());
            }
        }
    }

    @Test
    void acquire_ofALeaseExpiredByLessThanTheMargin_refuses_forTheWritersClockMayBeAhead() {
        Instant now = Instant.now();
        try (Provider p = open()) {
            foreignLease(p, now.minus(MARGIN).plusSeconds(1), MetadataPrecondition.ifAbsent());

            assertThatThrownBy(() -> acquire(p, LONG, Duration.ZERO, Clock.fixed(now, ZoneOffset.UTC)))
                    .isInstanceOf(LockHeldException.class);
        }
    }

    /** A CONFLICT while taking the lease means another run was faster: the lease is read again and decided again. */
    @Test
    void acquire_whenAnotherRunTakesItBetweenTheReadAndThePut_readsAgain_andRefusesNamingThatRun() {
        try (Provider raw = open()) {
            AtomicBoolean once = new AtomicBoolean();
            Provider racing = new ForwardingProvider(raw) {
                @Override
                public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
                    if (once.compareAndSet(false, true)) {
                        foreignLease(raw, Instant.now().plusSeconds(600), MetadataPrecondition.ifAbsent());
                    }
                    return super.putMetadata(name, bytes, precondition);
                }
            };

            assertThatThrownBy(() -> acquire(racing, LONG, Duration.ZERO, Clock.systemUTC()))
                    .isInstanceOf(LockHeldException.class).hasMessageContaining("host build-7, pid 4242");
            assertThat(once).isTrue();
        }
    }

    @Test
    void acquire_ofADamagedLease_isAnIntegrityError_sayingWhatToDelete() {
        try (Provider p = open()) {
            p.putMetadata(NAME, "{\"format\":\"something-else\"}".getBytes(StandardCharsets.UTF_8), MetadataPrecondition.none());

            assertThatThrownBy(() -> acquire(p, LONG, Duration.ZERO, Clock.systemUTC()))
                    .isInstanceOf(ProviderException.class)
                    .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INTEGRITY))
                    .hasMessageContaining(NAME).hasMessageContaining("\"format\"").hasMessageContaining("delete that object");
        }
    }

    @Test
    void renewal_everyThirdOfTheTtl_rewritesTheLeaseWithItsOwnTag_andALaterExpiry() throws Exception {
        try (Provider p = open(); RemoteLease lease = acquire(p, Duration.ofMillis(300), Duration.ZERO, Clock.systemUTC())) {
            MetadataObject first = p.getMetadata(NAME).orElseThrow();
            Instant firstExpiry = Instant.parse(stored(p).get("expires_at").asText());
            String owner = stored(p).get("owner").asText();

            await(() -> !p.getMetadata(NAME).orElseThrow().version().equals(first.version()));

            JsonNode renewed = stored(p);
            assertThat(renewed.get("owner").asText()).isEqualTo(owner);
            assertThat(Instant.parse(renewed.get("expires_at").asText())).isAfter(firstExpiry);
            await(() -> lease.tag().equals(p.getMetadata(NAME).orElseThrow().version()));
            assertThat(lease.held()).isTrue();
        }
    }

    @Test
    void aLeaseTakenOverByAnotherRun_isLost_refusesChanges_andIsNotDeletedAtClose(@TempDir Path dir) throws Exception {
        try (Provider p = open()) {
            RemoteLease lease = acquire(p, Duration.ofMillis(300), Duration.ZERO, Clock.systemUTC());
            // another host decided the lease had expired (a stalled run, a skewed clock) and took it over
            foreignLease(p, Instant.now().plusSeconds(600), MetadataPrecondition.none());
            byte[] theirs = p.getMetadata(NAME).orElseThrow().bytes();

            await(() -> lease.lost().isPresent());

            assertThat(lease.held()).isFalse();
            assertThat(lease.lost().orElseThrow()).contains(NAME, "taken over or deleted");
            Path file = Files.writeString(dir.resolve("a.txt"), "alpha");
            ManifestEntry entry = new ManifestEntry("a.txt", 5, Instant.EPOCH, "0".repeat(64));
            Provider guarded = lease.guard(p);
            assertThatThrownBy(() -> guarded.upload("nightly", entry, file))
                    .isInstanceOf(ProviderException.class).hasMessageContaining("not uploaded")
                    .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.CONFLICT));
            assertThatThrownBy(() -> guarded.delete("nightly", "a.txt")).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("not deleted");
            assertThat(guarded.getMetadata(NAME)).as("reads go through").isPresent();

            lease.close();

            assertThat(p.getMetadata(NAME).orElseThrow().bytes()).as("the other run's lease stays").isEqualTo(theirs);
        }
    }

    @Test
    void aLeaseWhoseRenewalsFail_isLost_onceItsOwnExpiryPasses() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
        try (Provider p = open(); RemoteLease lease = acquire(p, Duration.ofMinutes(2), Duration.ZERO, clock)) {
            clock.now = clock.now.plusSeconds(119);
            assertThat(lease.lost()).isEmpty();
            assertThat(lease.held()).isTrue();

            clock.now = clock.now.plusSeconds(1); // no renewal got through (the process was suspended, say)

            assertThat(lease.held()).isFalse();
            assertThat(lease.lost().orElseThrow()).contains("expired at 2026-12-02T10:02:00Z");
        }
    }

    @Test
    void close_deletesTheLease_soTheNextRunTakesItAtOnce() {
        try (Provider p = open()) {
            RemoteLease lease = acquire(p, LONG, Duration.ZERO, Clock.systemUTC());
            lease.close();

            assertThat(p.getMetadata(NAME)).isEmpty();
            assertThat(lease.held()).isFalse();
            try (RemoteLease next = acquire(p, LONG, Duration.ZERO, Clock.systemUTC())) {
                assertThat(next.held()).isTrue();
            }
        }
    }

    @Test
    void none_isNeverHeldNorLost_andGuardsNothing() {
        try (Provider p = open()) {
            assertThat(RemoteLease.none().held()).isFalse();
            assertThat(RemoteLease.none().lost()).isEmpty();
            assertThat(RemoteLease.none().guard(p)).isSameAs(p);
            RemoteLease.none().close();
            assertThat(p.getMetadata(NAME)).isEmpty();
        }
    }

    @Test
    void acquire_withANonPositiveTtl_isRefused() {
        try (Provider p = open()) {
            assertThatThrownBy(() -> acquire(p, Duration.ZERO, Duration.ZERO, Clock.systemUTC()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
        }
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
