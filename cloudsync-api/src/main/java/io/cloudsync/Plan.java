package io.cloudsync;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * What a run will do to bring a remote from one manifest to another. Deterministic: the same two
 * manifests always give an identical plan, with the same id.
 *
 * @param id derived from both checksums, see {@link #idOf}: it names the pair of manifests, so a dry
 *     run and the run after it, with nothing changed in between, report the same id. It does not tie
 *     a resumed run to the one it resumes: that run usually has another plan (the interrupted run had
 *     withdrawn paths from the remote manifest, or the tree changed since), and it needs none of the
 *     old one, since it reuses each journal record that matches its own plan by path and content
 * @param localChecksum checksum of the local manifest the plan was computed from
 * @param remoteChecksum checksum of the remote manifest (of an empty one when none was found)
 * @param uploads files to send, sorted by path
 * @param deletes remote files to remove, sorted by path
 * @param skipped local files whose content the remote already has, sorted by path
 */
public record Plan(String id, String localChecksum, String remoteChecksum,
                   List<PlannedUpload> uploads, List<ManifestEntry> deletes, List<ManifestEntry> skipped) {

    /**
     * Validates the id and the order of every list.
     *
     * @param id see the record component
     * @param localChecksum see the record component
     * @param remoteChecksum see the record component
     * @param uploads see the record component
     * @param deletes see the record component
     * @param skipped see the record component
     * @throws IllegalArgumentException naming the problem
     */
    public Plan {
        Digests.requireSha256Hex(localChecksum, "the local manifest");
        Digests.requireSha256Hex(remoteChecksum, "the remote manifest");
        uploads = List.copyOf(uploads);
        deletes = List.copyOf(deletes);
        skipped = List.copyOf(skipped);
        String expected = idOf(localChecksum, remoteChecksum);
        if (!expected.equals(id)) {
            throw new IllegalArgumentException("plan id \"" + id + "\" does not match its checksums (expected " + expected + ')');
        }
        for (int i = 1; i < uploads.size(); i++) {
            requireOrder("uploads", uploads.get(i - 1).path(), uploads.get(i).path());
        }
        for (int i = 1; i < deletes.size(); i++) {
            requireOrder("deletes", deletes.get(i - 1).path(), deletes.get(i).path());
        }
        for (int i = 1; i < skipped.size(); i++) {
            requireOrder("skipped", skipped.get(i - 1).path(), skipped.get(i).path());
        }
    }

    private static void requireOrder(String list, String before, String after) {
        if (PathRules.compare(before, after) >= 0) {
            throw new IllegalArgumentException("plan " + list + " are not sorted and unique at \"" + after + '"');
        }
    }

    /**
     * The plan id for two manifest checksums: the first 32 hex digits of
     * SHA-256("cloudsync-plan-v1\0" + local + "\0" + remote).
     *
     * @param localChecksum checksum of the local manifest
     * @param remoteChecksum checksum of the remote manifest
     * @return 32 lower-case hex digits
     */
    public static String idOf(String localChecksum, String remoteChecksum) {
        Objects.requireNonNull(localChecksum, "localChecksum");
        Objects.requireNonNull(remoteChecksum, "remoteChecksum");
        byte[] digest = Digests.sha256().digest(("cloudsync-plan-v1\0" + localChecksum + '\0' + remoteChecksum)
                .getBytes(StandardCharsets.US_ASCII));
        return Digests.hex(digest).substring(0, 32);
    }

    /**
     * The bytes the uploads will send.
     *
     * @return the sum of every upload's size
     */
    public long uploadBytes() {
        long total = 0;
        for (PlannedUpload u : uploads) {
            total += u.size();
        }
        return total;
    }

    /**
     * Whether the plan changes nothing on the remote.
     *
     * @return true when there is nothing to upload or delete
     */
    public boolean isEmpty() {
        return uploads.isEmpty() && deletes.isEmpty();
    }

    /**
     * A short description without the lists.
     *
     * @return id and counts
     */
    @Override
    public String toString() {
        return "Plan[id=" + id + ", uploads=" + uploads.size() + ", deletes=" + deletes.size()
                + ", skipped=" + skipped.size() + ", bytes=" + uploadBytes() + ']';
    }
}
