package io.cloudsync.core;

import io.cloudsync.Digests;
import io.cloudsync.Plan;
import io.cloudsync.UploadReason;

/**
 * What a streaming plan ({@link Planner#plan(java.util.Iterator, java.util.Iterator, PlanSink)})
 * decided, without the lists: the figures of a {@link Plan}, for plans too large to hold.
 *
 * @param id the plan id, {@link Plan#idOf(String, String)} of the two checksums: the same as the
 *     in-memory plan of the same entries
 * @param localChecksum the manifest checksum of the local entries
 * @param remoteChecksum the manifest checksum of the remote entries
 * @param localEntries how many local entries were read
 * @param remoteEntries how many remote entries were read
 * @param uploads files to send (new and changed)
 * @param changed of the uploads, those the remote has with other content
 * @param deletes remote files to remove
 * @param skipped local files the remote already has
 * @param uploadBytes the bytes the uploads will send
 */
public record PlanSummary(String id, String localChecksum, String remoteChecksum, long localEntries,
                          long remoteEntries, long uploads, long changed, long deletes, long skipped,
                          long uploadBytes) {

    /**
     * Validates the id and the counts.
     *
     * @param id see the record component
     * @param localChecksum see the record component
     * @param remoteChecksum see the record component
     * @param localEntries see the record component
     * @param remoteEntries see the record component
     * @param uploads see the record component
     * @param changed see the record component
     * @param deletes see the record component
     * @param skipped see the record component
     * @param uploadBytes see the record component
     * @throws IllegalArgumentException naming the problem
     */
    public PlanSummary {
        Digests.requireSha256Hex(localChecksum, "the local entries");
        Digests.requireSha256Hex(remoteChecksum, "the remote entries");
        String expected = Plan.idOf(localChecksum, remoteChecksum);
        if (!expected.equals(id)) {
            throw new IllegalArgumentException("plan id \"" + id + "\" does not match its checksums (expected " + expected + ')');
        }
        if (localEntries < 0 || remoteEntries < 0 || uploads < 0 || changed < 0 || changed > uploads || deletes < 0
                || skipped < 0 || uploadBytes < 0) {
            throw new IllegalArgumentException("plan summary counts must not be negative (and changed <= uploads): " + counts(
                    localEntries, remoteEntries, uploads, changed, deletes, skipped, uploadBytes));
        }
        if (uploads + skipped != localEntries || skipped + changed + deletes != remoteEntries) {
            throw new IllegalArgumentException("plan summary counts do not add up: " + counts(
                    localEntries, remoteEntries, uploads, changed, deletes, skipped, uploadBytes));
        }
    }

    private static String counts(long local, long remote, long uploads, long changed, long deletes, long skipped,
                                 long bytes) {
        return "local=" + local + ", remote=" + remote + ", uploads=" + uploads + ", changed=" + changed
                + ", deletes=" + deletes + ", skipped=" + skipped + ", bytes=" + bytes;
    }

    /**
     * The summary of an in-memory plan.
     *
     * @param plan the plan
     * @return its figures
     */
    public static PlanSummary of(Plan plan) {
        long changed = plan.uploads().stream().filter(u -> u.reason() == UploadReason.CHANGED).count();
        return new PlanSummary(plan.id(), plan.localChecksum(), plan.remoteChecksum(),
                plan.uploads().size() + (long) plan.skipped().size(),
                plan.skipped().size() + changed + plan.deletes().size(), plan.uploads().size(), changed,
                plan.deletes().size(), plan.skipped().size(), plan.uploadBytes());
    }

    /**
     * The files the uploads send because the local side has them and the remote has not.
     *
     * @return {@code uploads - changed}
     */
    public long newFiles() {
        return uploads - changed;
    }

    /**
     * Whether the plan changes nothing on the remote.
     *
     * @return true when there is nothing to upload or delete
     */
    public boolean isEmpty() {
        return uploads == 0 && deletes == 0;
    }
}
