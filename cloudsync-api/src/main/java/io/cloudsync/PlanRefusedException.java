package io.cloudsync;

import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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
        DELETE_GUARD,
        /**
         * The request approved another plan ({@link SyncRequest#approvedPlan()}): the local tree or the
         * remote changed since that plan was made.
         */
        CHANGED
    }

    private final Reason reason;
    private final transient @Nullable Supplier<Plan> plan;

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
        this.plan = () -> plan;
    }

    /**
     * Creates the exception with a plan made only when {@link #plan()} is asked for it: a refused plan
     * of a huge tree (a mass deletion, say) is then not held unless someone looks at it.
     *
     * @param reason why the plan was refused
     * @param message what it would have done and which setting allows it
     * @param plan makes the refused plan; called on each {@link #plan()}
     */
    public PlanRefusedException(Reason reason, String message, Supplier<Plan> plan) {
        super(message);
        this.reason = reason;
        this.plan = Objects.requireNonNull(plan, "plan");
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
     * The refused plan, made when asked for if the exception was created with a supplier (each call
     * makes it again: keep the value rather than calling twice).
     *
     * @return the plan; {@code null} after the exception was deserialised (the plan is not serialised)
     */
    public @Nullable Plan plan() {
        return plan == null ? null : plan.get();
    }

    /**
     * {@inheritDoc}
     *
     * @return {@link ErrorCategory#DELETE_GUARD}, {@link ErrorCategory#LIMIT} or
     *     {@link ErrorCategory#PLAN_CHANGED}, after {@link #reason()}
     */
    @Override
    public ErrorCategory category() {
        return switch (reason) {
            case DELETE_GUARD -> ErrorCategory.DELETE_GUARD;
            case LIMIT -> ErrorCategory.LIMIT;
            case CHANGED -> ErrorCategory.PLAN_CHANGED;
        };
    }
}
