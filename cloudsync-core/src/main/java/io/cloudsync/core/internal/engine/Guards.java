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

    private static Optional<PlanRefusedException> guard(Planned planned, String message) {
        return Optional.of(new PlanRefusedException(PlanRefusedException.Reason.DELETE_GUARD, message, planned.plan()));
    }

    private static String countRemote(long n) {
        return n + (n == 1 ? " remote file" : " remote files");
    }
}
