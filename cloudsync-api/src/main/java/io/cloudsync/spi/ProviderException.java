package io.cloudsync.spi;

import io.cloudsync.CloudSyncException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A provider operation failed. The {@link Kind} tells the engine what to do: retry
 * ({@link #retryable()}), stop the run ({@link Kind#QUOTA_EXCEEDED}, {@link Kind#AUTHENTICATION},
 * {@link Kind#CONFIGURATION}), or record the failure and go on. Providers never retry by themselves.
 */
public class ProviderException extends CloudSyncException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure happened. */
    public enum Kind {
        /** The remote asked to slow down (HTTP 429, S3 SlowDown, Drive rate limits). Retryable. */
        THROTTLED,
        /** The remote or the network is unavailable for now (5xx, timeouts, resets). Retryable. */
        UNAVAILABLE,
        /** Credentials are missing, wrong or lack permission. */
        AUTHENTICATION,
        /** The provider's settings are wrong (no such bucket or folder, bad endpoint). */
        CONFIGURATION,
        /** The remote path does not exist. */
        NOT_FOUND,
        /** A {@link MetadataPrecondition} did not hold: someone else changed the metadata object. */
        CONFLICT,
        /** Stored bytes do not match the expected SHA-256. */
        INTEGRITY,
        /** A quota (daily upload limit, storage full) is exhausted; the run stops and resumes later. */
        QUOTA_EXCEEDED,
        /** Any other failure that retrying will not fix. */
        PERMANENT
    }

    private final Kind kind;
    private final @Nullable String remotePath;
    private final @Nullable Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param kind what kind of failure
     * @param message what happened, to which path, how to fix it; never a secret or signed URL
     * @param remotePath the manifest path concerned, or {@code null}
     * @param cause the underlying failure, or {@code null}
     */
    public ProviderException(Kind kind, String message, @Nullable String remotePath, @Nullable Throwable cause) {
        this(kind, message, remotePath, null, cause);
    }

    /**
     * Creates the exception with a server-suggested delay before a retry.
     *
     * @param kind what kind of failure
     * @param message what happened, to which path, how to fix it; never a secret or signed URL
     * @param remotePath the manifest path concerned, or {@code null}
     * @param retryAfter how long the server asked to wait, or {@code null}
     * @param cause the underlying failure, or {@code null}
     */
    public ProviderException(
            Kind kind, String message, @Nullable String remotePath, @Nullable Duration retryAfter, @Nullable Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.remotePath = remotePath;
        this.retryAfter = retryAfter;
    }

    /**
     * Creates the exception without a path or cause.
     *
     * @param kind what kind of failure
     * @param message what happened and how to fix it
     */
    public ProviderException(Kind kind, String message) {
        this(kind, message, null, null, null);
    }

    /**
     * What kind of failure happened.
     *
     * @return never {@code null}
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Whether the engine may retry the operation.
     *
     * @return true only for {@link Kind#THROTTLED} and {@link Kind#UNAVAILABLE}
     */
    public boolean retryable() {
        return kind == Kind.THROTTLED || kind == Kind.UNAVAILABLE;
    }

    /**
     * Whether the run must stop rather than go on with other files.
     *
     * @return true for {@link Kind#AUTHENTICATION}, {@link Kind#CONFIGURATION} and {@link Kind#QUOTA_EXCEEDED}
     */
    public boolean stopsRun() {
        return kind == Kind.AUTHENTICATION || kind == Kind.CONFIGURATION || kind == Kind.QUOTA_EXCEEDED;
    }

    /**
     * The manifest path concerned.
     *
     * @return the path, or empty
     */
    public Optional<String> remotePath() {
        return Optional.ofNullable(remotePath);
    }

    /**
     * How long the server asked to wait before a retry.
     *
     * @return the delay, or empty
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * {@inheritDoc}
     *
     * @return after {@link #kind()}: {@link io.cloudsync.ErrorCategory#TRANSIENT} for throttling, unavailability
     *     and exhausted quotas, {@link io.cloudsync.ErrorCategory#FAILED} for {@link Kind#PERMANENT}, else the
     *     category of the same name ({@code AUTHENTICATION} is {@code AUTH})
     */
    @Override
    public io.cloudsync.ErrorCategory category() {
        return switch (kind) {
            case THROTTLED, UNAVAILABLE, QUOTA_EXCEEDED -> io.cloudsync.ErrorCategory.TRANSIENT;
            case AUTHENTICATION -> io.cloudsync.ErrorCategory.AUTH;
            case CONFIGURATION -> io.cloudsync.ErrorCategory.CONFIGURATION;
            case NOT_FOUND -> io.cloudsync.ErrorCategory.NOT_FOUND;
            case CONFLICT -> io.cloudsync.ErrorCategory.CONFLICT;
            case INTEGRITY -> io.cloudsync.ErrorCategory.INTEGRITY;
            case PERMANENT -> io.cloudsync.ErrorCategory.FAILED;
        };
    }
}
