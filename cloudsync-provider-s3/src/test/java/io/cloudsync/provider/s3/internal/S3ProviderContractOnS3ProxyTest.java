package io.cloudsync.provider.s3.internal;

import io.cloudsync.testkit.s3.EmbeddedS3Server;
import io.cloudsync.testkit.s3.S3Fixture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The S3 provider keeps the provider contract on S3Proxy, which checks SigV4 signatures and, in the
 * testkit's fixture, decides racing conditional writes atomically, so the R5 rules run (R7.04 skipped: see
 * below). The assertions are the contract's own
 * rules; this class only supplies the fixture.
 */
class S3ProviderContractOnS3ProxyTest extends S3Contracts.ProviderOn {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3PROXY);

    @Override
    S3Fixture s3() {
        return S3;
    }

    /** The fixture locks each key for its writes and checks the precondition inside the lock, as AWS S3 decides. */
    @Override
    boolean atomicConditionalWrites() {
        return true;
    }

    /**
     * S3Proxy's in-memory store writes each object under a temporary name ({@code key-<uuid>}) and lists
     * it while the upload runs, which AWS S3 never does; R7.04 checks exactly that a listing shows no such
     * file, so on this fixture it fails now and then for the server's sake. It runs on S3Mock (and on
     * LocalStack when Docker is there).
     */
    @BeforeEach
    void skipTheListingRuleThisServerBreaks(TestInfo test) {
        Assumptions.assumeFalse(test.getTestMethod().map(m -> m.getName().startsWith("optional_R7_04")).orElse(false),
                "S3Proxy lists its own in-flight temporary objects (key-<uuid>) while an upload runs; R7.04 runs on S3Mock");
    }
}
