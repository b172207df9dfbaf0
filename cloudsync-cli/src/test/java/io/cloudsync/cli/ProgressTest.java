package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.SyncAction;
import io.cloudsync.SyncListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Progress lines from a scripted event sequence and a fake clock: no sleeping, no timing. */
class ProgressTest {

    private final StringWriter buffer = new StringWriter();
    private long now;
    private final Progress progress = new Progress(new PrintWriter(buffer, true), false, false, () -> now);

    private void plan(int uploads, long bytes) {
        progress.onPlan(new SyncListener.PlanEvent("local", "nightly", uploads, 0, bytes, false));
    }

    private SyncListener.ProgressEvent event(String path, int done, int total, long bytesDone, long bytesTotal) {
        return new SyncListener.ProgressEvent("local", "nightly", SyncAction.UPLOAD, path, true, done, total, bytesDone,
                bytesTotal);
    }

    private List<String> lines() {
        return buffer.toString().lines().toList();
    }

    @Test
    void aNineByteRun_endsWithEveryFileAndEveryByte_evenWhenEventsArriveOutOfOrder() {
        plan(3, 9);
        now += TimeUnit.MILLISECONDS.toNanos(10);
        progress.onProgress(event("a", 1, 3, 3, 9));
        progress.onProgress(event("c", 3, 3, 6, 9)); // a worker that counted first reports last
        progress.onProgress(event("b", 2, 3, 9, 9));

        assertThat(lines()).first().isEqualTo("sync local/nightly: 3 to upload (9 B), 0 to delete");
        assertThat(lines()).last().isEqualTo("  progress: 3/3 files, 9 B of 9 B");
    }

    @Test
    void manySmallFilesAfterOneBigOne_estimateByFiles_notByTheBytesAlone() {
        plan(101, 1_000_100);
        // one big file done in 1 s: 99 % of the bytes, 1 % of the files
        now += TimeUnit.SECONDS.toNanos(1);
        SyncListener.ProgressEvent big = event("big.bin", 1, 101, 1_000_000, 1_000_100);
        progress.onProgress(big);
        // then 49 small files in 49 s: one a second, the bytes hardly move
        long bytes = 1_000_000;
        for (int i = 2; i <= 50; i++) {
            now += TimeUnit.SECONDS.toNanos(1);
            bytes += 1;
            progress.onProgress(event("small-" + i, i, 101, bytes, 1_000_100));
        }
        SyncListener.ProgressEvent half = event("small-50", 50, 101, bytes, 1_000_100);

        // by bytes alone: 51 B left at 20 KB/s, a moment; by files: 51 files at one a second
        assertThat(progress.eta(half, now)).isEqualTo("51.0 s");
        assertThat(lines()).contains("  progress: 1/101 files, 1.0 MB of 1.0 MB, ETA 1 min 40 s");
    }

    @Test
    void bigFilesFirst_estimateByBytes_whenTheyAreWhatIsLeft() {
        plan(4, 400);
        now += TimeUnit.SECONDS.toNanos(2);
        // two 1-byte files in 2 s, then two files of 199 bytes each are left
        progress.onProgress(event("a", 1, 4, 1, 400));
        SyncListener.ProgressEvent second = event("b", 2, 4, 2, 400);
        progress.onProgress(second);

        assertThat(progress.eta(second, now)).isEqualTo("6 min 38 s"); // 398 B at 1 B/s
    }

    @Test
    void nothingFinishedYet_orEverythingFinished_noEta() {
        plan(2, 10);
        SyncListener.ProgressEvent none = event("a", 0, 2, 0, 10);
        assertThat(progress.eta(none, now)).isEmpty();
        now += TimeUnit.SECONDS.toNanos(1);
        progress.onProgress(event("a", 1, 2, 5, 10));
        progress.onProgress(event("b", 2, 2, 10, 10));
        assertThat(progress.eta(event("b", 2, 2, 10, 10), now)).isEmpty();
        assertThat(lines()).last().isEqualTo("  progress: 2/2 files, 10 B of 10 B");
    }

    private SyncListener.TransferEvent transfer(String path, long bytesDone, long bytesTotal) {
        return new SyncListener.TransferEvent("local", "nightly", path, bytesDone, bytesTotal);
    }

