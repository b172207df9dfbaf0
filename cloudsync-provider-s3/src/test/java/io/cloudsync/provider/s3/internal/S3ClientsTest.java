package io.cloudsync.provider.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.Secret;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

class S3ClientsTest {

    @Test
    void parse_takesTheSessionTokenUnderEitherName() {
        for (String field : new String[] {"session_token", "aws_session_token"}) {
            AwsCredentials c = S3Clients.parse(Secret.of("{\"access_key_id\":\"a\",\"secret_access_key\":\"b\",\""
                    + field + "\":\"tok\"}"), "cloud_sync.s3");

            assertThat(c).isInstanceOf(AwsSessionCredentials.class);
            assertThat(((AwsSessionCredentials) c).sessionToken()).isEqualTo("tok");
        }
    }

    @Test
    void parse_withoutAToken_givesBasicCredentials() {
        AwsCredentials c = S3Clients.parse(Secret.of("{\"access_key_id\":\"a\",\"secret_access_key\":\"b\"}"), "cloud_sync.s3");

        assertThat(c).isNotInstanceOf(AwsSessionCredentials.class);
        assertThat(c.accessKeyId()).isEqualTo("a");
    }
}
