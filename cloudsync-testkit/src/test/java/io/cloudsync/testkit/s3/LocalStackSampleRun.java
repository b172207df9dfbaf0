package io.cloudsync.testkit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A class on the LocalStack fixture; run only through EngineTestKit by {@link LocalStackS3Test}. */
public class LocalStackSampleRun {

    @RegisterExtension
    static final LocalStackS3 S3 = LocalStackS3.create();

    @Test
    void bucket_isThere() {
        assertThat(S3.bucket()).startsWith("cloudsync-localstacksamplerun-");
    }
}
