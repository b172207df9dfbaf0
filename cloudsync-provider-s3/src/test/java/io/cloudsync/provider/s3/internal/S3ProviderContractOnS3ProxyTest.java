package io.cloudsync.provider.s3.internal;

import io.cloudsync.testkit.s3.EmbeddedS3Server;
import io.cloudsync.testkit.s3.S3Fixture;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The S3 provider keeps the provider contract on S3Proxy, which checks SigV4 signatures and, in the
 * testkit's fixture, decides racing conditional writes atomically (so the R5 rules run), lists no object
 * before its upload completes (so R7.04 runs) and fails a request on demand (so R9.06 runs). The assertions
 * are the contract's own rules; this class only supplies the fixture.
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
}
