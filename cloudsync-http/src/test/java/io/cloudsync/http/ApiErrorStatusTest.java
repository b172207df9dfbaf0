package io.cloudsync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.BackupException;
import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.ErrorCategory;
import io.cloudsync.FeatureDisabledException;
import io.cloudsync.LockHeldException;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.VaultException;
import io.cloudsync.spi.ProviderException;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP status of a failure comes from its category alone, in one table. */
class ApiErrorStatusTest {

    @Test
    void statusOf_everyCategory_hasTheDocumentedStatus() {
        Map<ErrorCategory, Integer> expected = new EnumMap<>(ErrorCategory.class);
        expected.put(ErrorCategory.CONFIGURATION, 400);
        expected.put(ErrorCategory.DISABLED, 403);
        expected.put(ErrorCategory.AUTH, 500);
        expected.put(ErrorCategory.NOT_FOUND, 404);
        expected.put(ErrorCategory.CONFLICT, 409);
        expected.put(ErrorCategory.LOCKED, 409);
        expected.put(ErrorCategory.LIMIT, 422);
        expected.put(ErrorCategory.DELETE_GUARD, 422);
        expected.put(ErrorCategory.PLAN_CHANGED, 409);
        expected.put(ErrorCategory.INTEGRITY, 422);
        expected.put(ErrorCategory.TRANSIENT, 503);
        expected.put(ErrorCategory.FAILED, 500);
        expected.put(ErrorCategory.INTERNAL, 500);
        assertThat(expected).hasSize(ErrorCategory.values().length);
        for (ErrorCategory c : ErrorCategory.values()) {
            assertThat(ApiResponse.statusOf(c)).as(c.name()).isEqualTo(expected.get(c));
        }
    }

    @Test
    void error_aMissingArchive_is404ByItsReason_whateverTheMessageSays() {
        ApiResponse missing = ApiResponse.error(new BackupException(BackupException.Reason.NOT_FOUND, "gone"));
        assertThat(missing.status()).isEqualTo(404);
        // the old route answered 404 when the message contained "does not exist": no longer
        ApiResponse damaged = ApiResponse.error(new BackupException(BackupException.Reason.REJECTED,
                "backup archive x.zip is rejected: entry \"a\" does not exist in the manifest"));
        assertThat(damaged.status()).isEqualTo(422);
        assertThat(damaged.body().path("category").asText()).isEqualTo("integrity");
        assertThat(damaged.body().path("reason").asText()).isEqualTo("rejected");
    }

    @Test
    void error_bodyNamesMessageStatusCategoryAndType() {
        JsonNode body = ApiResponse.error(new LockHeldException("pid 7", "another run holds the lock")).body();
        assertThat(body.path("error").asText()).isEqualTo("another run holds the lock");
        assertThat(body.path("status").asInt()).isEqualTo(409);
        assertThat(body.path("category").asText()).isEqualTo("locked");
        assertThat(body.path("type").asText()).isEqualTo("lock_held");
        assertThat(body.has("message")).isFalse();
    }

    @Test
    void error_eachKindOfFailure_getsTheStatusOfItsCategory() {
        assertThat(ApiResponse.error(new ConfigurationException("bad")).status()).isEqualTo(400);
        assertThat(ApiResponse.error(new IllegalArgumentException("bad")).status()).isEqualTo(400);
        assertThat(ApiResponse.error(new FeatureDisabledException("enable_cloud_sync_s3", "enable_cloud_sync_s3 is false")).status()).isEqualTo(403);
        assertThat(ApiResponse.error(new PlanRefusedException(PlanRefusedException.Reason.DELETE_GUARD, null, "guard"))
                .body().path("reason").asText()).isEqualTo("delete_guard");
        assertThat(ApiResponse.error(new ProviderException(ProviderException.Kind.THROTTLED, "slow down")).status())
                .isEqualTo(503);
        assertThat(ApiResponse.error(new ProviderException(ProviderException.Kind.NOT_FOUND, "no object")).status())
                .isEqualTo(404);
        assertThat(ApiResponse.error(new ManifestFormatException("bad manifest")).status()).isEqualTo(422);
        assertThat(ApiResponse.error(new VaultException(VaultException.Reason.IO, "cannot read")).status()).isEqualTo(500);
        assertThat(ApiResponse.error(new CloudSyncException("failed")).status()).isEqualTo(500);
        assertThat(ApiResponse.error(new BackupException(BackupException.Reason.INVALID_ARGUMENT, "maxBackups")).status())
                .isEqualTo(400);
        assertThat(ApiResponse.error(new BackupException(BackupException.Reason.CHANGED, "changed")).status()).isEqualTo(409);
    }
}
