package io.cloudsync.cli;

import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncError;
import io.cloudsync.SyncSummary;
import io.cloudsync.UploadReason;
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
        out.println(plan.uploads().size() + " to upload (" + Units.bytes(plan.uploadBytes()) + "), "
                + plan.deletes().size() + " to delete, " + plan.skipped().size() + " unchanged.");
    }

    static void summary(PrintWriter out, SyncResult r) {
        SyncSummary s = r.summary();
        out.println("Synced service \"" + r.service() + "\", snapshot \"" + r.snapshot() + "\": " + s.status().jsonName()
                + ". " + s.uploaded() + " uploaded (" + Units.bytes(s.bytes()) + "), " + s.deleted() + " deleted, "
                + s.skipped() + " unchanged, " + s.failed() + " failed, in " + Units.duration(s.duration()) + ".");
        errors(out, s);
    }

    static void errors(PrintWriter out, SyncSummary s) {
        for (SyncError e : s.errors()) {
            out.println("  failed " + e.action().jsonName() + " " + e.path() + ": " + e.error());
        }
        switch (s.status()) {
            case PARTIAL, FAILED -> out.println("The remote manifest was not updated; run the same command again to"
                    + " retry: what arrived is not sent again.");
            default -> {
            }
        }
    }
}
