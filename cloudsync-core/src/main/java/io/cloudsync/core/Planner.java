package io.cloudsync.core;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncRequest;
import io.cloudsync.UploadReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Computes the {@link Plan} that brings a remote from one manifest to another.
 *
 * <p>The rules, applied path by path:
 * <ul>
 *   <li>a path only the local manifest has is uploaded with reason {@link UploadReason#NEW};</li>
 *   <li>a path both have, with another size or sha256, is uploaded with reason
 *       {@link UploadReason#CHANGED};</li>
 *   <li>a path both have with the same size and sha256 is skipped (the local entry is listed), even
 *       when the modification times differ: content, not timestamps, decides;</li>
 *   <li>a path only the remote manifest has is deleted (the remote entry is listed).</li>
 * </ul>
 *
 * <p>The result depends on nothing but the two manifests: the same inputs always give an identical
 * plan, with the id {@link Plan#idOf(String, String)} of their checksums. Both manifests are already
 * sorted by {@link PathRules#ORDER}, so planning is a single merge pass, linear in the number of
 * entries. Thread-safe (stateless).
 */
public final class Planner {

    private Planner() {
    }

    /**
     * Refuses a plan that exceeds a limit of the request: {@link SyncRequest#maxUploads()},
     * {@link SyncRequest#maxDeletes()} or {@link SyncRequest#maxBytes()}. {@link CloudSync#run} checks
     * this before transferring anything; a host (or the CLI's {@code plan --max-*}) can gate a dry run
     * on the same rule.
     *
     * @param request the request with its limits
     * @param plan the plan
     * @param snapshot the snapshot name as the remote knows it (the configured prefix applied), for the message
     * @throws PlanRefusedException with {@link PlanRefusedException.Reason#LIMIT}, naming the first limit
     *     exceeded, the plan's figure and by how much
     */
    public static void requireWithinLimits(SyncRequest request, Plan plan, String snapshot) {
        List<String> exceeded = new ArrayList<>();
        long uploads = plan.uploads().size();
        if (uploads > request.maxUploads()) {
            exceeded.add("uploads " + files(uploads) + ", more than the limit of " + request.maxUploads() + " ("
                    + (uploads - request.maxUploads()) + " over; --max-uploads / maxUploads)");
        }
        long deletes = plan.deletes().size();
        if (deletes > request.maxDeletes()) {
            exceeded.add("deletes " + files(deletes) + ", more than the limit of " + request.maxDeletes() + " ("
                    + (deletes - request.maxDeletes()) + " over; --max-deletes / maxDeletes)");
        }
        if (plan.uploadBytes() > request.maxBytes()) {
            exceeded.add("uploads " + plan.uploadBytes() + " bytes, more than the limit of " + request.maxBytes() + " ("
                    + (plan.uploadBytes() - request.maxBytes()) + " bytes over; --max-bytes / maxBytes)");
        }
        if (!exceeded.isEmpty()) {
            throw new PlanRefusedException(PlanRefusedException.Reason.LIMIT, plan, "the plan for service \""
                    + request.service() + "\" snapshot \"" + snapshot + "\" " + String.join(", and ", exceeded)
                    + "; nothing was transferred (raise the limit to allow it)");
        }
    }

    private static String files(long n) {
        return n + (n == 1 ? " file" : " files");
    }

    /**
     * Plans the uploads and deletes that make {@code remote} equal to {@code local}.
     *
     * @param local the manifest of the local tree; never {@code null}
     * @param remote the manifest the remote holds ({@link Manifest#empty(String)} when there is none);
     *     never {@code null}
     * @return the plan, never {@code null}
     */
    public static Plan plan(Manifest local, Manifest remote) {
        Objects.requireNonNull(local, "local manifest");
        Objects.requireNonNull(remote, "remote manifest");
        List<ManifestEntry> ls = local.entries();
        List<ManifestEntry> rs = remote.entries();
        List<PlannedUpload> uploads = new ArrayList<>();
        List<ManifestEntry> deletes = new ArrayList<>();
        List<ManifestEntry> skipped = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < ls.size() && j < rs.size()) {
            ManifestEntry l = ls.get(i);
            ManifestEntry r = rs.get(j);
            int order = PathRules.compare(l.path(), r.path());
            if (order < 0) {
                uploads.add(new PlannedUpload(l, UploadReason.NEW));
                i++;
            } else if (order > 0) {
                deletes.add(r);
                j++;
            } else {
                if (l.size() != r.size() || !l.sha256().equals(r.sha256())) {
                    uploads.add(new PlannedUpload(l, UploadReason.CHANGED));
                } else {
                    skipped.add(l);
                }
                i++;
                j++;
            }
        }
        for (; i < ls.size(); i++) {
            uploads.add(new PlannedUpload(ls.get(i), UploadReason.NEW));
        }
        for (; j < rs.size(); j++) {
            deletes.add(rs.get(j));
        }
        return new Plan(Plan.idOf(local.checksum(), remote.checksum()), local.checksum(), remote.checksum(),
                uploads, deletes, skipped);
    }
}
