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
import io.cloudsync.testkit.UploadInterruption;
import io.cloudsync.testkit.s3.EmbeddedS3Server;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The S3 provider keeps the whole provider contract on S3Proxy. */
class S3ProviderContractOnS3ProxyTest extends ProviderContract {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    /**
     * The S3 factory without {@link Capability#CONDITIONAL_MANIFEST_WRITE}, so the R5 rules are skipped on
     * this server only: S3Proxy 4.1.0 checks If-Match and stores the object in two steps, so two racing
     * conditional writes can both succeed there (seen in this contract), while AWS S3 and S3Mock decide
     * atomically. The S3Mock run keeps every R5 rule. Everything else runs here unchanged, with SigV4
     * signatures checked.
     */
    @Override
    protected ProviderFactory factory() {
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
                c.remove(Capability.CONDITIONAL_MANIFEST_WRITE);
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
