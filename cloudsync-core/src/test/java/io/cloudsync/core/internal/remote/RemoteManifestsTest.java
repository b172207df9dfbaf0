package io.cloudsync.core.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.core.EngineSettings;
import io.cloudsync.core.ManifestJson;
import io.cloudsync.core.internal.engine.Retry;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.core.internal.manifest2.Format2;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.FaultInjectingProvider;
import io.cloudsync.testkit.FaultInjectingProvider.Operation;
import io.cloudsync.testkit.ForwardingProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteManifestsTest {

    private static final Instant T0 = Instant.parse("2024-05-06T07:08:09Z");
    private static final String SHA = "a".repeat(64);

    @TempDir
    Path remote;

    private Provider local() {
        return new LocalProviderFactory().open(ProviderConfig.builder().put("directory", remote.toString()).build(),
                Secrets.none());
    }

    private static Retry retry() {
        return new Retry(EngineSettings.builder().retryInitialDelay(Duration.ZERO).retryMaxDelay(Duration.ZERO).build(),
                d -> { });
    }

    private static Manifest manifest(String snapshot, Instant at, String... paths) {
        List<ManifestEntry> entries = java.util.Arrays.stream(paths).sorted()
                .map(p -> new ManifestEntry(p, 1, T0, SHA)).toList();
        return Manifest.of(snapshot, "/project", at, entries);
    }

    @Test
    void nameOf_isManifestsSlashSnapshotDotJson_andRefusesBadSnapshotNames() {
        assertThat(RemoteManifests.nameOf("nightly")).isEqualTo("manifests/nightly.json");
        assertThat(RemoteManifests.nameOf("a".repeat(250))).isEqualTo("manifests/" + "a".repeat(250) + ".json");

        assertThatThrownBy(() -> RemoteManifests.nameOf(".cloudsync")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> RemoteManifests.nameOf("a/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contains '/'");
        assertThatThrownBy(() -> RemoteManifests.nameOf("a".repeat(251))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("251 characters long").hasMessageContaining("at most 250");
    }

    @Test
    void aManifestWrittenByTodaysLayout_isRead() throws IOException {
        Manifest legacy = manifest("nightly", T0, "a.txt", "docs/b.txt");
        Files.createDirectories(remote.resolve(".cloudsync/manifests"));
        Files.write(remote.resolve(".cloudsync/manifests/nightly.json"), ManifestJson.toBytes(legacy));

        try (Provider p = local()) {
            assertThat(new RemoteManifests(p, retry()).read("nightly")).contains(legacy);
        }
    }

    @Test
    void write_storesAFormat2RootAtTodaysPlace_overWhatWasRead() throws IOException {
        try (Provider p = local()) {
            RemoteManifests manifests = new RemoteManifests(p, retry());
            assertThat(manifests.read("nightly")).isEmpty();
            Manifest first = manifest("nightly", T0, "a.txt");
            Manifest second = manifest("nightly", T0.plusSeconds(1), "a.txt", "b.txt");

            manifests.write("nightly", first);
            manifests.write("nightly", second); // over the version the first write left

            assertThat(Files.readAllBytes(remote.resolve(".cloudsync/manifests/nightly.json")))
                    .isEqualTo(Format2.encode(second, Format2.Layout.EMPTY).root());
            assertThat(new RemoteManifests(p, retry()).read("nightly")).contains(second);
        }
    }

    @Test
    void write_afterAnotherRunCommitted_isAConflict_andTheOtherRunsManifestStays() {
        try (Provider p = local(); Provider other = local()) {
            RemoteManifests mine = new RemoteManifests(p, retry());
            RemoteManifests theirs = new RemoteManifests(other, retry());
            RemoteManifests setup = new RemoteManifests(p, retry());
            setup.read("nightly");
            setup.write("nightly", manifest("nightly", T0, "a.txt"));
            mine.read("nightly");
            theirs.read("nightly");
            Manifest theirManifest = manifest("nightly", T0.plusSeconds(5), "a.txt", "theirs.txt");
            theirs.write("nightly", theirManifest);

            assertThatThrownBy(() -> mine.write("nightly", manifest("nightly", T0.plusSeconds(9), "a.txt", "mine.txt")))
                    .isInstanceOf(ProviderException.class)
                    .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.CONFLICT))
                    .hasMessageContaining("manifests/nightly.json").hasMessageContaining("changed since it was read");

            assertThat(new RemoteManifests(p, retry()).read("nightly")).contains(theirManifest);
        }
    }

    @Test
    void write_whenNoneWasThereButAnotherRunCreatedOne_isAConflict() {
        try (Provider p = local(); Provider other = local()) {
            RemoteManifests mine = new RemoteManifests(p, retry());
            RemoteManifests theirs = new RemoteManifests(other, retry());
            assertThat(mine.read("nightly")).isEmpty();
            assertThat(theirs.read("nightly")).isEmpty();
            Manifest theirManifest = manifest("nightly", T0, "theirs.txt");
            theirs.write("nightly", theirManifest);

            assertThatThrownBy(() -> mine.write("nightly", manifest("nightly", T0, "mine.txt")))
                    .isInstanceOf(ProviderException.class)
                    .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.CONFLICT))
                    .hasMessageContaining("already exists");
            assertThat(new RemoteManifests(p, retry()).read("nightly")).contains(theirManifest);
        }
    }

    @Test
    void write_whoseFirstAnswerWasLost_isRecognisedByItsBytesAndCountsAsDone() {
        try (Provider local = local()) {
            AtomicInteger puts = new AtomicInteger();
            Provider counting = new ForwardingProvider(local) {
                @Override
                public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
                    String version = super.putMetadata(name, bytes, precondition);
                    if (name.startsWith("manifests/")) { // the roots; format 2 puts chunks first
                        puts.incrementAndGet();
                    }
                    return version;
                }
            };
            FaultInjectingProvider losingFirstAnswer = FaultInjectingProvider.wrap(counting)
                    .failAfter(Operation.PUT_METADATA, "manifests/nightly.json", ProviderException.Kind.UNAVAILABLE, 1).build();
            RemoteManifests manifests = new RemoteManifests(losingFirstAnswer, retry());
            manifests.read("nightly");
            Manifest written = manifest("nightly", T0, "a.txt");

            manifests.write("nightly", written); // attempt 2 finds the old tag gone: CONFLICT, then recognised
            Manifest next = manifest("nightly", T0.plusSeconds(1), "a.txt", "b.txt");
            manifests.write("nightly", next); // and the tag it adopted is the one stored

            assertThat(puts).as("the lost one and the next write; the retry met CONFLICT").hasValue(2);
            assertThat(losingFirstAnswer.injected()).extracting(f -> f.effect())
                    .containsExactly("fail after completion UNAVAILABLE");
            assertThat(new RemoteManifests(local, retry()).read("nightly")).contains(next);
        }
    }

    @Test
    void write_withoutARead_isRefused() {
        try (Provider p = local()) {
            assertThatThrownBy(() -> new RemoteManifests(p, retry()).write("nightly", Manifest.empty("nightly")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("without having been read");
        }
    }

    @Test
    void read_ofADamagedManifest_isAnIntegrityErrorNamingTheSnapshotAndWhatToDo() throws IOException {
        Files.createDirectories(remote.resolve(".cloudsync/manifests"));
        Files.writeString(remote.resolve(".cloudsync/manifests/nightly.json"), "{ \"format\": \"cloudsync-manifest\", ");

        try (Provider p = local()) {
            assertThatThrownBy(() -> new RemoteManifests(p, retry()).read("nightly"))
                    .isInstanceOf(ProviderException.class)
                    .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INTEGRITY))
                    .hasMessageContaining("snapshot \"nightly\"").hasMessageContaining("manifests/nightly.json")
                    .hasMessageContaining("is damaged").hasMessageContaining("Put back a good copy");
        }
    }
}