    @Test
    void underABandwidthLimit_theEtaIsTheBytesLeftAtTheLimitedRate() {
        // --bwlimit 1M over 30 MiB: the engine's transfer events arrive at the limited pace (one MiB a
        // second, as the token bucket lets the provider send), and the estimate follows that pace
        long mib = 1 << 20;
        plan(1, 30 * mib);
        for (int s = 1; s <= 15; s++) {
            now += TimeUnit.SECONDS.toNanos(1);
            progress.onTransfer(transfer("big.bin", s * mib, 30 * mib));
        }

        assertThat(lines()).last().isEqualTo("  progress: 0/1 files, 15.7 MB of 31.5 MB, ETA 15.0 s");
    }

    @Test
    void aBigFileInFlight_getsItsTenthLinesWhileItIsSent_andAnEtaByBytes() {
        plan(1, 500);
        now += TimeUnit.SECONDS.toNanos(1);
        progress.onTransfer(transfer("big.bin", 50, 500));
        now += TimeUnit.SECONDS.toNanos(1);
        progress.onTransfer(transfer("big.bin", 125, 500));
        // a retry starts the file again: what was shown stays, the count does not go back
        progress.onTransfer(transfer("big.bin", 25, 500));
        now += TimeUnit.SECONDS.toNanos(1);
        progress.onTransfer(transfer("big.bin", 150, 500));
        progress.onProgress(event("big.bin", 1, 1, 500, 500));

        assertThat(lines()).containsExactly("sync local/nightly: 1 to upload (500 B), 0 to delete",
                "  progress: 0/1 files, 50 B of 500 B, ETA 9.0 s",
                "  progress: 0/1 files, 125 B of 500 B, ETA 6.0 s",
                "  progress: 0/1 files, 150 B of 500 B, ETA 7.0 s",
                "  progress: 1/1 files, 500 B of 500 B");
    }

    @Test
    void inFlightBytes_countOnTopOfFinishedFiles_andAFinishedFileNeverLowersTheCount() {
        plan(2, 200);
        now += TimeUnit.SECONDS.toNanos(1);
        progress.onProgress(event("a", 1, 2, 100, 200));
        progress.onTransfer(transfer("b", 180, 200));
        progress.onProgress(event("b", 2, 2, 200, 200));

        assertThat(lines()).containsExactly("sync local/nightly: 2 to upload (200 B), 0 to delete",
                "  progress: 1/2 files, 100 B of 200 B, ETA 1.0 s",
                "  progress: 1/2 files, 180 B of 200 B, ETA 1.0 s",
                "  progress: 2/2 files, 200 B of 200 B");
    }

    @Test
    void liveBar_movesWithInFlightBytes() {
        StringWriter live = new StringWriter();
        Progress bar = new Progress(new PrintWriter(live, true), true, false, () -> now);
        bar.onPlan(new SyncListener.PlanEvent("local", "nightly", 1, 0, 1000, false));
        now += TimeUnit.SECONDS.toNanos(1);
        bar.onTransfer(transfer("big.bin", 500, 1000));

        assertThat(live.toString()).startsWith("\r[############............] 0/1 files  500 B/1.0 KB  500 B/s  ETA 1.0 s");
        int drawn = live.toString().length();
        now += TimeUnit.MILLISECONDS.toNanos(10); // within the redraw interval: nothing drawn
        bar.onTransfer(transfer("big.bin", 600, 1000));
        assertThat(live.toString()).hasSize(drawn);
    }

    @Test
    void failedAndVerboseLines_escapeControlCharactersInPaths() {
        Progress verbose = new Progress(new PrintWriter(buffer, true), false, true, () -> now);
        verbose.onPlan(new SyncListener.PlanEvent("local", "nightly", 2, 0, 2, false));
        verbose.onProgress(event("evil\n  progress: 9/9 files\u001b[2J", 1, 2, 1, 2));
        verbose.onProgress(new SyncListener.ProgressEvent("local", "nightly", SyncAction.UPLOAD, "bad\rname", false, 2, 2,
                1, 2));

        assertThat(lines()).containsExactly("sync local/nightly: 2 to upload (2 B), 0 to delete",
                "  uploaded evil\\n  progress: 9/9 files\\x1b[2J (1/2)", "  failed upload bad\\rname (2/2)");
    }
}
