package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.SyncListener;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.testkit.FaultInjectingProvider.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that resumes an interrupted one says how much it took from the journal and how much it
 * really sent: {@code uploaded} and {@code bytes} count both, {@code resumed}, {@code resumedBytes}
 * and {@code bytesSent} tell them apart, in the result and in the listener's complete event.
 */
class ResumeReportTest {

    private static final int FILES = 10;
    /** Each file's content is "file N " padded to this many bytes, so sums are easy to state. */
    private static final int SIZE = 100;

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    final TestProviders.Script script = new TestProviders.Script();
    final List<SyncListener.CompleteEvent> completed = new CopyOnWriteArrayList<>();
    final List<SyncListener.ProgressEvent> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("project"));
        remote = tmp.resolve("remote");
        for (int i = 0; i < FILES; i++) {
            Trees.write(root, "data/f" + i + ".bin", padded("file " + i));
        }
    }

    private static String padded(String s) {
        return s + " ".repeat(SIZE - s.length());
    }

    private CloudSync cloudSync(int parallelism) {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("scripted")
                .service("scripted", Map.of("directory", remote.toString()))
                .engine(EngineSettings.builder().parallelism(parallelism).retryInitialDelay(Duration.ZERO)
                        .retryMaxDelay(Duration.ZERO).build())
                .build();
        return CloudSync.builder().root(root).config(config)
                .provider(TestProviders.scripted("scripted", script))
                .listener(new SyncListener() {
                    @Override
                    public void onProgress(ProgressEvent event) {
                        progress.add(event);
                    }

                    @Override
                    public void onComplete(CompleteEvent event) {
                        completed.add(event);
                    }
                }).build();
    }

    @Test
    void rerunAfterAKill_reportsTheJournalsFilesAsResumed_andOnlyTheRestAsSent() {
        CloudSync cs = cloudSync(1);
        script.dieAfterUploads = 4; // the process "dies" once 4 files reached the remote and the journal
        SyncResult killed = cs.run(SyncRequest.builder("scripted", "nightly").build());
        assertThat(killed.summary().status()).isNotEqualTo(SyncStatus.SUCCESS);
        assertThat(killed.summary().uploaded()).isEqualTo(4);
        assertThat(killed.summary().resumed()).isZero();
        assertThat(killed.summary().bytesSent()).isEqualTo(4L * SIZE);

        script.dieAfterUploads = -1;
        script.uploaded.clear();
        completed.clear();
        progress.clear();
        SyncResult rerun = cs.run(SyncRequest.builder("scripted", "nightly").build());

        SyncSummary s = rerun.summary();
        assertThat(s.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(s.uploaded()).isEqualTo(FILES);
        assertThat(s.bytes()).isEqualTo((long) FILES * SIZE);
        assertThat(s.resumed()).isEqualTo(4);
        assertThat(s.resumedBytes()).isEqualTo(4L * SIZE);
        assertThat(s.bytesSent()).isEqualTo((long) (FILES - 4) * SIZE);
        assertThat(script.uploaded).hasSize(FILES - 4);
        assertThat(completed).singleElement().extracting(SyncListener.CompleteEvent::summary).isEqualTo(s);
        // the last progress event says every file and every byte, resumed ones included
        SyncListener.ProgressEvent last = progress.get(progress.size() - 1);
        assertThat(last.filesDone()).isEqualTo(FILES);
        assertThat(last.bytesDone()).isEqualTo(last.bytesTotal()).isEqualTo((long) FILES * SIZE);
    }

    @Test
    void aProviderThatContinuedAPartlySentUpload_countsOnlyTheBytesItSentNow() {
        CloudSync cs = cloudSync(2);
        script.resumedBytes = p -> p.equals("data/f3.bin") ? 60 : 0;

        SyncSummary s = cs.run(SyncRequest.builder("scripted", "nightly").build()).summary();

        assertThat(s.status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(s.uploaded()).isEqualTo(FILES);
        assertThat(s.resumed()).as("no whole file came from the journal").isZero();
        assertThat(s.bytes()).isEqualTo((long) FILES * SIZE);
        assertThat(s.resumedBytes()).isEqualTo(60);
        assertThat(s.bytesSent()).isEqualTo((long) FILES * SIZE - 60);
    }

    @Test
    void progressEvents_underParallelWorkers_neverGoBackwards_andTheLastOneIsComplete() {
        CloudSync cs = cloudSync(4);
        script.faults = b -> b.slow(Operation.UPLOAD, Duration.ofMillis(5));

        cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(progress).hasSize(FILES);
        for (int i = 1; i < progress.size(); i++) {
            assertThat(progress.get(i).filesDone()).isEqualTo(progress.get(i - 1).filesDone() + 1);
            assertThat(progress.get(i).bytesDone()).isEqualTo(progress.get(i - 1).bytesDone() + SIZE);
        }
        assertThat(progress.get(FILES - 1).bytesDone()).isEqualTo((long) FILES * SIZE);
    }

    @Test
    void summary_refusesCountsThatDoNotAddUp_andTheOldConstructorMeansEverythingWasSent() {
        assertThatThrownBy(() -> new SyncSummary(SyncStatus.SUCCESS, 1, 0, 0, 0, 10, Duration.ZERO, List.of(), 2, 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resumed=2");
        assertThatThrownBy(() -> new SyncSummary(SyncStatus.SUCCESS, 1, 0, 0, 0, 10, Duration.ZERO, List.of(), 0, 6, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes_sent=6");
        SyncSummary old = new SyncSummary(SyncStatus.SUCCESS, 1, 0, 0, 0, 10, Duration.ZERO, List.of());
        assertThat(old.bytesSent()).isEqualTo(10);
        assertThat(old.resumed()).isZero();
        assertThat(new SyncSummary(SyncStatus.DRY_RUN, 1, 0, 0, 0, 10, Duration.ZERO, List.of()).bytesSent()).isZero();
    }
}
