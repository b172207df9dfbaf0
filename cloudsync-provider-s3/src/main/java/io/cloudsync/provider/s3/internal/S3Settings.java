package io.cloudsync.provider.s3.internal;

import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.spi.ProviderConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The validated plain settings of one {@code s3} remote. Every error names the key, never a secret.
 *
 * @param service the configured service name, for messages
 * @param bucket the bucket
 * @param prefix key prefix without leading or trailing slash, possibly empty
 * @param region the region, or {@code null} to let the SDK resolve it
 * @param profile the AWS profile name, or {@code null}
 * @param endpoint the endpoint override, or {@code null} for AWS
 * @param pathStyle whether to use path-style URLs
 * @param multipartThreshold files of at least this size go up in parts
 * @param partSize bytes per part (before the 10,000-part adjustment)
 * @param parallelParts parts in flight at once, over all files
 * @param maxConnections HTTP connection pool size
 * @param trustServerChecksum whether an accepted {@code x-amz-checksum-sha256} counts as verified
 * @param abandonAfter age after which an unresumed multipart upload is aborted
 * @param stateDirectory where multipart resume records live, or {@code null} when the host gave none
 */
record S3Settings(String service, String bucket, String prefix, String region, String profile, URI endpoint,
        boolean pathStyle, long multipartThreshold, long partSize, int parallelParts, int maxConnections,
        boolean trustServerChecksum, Duration abandonAfter, Path stateDirectory) {

    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
    static final int MAX_PARTS = 10_000;

    static S3Settings from(ProviderConfig config) {
        String service = config.service();
        String bucket = config.require("bucket").trim();
        if (!bucket.matches("[a-zA-Z0-9._-]{3,255}")) {
            throw bad(service, "bucket", "must be a bucket name (3-255 letters, digits, '.', '_' or '-'), was \""
                    + bucket + '"');
        }
        String prefix = normalisePrefix(service, config.get("prefix").orElse(""));
        String region = config.get("region").map(String::trim).filter(r -> !r.isEmpty()).orElse(null);
        if (region != null && !region.matches("[a-z0-9-]+")) {
            throw bad(service, "region", "must be a region name such as eu-west-1, was \"" + region + '"');
        }
        String profile = config.get("profile").map(String::trim).filter(p -> !p.isEmpty()).orElse(null);
        URI endpoint = config.get("endpoint_url").map(String::trim).filter(e -> !e.isEmpty())
                .map(e -> parseEndpoint(service, e)).orElse(null);
        if (endpoint != null && region == null) {
            region = "us-east-1"; // S3-compatible stores accept any region in the signature
        }
        boolean pathStyle = config.getBoolean("path_style", endpoint != null);
        long partSize = config.getLong("part_size", 16L * 1024 * 1024, MIN_PART_SIZE);
        if (partSize > MAX_PART_SIZE) {
            throw bad(service, "part_size", "must be at most " + MAX_PART_SIZE + " (5 GiB, the S3 limit), was " + partSize);
        }
        long threshold = config.getLong("multipart_threshold", 64L * 1024 * 1024, MIN_PART_SIZE);
        int parallelParts = (int) Math.min(64, config.getLong("parallel_parts", 4, 1));
        int maxConnections = (int) Math.min(1024, config.getLong("max_connections", 64, 1));
        boolean trust = config.getBoolean("trust_server_checksum", true);
        Duration abandonAfter = Duration.ofDays(config.getLong("abandon_after_days", 7, 1));
        Path state = config.stateDirectory().orElse(null);
        return new S3Settings(service, bucket, prefix, region, profile, endpoint, pathStyle, threshold, partSize,
                parallelParts, maxConnections, trust, abandonAfter, state);
    }

    Optional<Path> stateDir() {
        return Optional.ofNullable(stateDirectory);
    }

    private static String normalisePrefix(String service, String raw) {
        String p = raw.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return "";
        }
        for (String segment : p.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw bad(service, "prefix", "must not contain empty, '.' or '..' segments, was \"" + raw + '"');
            }
        }
        if (p.indexOf('\\') >= 0 || p.chars().anyMatch(c -> c < 0x20)) {
            throw bad(service, "prefix", "must not contain backslashes or control characters, was \"" + raw + '"');
        }
        return p;
    }

    private static URI parseEndpoint(String service, String raw) {
        try {
            URI uri = new URI(raw);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getUserInfo() == null
                    && uri.getQuery() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        // no echo of the value: a URL can carry user:password
        throw bad(service, "endpoint_url", "must be an http:// or https:// URL with a host and no user name, query or"
                + " password, such as http://127.0.0.1:9000");
    }

    private static ProviderConfigurationException bad(String service, String key, String problem) {
        return new ProviderConfigurationException("setting '" + key + "' of service '" + service + "' " + problem);
    }
}
