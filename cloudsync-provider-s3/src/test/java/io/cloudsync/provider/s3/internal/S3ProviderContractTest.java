package io.cloudsync.provider.s3.internal;

import io.cloudsync.testkit.s3.EmbeddedS3Server;
import io.cloudsync.testkit.s3.S3Fixture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The S3 provider keeps the provider contract on S3Mock (R5 skipped: see S3Contracts.withoutConditionalWrites;
 * R1.11 skipped: see below). The assertions are the contract's own rules; this class only supplies the fixture.
 */
class S3ProviderContractTest extends S3Contracts.ProviderOn {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3MOCK);

    @Override
    S3Fixture s3() {
        return S3;
    }

    /**
     * S3Mock 5.2.3 replaces an object's file in place: a GET while a PUT of the same key runs is answered 500, and
     * now and then neither answers for a minute. AWS S3 (and S3Proxy, where R1.11 runs) replaces objects atomically.
     */
    @BeforeEach
    void skipTheRuleThisServerBreaks(TestInfo test) {
        Assumptions.assumeFalse(test.getTestMethod().map(m -> m.getName().startsWith("required_R1_11")).orElse(false),
                "S3Mock answers 500 (or stalls) when an object is read while it is replaced; R1.11 runs on S3Proxy");
    }
}
