package io.cloudsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.BackupException;
import io.cloudsync.CloudSyncException;
import io.cloudsync.ConfigurationException;
import io.cloudsync.ErrorCategory;
import io.cloudsync.FeatureDisabledException;
import io.cloudsync.LockHeldException;
import io.cloudsync.ManifestFormatException;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.ProviderNotFoundException;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import io.cloudsync.VaultException;
import io.cloudsync.spi.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exit code of a failure comes from its error category alone; docs/CLI.md's table holds. */
class ExitCodesTest {

    @Test
    void of_everyCategory_hasTheDocumentedCode() {
        Map<ErrorCategory, Integer> expected = new EnumMap<>(ErrorCategory.class);
        expected.put(ErrorCategory.CONFIGURATION, 2);
        expected.put(ErrorCategory.DISABLED, 2);
        expected.put(ErrorCategory.AUTH, 2);
        expected.put(ErrorCategory.NOT_FOUND, 1);
        expected.put(ErrorCategory.CONFLICT, 7);
        expected.put(ErrorCategory.LOCKED, 6);
        expected.put(ErrorCategory.LIMIT, 4);
        expected.put(ErrorCategory.DELETE_GUARD, 5);
        expected.put(ErrorCategory.PLAN_CHANGED, 8);
        expected.put(ErrorCategory.INTEGRITY, 1);
        expected.put(ErrorCategory.TRANSIENT, 1);
        expected.put(ErrorCategory.FAILED, 1);
        expected.put(ErrorCategory.INTERNAL, 1);
        assertThat(expected).hasSize(ErrorCategory.values().length);
        for (ErrorCategory c : ErrorCategory.values()) {
            assertThat(ExitCodes.of(c)).as(c.name()).isEqualTo(expected.get(c));
        }
    }

    /** The codes each failure had before the categories existed, kept (docs/CLI.md, "Exit codes"). */
    @Test
    void exitCodeOf_failures_keepTheirCodes() {
        assertThat(Cli.exitCodeOf(new PlanRefusedException(PlanRefusedException.Reason.LIMIT, null, "x"))).isEqualTo(4);
        assertThat(Cli.exitCodeOf(new PlanRefusedException(PlanRefusedException.Reason.DELETE_GUARD, null, "x"))).isEqualTo(5);
        assertThat(Cli.exitCodeOf(new LockHeldException("h", "x"))).isEqualTo(6);
        assertThat(Cli.exitCodeOf(new ConfigurationException("x"))).isEqualTo(2);
        assertThat(Cli.exitCodeOf(new ProviderNotFoundException("x"))).isEqualTo(2);
        assertThat(Cli.exitCodeOf(new FeatureDisabledException("f", "x"))).isEqualTo(2);
        assertThat(Cli.exitCodeOf(new IllegalArgumentException("x"))).isEqualTo(2);
        assertThat(Cli.exitCodeOf(new picocli.CommandLine.ParameterException(new picocli.CommandLine(new Dummy()), "x")))
                .isEqualTo(2);
        assertThat(Cli.exitCodeOf(new VaultException(VaultException.Reason.NO_PASSPHRASE, "x"))).isEqualTo(2);
        assertThat(Cli.exitCodeOf(new VaultException(VaultException.Reason.WRONG_PASSPHRASE, "x"))).isEqualTo(2);
        assertThat(Cli.exitCodeOf(new VaultException(VaultException.Reason.UNKNOWN_FORMAT, "x"))).isEqualTo(2);
        assertThat(Cli.exitCodeOf(new VaultException(VaultException.Reason.DAMAGED, "x"))).isEqualTo(1);
        assertThat(Cli.exitCodeOf(new VaultException(VaultException.Reason.IO, "x"))).isEqualTo(1);
        for (ProviderException.Kind kind : ProviderException.Kind.values()) {
            int code = kind == ProviderException.Kind.CONFIGURATION || kind == ProviderException.Kind.AUTHENTICATION ? 2
                    : kind == ProviderException.Kind.CONFLICT ? 7 : 1;
            assertThat(Cli.exitCodeOf(new ProviderException(kind, "x"))).as(kind.name()).isEqualTo(code);
        }
        assertThat(Cli.exitCodeOf(new ManifestFormatException("x"))).isEqualTo(1);
        assertThat(Cli.exitCodeOf(new BackupException(BackupException.Reason.NOT_FOUND, "x"))).isEqualTo(1);
        assertThat(Cli.exitCodeOf(new BackupException(BackupException.Reason.REJECTED, "x"))).isEqualTo(1);
        assertThat(Cli.exitCodeOf(new BackupException(BackupException.Reason.CHANGED, "x"))).isEqualTo(7);
        assertThat(Cli.exitCodeOf(new BackupException(BackupException.Reason.INVALID_ARGUMENT, "x"))).isEqualTo(2);
        assertThat(Cli.exitCodeOf(new CloudSyncException("x"))).isEqualTo(1);
        assertThat(Cli.exitCodeOf(new UncheckedIOException(new IOException("x")))).isEqualTo(1);
        assertThat(Cli.exitCodeOf(new IllegalStateException("x"))).isEqualTo(1);
    }

    /** A run whose manifest write another run's commit refused ends 7, whatever its status; other failures keep theirs. */
    @Test
    void codeOf_aRunWhoseManifestWriteConflicted_is7() {
        SyncError conflict = new SyncError(SyncAction.MANIFEST, "nightly", SyncError.Kind.CONFLICT, "another run wrote it first");
        SyncError upload = new SyncError(SyncAction.UPLOAD, "a.txt", SyncError.Kind.PERMANENT, "refused");
        SyncError manifestUnavailable = new SyncError(SyncAction.MANIFEST, "nightly", SyncError.Kind.UNAVAILABLE, "down");

        assertThat(SyncCommand.codeOf(summary(SyncStatus.FAILED, List.of(conflict)))).isEqualTo(7);
        assertThat(SyncCommand.codeOf(summary(SyncStatus.PARTIAL, List.of(upload, conflict)))).isEqualTo(7);
        assertThat(SyncCommand.codeOf(summary(SyncStatus.PARTIAL, List.of(upload)))).isEqualTo(3);
        assertThat(SyncCommand.codeOf(summary(SyncStatus.FAILED, List.of(manifestUnavailable)))).isEqualTo(1);
        assertThat(SyncCommand.codeOf(summary(SyncStatus.SUCCESS, List.of()))).isEqualTo(0);
    }

    private static SyncSummary summary(SyncStatus status, List<SyncError> errors) {
        return new SyncSummary(status, 0, 0, 0, errors.size(), 0, Duration.ZERO, errors);
    }

    @picocli.CommandLine.Command(name = "dummy")
    static final class Dummy {
    }
}
