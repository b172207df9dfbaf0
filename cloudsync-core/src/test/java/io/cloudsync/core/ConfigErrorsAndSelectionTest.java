package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ConfigurationException;
import io.cloudsync.FeatureDisabledException;
import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.testkit.FaultInjectingProvider;
import io.cloudsync.testkit.FaultInjectingProvider.Operation;
import io.cloudsync.testkit.InMemoryProviderFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dry run refuses a broken configuration instead of planning from the cache; pull and verify take
 * the request's settings and include paths; the limits of a request gate a plan.
 */
class ConfigErrorsAndSelectionTest {

    @TempDir
    Path tmp;
    Path root;
    Path remote;

    @BeforeEach
    void setUp() {
        root = tmp.resolve("project");
        remote = tmp.resolve("remote");
        Trees.write(root, "a.txt", "alpha");
        Trees.write(root, "docs/b.txt", "bravo");
        Trees.write(root, "docs/deep/c.txt", "charlie");
    }

    private CloudSyncConfig.Builder config() {
        return CloudSyncConfig.builder().enable("local", "failing")
                .engine(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build())
                .service("local", Map.of("directory", remote.toString()));
    }

    private CloudSync cloudSync(CloudSyncConfig.Builder config, ProviderException.Kind failure) {
        return CloudSync.builder().root(root)
                .config(config.service("failing", Map.of("store", "config-errors-" + UUID.randomUUID())).build())
                .provider(failing(failure)).build();
    }

    private CloudSync cloudSync() {
        return CloudSync.builder().root(root).config(config().build()).build();
    }

    @Test
    void dryRun_misspeltSetting_throwsInsteadOfPlanningFromTheCache() {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build()); // a cache the fallback could use

        assertThatThrownBy(() -> cs.dryRun(SyncRequest.builder("local", "nightly")
                .serviceConfig(Map.of("directroy", "/elsewhere")).build()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("unknown setting(s) [directroy]");
    }

    @Test
    void dryRun_missingRequiredSetting_throws() {
        CloudSync cs = CloudSync.builder().root(root).config(CloudSyncConfig.builder().enable("local")
                .service("local", Map.of()).build()).build();

        assertThatThrownBy(() -> cs.dryRun(SyncRequest.builder("local", "nightly").build()))
                .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("missing required setting(s) [directory]");
    }

    @Test
    void dryRun_misspeltRequiredSetting_namesTheMissingAndTheUnknownKey() {
        CloudSync cs = CloudSync.builder().root(root).config(CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directroy", remote.toString())).build()).build();

        assertThatThrownBy(() -> cs.dryRun(SyncRequest.builder("local", "nightly").build()))
                .isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("missing required setting(s) [directory] and has unknown setting(s) [directroy]");
    }

    @Test
    void dryRun_remoteSaysTheSettingsAreWrong_throws() {
        CloudSync cs = cloudSync(config(), ProviderException.Kind.CONFIGURATION);

        assertThatThrownBy(() -> cs.dryRun(SyncRequest.builder("failing", "nightly").build()))
                .isInstanceOf(ProviderException.class).hasMessageContaining("injected CONFIGURATION fault in GET_METADATA");
    }

    @Test
    void dryRun_remoteUnavailableOrCredentialsRefused_plansAgainstAnEmptyRemoteAndSaysSo() {
        for (ProviderException.Kind kind : List.of(ProviderException.Kind.UNAVAILABLE, ProviderException.Kind.AUTHENTICATION)) {
            SyncResult r = cloudSync(config(), kind).dryRun(SyncRequest.builder("failing", "nightly").build());

            assertThat(r.planSource()).as(kind.name()).isEqualTo(PlanSource.NONE);
            assertThat(r.planSourceNote()).as(kind.name()).contains("could not be read", kind.name());
            assertThat(r.plan().uploads()).hasSize(3);
        }
    }

    @Test
    void everyOperation_unknownService_throwsListingTheConfiguredOnesBeforeAnyFlag() {
        CloudSync flagOn = CloudSync.builder().root(root).config(config().enable("s4").build()).build();
        CloudSync flagOff = cloudSync();

        for (CloudSync cs : List.of(flagOn, flagOff)) {
            SyncRequest s4 = SyncRequest.builder("s4", "nightly").build();
            for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call : List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                    () -> cs.dryRun(s4), () -> cs.run(s4), () -> cs.pull(s4, tmp.resolve("r"), false), () -> cs.verify(s4, 10))) {
                assertThatThrownBy(call).isInstanceOf(ConfigurationException.class).isNotInstanceOf(FeatureDisabledException.class)
                        .hasMessageContaining("unknown service \"s4\"").hasMessageContaining("configures [local]")
                        .hasMessageNotContaining("features");
            }
        }
    }

