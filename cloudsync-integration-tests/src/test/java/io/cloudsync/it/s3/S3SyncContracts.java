package io.cloudsync.it.s3;

import io.cloudsync.provider.s3.S3ProviderFactory;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.testkit.s3.S3Fixture;
import io.cloudsync.testkit.sync.SyncContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.TestInfo;

/**
 * The engine-level runs of the S3 provider, through its public factory only. {@link #remote} and
 * {@link #stateRoot} repeat the few lines of the provider module's own {@code S3Contracts} (a test class
 * there, package-private in the provider's internal package), so that the engine and the provider's
 * contract see remotes of the same shape.
 */
final class S3SyncContracts {

    static final long MIB = 1024 * 1024;

    private S3SyncContracts() {
    }

    /** A fresh prefix on the fixture's bucket, multipart from 5 MiB, with its own state folder. */
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

    /** Provider state folders go under the module's {@code target/}, so that {@code mvn clean} removes them. */
    static Path stateRoot() {
        try {
            return Files.createDirectories(Path.of("target", "contract-state"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The sync contract (the real engine) over one S3 fixture; the assertions are the contract's own
     * rules in {@link SyncContract}.
     */
    abstract static class SyncOn extends SyncContract {

        abstract S3Fixture s3();

        @Override
        protected ProviderUnderTest subject() {
            return new ProviderUnderTest() {
                @Override
                public ProviderFactory factory() {
                    return new S3ProviderFactory();
                }

                @Override
                public ProviderConfig freshRemote(TestInfo test) {
                    return remote(s3(), stateRoot());
                }

                @Override
                public Secrets secrets() {
                    return s3().credentials();
                }
            };
        }
    }
}
