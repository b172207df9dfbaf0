package io.cloudsync;

/**
 * A run refused its plan before transferring anything: a limit of the request was exceeded, or a
 * delete guard stopped a mass deletion. The message says what the plan would have done and which
 * setting allows it.
 */
public class PlanRefusedException extends CloudSyncException {

    private static final long serialVersionUID = 1L;

    /** Why a plan was refused. */
    public enum Reason {
        /** The plan exceeds {@code maxUploads}, {@code maxDeletes} or {@code maxBytes} of the request. */
        LIMIT,
        /** The plan would delete too much, or delete from an empty or missing local tree. */
        DELETE_GUARD
    }

    private final Reason reason;
    private final transient Plan plan;

    /**
     * Creates the exception.
     *
     * @param reason why the plan was refused
     * @param plan the refused plan
     * @param message what it would have done and which setting allows it
     */
    public PlanRefusedException(Reason reason, Plan plan, String message) {
        super(message);
        this.reason = reason;
        this.plan = plan;
    }

    /**
     * Why the plan was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * The refused plan.
     *
     * @return the plan
     */
    public Plan plan() {
        return plan;
    }

    /**
     * {@inheritDoc}
     *
     * @return {@link ErrorCategory#DELETE_GUARD} or {@link ErrorCategory#LIMIT}, after {@link #reason()}
     */
    @Override
    public ErrorCategory category() {
        return reason == Reason.DELETE_GUARD ? ErrorCategory.DELETE_GUARD : ErrorCategory.LIMIT;
    }
}
