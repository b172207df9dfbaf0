package io.cloudsync.provider.s3.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.spi.Secrets;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Builds the one S3 client (and connection pool) of a provider instance. */
final class S3Clients {

    private S3Clients() {
    }

    /** Where the credentials come from, for the open log line; never the values. */
    record Credentials(AwsCredentialsProvider provider, String source) {
    }

    static Credentials credentials(S3Settings settings, Secrets secrets, String secretsKey) {
        Optional<Secret> secret = secrets.get(secretsKey);
        if (secret.isPresent()) {
            return new Credentials(StaticCredentialsProvider.create(parse(secret.get(), secretsKey)), "vault:" + secretsKey);
        }
        DefaultCredentialsProvider.Builder chain = DefaultCredentialsProvider.builder();
        if (settings.profile() != null) {
            chain.profileName(settings.profile());
        }
        return new Credentials(chain.build(), settings.profile() == null ? "default-chain" : "default-chain:profile=" + settings.profile());
    }

    /** The vault entry's fields; {@code aws_session_token} is the AWS CLI's name of {@code session_token}. */
    static final List<String> FIELDS = List.of("access_key_id", "secret_access_key", "session_token", "aws_session_token");

    static software.amazon.awssdk.auth.credentials.AwsCredentials parse(Secret secret, String key) {
        String howTo = "; store it with 'cloudsync vault set " + key + "' as {\"access_key_id\": \"...\", "
                + "\"secret_access_key\": \"...\", \"session_token\": \"...\" (optional; also \"aws_session_token\")}";
        JsonNode node;
        try {
            node = Json.mapper().readTree(secret.revealString());
        } catch (IOException e) {
            // neither the parser's message nor the cause: both may quote the secret
            throw new ProviderConfigurationException("secret '" + key + "' is not a JSON object" + howTo);
        }
        if (node == null || !node.isObject()) {
            throw new ProviderConfigurationException("secret '" + key + "' is not a JSON object" + howTo);
        }
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new ProviderConfigurationException("secret '" + key + "' has unknown field \"" + field + "\"" + howTo);
            }
        }
        String id = field(node, "access_key_id", key, howTo, true);
        String secretKey = field(node, "secret_access_key", key, howTo, true);
        String token = field(node, "session_token", key, howTo, false);
        String awsToken = field(node, "aws_session_token", key, howTo, false);
        if (token != null && awsToken != null && !token.equals(awsToken)) {
            throw new ProviderConfigurationException("secret '" + key + "' has both \"session_token\" and \"aws_session_token\""
                    + " with different values; they are two names of one field, so keep one" + howTo);
        }
        token = token != null ? token : awsToken;
        return token == null ? AwsBasicCredentials.create(id, secretKey) : AwsSessionCredentials.create(id, secretKey, token);
    }

    private static String field(JsonNode node, String field, String key, String howTo, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ProviderConfigurationException("secret '" + key + "' has no \"" + field + "\"" + howTo);
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new ProviderConfigurationException("secret '" + key + "' field \"" + field + "\" must be a non-empty string" + howTo);
        }
        return v.asText();
    }

    static S3Client build(S3Settings settings, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        SignerLogs.redact();
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                // the engine owns retries; a second layer here would multiply attempts and hide throttling
                .retryStrategy(AwsRetryStrategy.doNotRetry());
        interceptors.forEach(override::addExecutionInterceptor);
        if (settings.profile() != null) {
            override.defaultProfileName(settings.profile());
        }
        S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // not the SDK's Apache or URLConnection client: both print the Authorization and
                // x-amz-security-token headers once a host turns their loggers up (see QuietHttpClient)
                .httpClientBuilder(QuietHttpClient.builder()
                        .maxConnections(settings.maxConnections())
                        .connectTimeout(Duration.ofSeconds(10))
                        .readTimeout(Duration.ofSeconds(60))
                        .connectionAcquisitionTimeout(Duration.ofMinutes(10)))
                // Over plain HTTP the SDK signs every upload's payload, by default as aws-chunked: a
                // signature per 128 KiB chunk, each one computed here and checked by the store. One
                // signature over the whole body (its SHA-256, read in a pass of its own from the
                // resettable file stream) costs both sides a quarter to a third less CPU on small files
                // (docs/BENCHMARKS.md). Over HTTPS the payload is not signed either way.
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .overrideConfiguration(override.build());
        if (settings.region() != null) {
            builder.region(Region.of(settings.region()));
        }
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        try {
            return builder.build();
        } catch (SdkClientException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("region")) {
                throw new ProviderConfigurationException("service '" + settings.service() + "': no AWS region found; set"
                        + " 'region' (such as eu-west-1), AWS_REGION, or a region in the AWS profile", e);
            }
            throw new ProviderConfigurationException("service '" + settings.service() + "': cannot create the S3 client: "
                    + e.getMessage(), e);
        }
    }
}
