package io.cloudsync.provider.s3;

import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import java.util.List;
import java.util.Set;

/**
 * The {@code s3} provider: Amazon S3 and S3-compatible stores (MinIO, Ceph, R2, LocalStack...),
 * on the AWS SDK for Java v2. Files of a snapshot live at {@code <prefix>/<snapshot>/<path>}, the
 * engine's metadata objects (such as the manifest {@code manifests/<snapshot>.json}) at
 * {@code <prefix>/.cloudsync/<name>}. Credentials come from the vault
 * key {@code cloud_sync.s3}, a JSON object {@code {"access_key_id": ..., "secret_access_key": ...,
 * "session_token": ...}} ({@code session_token}, or its AWS CLI name {@code aws_session_token}, optional),
 * or, when the vault has none, from the SDK's default credential chain (environment, profile files, SSO, container and instance roles).
 * {@code docs/S3.md} describes every setting, the minimal IAM policy, integrity checks, multipart
 * resume and the error kinds.
 *
 * <p>Found by {@link java.util.ServiceLoader}; stateless and thread-safe. Constructing it and asking
 * for its description loads no SDK class and opens no connection.
 */
public final class S3ProviderFactory implements ProviderFactory {

    /** The bucket that holds the snapshots. Required. */
    public static final ConfigKey BUCKET = ConfigKey.required("bucket", "Bucket that holds the snapshots");
    /** Key prefix inside the bucket, without leading or trailing slash; empty by default. */
    public static final ConfigKey PREFIX = ConfigKey.optional("prefix", "Key prefix inside the bucket (default: none)");
    /** AWS region of the bucket; default from the SDK's region chain, or us-east-1 with {@code endpoint_url}. */
    public static final ConfigKey REGION = ConfigKey.optional("region",
            "Region of the bucket, such as eu-west-1 (default: AWS_REGION / profile; us-east-1 with endpoint_url)");
    /** Named profile of the AWS config and credentials files, used when the vault holds no keys. */
    public static final ConfigKey PROFILE = ConfigKey.optional("profile",
            "Named AWS profile for credentials and region when the vault has no keys");
    /** Endpoint of an S3-compatible store, such as {@code http://127.0.0.1:9000}; unset means AWS. */
    public static final ConfigKey ENDPOINT_URL = ConfigKey.optional("endpoint_url",
            "Endpoint of an S3-compatible store (MinIO, Ceph, R2, LocalStack); unset means AWS");
    /** Path-style addressing ({@code endpoint/bucket/key}); default true with {@code endpoint_url}, else false. */
    public static final ConfigKey PATH_STYLE = ConfigKey.optional("path_style",
            "true for endpoint/bucket/key URLs (default: true with endpoint_url, false on AWS)");
    /** Files of at least this many bytes go up in parts; default 64 MiB, at least 5 MiB. */
    public static final ConfigKey MULTIPART_THRESHOLD = ConfigKey.optional("multipart_threshold",
            "Files of at least this many bytes are uploaded in parts (default 67108864, at least 5242880)");
    /** Size of one part in bytes; default 16 MiB, at least 5 MiB, raised automatically above 10,000 parts. */
    public static final ConfigKey PART_SIZE = ConfigKey.optional("part_size",
            "Bytes per part of a multipart upload (default 16777216, at least 5242880)");
    /** How many parts are in flight at once, over all files; default 4. */
    public static final ConfigKey PARALLEL_PARTS = ConfigKey.optional("parallel_parts",
            "Parts uploaded at once, over all files (default 4)");
    /** Size of the HTTP connection pool; default 64. */
    public static final ConfigKey MAX_CONNECTIONS = ConfigKey.optional("max_connections",
            "HTTP connections kept to the store (default 64)");
    /** Whether a checksum accepted by the server counts as verified; set false for stores that ignore it. */
    public static final ConfigKey TRUST_SERVER_CHECKSUM = ConfigKey.optional("trust_server_checksum",
            "false for stores that do not check x-amz-checksum-sha256 (e.g. moto): uploads are then read back (default true)");
    /** Days after which an interrupted multipart upload that was never resumed is aborted; default 7. */
    public static final ConfigKey ABANDON_AFTER_DAYS = ConfigKey.optional("abandon_after_days",
            "Interrupted multipart uploads not resumed within this many days are aborted (default 7)");

    private static final List<ConfigKey> KEYS = List.of(BUCKET, PREFIX, REGION, PROFILE, ENDPOINT_URL, PATH_STYLE,
            MULTIPART_THRESHOLD, PART_SIZE, PARALLEL_PARTS, MAX_CONNECTIONS, TRUST_SERVER_CHECKSUM, ABANDON_AFTER_DAYS,
            ConfigKey.secret("access_key_id", "In the vault entry cloud_sync.s3 (JSON); else the SDK default chain", false),
            ConfigKey.secret("secret_access_key", "In the vault entry cloud_sync.s3 (JSON)", false),
            ConfigKey.secret("session_token", "In the vault entry cloud_sync.s3 (JSON), for temporary credentials", false),
            ConfigKey.secret("aws_session_token", "The AWS CLI's name of session_token, accepted alike", false));

    // Why each is declared, and what it rests on, is in docs/S3.md ("Capabilities").
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.SERVER_SHA256,
            Capability.CONDITIONAL_METADATA_PUT, Capability.RESUMABLE_UPLOAD, Capability.LISTING,
            Capability.SERVER_SIDE_COPY);

    /** Required by {@link java.util.ServiceLoader}. Cheap: no SDK classes, no network. */
    public S3ProviderFactory() {
    }

    @Override
    public String id() {
        return "s3";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "Amazon S3 and S3-compatible stores (MinIO, Ceph, R2, LocalStack)";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<ConfigKey> configKeys() {
        return KEYS;
    }

    @Override
    public Provider open(ProviderConfig config, Secrets secrets) {
        config.requireValid(KEYS);
        for (ConfigKey key : KEYS) {
            if (key.secret() && config.get(key.name()).isPresent()) {
                // a credential among plain settings would otherwise be ignored without a word
                throw new ProviderConfigurationException("service '" + config.service() + "': '" + key.name() + "' is a"
                        + " credential, read from the vault entry '" + secretsKey() + "' (a JSON object such as"
                        + " {\"access_key_id\": \"...\", \"secret_access_key\": \"...\", \"" + key.name() + "\": \"...\"}),"
                        + " never from the configuration or --set; store it with 'cloudsync vault set " + secretsKey()
                        + "', or leave the vault without it to use the AWS default credential chain (docs/S3.md)");
            }
        }
        return io.cloudsync.provider.s3.internal.S3Provider.open(config, secrets, secretsKey());
    }
}
