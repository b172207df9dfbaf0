package io.cloudsync;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.spi.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every exception names its category once; these tables pin them. */
class ErrorCategoryTest {

    @Test
    void of_eachCloudSyncException_isItsOwnCategory() {
        assertThat(ErrorCategory.of(new ConfigurationException("x"))).isEqualTo(ErrorCategory.CONFIGURATION);
        assertThat(ErrorCategory.of(new ProviderNotFoundException("x"))).isEqualTo(ErrorCategory.CONFIGURATION);
        assertThat(ErrorCategory.of(new ProviderConfigurationException("x"))).isEqualTo(ErrorCategory.CONFIGURATION);
        assertThat(ErrorCategory.of(new FeatureDisabledException("f", "x"))).isEqualTo(ErrorCategory.DISABLED);
        assertThat(ErrorCategory.of(new LockHeldException("h", "x"))).isEqualTo(ErrorCategory.LOCKED);
        assertThat(ErrorCategory.of(new ManifestFormatException("x"))).isEqualTo(ErrorCategory.INTEGRITY);
        assertThat(ErrorCategory.of(new PlanRefusedException(PlanRefusedException.Reason.LIMIT, null, "x")))
                .isEqualTo(ErrorCategory.LIMIT);
        assertThat(ErrorCategory.of(new PlanRefusedException(PlanRefusedException.Reason.DELETE_GUARD, null, "x")))
                .isEqualTo(ErrorCategory.DELETE_GUARD);
        assertThat(ErrorCategory.of(new CloudSyncException("x"))).isEqualTo(ErrorCategory.FAILED);
    }

    @Test
    void of_otherThrowables_areConfigurationFailedOrInternal() {
        assertThat(ErrorCategory.of(new IllegalArgumentException("x"))).isEqualTo(ErrorCategory.CONFIGURATION);
        assertThat(ErrorCategory.of(new IOException("x"))).isEqualTo(ErrorCategory.FAILED);
        assertThat(ErrorCategory.of(new UncheckedIOException(new IOException("x")))).isEqualTo(ErrorCategory.FAILED);
        assertThat(ErrorCategory.of(new NullPointerException())).isEqualTo(ErrorCategory.INTERNAL);
        assertThat(ErrorCategory.of(new IllegalStateException("x"))).isEqualTo(ErrorCategory.INTERNAL);
    }

    @Test
    void vaultReasons_mapToAuthConfigurationIntegrityOrFailed() {
        Map<VaultException.Reason, ErrorCategory> expected = new EnumMap<>(VaultException.Reason.class);
        expected.put(VaultException.Reason.NO_PASSPHRASE, ErrorCategory.AUTH);
        expected.put(VaultException.Reason.WRONG_PASSPHRASE, ErrorCategory.AUTH);
        expected.put(VaultException.Reason.UNKNOWN_FORMAT, ErrorCategory.CONFIGURATION);
        expected.put(VaultException.Reason.DAMAGED, ErrorCategory.INTEGRITY);
        expected.put(VaultException.Reason.NEWER_VERSION, ErrorCategory.FAILED);
        expected.put(VaultException.Reason.IO, ErrorCategory.FAILED);
        assertThat(expected).hasSize(VaultException.Reason.values().length);
        expected.forEach((reason, category) ->
                assertThat(new VaultException(reason, "x").category()).as(reason.name()).isEqualTo(category));
    }

    @Test
    void backupReasons_mapToTheirCategories() {
        Map<BackupException.Reason, ErrorCategory> expected = new EnumMap<>(BackupException.Reason.class);
        expected.put(BackupException.Reason.NOT_FOUND, ErrorCategory.NOT_FOUND);
        expected.put(BackupException.Reason.INVALID_ARGUMENT, ErrorCategory.CONFIGURATION);
        expected.put(BackupException.Reason.REJECTED, ErrorCategory.INTEGRITY);
        expected.put(BackupException.Reason.CHANGED, ErrorCategory.CONFLICT);
        expected.put(BackupException.Reason.TARGET, ErrorCategory.FAILED);
        expected.put(BackupException.Reason.IO, ErrorCategory.FAILED);
        assertThat(expected).hasSize(BackupException.Reason.values().length);
        expected.forEach((reason, category) -> {
            BackupException e = new BackupException(reason, "x");
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(ErrorCategory.of(e)).as(reason.name()).isEqualTo(category);
        });
    }

    @Test
    void providerKinds_andSyncErrorKindsOfTheSameName_shareTheirCategory() {
        Map<ProviderException.Kind, ErrorCategory> expected = new EnumMap<>(ProviderException.Kind.class);
        expected.put(ProviderException.Kind.THROTTLED, ErrorCategory.TRANSIENT);
        expected.put(ProviderException.Kind.UNAVAILABLE, ErrorCategory.TRANSIENT);
        expected.put(ProviderException.Kind.QUOTA_EXCEEDED, ErrorCategory.TRANSIENT);
        expected.put(ProviderException.Kind.AUTHENTICATION, ErrorCategory.AUTH);
        expected.put(ProviderException.Kind.CONFIGURATION, ErrorCategory.CONFIGURATION);
        expected.put(ProviderException.Kind.NOT_FOUND, ErrorCategory.NOT_FOUND);
        expected.put(ProviderException.Kind.CONFLICT, ErrorCategory.CONFLICT);
        expected.put(ProviderException.Kind.INTEGRITY, ErrorCategory.INTEGRITY);
        expected.put(ProviderException.Kind.PERMANENT, ErrorCategory.FAILED);
        assertThat(expected).hasSize(ProviderException.Kind.values().length);
        expected.forEach((kind, category) -> {
            assertThat(new ProviderException(kind, "x").category()).as(kind.name()).isEqualTo(category);
            assertThat(SyncError.Kind.valueOf(kind.name()).category()).as("SyncError.Kind." + kind).isEqualTo(category);
        });
        assertThat(SyncError.Kind.NOT_ATTEMPTED.category()).isEqualTo(ErrorCategory.FAILED);
        assertThat(SyncError.Kind.LOCAL_IO.category()).isEqualTo(ErrorCategory.FAILED);
        assertThat(SyncError.Kind.INTERNAL.category()).isEqualTo(ErrorCategory.INTERNAL);
    }

    @Test
    void jsonNames_areLowerCase() {
        assertThat(ErrorCategory.DELETE_GUARD.jsonName()).isEqualTo("delete_guard");
        assertThat(SyncError.Kind.QUOTA_EXCEEDED.jsonName()).isEqualTo("quota_exceeded");
        assertThat(BackupException.Reason.INVALID_ARGUMENT.jsonName()).isEqualTo("invalid_argument");
    }

    @Test
    void syncError_rejectsAMissingKind() {
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> new SyncError(SyncAction.UPLOAD, "a.txt", null, "m"))
                .withMessage("kind");
    }
}
