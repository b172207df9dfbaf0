package io.cloudsync;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A plan someone reviewed and approved, by its id: a run given one ({@link SyncRequest#approvedPlan()})
 * executes exactly that plan or refuses before anything moves
 * ({@link PlanRefusedException.Reason#CHANGED}). A plan's id names the pair of manifests it was made
 * from ({@link Plan#idOf}), and the same pair always gives the same plan, so the id alone is enough to
 * tell whether the run would do what was approved. With the checksums as well, a refusal can say
 * which side changed: the local tree, the remote, or both. Immutable.
 */
public final class ApprovedPlan {

    private final String id;
    private final @Nullable String localChecksum;
    private final @Nullable String remoteChecksum;

    private ApprovedPlan(String id, @Nullable String localChecksum, @Nullable String remoteChecksum) {
        this.id = requireId(id);
        this.localChecksum = localChecksum;
        this.remoteChecksum = remoteChecksum;
    }

    private static String requireId(String id) {
        if (id == null || !id.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("a plan id is 32 lower-case hex digits (as \"plan.id\" of a dry run"
                    + " shows it), was \"" + id + '"');
        }
        return id;
    }

    /**
     * An approval by plan id only, as an HTTP client that kept a dry run's {@code plan.id} gives it.
     *
     * @param planId the plan's id: 32 lower-case hex digits
     * @return the approval
     * @throws IllegalArgumentException when the id has another form
     */
    public static ApprovedPlan of(String planId) {
        return new ApprovedPlan(planId, null, null);
    }

    /**
     * An approval with the checksums the plan was made from, as a plan file holds them.
     *
     * @param planId the plan's id
     * @param localChecksum checksum of the local manifest the plan was made from
     * @param remoteChecksum checksum of the remote manifest it was made against
     * @return the approval
     * @throws IllegalArgumentException when a value has the wrong form, or the id is not the one of the
     *     two checksums
     */
    public static ApprovedPlan of(String planId, String localChecksum, String remoteChecksum) {
        Digests.requireSha256Hex(localChecksum, "the local manifest");
        Digests.requireSha256Hex(remoteChecksum, "the remote manifest");
        String expected = Plan.idOf(localChecksum, remoteChecksum);
        if (!expected.equals(planId)) {
            throw new IllegalArgumentException("plan id \"" + planId + "\" is not the id of its checksums (that is "
                    + expected + "): the plan was altered");
        }
        return new ApprovedPlan(planId, localChecksum, remoteChecksum);
    }

    /**
     * The approved plan's id.
     *
     * @return 32 lower-case hex digits
     */
    public String id() {
        return id;
    }

    /**
     * The checksum of the local manifest the plan was made from, when it is known.
     *
     * @return the checksum, or empty for an approval by id only
     */
    public Optional<String> localChecksum() {
        return Optional.ofNullable(localChecksum);
    }

    /**
     * The checksum of the remote manifest the plan was made against, when it is known.
     *
     * @return the checksum, or empty for an approval by id only
     */
    public Optional<String> remoteChecksum() {
        return Optional.ofNullable(remoteChecksum);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApprovedPlan a && id.equals(a.id) && Objects.equals(localChecksum, a.localChecksum)
                && Objects.equals(remoteChecksum, a.remoteChecksum);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, localChecksum, remoteChecksum);
    }

    @Override
    public String toString() {
        return "ApprovedPlan[" + id + ']';
    }
}
