package io.cloudsync.cli;

import io.cloudsync.SyncListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a run's progress on stderr: a live bar (files, bytes, rate, ETA) when a person is watching,
 * plain log lines otherwise (every failure, every file with {@code -v}, and one line per tenth of
 * the work). Called from the engine's worker threads.
 */
final class Progress implements SyncListener {

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 24;

    private final PrintWriter err;
    private final boolean live;
    private final boolean verbose;
    private long startedNanos;
    private long lastDrawNanos;
    private int lastTenth;
    private int drawnWidth;

    Progress(PrintWriter err, boolean live, boolean verbose) {
        this.err = err;
        this.live = live;
        this.verbose = verbose;
    }

    @Override
    public synchronized void onPlan(PlanEvent e) {
        if (e.dryRun()) {
            return;
        }
        startedNanos = System.nanoTime();
        lastTenth = 0;
        if (!live) {
            err.println("sync " + e.service() + "/" + e.snapshot() + ": " + e.uploads() + " to upload ("
                    + Units.bytes(e.bytes()) + "), " + e.deletes() + " to delete");
            err.flush();
        }
    }

    @Override
    public synchronized void onProgress(ProgressEvent e) {
        if (live) {
            long now = System.nanoTime();
            if (e.filesDone() == e.filesTotal() || now - lastDrawNanos >= REDRAW_NANOS) {
                lastDrawNanos = now;
                draw(e, now);
            }
            if (!e.succeeded()) {
                clear();
                err.println("  failed " + e.action().jsonName() + " " + e.path());
                err.flush();
            }
            return;
        }
        if (!e.succeeded()) {
            err.println("  failed " + e.action().jsonName() + " " + e.path() + " (" + e.filesDone() + "/" + e.filesTotal() + ")");
        } else if (verbose) {
            err.println("  " + (e.action() == io.cloudsync.SyncAction.DELETE ? "deleted " : "uploaded ") + e.path()
                    + " (" + e.filesDone() + "/" + e.filesTotal() + ")");
        } else {
            int tenth = e.filesTotal() == 0 ? 10 : (int) (10L * e.filesDone() / e.filesTotal());
            if (tenth > lastTenth) {
                lastTenth = tenth;
                err.println("  progress: " + e.filesDone() + "/" + e.filesTotal() + " files, "
                        + Units.bytes(e.bytesDone()) + " of " + Units.bytes(e.bytesTotal()));
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

    private void draw(ProgressEvent e, long now) {
        double fraction = e.bytesTotal() > 0 ? (double) e.bytesDone() / e.bytesTotal()
                : e.filesTotal() == 0 ? 1 : (double) e.filesDone() / e.filesTotal();
        int filled = (int) Math.round(Math.min(1, fraction) * BAR);
        double seconds = Math.max(1e-3, (now - startedNanos) / 1e9);
        double rate = e.bytesDone() / seconds;
        String eta = rate <= 0 || e.bytesDone() >= e.bytesTotal() ? "" : "  ETA "
                + Units.duration(java.time.Duration.ofMillis((long) ((e.bytesTotal() - e.bytesDone()) / rate * 1000)));
        String line = String.format(Locale.ROOT, "[%s%s] %d/%d files  %s/%s  %s/s%s", "#".repeat(filled),
                ".".repeat(BAR - filled), e.filesDone(), e.filesTotal(), Units.bytes(e.bytesDone()),
                Units.bytes(e.bytesTotal()), Units.bytes((long) rate), eta);
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
