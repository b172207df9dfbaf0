package io.cloudsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.FaultInjectingProvider.Operation;
import io.cloudsync.testkit.FaultInjectingProvider.SimulatedCrash;
import io.cloudsync.testkit.internal.ContractFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultInjectingProviderTest {

    @TempDir
    Path dir;

    private final String store = "faults-" + UUID.randomUUID();

    @AfterEach
    void drop() {
        InMemoryProviderFactory.dropStore(store);
    }

    private Provider memory() {
        return new InMemoryProviderFactory().open(InMemoryProviderFactory.config(store), Secrets.none());
    }

    private ManifestEntry file(String path, int size) {
        return ContractFiles.entry(path, ContractFiles.random(dir.resolve(path.replace('/', '_')), size, 1, path));
    }

    private Path local(String path) {
        return dir.resolve(path.replace('/', '_'));
    }

    @Test
    void fail_firstCallsFailRetryably_thenSucceed() {
        FaultInjectingProvider p = FaultInjectingProvider.wrap(memory()).fail(Operation.UPLOAD, "a.bin", Kind.UNAVAILABLE, 2).build();
        ManifestEntry a = file("a.bin", 10);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> p.upload("s", a, local("a.bin")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("injected UNAVAILABLE fault in UPLOAD of s/a.bin");
        }
        assertThat(p.upload("s", a, local("a.bin")).size()).isEqualTo(10);
        assertThat(p.injected()).hasSize(2);
    }

    @Test
    void fail_otherPathsAreUntouched() {
        FaultInjectingProvider p = FaultInjectingProvider.wrap(memory()).fail(Operation.UPLOAD, "a.bin", Kind.PERMANENT, 1).build();
        ManifestEntry b = file("b.bin", 5);

        assertThat(p.upload("s", b, local("b.bin")).path()).isEqualTo("b.bin");
        assertThat(p.injected()).isEmpty();
    }

    @Test
    void failAfter_theOperationHappensButTheCallerSeesAFailure() {
        FaultInjectingProvider p = FaultInjectingProvider.wrap(memory()).failAfter(Operation.UPLOAD, null, Kind.UNAVAILABLE, 1).build();
        ManifestEntry a = file("a.bin", 10);

        assertThatThrownBy(() -> p.upload("s", a, local("a.bin"))).isInstanceOf(ProviderException.class)
                .hasMessageContaining("after the operation completed");
        p.download("s", "a.bin", dir.resolve("copy"));
        assertThat(dir.resolve("copy")).hasSameBinaryContentAs(local("a.bin"));
    }

    @Test
    void tear_crashesHalfwayLeavesNothingAndKillsTheProcess() {
        FaultInjectingProvider p = FaultInjectingProvider.wrap(memory()).tear("big.bin").build();
        ManifestEntry big = file("big.bin", 100_000);

        assertThatThrownBy(() -> p.upload("s", big, local("big.bin"))).isInstanceOf(SimulatedCrash.class);
        assertThat(p.crashed()).isTrue();
        assertThatThrownBy(() -> p.getMetadata("manifests/s.json")).isInstanceOf(SimulatedCrash.class).hasMessageContaining("dead");
        assertThatThrownBy(() -> memory().download("s", "big.bin", dir.resolve("x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }

    @Test
    void crashAfter_theMetadataPutLandsButTheProcessDies() {
        FaultInjectingProvider p = FaultInjectingProvider.wrap(memory()).crashAfter(Operation.PUT_METADATA, null).build();
        byte[] manifest = "{\"format\":1}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> p.putMetadata("manifests/s.json", manifest, MetadataPrecondition.none()))
                .isInstanceOf(SimulatedCrash.class).hasMessageContaining("PUT_METADATA of metadata manifests/s.json");
        assertThat(memory().getMetadata("manifests/s.json")).hasValueSatisfying(o -> assertThat(o.bytes()).isEqualTo(manifest));
        assertThatThrownBy(() -> p.listMetadata("")).isInstanceOf(SimulatedCrash.class);
    }

    @Test
    void fail_metadataOperationsByName_reachTheDelegateOnlyWhenNotFailed() {
        FaultInjectingProvider p = FaultInjectingProvider.wrap(memory())
                .fail(Operation.PUT_METADATA, "manifests/s.json", Kind.UNAVAILABLE, 1)
                .fail(Operation.GET_METADATA, null, Kind.THROTTLED, 1)
                .fail(Operation.DELETE_METADATA, "leases/s", Kind.PERMANENT, 1)
                .fail(Operation.LIST_METADATA, "manifests/", Kind.UNAVAILABLE, 1)
                .build();
        byte[] bytes = {1, 2, 3};

        assertThatThrownBy(() -> p.putMetadata("manifests/s.json", bytes, MetadataPrecondition.ifAbsent()))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessageContaining("injected UNAVAILABLE fault in PUT_METADATA of metadata manifests/s.json");
        assertThat(memory().getMetadata("manifests/s.json")).isEmpty();
        String version = p.putMetadata("manifests/s.json", bytes, MetadataPrecondition.ifAbsent());
        p.putMetadata("leases/s", bytes, MetadataPrecondition.none());
        assertThatThrownBy(() -> p.getMetadata("manifests/s.json"))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.THROTTLED));
        assertThat(p.getMetadata("manifests/s.json")).hasValueSatisfying(o -> assertThat(o.version()).isEqualTo(version));
        assertThatThrownBy(() -> p.deleteMetadata("leases/s")).isInstanceOf(ProviderException.class);
        assertThat(memory().getMetadata("leases/s")).isPresent();
        assertThatThrownBy(() -> p.listMetadata("manifests/")).isInstanceOf(ProviderException.class);
        assertThat(p.listMetadata("")).containsExactly("leases/s", "manifests/s.json");
        assertThat(p.injected()).extracting(FaultInjectingProvider.Fault::operation)
                .containsExactly(Operation.PUT_METADATA, Operation.GET_METADATA, Operation.DELETE_METADATA, Operation.LIST_METADATA);
        assertThat(p.injected()).allSatisfy(f -> assertThat(f.snapshot()).isNull());
    }

    @Test
    void copy_faultsTargetTheCopysPath_andCopyForwardsOtherwise() {
        FaultInjectingProvider p = FaultInjectingProvider.wrap(memory()).fail(Operation.COPY, "b.bin", Kind.UNAVAILABLE, 1).build();
        ManifestEntry a = file("a.bin", 10);
        p.upload("s", a, local("a.bin"));
        ManifestEntry b = new ManifestEntry("b.bin", a.size(), a.mtime(), a.sha256());

        assertThatThrownBy(() -> p.copy("s", "a.bin", b)).isInstanceOf(ProviderException.class)
                .hasMessageContaining("injected UNAVAILABLE fault in COPY of s/b.bin");
        assertThat(p.copy("s", "a.bin", b).path()).isEqualTo("b.bin");
        p.download("s", "b.bin", dir.resolve("copy"));
        assertThat(dir.resolve("copy")).hasSameBinaryContentAs(local("a.bin"));
    }

    @Test
    void failRandomly_isDeterministicForASeedAndIndependentOfCallOrder() {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            paths.add("f" + i + ".bin");
            file("f" + i + ".bin", 1);
        }
        List<String> forward = failing(paths, 7);
        List<String> reversed = new ArrayList<>(paths);
        java.util.Collections.reverse(reversed);
        List<String> backward = failing(reversed, 7);

        assertThat(forward).isNotEmpty().hasSizeLessThan(60).containsExactlyInAnyOrderElementsOf(backward);
        assertThat(failing(paths, 8)).isNotEqualTo(forward);
    }

    private List<String> failing(List<String> paths, long seed) {
        FaultInjectingProvider p = FaultInjectingProvider.wrap(memory()).seed(seed).failRandomly(Operation.UPLOAD, 0.3, Kind.THROTTLED).build();
        List<String> failed = new ArrayList<>();
        for (String path : paths) {
            try {
                p.upload("s", ContractFiles.entry(path, local(path)), local(path));
            } catch (ProviderException e) {
                failed.add(path);
            }
        }
        return failed;
    }

    @Test
    void builder_rejectsNonsense() {
        FaultInjectingProvider.Builder b = FaultInjectingProvider.wrap(memory());

        assertThatThrownBy(() -> b.failRandomly(Operation.UPLOAD, 1.5, Kind.THROTTLED)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> b.fail(Operation.UPLOAD, null, null, 1)).hasMessageContaining("Kind");
        assertThatThrownBy(() -> b.fail(Operation.UPLOAD, null, Kind.PERMANENT, -1)).hasMessageContaining("negative");
    }
}
