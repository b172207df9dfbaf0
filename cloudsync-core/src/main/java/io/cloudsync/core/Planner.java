package io.cloudsync.core;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestChecksum;
import io.cloudsync.ManifestEntry;
import io.cloudsync.PathRules;
import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncRequest;
import io.cloudsync.UploadReason;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * entries. For trees too large to hold, {@link #plan(Iterator, Iterator, PlanSink)} runs the same
 * merge over two streams of entries in constant memory. Thread-safe (stateless).
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
        Optional<String> exceeded = exceededLimits(request, PlanSummary.of(plan), snapshot);
        if (exceeded.isPresent()) {
            throw new PlanRefusedException(PlanRefusedException.Reason.LIMIT, plan, exceeded.get());
        }
    }

    /**
     * What {@link #requireWithinLimits} says of a plan's figures.
     *
     * @param request the request with its limits
     * @param plan the plan's figures
     * @param snapshot the snapshot name, for the message
     * @return the refusal's message, naming every limit exceeded; empty when within them all
     */
    public static Optional<String> exceededLimits(SyncRequest request, PlanSummary plan, String snapshot) {
        List<String> exceeded = new ArrayList<>();
        long uploads = plan.uploads();
        if (uploads > request.maxUploads()) {
            exceeded.add("uploads " + files(uploads) + ", more than the limit of " + request.maxUploads() + " ("
                    + (uploads - request.maxUploads()) + " over; --max-uploads / maxUploads)");
        }
        long deletes = plan.deletes();
        if (deletes > request.maxDeletes()) {
            exceeded.add("deletes " + files(deletes) + ", more than the limit of " + request.maxDeletes() + " ("
                    + (deletes - request.maxDeletes()) + " over; --max-deletes / maxDeletes)");
        }
        if (plan.uploadBytes() > request.maxBytes()) {
            exceeded.add("uploads " + plan.uploadBytes() + " bytes, more than the limit of " + request.maxBytes() + " ("
                    + (plan.uploadBytes() - request.maxBytes()) + " bytes over; --max-bytes / maxBytes)");
        }
        if (exceeded.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the plan for service \"" + request.service() + "\" snapshot \"" + snapshot + "\" "
                + String.join(", and ", exceeded) + "; nothing was transferred (raise the limit to allow it)");
    }

    private static String files(long n) {
        return n + (n == 1 ? " file" : " files");
    }

    /**
     * Plans the uploads and deletes that make {@code remote} equal to {@code local}.
     *
     * <p>The same merge as {@link #plan(Iterator, Iterator, PlanSink)}, with a sink that collects the
     * actions into the lists of a {@link Plan}: for trees that fit in memory.
     *
     * @param local the manifest of the local tree; never {@code null}
     * @param remote the manifest the remote holds ({@link Manifest#empty(String)} when there is none);
     *     never {@code null}
     * @return the plan, never {@code null}
     */
    public static Plan plan(Manifest local, Manifest remote) {
        Objects.requireNonNull(local, "local manifest");
        Objects.requireNonNull(remote, "remote manifest");
        List<PlannedUpload> uploads = new ArrayList<>();
        List<ManifestEntry> deletes = new ArrayList<>();
        List<ManifestEntry> skipped = new ArrayList<>();
        PlanSink collect = new PlanSink() {
            @Override
            public void upload(PlannedUpload upload) {
                uploads.add(upload);
            }

            @Override
            public void delete(ManifestEntry entry) {
                deletes.add(entry);
            }

            @Override
            public void skip(ManifestEntry entry) {
                skipped.add(entry);
            }
        };
        // a Manifest is sorted, unique and checksummed already: the merge need not do it again
        PlanSummary summary = merge(new Side(local.entries().iterator(), local.checksum()),
                new Side(remote.entries().iterator(), remote.checksum()), collect);
        return new Plan(summary.id(), summary.localChecksum(), summary.remoteChecksum(), uploads, deletes, skipped);
    }

    /**
     * Plans two streams of entries in constant memory: merges them, hands each action to {@code sink}
     * as soon as it is decided (in path order, see {@link PlanSink}) and keeps none of them. The rules
     * are those of {@link #plan(Manifest, Manifest)}, and so is the result: the same entries give the
     * same actions in the same order, and a summary with the same id and counts as the in-memory plan.
     *
     * <p>Both iterators must yield entries in manifest order ({@link PathRules#ORDER}), each path once;
     * the order is checked on the fly, and the checksum of each side is computed as its entries go by
     * (with {@link io.cloudsync.ManifestChecksum}). Each iterator is read to its end unless something
     * throws. Actions handed to the sink before an order error are not taken back: a sink that must
     * not act on a half-read stream collects first or acts only after {@code plan} returns.
     *
     * @param local the local entries, sorted and unique; never {@code null}
     * @param remote the remote entries ({@code Collections.emptyIterator()} when the remote has none),
     *     sorted and unique; never {@code null}
     * @param sink receives every action; never {@code null}
     * @return the figures of the plan, with its id and both checksums
     * @throws IllegalArgumentException when a side is not sorted or lists a path twice, naming the side
     *     and the path
     */
    public static PlanSummary plan(Iterator<ManifestEntry> local, Iterator<ManifestEntry> remote, PlanSink sink) {
        Objects.requireNonNull(local, "local entries");
        Objects.requireNonNull(remote, "remote entries");
        return merge(new Side(local, new ManifestChecksum("the local entries")),
                new Side(remote, new ManifestChecksum("the remote entries")), sink);
    }

    /**
     * Plans two manifests of known checksums and sizes from the entries outside what they share
     * alike ({@code shared} entries on each side, equal in path, size, mtime and sha256): those are
     * skipped without being handed to the sink. The result is the summary a plan of every entry
     * would give.
     */
    static PlanSummary planDifference(Iterator<ManifestEntry> local, String localChecksum, long localEntries,
                                      Iterator<ManifestEntry> remote, String remoteChecksum, long remoteEntries,
                                      long shared, PlanSink sink) {
        PlanSummary s = merge(new Side(local, localChecksum), new Side(remote, remoteChecksum), sink);
        if (s.localEntries() + shared != localEntries || s.remoteEntries() + shared != remoteEntries) {
            throw new IllegalStateException("planned " + s.localEntries() + " + " + shared + " local and "
                    + s.remoteEntries() + " + " + shared + " remote entries of manifests that hold " + localEntries
                    + " and " + remoteEntries);
        }
        return new PlanSummary(s.id(), s.localChecksum(), s.remoteChecksum(), localEntries, remoteEntries, s.uploads(),
                s.changed(), s.deletes(), s.skipped() + shared, s.uploadBytes());
    }

    /** One side of the merge: its entries and either their known checksum or one computed on the way. */
    private static final class Side {
        private final Iterator<ManifestEntry> entries;
        private final ManifestChecksum computed; // null when the checksum is known
        private final String known; // null when computed
        private long count;

        Side(Iterator<ManifestEntry> entries, ManifestChecksum computed) {
            this.entries = entries;
            this.computed = computed;
            this.known = null;
        }

        Side(Iterator<ManifestEntry> entries, String known) {
            this.entries = entries;
            this.computed = null;
            this.known = known;
        }

        /** The next entry, checked for order (when not known), or null at the end. */
        ManifestEntry next() {
            if (!entries.hasNext()) {
                return null;
            }
            ManifestEntry e = Objects.requireNonNull(entries.next(), "an entry iterator returned null");
            if (computed != null) {
                computed.add(e);
            }
            count++;
            return e;
        }

        String checksum() {
            return computed != null ? computed.hex() : Objects.requireNonNull(known);
        }
    }

    /** The one merge of both planners. */
    private static PlanSummary merge(Side local, Side remote, PlanSink sink) {
        Objects.requireNonNull(sink, "sink");
        long uploads = 0;
        long changed = 0;
        long deletes = 0;
        long skipped = 0;
        long bytes = 0;
        ManifestEntry l = local.next();
        ManifestEntry r = remote.next();
        while (l != null || r != null) {
            if (r == null || (l != null && PathRules.compare(l.path(), r.path()) < 0)) {
                ManifestEntry only = Objects.requireNonNull(l);
                sink.upload(new PlannedUpload(only, UploadReason.NEW));
                uploads++;
                bytes += only.size();
                l = local.next();
            } else if (l == null || PathRules.compare(l.path(), r.path()) > 0) {
                sink.delete(r);
                deletes++;
                r = remote.next();
            } else {
                if (l.size() != r.size() || !l.sha256().equals(r.sha256())) {
                    sink.upload(new PlannedUpload(l, UploadReason.CHANGED));
                    uploads++;
                    changed++;
                    bytes += l.size();
                } else {
                    sink.skip(l);
                    skipped++;
                }
                l = local.next();
                r = remote.next();
            }
        }
        String localChecksum = local.checksum();
        String remoteChecksum = remote.checksum();
        return new PlanSummary(Plan.idOf(localChecksum, remoteChecksum), localChecksum, remoteChecksum, local.count,
                remote.count, uploads, changed, deletes, skipped, bytes);
    }
}
