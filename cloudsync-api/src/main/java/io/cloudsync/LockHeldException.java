package io.cloudsync;

/**
 * Another run holds the lock of the same service and snapshot.
 */
public class LockHeldException extends CloudSyncException {

    private static final long serialVersionUID = 1L;

    private final String holder;

    /**
     * Creates the exception.
     *
     * @param holder who holds the lock: host, pid and start time
     * @param message what was refused, who holds the lock and what to do
     */
    public LockHeldException(String holder, String message) {
        super(message);
        this.holder = holder;
    }

    /**
     * Who holds the lock.
     *
     * @return host, pid and start time of the holder
     */
    public String holder() {
        return holder;
    }

    /**
     * {@inheritDoc}
     *
     * @return {@link ErrorCategory#LOCKED}
     */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.LOCKED;
    }
}
