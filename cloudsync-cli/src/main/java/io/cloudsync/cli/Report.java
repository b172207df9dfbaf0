package io.cloudsync.cli;

import io.cloudsync.ManifestEntry;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncSummary;
import io.cloudsync.UploadReason;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.PlanSink;
import io.cloudsync.core.PlanSource;
import io.cloudsync.core.PlanSummary;
import io.cloudsync.core.result.SyncResult;
import java.io.PrintWriter;

/** Human-readable plans and summaries on stdout. */
final class Report {

    /** Items listed before "... and N more", unless -v. */
    static final int MAX_ITEMS = 50;

    private Report() {
    }

    static void planSourceWarning(Session s, SyncResult r) {
        if (r.planSource() != PlanSource.REMOTE) {
            s.warn("the remote manifest was not read: " + r.planSourceNote()); // warn escapes
        }
    }

    static void plan(PrintWriter out, SyncResult r, boolean all) {
        plan(out, r, all, false);
    }

    /**
     * The plan; {@code summaryOnly}: without a line per file (no planned file, no scan report: the
     * counts line says how many), as {@link #summary(PrintWriter, SyncResult, boolean, boolean)} does.
     */
    static void plan(PrintWriter out, SyncResult r, boolean all, boolean summaryOnly) {
        PlanSummary plan = r.planSummary();
        out.println("Plan for service \"" + Text.safe(r.service()) + "\", snapshot \"" + Text.safe(r.snapshot()) + "\" (remote side: "
                + switch (r.planSource()) {
                    case REMOTE -> r.remoteHeader().isPresent() ? "the remote manifest" : "empty, no manifest yet";
                    case CACHE -> "the cached manifest, the remote could not be read";
                    case NONE -> "assumed empty, the remote could not be read";
                } + "):");
        scope(out, r);
        long total = plan.uploads() + plan.deletes();
        if (!summaryOnly && total > 0) {
            // the uploads, then the deletes, each handed on from the result (a dry run's streams: none held)
            int[] shown = {0};
            r.forEachPlanned(new PlanSink() {
                @Override
                public void upload(PlannedUpload u) {
                    if (all || shown[0]++ < MAX_ITEMS) {
                        out.printf("  %s %-8s %s (%s)%n", u.reason() == UploadReason.NEW ? "+" : "~",
                                u.reason() == UploadReason.NEW ? "new" : "changed", Text.safe(u.path()), Units.bytes(u.size()));
                    }
                }
            });
            r.forEachPlanned(new PlanSink() {
                @Override
                public void delete(ManifestEntry d) {
                    if (all || shown[0]++ < MAX_ITEMS) {
                        out.printf("  - %-8s %s%n", "delete", Text.safe(d.path()));
                    }
                }
            });
            if (!all && total > MAX_ITEMS) {
                out.println("  ... and " + (total - MAX_ITEMS) + " more (-v lists them all, --json gives every item)");
            }
        }
        if (total == 0) {
            out.println("  nothing to do: the remote is up to date");
        }
        if (!summaryOnly) {
            scan(out, r, all);
        }
        int copies = r.summary().copied();
        out.println(plan.uploads() + " to upload (" + Units.bytes(plan.uploadBytes())
                + (copies == 0 ? "" : "; " + copies + " of them by a copy on the remote, sending nothing") + "), "
                + plan.deletes() + " to delete, " + plan.skipped() + " unchanged"
                + (r.scanReport().unreadable().isEmpty() ? "" : ", " + r.scanReport().unreadable().size() + " unreadable (kept on the remote)")
                + (r.scanReport().leftOut().isEmpty() ? "" : ", " + r.scanReport().leftOut().size() + " left out") + ".");
    }

