package io.cloudsync.core.internal.engine;

import io.cloudsync.SyncError;
import io.cloudsync.spi.ProviderException;

/** The one mapping from a provider's failure kind to the kind a {@link SyncError} records. */
public final class SyncErrors {

    private SyncErrors() {
    }

    /**
     * The sync error kind of the same name as a provider exception's kind.
     *
     * @param kind the provider's kind
     * @return never {@code null}
     */
    public static SyncError.Kind kindOf(ProviderException.Kind kind) {
        return switch (kind) {
            case THROTTLED -> SyncError.Kind.THROTTLED;
            case UNAVAILABLE -> SyncError.Kind.UNAVAILABLE;
            case AUTHENTICATION -> SyncError.Kind.AUTHENTICATION;
            case CONFIGURATION -> SyncError.Kind.CONFIGURATION;
            case NOT_FOUND -> SyncError.Kind.NOT_FOUND;
            case CONFLICT -> SyncError.Kind.CONFLICT;
            case INTEGRITY -> SyncError.Kind.INTEGRITY;
            case QUOTA_EXCEEDED -> SyncError.Kind.QUOTA_EXCEEDED;
            case PERMANENT -> SyncError.Kind.PERMANENT;
        };
    }

    /**
     * A failed operation from a provider exception: its kind, and its message as it is.
     *
     * @param action the operation
     * @param path the path it concerned
     * @param e the failure
     * @return the error
     */
    public static SyncError of(io.cloudsync.SyncAction action, String path, ProviderException e) {
        return new SyncError(action, path, kindOf(e.kind()), String.valueOf(e.getMessage()));
    }
}
