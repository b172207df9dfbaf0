package io.cloudsync.core;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PathRules;
import io.cloudsync.PlannedUpload;
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
