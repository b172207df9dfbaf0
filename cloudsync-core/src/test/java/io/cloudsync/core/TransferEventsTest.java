package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.ManifestEntry;
import io.cloudsync.SyncListener;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.ForwardingProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes of uploads in flight reach listeners as {@link SyncListener.TransferEvent}s: before the
 * file's progress event, never above the plan's bytes, and a retried upload's first attempt does not
 * count twice. The provider below reports its progress in steps with pauses longer than the
 * engine's 100 ms throttle, so every step yields an event (a pause can only be longer than asked,
 * never shorter; a stalled machine may add an event, never remove one).
 */
class TransferEventsTest {

    private static final int SIZE = 400;
    private static final long PAUSE_MILLIS = 130;

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    final List<Object> events = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    /** Per path and attempt, the steps the provider reports before it stores the file; a negative step means "then fail". */
    volatile java.util.function.BiFunction<String, Integer, long[]> steps = (p, a) -> new long[] {100, 200, 300, SIZE};
    volatile LongConsumer firstAttemptCallback;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("project"));
        remote = tmp.resolve("remote");
    }

    private CloudSync cloudSync(SyncListener... extra) {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("stepping")
                .service("stepping", Map.of("directory", remote.toString()))
                .engine(EngineSettings.builder().parallelism(1).retryInitialDelay(Duration.ZERO)
                        .retryMaxDelay(Duration.ZERO).build())
                .build();
        CloudSync.Builder b = CloudSync.builder().root(root).config(config).provider(steppingFactory())
                .listener(new SyncListener() {
                    @Override
                    public void onProgress(ProgressEvent event) {
                        events.add(event);
                    }

                    @Override
                    public void onTransfer(TransferEvent event) {
                        events.add(event);
                    }
                });
        for (SyncListener l : extra) {
            b.listener(l);
        }
        return b.build();
    }

    private List<SyncListener.TransferEvent> transfers() {
        return events.stream().filter(SyncListener.TransferEvent.class::isInstance)
                .map(SyncListener.TransferEvent.class::cast).toList();
    }

    private static String content(char c) {
        return String.valueOf(c).repeat(SIZE);
    }

    @Test
    void transfers_reportInFlightBytesOnTopOfFinishedFiles_beforeEachFilesProgressEvent() throws Exception {
        Trees.write(root, "a.bin", content('a'));
        Trees.write(root, "b.bin", content('b'));
        SyncListener throwing = new SyncListener() {
            @Override
            public void onTransfer(TransferEvent event) {
                throw new IllegalStateException("a listener that fails must not fail the upload");
            }
        };

        SyncResult result = cloudSync(throwing).run(SyncRequest.builder("stepping", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        List<SyncListener.TransferEvent> t = transfers();
        assertThat(t).allSatisfy(e -> assertThat(e.bytesTotal()).isEqualTo(2L * SIZE))
                .allSatisfy(e -> assertThat(e.bytesDone()).isBetween(1L, 2L * SIZE));
        assertThat(t).extracting(SyncListener.TransferEvent::bytesDone).isSorted()
                .containsSubsequence(100L, 200L, 300L, SIZE + 100L, SIZE + 200L, SIZE + 300L);
        for (String path : List.of("a.bin", "b.bin")) {
            int progressAt = indexOfProgress(path);
            assertThat(progressAt).as("progress event of " + path).isNotNegative();
            for (int i = progressAt + 1; i < events.size(); i++) {
                if (events.get(i) instanceof SyncListener.TransferEvent e) {
                    assertThat(e.path()).as("transfer event after the progress event of " + path).isNotEqualTo(path);
                }
            }
        }
        SyncListener.ProgressEvent last = (SyncListener.ProgressEvent) events.get(events.size() - 1);
        assertThat(last.bytesDone()).isEqualTo(2L * SIZE);
        // a whole file reported (the last step, after a pause, and the local provider at its end) is left
        // to the file's progress event
        assertThat(t).extracting(SyncListener.TransferEvent::bytesDone).doesNotContain((long) SIZE, 2L * SIZE);
    }

    @Test
    void aRetriedUpload_startsAgainFromItsFinishedFiles_andAStaleCallbackIsIgnored() throws Exception {
        Trees.write(root, "retry.bin", content('r'));
        steps = (p, attempt) -> attempt == 1 ? new long[] {100, 300, -1} : new long[] {100, 200};

        SyncResult result = cloudSync().run(SyncRequest.builder("stepping", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(attempts.get("retry.bin")).hasValue(2);
        List<Long> done = transfers().stream().map(SyncListener.TransferEvent::bytesDone).toList();
        // a double count would show 300 + 100 and 300 + 200 in the second attempt
        assertThat(done).allMatch(n -> n <= SIZE).containsSubsequence(100L, 300L, 100L, 200L);
        SyncListener.ProgressEvent last = (SyncListener.ProgressEvent) events.get(events.size() - 1);
        assertThat(last.bytesDone()).isEqualTo(SIZE);
    }

    @Test
    void aFailedUpload_takesItsInFlightBytesWithIt() throws Exception {
        Trees.write(root, "a.bin", content('a'));
        Trees.write(root, "z.bin", content('z'));
        // a.bin fails for good after 300 bytes; z.bin must then count from 0, not from 300
        steps = (p, attempt) -> p.equals("a.bin") ? new long[] {300, -2} : new long[] {100, 200};

        SyncResult result = cloudSync().run(SyncRequest.builder("stepping", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.PARTIAL);
        List<Long> zDone = transfers().stream().filter(e -> e.path().equals("z.bin"))
                .map(SyncListener.TransferEvent::bytesDone).toList();
        assertThat(zDone).containsSubsequence(100L, 200L).allMatch(n -> n <= SIZE);
    }

    private int indexOfProgress(String path) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof SyncListener.ProgressEvent e && e.path().equals(path)) {
                return i;
            }
        }
        return -1;
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The local provider, reporting scripted progress steps before it stores each file. */
    private ProviderFactory steppingFactory() {
        return new TestProviders.WrappedFactory("stepping", new LocalProviderFactory(), null, Stepping::new);
    }

    /** Reports the scripted steps of each upload, then lets the provider underneath store the file. */
    private final class Stepping extends ForwardingProvider {
        Stepping(Provider delegate) {
            super(delegate);
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            throw new AssertionError("the engine must call the upload with a progress callback");
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, LongConsumer sent) {
            int attempt = attempts.computeIfAbsent(entry.path(), k -> new AtomicInteger()).incrementAndGet();
            if (attempt == 1) {
                firstAttemptCallback = sent;
            }
            for (long step : steps.apply(entry.path(), attempt)) {
                if (step == -1) {
                    throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "connection reset (scripted)",
                            entry.path(), null);
                }
                if (step == -2) {
                    throw new ProviderException(ProviderException.Kind.PERMANENT, "refused (scripted)", entry.path(), null);
                }
                pause();
                sent.accept(step);
                if (attempt > 1) {
                    firstAttemptCallback.accept(SIZE); // a stray thread of the first attempt
                }
            }
            return super.upload(snapshot, entry, localFile, sent);
        }
    }
}
