package io.cloudsync.provider.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.ManifestEntry;
import io.cloudsync.testkit.s3.EmbeddedS3Server;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.ChecksumMode;

/** The provider against Adobe S3Mock, which returns and verifies checksums but ignores credentials. */
class S3ProviderOnS3MockTest extends S3ProviderTestBase {

    @RegisterExtension
    static final EmbeddedS3Server S3 = EmbeddedS3Server.create(EmbeddedS3Server.Backend.S3MOCK);

    @Override
    EmbeddedS3Server server() {
        return S3;
    }

    @Test
    void upload_smallFile_storeKeepsTheSha256ItVerified() throws IOException {
        S3Provider p = open();
        Path f = file("a.bin", 70_000, 21);
        ManifestEntry e = entry("a.bin", f);

        p.upload("snap", e, f);

        assertThat(raw.headObject(b -> b.bucket(S3.bucket()).key(key("snap", "a.bin")).checksumMode(ChecksumMode.ENABLED))
                .checksumSHA256()).isEqualTo(S3Provider.base64(e.sha256()));
    }
}
