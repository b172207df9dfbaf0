package io.cloudsync.core.internal.engine;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.Planner;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delete guards and request limits, checked before anything moves. */
public final class Guards {

    private static final Logger LOG = LoggerFactory.getLogger(Guards.class);

    private Guards() {
    }

    /**
     * Refuses a plan that exceeds a limit of the request or trips a delete guard.
     *
     * @param request the request, with its limits and {@code allowMassDelete}
     * @param settings the guard settings
     * @param plan the plan
     * @param remote the remote manifest the plan was computed against
     * @param local the local manifest
     * @param rootMissing whether the local root does not exist
     * @param service the service, for messages
     * @param snapshot the snapshot, for messages
     * @throws PlanRefusedException saying what the plan would do and which setting allows it
     */
    public static void check(SyncRequest request, EngineSettings settings, Plan plan, Manifest remote, Manifest local,
                             boolean rootMissing, String service, String snapshot) {
        Optional<PlanRefusedException> refused = refusal(request, settings, plan, remote, local, rootMissing, service, snapshot);
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
     * @param plan the plan
     * @param remote the remote manifest the plan was computed against
     * @param local the local manifest
     * @param rootMissing whether the local root does not exist
     * @param service the service, for messages
     * @param snapshot the snapshot, for messages
     * @return the refusal, or empty when a run would go ahead
     */
    public static Optional<PlanRefusedException> refusal(SyncRequest request, EngineSettings settings, Plan plan,
                                                         Manifest remote, Manifest local, boolean rootMissing,
                                                         String service, String snapshot) {
        String where = "service \"" + service + "\" snapshot \"" + snapshot + '"';
        try {
            Planner.requireWithinLimits(request, plan, snapshot);
        } catch (PlanRefusedException e) {
            return Optional.of(new PlanRefusedException(e.reason(), plan, e.getMessage()));
        }
        int deletes = plan.deletes().size();
        if (deletes == 0 || request.allowMassDelete()) {
            return Optional.empty();
        }
        String sample = plan.deletes().stream().limit(5).map(ManifestEntry::path).collect(Collectors.joining(", "))
                + (deletes > 5 ? ", ..." : "");
        String allow = "; nothing was transferred. If this is intended, rerun with --allow-mass-delete "
                + "(SyncRequest.allowMassDelete(true))";
        if (rootMissing) {
            return guard(plan, "refusing to delete " + countRemote(deletes)
                    + " of " + where + " because the local root is missing (" + sample + ")" + allow);
        }
        if (local.entries().isEmpty()) {
            return guard(plan, "refusing to delete all " + countRemote(deletes)
                    + " of " + where + " because the local side is empty (" + sample + ")" + allow);
        }
        if (deletes > settings.deleteGuardMaxDeletes()) {
            return guard(plan, "refusing to delete " + countRemote(deletes)
                    + " of " + where + ", more than sync.delete_guard_max_deletes="
                    + settings.deleteGuardMaxDeletes() + " (" + sample + ")" + allow + ", or raise that setting");
        }
        int remoteFiles = remote.entries().size();
        if (remoteFiles > settings.deleteGuardMinFiles() && deletes > settings.deleteGuardMaxFraction() * remoteFiles) {
            return guard(plan, "refusing to delete " + deletes + " of "
                    + countRemote(remoteFiles) + " of " + where + ", more than sync.delete_guard_max_fraction="
                    + settings.deleteGuardMaxFraction() + " (" + sample + ")" + allow + ", or raise that setting");
        }
        return Optional.empty();
    }

    private static Optional<PlanRefusedException> guard(Plan plan, String message) {
        return Optional.of(new PlanRefusedException(PlanRefusedException.Reason.DELETE_GUARD, plan, message));
    }

    private static String countRemote(int n) {
        return n + (n == 1 ? " remote file" : " remote files");
    }
}
