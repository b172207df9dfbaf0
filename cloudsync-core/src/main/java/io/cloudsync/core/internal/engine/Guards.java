package io.cloudsync.core.internal.engine;

import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.PlanSummary;
import io.cloudsync.core.Planner;
import io.cloudsync.core.result.SyncResult;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delete guards and request limits, checked before anything moves. */
public final class Guards {

    private static final Logger LOG = LoggerFactory.getLogger(Guards.class);

    private Guards() {
    }

    /**
     * What a run's guards need of its plan, without the plan's lists.
     *
     * @param summary the plan's figures; {@code localEntries} 0 means the local side is empty, and
     *     {@code remoteEntries} is the size of the remote manifest the plan was computed against
     * @param firstDeletes the paths of the first few deletes, in order, for the message
     * @param plan the plan itself, made only when a refusal carries it
     */
    public record Planned(PlanSummary summary, List<String> firstDeletes, Supplier<Plan> plan,
                          SyncResult.ActionSource actions) {
        /** How many deletes a refusal's message names. */
        public static final int SAMPLE = 5;

        /**
         * Copies the list.
         *
         * @param summary see the record component
         * @param firstDeletes see the record component
         * @param plan see the record component
         * @param actions see the record component
         */
        public Planned {
            firstDeletes = List.copyOf(firstDeletes);
        }
    }

    /**
     * Refuses a plan that exceeds a limit of the request or trips a delete guard.
     *
     * @param request the request, with its limits and {@code allowMassDelete}
     * @param settings the guard settings
     * @param planned the plan's figures
     * @param rootMissing whether the local root does not exist
     * @param service the service, for messages
     * @param snapshot the snapshot, for messages
     * @throws PlanRefusedException saying what the plan would do and which setting allows it
     */
    public static void check(SyncRequest request, EngineSettings settings, Planned planned, boolean rootMissing,
                             String service, String snapshot) {
        Optional<PlanRefusedException> refused = refusal(request, settings, planned, rootMissing, service, snapshot);
        if (refused.isPresent()) {
            PlanRefusedException e = refused.get();
            LOG.atWarn().setMessage("sync.run").addKeyValue("event", "plan_refused").addKeyValue("reason", e.reason())
                    .addKeyValue("detail", e.getMessage()).log();
            throw e;
        }
    }

    /**
     * How {@link #check} would refuse the plan, without logging or throwing: what a dry run reports
     * so that it shows what the run would do.
     *
     * @param request the request, with its limits and {@code allowMassDelete}
     * @param settings the guard settings
     * @param planned the plan's figures
     * @param rootMissing whether the local root does not exist
     * @param service the service, for messages
     * @param snapshot the snapshot, for messages
     * @return the refusal, or empty when a run would go ahead
     */
    public static Optional<PlanRefusedException> refusal(SyncRequest request, EngineSettings settings, Planned planned,
                                                         boolean rootMissing, String service, String snapshot) {
        String where = "service \"" + service + "\" snapshot \"" + snapshot + '"';
        PlanSummary plan = planned.summary();
        Optional<String> exceeded = Planner.exceededLimits(request, plan, snapshot);
        if (exceeded.isPresent()) {
            return Optional.of(new PlanRefusedException(PlanRefusedException.Reason.LIMIT, exceeded.get(), planned.plan()));
        }
        long deletes = plan.deletes();
        if (deletes == 0 || request.allowMassDelete()) {
            return Optional.empty();
        }
        String sample = String.join(", ", planned.firstDeletes()) + (deletes > planned.firstDeletes().size() ? ", ..." : "");
        String allow = "; nothing was transferred. If this is intended, rerun with --allow-mass-delete "
                + "(SyncRequest.allowMassDelete(true))";
        if (rootMissing) {
            return guard(planned, "refusing to delete " + countRemote(deletes)
                    + " of " + where + " because the local root is missing (" + sample + ")" + allow);
        }
        if (plan.localEntries() == 0) {
            return guard(planned, "refusing to delete all " + countRemote(deletes)
                    + " of " + where + " because the local side is empty (" + sample + ")" + allow);
        }
        if (deletes > settings.deleteGuardMaxDeletes()) {
            return guard(planned, "refusing to delete " + countRemote(deletes)
                    + " of " + where + ", more than sync.delete_guard_max_deletes="
                    + settings.deleteGuardMaxDeletes() + " (" + sample + ")" + allow + ", or raise that setting");
        }
        long remoteFiles = plan.remoteEntries();
        if (remoteFiles > settings.deleteGuardMinFiles() && deletes > settings.deleteGuardMaxFraction() * remoteFiles) {
            return guard(planned, "refusing to delete " + deletes + " of "
                    + countRemote(remoteFiles) + " of " + where + ", more than sync.delete_guard_max_fraction="
                    + settings.deleteGuardMaxFraction() + " (" + sample + ")" + allow + ", or raise that setting");
        }
        return Optional.empty();
    }

    /**
     * Refuses a plan that is not the request's approved one ({@link SyncRequest#approvedPlan()}),
     * saying which side changed when the approval names its checksums. A run that continues an
     * interrupted run of the approved plan ({@code continuesApproved}: that plan's runs wrote the
     * remote manifest found now, from the same local tree) goes ahead.
     *
     * @param request the request
     * @param planned the plan the run made
     * @param continuesApproved whether the runs of the approved plan wrote the remote manifest the plan was made against
     * @param service the service, for the message
     * @param snapshot the snapshot, for the message
     * @return the refusal, or empty when the request approved no plan or approved this one
     */
    public static Optional<PlanRefusedException> changed(SyncRequest request, Planned planned,
                                                         java.util.function.BooleanSupplier continuesApproved,
                                                         String service, String snapshot) {
        Optional<io.cloudsync.ApprovedPlan> approved = request.approvedPlan();
        PlanSummary now = planned.summary();
        if (approved.isEmpty() || approved.get().id().equals(now.id()) || continuesApproved.getAsBoolean()) {
            return Optional.empty();
        }
        io.cloudsync.ApprovedPlan a = approved.get();
        List<String> what = new java.util.ArrayList<>();
        if (a.localChecksum().isPresent() && !a.localChecksum().get().equals(now.localChecksum())) {
            what.add("the local tree changed (local manifest checksum " + shortHex(a.localChecksum().get()) + " then, "
                    + shortHex(now.localChecksum()) + " now)");
        }
        if (a.remoteChecksum().isPresent() && !a.remoteChecksum().get().equals(now.remoteChecksum())) {
            what.add("the remote changed (remote manifest checksum " + shortHex(a.remoteChecksum().get()) + " then, "
                    + shortHex(now.remoteChecksum()) + " now)");
        }
        if (what.isEmpty()) {
            what.add("the local tree or the remote changed");
        }
        String message = "the approved plan " + a.id() + " for service \"" + service + "\" snapshot \"" + snapshot
                + "\" is not what a run would do now: " + String.join(", and ", what) + "; the plan now is " + now.id()
                + " (" + now.uploads() + " uploads, " + now.deletes() + " deletes); nothing was transferred. Make and"
                + " review a new plan (cloudsync plan --out FILE), then run it";
        return Optional.of(new PlanRefusedException(PlanRefusedException.Reason.CHANGED, message, planned.plan()));
    }

    private static String shortHex(String hex) {
        return hex.substring(0, 12);
    }

    private static Optional<PlanRefusedException> guard(Planned planned, String message) {
        return Optional.of(new PlanRefusedException(PlanRefusedException.Reason.DELETE_GUARD, message, planned.plan()));
    }

    private static String countRemote(long n) {
        return n + (n == 1 ? " remote file" : " remote files");
    }
}
