package io.cloudsync.provider.s3.internal;

import io.cloudsync.provider.s3.S3ProviderFactory;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.ContractSettings;
import io.cloudsync.testkit.ProviderContract;
import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.testkit.TransientFault;
import io.cloudsync.testkit.UploadInterruption;
import io.cloudsync.testkit.s3.S3Fixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The testkit's contracts run on the S3 provider against every fixture: S3Mock (returns and verifies
 * checksums), S3Proxy (checks SigV4 signatures but echoes no checksums) and, when Docker is there,
 * LocalStack, so that no server's gaps hide a bug. The engine-level sync contract over the same
 * fixtures runs in {@code cloudsync-integration-tests} ({@code io.cloudsync.it.s3}), which may use core.
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

    /** Provider state folders go under the module's {@code target/}, so that {@code mvn clean} removes them. */
    static Path stateRoot() {
        try {
            return Files.createDirectories(Path.of("target", "contract-state"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The S3 factory without {@link Capability#CONDITIONAL_METADATA_PUT}, for the contract run on S3Mock.
     * It checks If-Match / If-None-Match one request at a time (the provider's own tests show a stale
     * precondition refused with 412), but does not decide racing conditional writes atomically: R5.03
     * saw two of four racing writers succeed under load. AWS S3 does decide atomically, and so does the
     * testkit's S3Proxy fixture (it locks each key for its writes). Keeping the capability on S3Mock would
     * make R5.03 a coin toss, so the R5 rules are skipped there and every other rule runs.
     */
    static ProviderFactory withoutConditionalWrites() {
        S3ProviderFactory s3 = new S3ProviderFactory();
        return new ProviderFactory() {
            @Override
            public String id() {
                return s3.id();
            }

            @Override
            public int spiVersion() {
                return s3.spiVersion();
            }

            @Override
            public Set<Capability> capabilities() {
                Set<Capability> c = EnumSet.copyOf(s3.capabilities());
                c.remove(Capability.CONDITIONAL_METADATA_PUT);
                return c;
            }

            @Override
            public List<ConfigKey> configKeys() {
                return s3.configKeys();
            }

            @Override
            public Provider open(ProviderConfig config, Secrets secrets) {
                return s3.open(config, secrets);
            }
        };
    }

    /**
     * The provider contract over one S3 fixture. Subclasses register the fixture and return it; the
     * assertions are the contract's own rules in {@link ProviderContract}.
     */
    abstract static class ProviderOn extends ProviderContract {

        abstract S3Fixture s3();

        /** Whether the fixture decides racing conditional writes atomically, so R5 can run on it. */
        boolean atomicConditionalWrites() {
            return false;
        }

        @Override
        protected ProviderUnderTest subject() {
            return new ProviderUnderTest() {
                @Override
                public ProviderFactory factory() {
                    return atomicConditionalWrites() ? new S3ProviderFactory() : withoutConditionalWrites();
                }

                @Override
                public ProviderConfig freshRemote(TestInfo test) {
                    return remote(s3(), stateRoot());
                }

                @Override
                public Secrets secrets() {
                    return s3().credentials();
                }

                @Override
                public ContractSettings settings() {
                    return S3Contracts.settings();
                }

                @Override
                public Optional<UploadInterruption> uploadInterruption() {
                    return Optional.of(interruption());
                }

                @Override
                public Optional<TransientFault> transientFault() {
                    return s3().failsRequests() ? Optional.of(config -> s3().failNextRequest()) : Optional.empty();
                }

                @Override
                public Optional<Secrets> refusedSecrets() {
                    // only a fixture that checks signatures can refuse a wrong secret key
                    return s3().checksSignatures()
                            ? Optional.of(S3Fixture.credentials(s3().accessKeyId(), s3().secretAccessKey() + "-wrong"))
                            : Optional.empty();
                }
            };
        }
    }
}