    /**
     * What the scan could not read (never deleted from the remote) and what it left out (symbolic
     * links are never followed; special files, names that are not valid UTF-8 or that the path rules
     * cannot record are not recorded): each path with its reason, at most {@link #MAX_ITEMS} left-out
     * paths unless {@code all}. A path the scan could not read is named once, as unreadable.
     */
    static void scan(PrintWriter out, SyncResult r, boolean all) {
        for (ManifestBuilder.Unreadable u : r.scanReport().unreadable()) {
            out.println("  ! unreadable " + (u.path().isEmpty() ? "." : Text.safe(u.path())) + ": " + Text.safe(u.reason())
                    + " (kept on the remote as it is, not deleted)");
        }
        int shown = 0;
        for (ManifestBuilder.Skipped skipped : r.scanReport().leftOut()) {
            if (!all && shown++ >= MAX_ITEMS) {
                out.println("  ... and " + (r.scanReport().leftOut().size() - MAX_ITEMS) + " more left out (-v lists them all,"
                        + " --json gives every one in skipped_paths)");
                break;
            }
            out.println("  left out   " + Text.safe(skipped.path()) + ": " + Text.safe(skipped.reason()));
        }
        for (String warning : r.scanReport().warnings()) {
            out.println("  warning    " + Text.safe(warning));
        }
    }

    /** For a narrowed run ({@code --include}): which paths it covered, and that the rest was left alone. */
    static void scope(PrintWriter out, SyncResult r) {
        if (!r.scope().isEmpty()) {
            out.println("  scope: " + Text.safe(String.join(", ", r.scope()))
                    + " (narrowed by --include: remote files outside these paths are left as they are)");
        }
    }

    static void summary(PrintWriter out, SyncResult r) {
        summary(out, r, false);
    }

    /** The end of a run: the scan report ({@code all}: every left-out path), the counts, the failures. */
    static void summary(PrintWriter out, SyncResult r, boolean all) {
        summary(out, r, all, false);
    }

    /**
     * The end of a run; {@code summaryOnly}: the counts without a line per file (no scan report, no
     * failure per path: the counts say how many).
     */
    static void summary(PrintWriter out, SyncResult r, boolean all, boolean summaryOnly) {
        SyncSummary s = r.summary();
        scope(out, r);
        if (!summaryOnly) {
            scan(out, r, all);
        }
        out.println("Synced service \"" + Text.safe(r.service()) + "\", snapshot \"" + Text.safe(r.snapshot()) + "\": "
                + s.status().jsonName() + ". " + s.uploaded() + " uploaded (" + uploadedBytes(s) + "), " + s.deleted()
                + " deleted, " + s.skipped() + " unchanged, " + s.failed() + " failed"
                + (r.scanReport().leftOut().isEmpty() ? "" : ", " + r.scanReport().leftOut().size() + " left out")
                + ", in " + Units.duration(s.duration()) + ".");
        errors(out, s, summaryOnly);
    }

    /**
     * The bytes of the uploaded files and, when an interrupted run had stored some of them, how much of
     * that was resumed and how much this run really sent: {@code 9 B; 2 resumed from an interrupted
     * run (6 B already stored), 3 B sent}.
     */
    static String uploadedBytes(SyncSummary s) {
        String copies = s.copied() == 0 ? "" : "; " + s.copied() + " copied on the remote from a file it already held";
        if (s.resumed() == 0 && s.resumedBytes() == 0) {
            return Units.bytes(s.bytes()) + copies + (s.copied() == 0 ? "" : ", " + Units.bytes(s.bytesSent()) + " sent");
        }
        String already = s.resumed() == 0 ? Units.bytes(s.resumedBytes()) + " already stored by interrupted uploads"
                : s.resumed() + " resumed from an interrupted run (" + Units.bytes(s.resumedBytes()) + " already stored)";
        return Units.bytes(s.bytes()) + copies + "; " + already + ", " + Units.bytes(s.bytesSent()) + " sent";
    }

    static void errors(PrintWriter out, SyncSummary s) {
        errors(out, s, false);
    }

    private static void errors(PrintWriter out, SyncSummary s, boolean summaryOnly) {
        for (SyncError e : s.errors()) {
            if (!summaryOnly && e.action() != SyncAction.SCAN) { // listed above with the scan report
                out.println("  failed " + e.action().jsonName() + " " + Text.safe(e.path()) + ": " + e.kind().jsonName() + ": " + Text.safe(e.message()));
            }
        }
        switch (s.status()) {
            case PARTIAL, FAILED -> out.println("The remote manifest lists only what is really there; run the same"
                    + " command again to retry the rest: what arrived is not sent again.");
            default -> {
            }
        }
    }
}
