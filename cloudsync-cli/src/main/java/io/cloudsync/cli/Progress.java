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
 * engine counts them, plus the bytes the remote has accepted of uploads still in flight
 * ({@link #onTransfer}, from providers that report them), so a big file moves the bar and the
 * tenths while it is sent; counts never go backwards, even if events arrive out of order or an
 * upload starts again. The ETA is the larger of two estimates, remaining files at the rate files
 * finish and remaining bytes at the rate bytes arrive, so a run of many small files (where per-file
 * round trips, not bytes, take the time) is not promised to end in a moment; before any file has
 * finished, the bytes alone estimate it.
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
    private int filesTotal;
    private long bytesTotal;

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
        filesTotal = e.uploads() + e.deletes();
        bytesTotal = e.bytes();
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
        filesTotal = e.filesTotal();
        bytesTotal = e.bytesTotal();
        long now = nanoTime.getAsLong();
        if (live) {
            if (filesDone == e.filesTotal() || now - lastDrawNanos >= REDRAW_NANOS) {
                lastDrawNanos = now;
                draw(now);
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
            tenthLine(now);
        }
        err.flush();
    }

    /**
     * Bytes of uploads in flight: the bar is redrawn (at most every 100 ms) and the plain lines get
     * their tenths while a big file is still being sent.
     */
    @Override
    public synchronized void onTransfer(TransferEvent e) {
        bytesDone = Math.max(bytesDone, Math.min(e.bytesDone(), e.bytesTotal()));
        bytesTotal = e.bytesTotal();
        long now = nanoTime.getAsLong();
        if (live) {
            if (now - lastDrawNanos >= REDRAW_NANOS) {
                lastDrawNanos = now;
                draw(now);
            }
            return;
        }
        if (!verbose) {
            tenthLine(now);
            err.flush();
        }
    }

    /** One plain line per tenth of the work, and one when every file and every byte is done. */
    private void tenthLine(long now) {
        int tenth = (int) Math.floor(10 * fraction());
        boolean complete = filesDone >= filesTotal && bytesDone >= bytesTotal;
        if (tenth > lastTenth || complete && !completeShown) {
            lastTenth = tenth;
            completeShown = complete;
            String eta = eta(filesTotal, bytesTotal, now);
            err.println("  progress: " + filesDone + "/" + filesTotal + " files, "
                    + Units.bytes(bytesDone) + " of " + Units.bytes(bytesTotal) + (eta.isEmpty() ? "" : ", ETA " + eta));
        }
    }

    @Override
    public synchronized void onComplete(CompleteEvent e) {
        if (live) {
            clear();
        }
    }

    /** How much of the work is done: the larger of the files' and the bytes' share, at most 1. */
    private double fraction() {
        double files = filesTotal == 0 ? 1 : (double) filesDone / filesTotal;
        double bytes = bytesTotal == 0 ? files : (double) bytesDone / bytesTotal;
        return Math.min(1, Math.max(files, bytes));
    }

    /**
     * The time left, or {@code ""} when every file is done or nothing has arrived yet: the larger of the
     * estimate by files and the estimate by bytes, each at the average rate since the run started
     * (by bytes alone while no file has finished but bytes of one in flight have arrived).
     */
    String eta(ProgressEvent e, long now) {
        return eta(e.filesTotal(), e.bytesTotal(), now);
    }

    private String eta(int filesTotal, long bytesTotal, long now) {
        long elapsed = Math.max(1, now - startedNanos);
        int filesLeft = filesTotal - filesDone;
        long bytesLeft = Math.max(0, bytesTotal - bytesDone);
        if (filesLeft <= 0 || filesDone == 0 && bytesDone == 0) {
            return "";
        }
        if (filesDone == 0) {
            return Units.duration(Duration.ofNanos((long) ((double) elapsed * bytesLeft / bytesDone)));
        }
        double byFiles = (double) elapsed * filesLeft / filesDone;
        double byBytes = bytesDone == 0 ? (bytesLeft > 0 ? byFiles : 0) : (double) elapsed * bytesLeft / bytesDone;
        long nanos = (long) Math.max(byFiles, byBytes);
        return Units.duration(Duration.ofNanos(nanos));
    }

    private void draw(long now) {
        int filled = (int) Math.round(fraction() * BAR);
        double seconds = Math.max(1e-3, (now - startedNanos) / 1e9);
        double rate = bytesDone / seconds;
        String eta = eta(filesTotal, bytesTotal, now);
        String line = String.format(Locale.ROOT, "[%s%s] %d/%d files  %s/%s  %s/s%s", "#".repeat(filled),
                ".".repeat(BAR - filled), filesDone, filesTotal, Units.bytes(bytesDone),
                Units.bytes(bytesTotal), Units.bytes((long) rate), eta.isEmpty() ? "" : "  ETA " + eta);
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
