package io.cloudsync.provider.s3.internal;

import io.cloudsync.provider.s3.S3ProviderFactory;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.ContractSettings;
import io.cloudsync.testkit.ProviderContract;
import io.cloudsync.testkit.UploadInterruption;
import io.cloudsync.testkit.s3.LocalStackS3;
import java.util.Optional;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The S3 provider keeps the whole provider contract on LocalStack; skipped when no Docker engine is reachable. */
class S3ProviderContractOnLocalStackTest extends ProviderContract {

    @RegisterExtension
    static final LocalStackS3 S3 = LocalStackS3.create();

    @Override
    protected ProviderFactory factory() {
        return new S3ProviderFactory();
    }

    @Override
    protected ProviderConfig freshRemote(TestInfo test) {
        return S3Contracts.remote(S3, S3Contracts.stateRoot());
    }

    @Override
    protected Secrets secrets() {
        return S3.credentials();
    }

    @Override
    protected ContractSettings settings() {
        return S3Contracts.settings();
    }

    @Override
    protected Optional<UploadInterruption> uploadInterruption() {
        return Optional.of(S3Contracts.interruption());
    }
}
