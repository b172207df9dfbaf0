package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.ManifestEntry;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.internal.local.LocalProviderFactory;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.FaultInjectingProvider.Operation;
import io.cloudsync.testkit.ForwardingProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability in batches: the engine journals an upload, and commits a manifest naming it, only
 * after a {@link Provider#flush()} that began after the upload had returned; a flush that fails
 * keeps its uploads out of the journal and the manifest, and the next run does them again.
 */
class DurableBatchesTest {

    private static final int FILES = 60;

    @TempDir
    Path tmp;
    Path root;
    Path remote;
    Path state;
    /** Every breach of the ordering the recording provider saw; empty when the engine kept it. */
    final List<String> breaches = new CopyOnWriteArrayList<>();
    final List<String> order = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("project"));
        remote = tmp.resolve("remote");
        state = tmp.resolve("state");
        for (int i = 0; i < FILES; i++) {
            Trees.write(root, "d" + (i % 5) + "/f" + i + ".txt", "content " + i);
        }
    }

    private CloudSync cloudSync(io.cloudsync.spi.ProviderFactory factory, String id) {
        CloudSyncConfig config = CloudSyncConfig.builder().enable(id)
                .service(id, Map.of("directory", remote.toString()))
                .engine(EngineSettings.builder().parallelism(4).retryInitialDelay(Duration.ZERO)
                        .retryMaxDelay(Duration.ZERO).build())
                .build();
        return CloudSync.builder().root(root).stateDirectory(state).config(config).provider(factory).build();
    }

    @Test
    void journalRecords_followAFlushThatCoversThem_andTheCommitFollowsTheLastFlush() {
        CloudSync cs = cloudSync(new TestProviders.WrappedFactory("recorded", new LocalProviderFactory(), null,
                Recording::new), "recorded");

        SyncResult result = cs.run(SyncRequest.builder("recorded", "nightly").build());

        assertThat(result.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(breaches).isEmpty();
        assertThat(order).contains("flush");
        // the manifest commit comes after the last flush, and no upload returns after it
        int commit = order.lastIndexOf("commit");
        assertThat(commit).isGreaterThan(order.lastIndexOf("flush")).isGreaterThan(order.lastIndexOf("upload"));
        assertThat(Trees.read(remote.resolve("nightly"))).isEqualTo(Trees.read(root));
    }

    @Test
    void aFailingFlush_journalsNothing_reportsTheError_andTheNextRunResumes() {
        TestProviders.Script script = new TestProviders.Script();
        script.faults = b -> b.fail(Operation.FLUSH, null, ProviderException.Kind.UNAVAILABLE, Integer.MAX_VALUE);
        CloudSync cs = cloudSync(TestProviders.scripted("scripted", script), "scripted");

        SyncResult failed = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(failed.summary().status()).isNotEqualTo(SyncStatus.SUCCESS);
        assertThat(failed.summary().uploaded()).isZero();
        List<SyncError> uploadErrors = failed.summary().errors().stream()
                .filter(e -> e.action() == SyncAction.UPLOAD).toList();
        assertThat(uploadErrors).hasSize(FILES)
                .allSatisfy(e -> assertThat(e.message()).contains("flush failed").contains("injected UNAVAILABLE"));
        assertThat(journalRecords(state.resolve("journal/scripted/nightly.journal"))).isEmpty();
        // the files are on the remote but not durable: no committed manifest may claim them
        Path manifest = remote.resolve(".cloudsync/manifests/nightly.json");
        if (Files.exists(manifest)) {
            assertThat(TestManifests.committed(remote, "nightly").entries()).isEmpty();
        }

        script.noFaults();
        SyncResult resumed = cs.run(SyncRequest.builder("scripted", "nightly").build());

        assertThat(resumed.summary().status()).isEqualTo(SyncStatus.SUCCESS);
        assertThat(resumed.summary().uploaded()).isEqualTo(FILES);
        assertThat(resumed.summary().resumed()).isZero(); // nothing was journalled, so everything is done again
        assertThat(TestManifests.committed(remote, "nightly").entries()).hasSize(FILES);
        assertThat(Trees.read(remote.resolve("nightly"))).isEqualTo(Trees.read(root));
    }

    /** The paths of the journal's upload records, as they are on disk now. */
    private static Set<String> journalRecords(Path journal) {
        Set<String> out = new HashSet<>();
        try {
            for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
                String[] parts = line.split("\t", 4);
                if (parts.length == 4 && parts[0].equals("U")) {
                    out.add(parts[3]);
                }
            }
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Records the order of uploads, flushes and the manifest commit, and checks at each of them that
     * every upload the journal records had returned before a flush that has finished began.
     */
    private final class Recording extends ForwardingProvider {
        private final Set<String> returned = new HashSet<>();
        private final Set<String> covered = new HashSet<>();

        Recording(Provider delegate) {
            super(delegate);
        }

        private void check(String when) {
            Set<String> journalled = journalRecords(state.resolve("journal/recorded/nightly.journal"));
            synchronized (this) {
                for (String path : journalled) {
                    if (!covered.contains(path)) {
                        breaches.add(when + ": the journal records " + path + " before a flush covered it");
                    }
                }
            }
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, java.util.function.LongConsumer sent) {
            check("upload");
            UploadReceipt receipt = super.upload(snapshot, entry, localFile, sent);
            synchronized (this) {
                returned.add(entry.path());
            }
            order.add("upload");
            return receipt;
        }

        @Override
        public void flush() {
            check("flush");
            List<String> before;
            synchronized (this) {
                before = new ArrayList<>(returned);
            }
            super.flush();
            synchronized (this) {
                covered.addAll(before);
            }
            order.add("flush");
        }

        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            check("commit");
            if (name.startsWith("manifests/")) {
                synchronized (this) {
                    for (String path : returned) {
                        if (!covered.contains(path)) {
                            breaches.add("commit of " + name + " before a flush covered " + path);
                        }
                    }
                }
                order.add("commit");
            }
            return super.putMetadata(name, bytes, precondition);
        }
    }
}
