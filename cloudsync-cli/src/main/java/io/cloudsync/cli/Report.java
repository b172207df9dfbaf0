package io.cloudsync.cli;

import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncSummary;
import io.cloudsync.UploadReason;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.PlanSource;
import io.cloudsync.core.SyncResult;
import java.io.PrintWriter;

/** Human-readable plans and summaries on stdout. */
final class Report {

    /** Items listed before "... and N more", unless -v. */
    static final int MAX_ITEMS = 50;

    private Report() {
    }

    static void planSourceWarning(Session s, SyncResult r) {
        if (r.planSource() != PlanSource.REMOTE) {
            s.warn("the remote manifest was not read: " + r.planSourceNote());
        }
    }

    static void plan(PrintWriter out, SyncResult r, boolean all) {
        Plan plan = r.plan();
        out.println("Plan for service \"" + r.service() + "\", snapshot \"" + r.snapshot() + "\" (remote side: "
                + switch (r.planSource()) {
                    case REMOTE -> r.remoteManifest().isPresent() ? "the remote manifest" : "empty, no manifest yet";
                    case CACHE -> "the cached manifest, the remote could not be read";
                    case NONE -> "assumed empty, the remote could not be read";
                } + "):");
        scope(out, r);
        int shown = 0;
        int total = plan.uploads().size() + plan.deletes().size();
        for (PlannedUpload u : plan.uploads()) {
            if (!all && shown++ >= MAX_ITEMS) {
                break;
            }
            out.printf("  %s %-8s %s (%s)%n", u.reason() == UploadReason.NEW ? "+" : "~",
                    u.reason() == UploadReason.NEW ? "new" : "changed", u.path(), Units.bytes(u.size()));
        }
        for (ManifestEntry d : plan.deletes()) {
            if (!all && shown++ >= MAX_ITEMS) {
                break;
            }
            out.printf("  - %-8s %s%n", "delete", d.path());
        }
        if (!all && total > MAX_ITEMS) {
            out.println("  ... and " + (total - MAX_ITEMS) + " more (-v lists them all, --json gives every item)");
        }
        if (plan.isEmpty()) {
            out.println("  nothing to do: the remote is up to date");
        }
        scan(out, r, all);
        out.println(plan.uploads().size() + " to upload (" + Units.bytes(plan.uploadBytes()) + "), "
                + plan.deletes().size() + " to delete, " + plan.skipped().size() + " unchanged"
                + (r.scan().unreadable().isEmpty() ? "" : ", " + r.scan().unreadable().size() + " unreadable (kept on the remote)")
                + (r.scan().skipped().isEmpty() ? "" : ", " + r.scan().skipped().size() + " left out") + ".");
    }

    /**
     * What the scan could not read (never deleted from the remote) and what it left out (symbolic
     * links are never followed, special files and names that are not valid UTF-8 are not recorded).
     */
    static void scan(PrintWriter out, SyncResult r, boolean all) {
        for (ManifestBuilder.Unreadable u : r.scan().unreadable()) {
            out.println("  ! unreadable " + (u.path().isEmpty() ? "." : u.path()) + ": " + u.reason()
                    + " (kept on the remote as it is, not deleted)");
        }
        int shown = 0;
        for (String skipped : r.scan().skipped()) {
            if (!all && shown++ >= MAX_ITEMS) {
                out.println("  ... and " + (r.scan().skipped().size() - MAX_ITEMS) + " more left out (-v lists them all)");
                break;
            }
            out.println("  left out   " + skipped);
        }
        for (String warning : r.scan().warnings()) {
            out.println("  warning    " + warning);
        }
    }

    /** For a narrowed run ({@code --include}): which paths it covered, and that the rest was left alone. */
    static void scope(PrintWriter out, SyncResult r) {
        if (!r.scope().isEmpty()) {
            out.println("  scope: " + String.join(", ", r.scope())
                    + " (narrowed by --include: remote files outside these paths are left as they are)");
        }
    }

    static void summary(PrintWriter out, SyncResult r) {
        SyncSummary s = r.summary();
        scope(out, r);
        scan(out, r, false);
        out.println("Synced service \"" + r.service() + "\", snapshot \"" + r.snapshot() + "\": " + s.status().jsonName()
                + ". " + s.uploaded() + " uploaded (" + Units.bytes(s.bytes()) + "), " + s.deleted() + " deleted, "
                + s.skipped() + " unchanged, " + s.failed() + " failed, in " + Units.duration(s.duration()) + ".");
        errors(out, s);
    }

    static void errors(PrintWriter out, SyncSummary s) {
        for (SyncError e : s.errors()) {
            if (e.action() != SyncAction.SCAN) { // listed above with the scan report
                out.println("  failed " + e.action().jsonName() + " " + e.path() + ": " + e.error());
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
