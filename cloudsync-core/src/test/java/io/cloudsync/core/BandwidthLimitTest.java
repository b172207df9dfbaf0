package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Bandwidth;
import io.cloudsync.SyncListener;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.ForwardingProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's bandwidth limit, end to end on the built-in local provider. Only lower bounds on the
 * elapsed time are asserted (a busy machine makes a run slower, never faster), and the one run that
 * must not be limited is told apart from a limited one by a margin of hundreds of seconds.
 */
class BandwidthLimitTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private CloudSync cloudSync(Path root, long configured, SyncListener... listeners) {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", tmp.resolve("remote").toString()))
                .engine(EngineSettings.builder().parallelism(4).retryInitialDelay(Duration.ZERO)
                        .retryMaxDelay(Duration.ZERO).bandwidthLimit(configured).build())
                .build();
        CloudSync.Builder b = CloudSync.builder().root(root).config(config);
        for (SyncListener l : listeners) {
            b.listener(l);
        }
        return b.build();
    }

    private Path project(int files, int size) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("project"));
        byte[] bytes = new byte[size];
        for (int i = 0; i < files; i++) {
            bytes[0] = (byte) i; // distinct files, so none is a copy of another
            Files.write(root.resolve("f" + i + ".bin"), bytes);
        }
        return root;
    }

    @Test
    void aLimitedSync_takesAtLeastItsBytesAtTheRate_sharedByEveryWorker() throws Exception {
        Path root = project(4, MIB / 2); // 2 MiB over four workers at 1 MiB/s: about 1.9 s, never less
        long start = System.nanoTime();

        SyncResult result = cloudSync(root, 0).run(SyncRequest.builder("local", "nightly")
                .bandwidthLimit(Bandwidth.parse("1M")).build());

        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(result.summary().uploaded()).isEqualTo(4);
        assertThat(seconds).as("elapsed seconds").isGreaterThanOrEqualTo(1.5);
    }

    @Test
    void theConfiguredLimit_applies_andTransferEventsNeverRunAheadOfIt_soTheEtaSeesTheLimitedRate() throws Exception {
        Path root = project(1, 3 * MIB); // the local provider reports every MiB: events at 1 and 2 MiB
        List<long[]> seen = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        SyncListener timeline = new SyncListener() {
            @Override
            public void onTransfer(TransferEvent e) {
                seen.add(new long[] {System.nanoTime() - start, e.bytesDone()});
            }
        };

        SyncResult result = cloudSync(root, MIB, timeline).run(SyncRequest.builder("local", "nightly").build());

        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(seconds).as("elapsed seconds").isGreaterThanOrEqualTo(2.5);
        assertThat(seen).extracting(e -> e[1]).contains((long) MIB, 2L * MIB);
        // bytes a listener sees by time t: at most the bucket's tenth of a second, the rate times t,
        // and the one MiB the provider reports at a time
        assertThat(seen).allSatisfy(e -> assertThat((double) e[1])
                .isLessThanOrEqualTo(0.1 * MIB + MIB * (e[0] / 1e9) + MIB));
    }

    @Test
    void aProviderThatReportsNoProgress_isChargedWhenItReturns_andItsReadBackIsChargedToo() throws Exception {
        // "silent": the local provider, but reporting no progress and no digest, so the engine reads
        // every upload back. 1 MiB at 1 MiB/s: the upload's MiB charged at its end (0.9 s, the bucket
        // held a tenth), the read-back's MiB (1 s): at least 1.9 s; without the read-back's charge 0.9 s
        Path root = project(1, MIB);
        EnumSet<Capability> noDigest = EnumSet.noneOf(Capability.class);
        noDigest.addAll(new LocalProviderFactory().capabilities());
        noDigest.remove(Capability.SERVER_SHA256);
        ProviderFactory silent = new TestProviders.WrappedFactory("silent", new LocalProviderFactory(), noDigest,
                p -> new ForwardingProvider(p) {
                    @Override
                    public UploadReceipt upload(String snapshot, io.cloudsync.ManifestEntry entry, Path localFile,
                                                java.util.function.LongConsumer sent) {
                        UploadReceipt stored = delegate().upload(snapshot, entry, localFile);
                        return UploadReceipt.unverified(stored.path(), stored.size());
                    }
                });
        CloudSyncConfig config = CloudSyncConfig.builder().enable("silent")
                .service("silent", Map.of("directory", tmp.resolve("remote").toString())).build();
        CloudSync cs = CloudSync.builder().root(root).config(config).provider(silent).build();
        long start = System.nanoTime();

        SyncResult result = cs.run(SyncRequest.builder("silent", "nightly").bandwidthLimit(MIB).build());

        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(seconds).as("elapsed seconds").isGreaterThanOrEqualTo(1.5);
    }

    @Test
    void aRequestOfZero_liftsTheConfiguredLimit() throws Exception {
        Path root = project(1, 100 * 1024);

        // at the configured 1 B/s the file would take over a day; lifted, it takes a moment
        SyncResult result = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> cloudSync(root, 1).run(SyncRequest.builder("local", "nightly").bandwidthLimit(0).build()));

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
    }

    @Test
    void aLimitedPull_takesAtLeastItsBytesAtTheRate() throws Exception {
        Path root = project(4, MIB / 2);
        CloudSync cs = cloudSync(root, 0);
        assertThat(cs.run(SyncRequest.builder("local", "nightly").build()).summary().status()).isEqualTo(SyncStatus.SUCCESS);
        long start = System.nanoTime();

        PullResult pulled = cs.pull(SyncRequest.builder("local", "nightly").bandwidthLimit(MIB).build(),
                tmp.resolve("restore"), false);

        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(pulled.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(pulled.written()).isEqualTo(4);
        assertThat(seconds).as("elapsed seconds").isGreaterThanOrEqualTo(1.5);
    }
}