    @Test
    void dryRun_firstPartyServiceWithoutSectionOrJar_isNotUnknown() {
        CloudSync cs = CloudSync.builder().root(root).config(config().enable("gdrive").build()).providers(Providers.of()).build();

        SyncResult r = cs.dryRun(SyncRequest.builder("gdrive", "nightly").build());

        assertThat(r.planSource()).isEqualTo(PlanSource.NONE);
        assertThat(r.planSourceNote()).contains("no provider \"gdrive\"");
    }

    @Test
    void requireWithinLimits_namesEveryLimitExceededAndByHowMuch() {
        CloudSync cs = cloudSync();
        Plan plan = cs.dryRun(SyncRequest.builder("local", "nightly").build()).plan();

        assertThatThrownBy(() -> Planner.requireWithinLimits(SyncRequest.builder("local", "nightly").maxUploads(2)
                .maxBytes(10).build(), plan, "nightly"))
                .isInstanceOfSatisfying(PlanRefusedException.class, e -> assertThat(e.reason()).isEqualTo(PlanRefusedException.Reason.LIMIT))
                .hasMessageContaining("uploads 3 files, more than the limit of 2 (1 over; --max-uploads")
                .hasMessageContaining("uploads 17 bytes, more than the limit of 10 (7 bytes over; --max-bytes")
                .hasMessageNotContaining("--max-deletes");
        assertThatThrownBy(() -> Planner.requireWithinLimits(SyncRequest.builder("local", "nightly").maxUploads(0).build(),
                new Plan(plan.id(), plan.localChecksum(), plan.remoteChecksum(), plan.uploads().subList(0, 1), List.of(),
                        List.of()), "nightly"))
                .hasMessageContaining("uploads 1 file, more than the limit of 0");
        Planner.requireWithinLimits(SyncRequest.builder("local", "nightly").maxUploads(3).maxBytes(17).build(), plan, "nightly");
    }

    @Test
    void pullAndVerify_withIncludePaths_touchOnlyThoseFiles() throws Exception {
        CloudSync cs = cloudSync();
        cs.run(SyncRequest.builder("local", "nightly").build());
        Trees.write(remote, "nightly/a.txt", "ALPHA"); // damaged, outside docs

        PullResult pulled = cs.pull(SyncRequest.builder("local", "nightly").include(List.of("docs/deep", "./a.txt")).build(),
                tmp.resolve("restore"), false);
        // a.txt is selected but fails its sha256 check; docs/b.txt is outside the selection
        assertThat(Trees.read(tmp.resolve("restore")).keySet()).containsExactly("docs/deep/c.txt");
        assertThat(pulled.status()).isEqualTo(SyncStatus.PARTIAL);
        assertThat(pulled.errors()).extracting(io.cloudsync.SyncError::path).containsExactly("a.txt");
        assertThat(pulled.manifest().entries()).extracting(e -> e.path()).containsExactly("a.txt", "docs/deep/c.txt");

        VerifyResult docs = cs.verify(SyncRequest.builder("local", "nightly").include(List.of("docs/")).build(), 100);
        assertThat(docs.ok()).isTrue();
        assertThat(docs.manifest().entries()).extracting(e -> e.path()).containsExactly("docs/b.txt", "docs/deep/c.txt");
        VerifyResult a = cs.verify(SyncRequest.builder("local", "nightly").include(List.of("a.txt")).build(), 100);
        assertThat(a.ok()).isFalse();

        assertThatThrownBy(() -> cs.verify(SyncRequest.builder("local", "nightly").include(List.of("doc")).build(), 100))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no file at or under that path");
        assertThatThrownBy(() -> cs.pull(SyncRequest.builder("local", "nightly").include(List.of("../x")).build(),
                tmp.resolve("r2"), false)).isInstanceOf(ConfigurationException.class).hasMessageContaining("\"../x\"");
    }

    @Test
    void pullAndVerify_takeTheRequestsSettings() {
        CloudSync cs = cloudSync();
        Path other = tmp.resolve("other");
        cs.run(SyncRequest.builder("local", "nightly").serviceConfig(Map.of("directory", other.toString())).build());

        SyncRequest there = SyncRequest.builder("local", "nightly").serviceConfig(Map.of("directory", other.toString())).build();
        assertThat(cs.pull(there, tmp.resolve("restore"), false).written()).isEqualTo(3);
        assertThat(cs.verify(there, 100).ok()).isTrue();
        assertThatThrownBy(() -> cs.verify(SyncRequest.builder("local", "nightly").build(), 100))
                .hasMessageContaining("no manifest for snapshot");
    }

    /** The kit's memory provider, whose every metadata read (so the manifest's) fails with one kind of {@link ProviderException}. */
    private static ProviderFactory failing(ProviderException.Kind kind) {
        return new TestProviders.WrappedFactory("failing", new InMemoryProviderFactory(), null,
                p -> FaultInjectingProvider.wrap(p).fail(Operation.GET_METADATA, null, kind, Integer.MAX_VALUE).build());
    }
}
