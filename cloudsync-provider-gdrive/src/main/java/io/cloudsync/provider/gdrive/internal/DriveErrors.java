package io.cloudsync.provider.gdrive.internal;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.auth.Retryable;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;

/**
 * Turns what the Google client throws into {@link ProviderException}s with the right kind. The
 * client retries nothing but 401 by itself, so every rate limit, 5xx and network failure arrives
 * here once and becomes retryable for the engine. Messages never carry request URLs (a resumable
 * session URI is a credential) nor tokens.
 */
final class DriveErrors {

    private static final Set<String> RATE_LIMIT = Set.of("userRateLimitExceeded", "rateLimitExceeded",
            "sharingRateLimitExceeded", "backendError", "internalError");
    private static final Set<String> QUOTA = Set.of("uploadLimitExceeded", "dailyLimitExceeded", "quotaExceeded",
            "storageQuotaExceeded", "teamDriveFileLimitExceeded", "downloadQuotaExceeded", "dailyLimitExceededUnreg",
            "numChildrenInNonRootLimitExceeded");
    /** The daily upload cap (about 750 GB) arrives as a rate limit with this exact text (rclone keys on it too). */
    private static final String DAILY_CAP_MESSAGE = "User rate limit exceeded.";

    private DriveErrors() {
    }

    /**
     * Maps a failure of one operation.
     *
     * @param e what the client threw
     * @param action what was being done, for example {@code "upload"}
     * @param path the manifest path or remote name concerned, or {@code null}
     * @return the exception to throw
     */
    static ProviderException map(IOException e, String action, String path) {
        if (e instanceof GoogleJsonResponseException g) {
            GoogleJsonError details = g.getDetails();
            String reason = null;
            String message = null;
            if (details != null) {
                message = details.getMessage();
                if (details.getErrors() != null && !details.getErrors().isEmpty()) {
                    reason = details.getErrors().get(0).getReason();
                }
            }
            return fromStatus(g.getStatusCode(), reason, message, retryAfter(g.getHeaders()), action, path, e);
        }
        if (e instanceof HttpResponseException h) {
            return fromStatus(h.getStatusCode(), null, h.getStatusMessage(), retryAfter(h.getHeaders()), action, path, e);
        }
        if (e instanceof Retryable auth) {
            if (auth.isRetryable()) {
                return new ProviderException(Kind.UNAVAILABLE, "Google's token endpoint is unavailable while trying to "
                        + action + where(path) + "; retry later", path, e);
            }
            return new ProviderException(Kind.AUTHENTICATION, "Google refused the service account of the gdrive provider"
                    + " (token request failed: " + firstLine(e.getMessage()) + "); check the key in the vault entry"
                    + " 'cloud_sync.gdrive.credentials' (revoked or deleted keys fail here) and the 'scopes' setting",
                    path, null);
        }
        if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
            return new ProviderException(Kind.UNAVAILABLE, "interrupted while trying to " + action + where(path), path, e);
        }
        return new ProviderException(Kind.UNAVAILABLE, "network failure talking to Google Drive while trying to " + action
                + where(path) + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + firstLine(e.getMessage())),
                path, e);
    }

    /**
     * Maps an HTTP status with Drive's error reason.
     *
     * @param status the HTTP status
     * @param reason Drive's {@code errors[0].reason}, or {@code null}
     * @param message Drive's message, or {@code null}
     * @param retryAfter the server's Retry-After, or {@code null}
     * @param action what was being done
     * @param path the path concerned, or {@code null}
     * @param cause the cause to chain, or {@code null} (never one whose message holds a session URI)
     * @return the exception
     */
    static ProviderException fromStatus(int status, String reason, String message, Duration retryAfter, String action,
                                        String path, Throwable cause) {
        String detail = "HTTP " + status + (reason == null ? "" : " " + reason) + (message == null ? "" : ": " + firstLine(message));
        String what = action + where(path);
        if (status == 403 && "storageQuotaExceeded".equals(reason) && message != null
                && message.contains("Service Accounts do not have storage quota")) {
            return new ProviderException(Kind.CONFIGURATION, "Google Drive refused to " + what + " because service accounts"
                    + " have no storage of their own (" + detail + "); make 'parent_id' and 'manifest_parent_id' folders"
                    + " of a shared drive where the service account is a Content manager, or use domain-wide delegation"
                    + " with the 'subject' setting. See docs/GDRIVE.md", path, retryAfter, cause);
        }
        if ((status == 403 || status == 429) && (QUOTA.contains(reason)
                || ("userRateLimitExceeded".equals(reason) && DAILY_CAP_MESSAGE.equals(message)))) {
            return new ProviderException(Kind.QUOTA_EXCEEDED, "Google Drive quota exhausted while trying to " + what
                    + " (" + detail + "). The run stops here; interrupted uploads keep their resume state, so run the"
                    + " sync again once the quota resets (Drive's daily upload quota resets within 24 hours) or, for"
                    + " storage quota, free space in the shared drive", path, retryAfter, cause);
        }
        if (status == 429 || (status == 403 && RATE_LIMIT.contains(reason))) {
            return new ProviderException(Kind.THROTTLED, "Google Drive asked to slow down while trying to " + what
                    + " (" + detail + ")", path, retryAfter, cause);
        }
        if (status >= 500 || status == 408) {
            return new ProviderException(Kind.UNAVAILABLE, "Google Drive is unavailable while trying to " + what
                    + " (" + detail + ")", path, retryAfter, cause);
        }
        if (status == 401) {
            return new ProviderException(Kind.AUTHENTICATION, "Google Drive refused the credentials while trying to "
                    + what + " (" + detail + "); check the vault entry 'cloud_sync.gdrive.credentials'", path, null, cause);
        }
        if (status == 403) {
            return new ProviderException(Kind.AUTHENTICATION, "Google Drive denied permission to " + what + " (" + detail
                    + "); share the folders with the service account (Content manager on the shared drive) and check"
                    + " the 'scopes' setting (drive.file only sees files this app created)", path, null, cause);
        }
        if (status == 404) {
            return new ProviderException(Kind.NOT_FOUND, "Google Drive has no such file while trying to " + what
                    + " (" + detail + ")", path, null, cause);
        }
        return new ProviderException(Kind.PERMANENT, "Google Drive refused to " + what + " (" + detail + ")", path, null, cause);
    }

    private static Duration retryAfter(HttpHeaders headers) {
        if (headers == null || headers.getRetryAfter() == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(headers.getRetryAfter().trim());
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String where(String path) {
        return path == null ? "" : " '" + path + "'";
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
