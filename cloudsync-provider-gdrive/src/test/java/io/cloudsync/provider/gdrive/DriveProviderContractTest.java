package io.cloudsync.provider.gdrive;

import io.cloudsync.Secret;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.ContractSettings;
import io.cloudsync.testkit.ProviderContract;
import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.testkit.TransientFault;
import io.cloudsync.testkit.UploadInterruption;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Drive provider keeps the whole provider contract against the Drive v3-compatible fake. The assertions are the contract's own rules; this class supplies the fixture. */
class DriveProviderContractTest extends ProviderContract {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    @TempDir
    static Path states;

    private DriveFixture fixture;
    private Secrets refused;

    @AfterEach
    void resetFaults() {
        DRIVE.resetFaults();
    }

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                return new GoogleDriveProviderFactory();
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                fixture = new DriveFixture(DRIVE);
                try {
                    return fixture.config(Files.createTempDirectory(states, "state-")).build();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public Secrets secrets() {
                return fixture.secrets();
            }

            @Override
            public Optional<TransientFault> transientFault() {
                return Optional.of(config -> DRIVE.failNextCalls(1, 503, "global", "backendError", "Backend Error"));
            }

            @Override
            public Optional<Secrets> refusedSecrets() {
                // a well-formed key of an account the server does not know: the token endpoint answers invalid_grant
                if (refused == null) {
                    String unknown = DRIVE.newServiceAccountJson("refused-" + UUID.randomUUID() + "@test.iam.gserviceaccount.com")
                            .replace("@test.iam.gserviceaccount.com", "@unknown.iam.gserviceaccount.com");
                    refused = Secrets.of(Map.of("cloud_sync.gdrive.credentials", Secret.of(unknown)));
                }
                return Optional.of(refused);
            }

            @Override
            public ContractSettings settings() {
                return ContractSettings.defaults().withMultipartThresholdBytes(DriveFixture.CHUNK)
                        .withLargeFileBytes(3L * DriveFixture.CHUNK + 1234).withListingReportsSha256(true);
            }

            @Override
            public Optional<UploadInterruption> uploadInterruption() {
                return Optional.of(new UploadInterruption() {
                    @Override
                    public Provider openDyingAfter(ProviderConfig config, Secrets secrets, long afterBytes) {
                        int passing = (int) Math.max(1, afterBytes / DriveFixture.CHUNK);
                        DRIVE.failChunksAfter(passing, 1);
                        return new GoogleDriveProviderFactory().open(config, secrets);
                    }

                    @Override
                    public long bytesReceivedByRemote() {
                        return DRIVE.uploadBytesReceived();
                    }
                });
            }
        };
    }
}
