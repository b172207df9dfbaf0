package io.cloudsync;

import java.util.Locale;
import java.util.Objects;

/**
 * One failed operation of a run. Failures are data in {@link SyncSummary#errors()}, not exceptions.
 *
 * @param action what was attempted; never {@code null}
 * @param path the manifest path it concerned (the snapshot name for {@link SyncAction#MANIFEST})
 * @param kind what kind of failure it was; never {@code null}
 * @param message what went wrong and how to fix it, without secrets and without the kind; never {@code null}
 */
public record SyncError(SyncAction action, String path, Kind kind, String message) {

    /**
     * What kind of failure an operation met: the provider's ({@code io.cloudsync.spi.ProviderException.Kind},
     * under the same names) or the engine's own.
     */
    public enum Kind {
        /** The remote asked to slow down, and retries did not get through. */
        THROTTLED,
        /** The remote or the network was unavailable, and retries did not get through. */
        UNAVAILABLE,
        /** Credentials are missing, wrong or lack permission. */
        AUTHENTICATION,
        /** The provider's settings are wrong (no such bucket or folder, bad endpoint). */
        CONFIGURATION,
        /** The remote path does not exist. */
        NOT_FOUND,
        /** A precondition did not hold: someone else changed the manifest. */
        CONFLICT,
        /** Stored or received bytes do not match the expected sha256. */
        INTEGRITY,
        /** A quota (daily upload limit, storage full) is exhausted. */
        QUOTA_EXCEEDED,
        /** Any other provider failure that retrying will not fix. */
        PERMANENT,
        /** Engine: not attempted, because the run stopped after an earlier error. */
        NOT_ATTEMPTED,
        /** Engine: a local file or folder could not be read or written. */
        LOCAL_IO,
        /** Engine: the provider or the engine failed unexpectedly (a bug to report). */
        INTERNAL;

        /**
         * The lower-case name used in JSON output.
         *
         * @return such as {@code "not_found"}
         */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The category of errors of this kind, as exceptions of the same kind would have.
         *
         * @return never {@code null}
         */
        public ErrorCategory category() {
            return switch (this) {
                case THROTTLED, UNAVAILABLE, QUOTA_EXCEEDED -> ErrorCategory.TRANSIENT;
                case AUTHENTICATION -> ErrorCategory.AUTH;
                case CONFIGURATION -> ErrorCategory.CONFIGURATION;
                case NOT_FOUND -> ErrorCategory.NOT_FOUND;
                case CONFLICT -> ErrorCategory.CONFLICT;
                case INTEGRITY -> ErrorCategory.INTEGRITY;
                case PERMANENT, NOT_ATTEMPTED, LOCAL_IO -> ErrorCategory.FAILED;
                case INTERNAL -> ErrorCategory.INTERNAL;
            };
        }
    }

    /**
     * Checks that no component is {@code null}.
     *
     * @param action see the record component
     * @param path see the record component
     * @param kind see the record component
     * @param message see the record component
     */
    public SyncError {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }
}
