package io.cloudsync.provider.s3.internal;

import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.testkit.ContractSettings;
import io.cloudsync.testkit.UploadInterruption;
import io.cloudsync.testkit.s3.S3Fixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The testkit's contracts run on the S3 provider against every fixture: S3Mock (returns and verifies
 * checksums), S3Proxy (checks SigV4 signatures but echoes no checksums) and, when Docker is there,
 * LocalStack, so that no server's gaps hide a bug.
 */
final class S3Contracts {

    static final long MIB = 1024 * 1024;

    private S3Contracts() {
    }

    static ProviderConfig remote(S3Fixture s3, Path stateRoot) {
        try {
            return ProviderConfig.builder().service("s3")
                    .put("bucket", s3.bucket())
                    .put("prefix", "contract/" + UUID.randomUUID())
                    .put("endpoint_url", s3.endpoint().toString())
                    .put("multipart_threshold", String.valueOf(5 * MIB))
                    .put("part_size", String.valueOf(5 * MIB))
                    .stateDirectory(Files.createTempDirectory(stateRoot, "state-"))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ContractSettings settings() {
        return ContractSettings.defaults().withMultipartThresholdBytes(5 * MIB).withLargeFileBytes(11 * MIB + 17);
    }

    /** Uploads die once enough parts have gone out, as if the process had been killed there. */
    static UploadInterruption interruption() {
        return (config, secrets, afterBytes) -> S3Provider.open(config, secrets, S3Fixture.SECRETS_KEY,
                List.of(Recorder.failingAfter(UploadPartRequest.class, (int) Math.max(1, afterBytes / (5 * MIB)))),
                Clock.systemUTC());
    }

    static Path stateRoot() {
        try {
            return Files.createTempDirectory("cloudsync-s3-contract-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
