package io.cloudsync.cli;

import io.cloudsync.SyncListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows a run's progress on stderr: a live bar (files, bytes, rate, ETA) when a person is watching,
 * plain log lines otherwise (every failure, every file with {@code -v}, and one line per tenth of
 * the work, by files or by bytes, whichever advanced more). Called from the engine's worker threads.
 *
 * <p>Bytes are those of the files finished so far, sent or resumed from an interrupted run, as the
 * engine counts them; counts never go backwards, even if events arrive out of order. The ETA is the
 * larger of two estimates, remaining files at the rate files finish and remaining bytes at the rate
 * bytes finish, so a run of many small files (where per-file round trips, not bytes, take the time)
 * is not promised to end in a moment.
 */
final class Progress implements SyncListener {

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 24;

    private final PrintWriter err;
    private final boolean live;
    private final boolean verbose;
    private final LongSupplier nanoTime;
    private long startedNanos;
    private long lastDrawNanos;
    private int lastTenth;
    /** Whether the line saying every file and every byte was printed (the last one of a run that went well). */
    private boolean completeShown;
    private int drawnWidth;
    private int filesDone;
    private long bytesDone;

    Progress(PrintWriter err, boolean live, boolean verbose) {
        this(err, live, verbose, System::nanoTime);
    }

    /** With a clock of nanoseconds, as {@link System#nanoTime()}; tests pass a fake one. */
    Progress(PrintWriter err, boolean live, boolean verbose, LongSupplier nanoTime) {
        this.err = err;
        this.live = live;
        this.verbose = verbose;
        this.nanoTime = nanoTime;
    }

    @Override
    public synchronized void onPlan(PlanEvent e) {
        if (e.dryRun()) {
            return;
        }
        startedNanos = nanoTime.getAsLong();
        lastTenth = 0;
        completeShown = false;
        filesDone = 0;
        bytesDone = 0;
        if (!live) {
            err.println("sync " + Text.safe(e.service()) + "/" + Text.safe(e.snapshot()) + ": " + e.uploads()
                    + " to upload (" + Units.bytes(e.bytes()) + "), " + e.deletes() + " to delete");
            err.flush();
        }
    }

    @Override
    public synchronized void onProgress(ProgressEvent e) {
        filesDone = Math.max(filesDone, e.filesDone());
        bytesDone = Math.max(bytesDone, e.bytesDone());
        long now = nanoTime.getAsLong();
        if (live) {
            if (filesDone == e.filesTotal() || now - lastDrawNanos >= REDRAW_NANOS) {
                lastDrawNanos = now;
                draw(e, now);
            }
            if (!e.succeeded()) {
                clear();
                err.println("  failed " + e.action().jsonName() + " " + Text.safe(e.path()));
                err.flush();
            }
            return;
        }
        if (!e.succeeded()) {
            err.println("  failed " + e.action().jsonName() + " " + Text.safe(e.path()) + " (" + filesDone + "/"
                    + e.filesTotal() + ")");
        } else if (verbose) {
            err.println("  " + (e.action() == io.cloudsync.SyncAction.DELETE ? "deleted " : "uploaded ") + Text.safe(e.path())
                    + " (" + filesDone + "/" + e.filesTotal() + ")");
        } else {
            int tenth = (int) Math.floor(10 * fraction(e));
            boolean complete = filesDone >= e.filesTotal() && bytesDone >= e.bytesTotal();
            if (tenth > lastTenth || complete && !completeShown) {
                lastTenth = tenth;
                completeShown = complete;
                String eta = eta(e, now);
                err.println("  progress: " + filesDone + "/" + e.filesTotal() + " files, "
                        + Units.bytes(bytesDone) + " of " + Units.bytes(e.bytesTotal()) + (eta.isEmpty() ? "" : ", ETA " + eta));
            }
        }
        err.flush();
    }

    @Override
    public synchronized void onComplete(CompleteEvent e) {
        if (live) {
            clear();
        }
    }

    /** How much of the work is done: the larger of the files' and the bytes' share, at most 1. */
    private double fraction(ProgressEvent e) {
        double files = e.filesTotal() == 0 ? 1 : (double) filesDone / e.filesTotal();
        double bytes = e.bytesTotal() == 0 ? files : (double) bytesDone / e.bytesTotal();
        return Math.min(1, Math.max(files, bytes));
    }

    /**
     * The time left, or {@code ""} when every file is done or none has finished yet: the larger of the
     * estimate by files and the estimate by bytes, each at the average rate since the run started.
     */
    String eta(ProgressEvent e, long now) {
        long elapsed = Math.max(1, now - startedNanos);
        int filesLeft = e.filesTotal() - filesDone;
        long bytesLeft = Math.max(0, e.bytesTotal() - bytesDone);
        if (filesDone == 0 || filesLeft <= 0) {
            return "";
        }
        double byFiles = (double) elapsed * filesLeft / filesDone;
        double byBytes = bytesDone == 0 ? (bytesLeft > 0 ? byFiles : 0) : (double) elapsed * bytesLeft / bytesDone;
        long nanos = (long) Math.max(byFiles, byBytes);
        return Units.duration(Duration.ofNanos(nanos));
    }

    private void draw(ProgressEvent e, long now) {
        int filled = (int) Math.round(fraction(e) * BAR);
        double seconds = Math.max(1e-3, (now - startedNanos) / 1e9);
        double rate = bytesDone / seconds;
        String eta = eta(e, now);
        String line = String.format(Locale.ROOT, "[%s%s] %d/%d files  %s/%s  %s/s%s", "#".repeat(filled),
                ".".repeat(BAR - filled), filesDone, e.filesTotal(), Units.bytes(bytesDone),
                Units.bytes(e.bytesTotal()), Units.bytes((long) rate), eta.isEmpty() ? "" : "  ETA " + eta);
        err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
        drawnWidth = line.length();
        err.flush();
    }

    private void clear() {
        if (drawnWidth > 0) {
            err.print("\r" + " ".repeat(drawnWidth) + "\r");
            drawnWidth = 0;
            err.flush();
        }
    }
}
