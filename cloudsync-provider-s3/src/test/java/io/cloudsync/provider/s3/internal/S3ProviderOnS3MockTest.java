package io.cloudsync.provider.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.UploadReceipt;
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

    @Test
    void copy_smallFile_isVerifiedByTheSha256TheStoreComputedOverTheCopy() throws IOException {
        S3Provider p = open();
        Path f = file("a.bin", 70_000, 22);
        ManifestEntry e = entry("a.bin", f);
        p.upload("snap", e, f);

        UploadReceipt receipt = p.copy("snap", "a.bin", new ManifestEntry("b.bin", e.size(), MTIME, e.sha256()));

        assertThat(receipt.serverVerified()).isTrue();
        assertThat(receipt.sha256()).contains(e.sha256());
    }

    @Test
    void copy_whenTheSourceDoesNotHaveTheTargetsSha256_isIntegrityAndTheCopyIsDeleted() throws IOException {
        S3Provider p = open();
        Path f = file("a.bin", 70_000, 23);
        ManifestEntry e = entry("a.bin", f);
        p.upload("snap", e, f);
        ManifestEntry lie = new ManifestEntry("b.bin", e.size(), MTIME, Digests.EMPTY_SHA256);

        assertThatThrownBy(() -> p.copy("snap", "a.bin", lie)).isInstanceOfSatisfying(ProviderException.class, ex -> {
            assertThat(ex.kind()).isEqualTo(ProviderException.Kind.INTEGRITY);
            assertThat(ex.remotePath()).contains("b.bin");
        });
        assertThat(exists(key("snap", "b.bin"))).isFalse();
        assertThat(exists(key("snap", "a.bin"))).isTrue();
    }
}
