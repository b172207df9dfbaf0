package io.cloudsync.provider.gdrive.internal;

import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.RetryPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Drive provider's validated settings.
 *
 * @param service the configured service name, for messages
 * @param parentId folder holding {@code <snapshot>/<path>}
 * @param manifestParentId folder holding {@code <snapshot>.json}
 * @param scopes OAuth scopes requested for the service account
 * @param rootUrl API root, ending in {@code /}
 * @param supportsAllDrives whether calls carry {@code supportsAllDrives=true}
 * @param chunkSize resumable chunk size; files larger than this are uploaded in resumable sessions
 * @param pacerIntervalMillis least time between two calls
 * @param subject user to impersonate with domain-wide delegation, or {@code null}
 * @param stateDirectory where resumable sessions are kept, or {@code null}
 * @param retryDelayScale factor on the delays of {@link #RETRY_POLICY}, from 0 to 1; below 1 only in tests
 */
public record DriveSettings(String service, String parentId, String manifestParentId, List<String> scopes, String rootUrl,
                            boolean supportsAllDrives, int chunkSize, long pacerIntervalMillis, String subject,
                            Path stateDirectory, double retryDelayScale) {

    /**
     * The retry budget Drive's usage-limit guidance asks for: truncated exponential backoff from
     * about 1 s up to the 32-64 s cap, with jitter. Eight attempts: the first retry comes after 1-2 s,
     * then 2-4 s, 4-8 s, …, up to 32-64 s; in all the engine waits at least 95 s (at most 190 s)
     * before it gives an operation up, so a storm of 429s or a short outage costs time, not files.
     */
    public static final RetryPolicy RETRY_POLICY = new RetryPolicy(8, Duration.ofSeconds(2), Duration.ofSeconds(64));

    /** Scope used unless {@code scopes} says otherwise: files this app created or was given. */
    public static final String DEFAULT_SCOPE = "https://www.googleapis.com/auth/drive.file";
    /** Google's API root. */
    public static final String DEFAULT_ROOT_URL = "https://www.googleapis.com/";
    /** Chunks must be multiples of this (Drive's rule). */
    public static final int CHUNK_GRANULARITY = 256 * 1024;
    /** Default chunk size: 8 MiB, as rclone uses. */
    public static final int DEFAULT_CHUNK_SIZE = 32 * CHUNK_GRANULARITY;
    /** Default spacing between calls: 100 ms, about 10 calls a second. */
    public static final long DEFAULT_PACER_INTERVAL_MILLIS = 100;

    /**
     * Reads and validates the settings.
     *
     * @param config the provider configuration
     * @return the settings
     * @throws ProviderConfigurationException naming the bad setting
     */
    public static DriveSettings from(ProviderConfig config) {
        String service = config.service();
        String parentId = config.require("parent_id").trim();
        String manifestParentId = config.require("manifest_parent_id").trim();
        List<String> scopes = Arrays.stream(config.get("scopes").orElse(DEFAULT_SCOPE).split("[,\\s]+"))
                .filter(s -> !s.isBlank()).toList();
        if (scopes.isEmpty()) {
            throw new ProviderConfigurationException("setting 'scopes' of service '" + service
                    + "' is empty; leave it out for " + DEFAULT_SCOPE + " or list scopes separated by commas");
        }
        String rootUrl = config.get("root_url").orElse(DEFAULT_ROOT_URL).trim();
        URI root;
        try {
            root = URI.create(rootUrl);
        } catch (IllegalArgumentException e) {
            root = null;
        }
        if (root == null || root.getHost() == null || !("http".equals(root.getScheme()) || "https".equals(root.getScheme()))
                || root.getRawUserInfo() != null || root.getRawQuery() != null) {
            throw new ProviderConfigurationException("setting 'root_url' of service '" + service
                    + "' must be an http(s) URL such as " + DEFAULT_ROOT_URL + ", was \"" + rootUrl + '"');
        }
        if (!rootUrl.endsWith("/")) {
            rootUrl = rootUrl + "/";
        }
        long chunk = config.getLong("chunk_size", DEFAULT_CHUNK_SIZE, CHUNK_GRANULARITY);
        if (chunk % CHUNK_GRANULARITY != 0 || chunk > 1024L * 1024 * 1024) {
            throw new ProviderConfigurationException("setting 'chunk_size' of service '" + service
                    + "' must be a multiple of 262144 (256 KiB) up to 1 GiB, was " + chunk);
        }
        long pacer = config.getLong("pacer_interval_ms", DEFAULT_PACER_INTERVAL_MILLIS, 0);
        String subject = config.get("subject").map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        double scale = retryDelayScale(config, service);
        return new DriveSettings(service, parentId, manifestParentId, scopes, rootUrl,
                config.getBoolean("supports_all_drives", true), (int) chunk, pacer, subject,
                config.stateDirectory().orElse(null), scale);
    }

    private static double retryDelayScale(ProviderConfig config, String service) {
        String raw = config.get("retry_delay_scale").map(String::trim).orElse("1");
        double scale;
        try {
            scale = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            scale = Double.NaN;
        }
        if (!(scale >= 0 && scale <= 1)) {
            throw new ProviderConfigurationException("setting 'retry_delay_scale' of service '" + service
                    + "' must be a number from 0 to 1 (1, the default, is Google's backoff; lower values are for"
                    + " tests against a fake), was \"" + raw + '"');
        }
        return scale;
    }

    /**
     * The retry budget the engine applies to this provider's operations: {@link #RETRY_POLICY}, its
     * delays multiplied by {@code retry_delay_scale}.
     *
     * @return the policy
     */
    public RetryPolicy retryPolicy() {
        if (retryDelayScale == 1) {
            return RETRY_POLICY;
        }
        return new RetryPolicy(RETRY_POLICY.attempts(), scaled(RETRY_POLICY.initialDelay()), scaled(RETRY_POLICY.maxDelay()));
    }

    private Duration scaled(Duration d) {
        return Duration.ofMillis(Math.round(d.toMillis() * retryDelayScale));
    }

    /**
     * Where resumable sessions are kept.
     *
     * @return the folder, or empty when the host gave no state folder
     */
    public Optional<Path> state() {
        return Optional.ofNullable(stateDirectory);
    }

    /**
     * The resumable upload endpoint. The Java client builds it host-absolute (any path of the root
     * URL is dropped), and so does this provider.
     *
     * @return for example {@code https://www.googleapis.com/upload/drive/v3/files}
     */
    public String uploadEndpoint() {
        URI root = URI.create(rootUrl);
        return root.getScheme() + "://" + root.getRawAuthority() + "/upload/drive/v3/files";
    }
}
