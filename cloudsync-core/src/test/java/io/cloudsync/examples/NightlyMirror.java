package io.cloudsync.examples;

// The host application that docs/SYNC.md shows, section "Embedding the library". It uses the public API
// only (this package is outside io.cloudsync.core); NightlyMirrorTest runs it and checks that the page
// quotes it verbatim, so the page cannot drift from code that compiles and works.

// --8<-- example
import io.cloudsync.CloudSyncException;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.SyncError;
import io.cloudsync.SyncListener;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.Vault;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.PlanSource;
import io.cloudsync.core.Vaults;
import io.cloudsync.core.result.SyncResult;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Mirrors a project to one configured service, as a nightly job inside a host application. */
public final class NightlyMirror {

    private static final Logger LOG = LoggerFactory.getLogger(NightlyMirror.class);

    /** Returns true when the snapshot on the remote now matches the tree. */
    public static boolean mirror(Path root, String service, String snapshot) {
        try {
            // config/cloudsync.json under the root: feature flags, include/exclude, services.
            CloudSyncConfig config = CloudSyncConfig.load(root.resolve(CloudSyncConfig.DEFAULT_FILE));

            CloudSync.Builder builder = CloudSync.builder().root(root).config(config)
                    .listener(new SyncListener() {
                        @Override
                        public void onProgress(ProgressEvent e) {
                            LOG.info("{} {} ({}/{} files)", e.action(), e.path(), e.filesDone(), e.filesTotal());
                        }
                    });
            // Provider credentials come from the encrypted vault, unlocked with the passphrase in
            // CLOUDSYNC_SECRETS_KEY.
            Path vaultFile = root.resolve(Vaults.DEFAULT_FILE);
            if (Vaults.exists(vaultFile)) {
                Vault vault = Vaults.open(vaultFile, Vaults.passphraseFrom(System.getenv(), null, List.of()));
                builder.vault(vault);
            }
            CloudSync cloudSync = builder.build();

            SyncRequest request = SyncRequest.builder(service, snapshot)
                    .maxDeletes(100)               // refuse, rather than run, a plan that deletes more
                    .build();

            // 1. The dry run: reads the remote manifest (or the cache when offline), writes nothing.
            SyncResult plan = cloudSync.dryRun(request);
            LOG.info("plan: {} uploads ({} bytes), {} deletes, planned against {}",
                    plan.plan().uploads().size(), plan.plan().uploadBytes(), plan.plan().deletes().size(),
                    plan.planSource());
            if (plan.plan().isEmpty() && plan.planSource() == PlanSource.REMOTE) {
                return true;                    // the remote already matches: nothing to do
            }

            // 2. The run: takes the snapshot's lock, uploads, deletes, commits the manifest.
            SyncResult result = cloudSync.run(request);
            SyncStatus status = result.summary().status();
            for (SyncError error : result.summary().errors()) {
                LOG.warn("{} {}: {}: {}", error.action(), error.path(), error.kind(), error.message());
            }
            LOG.info("{}: {} uploaded, {} deleted, {} failed", status.jsonName(),
                    result.summary().uploaded(), result.summary().deleted(), result.summary().failed());
            // PARTIAL: some files failed; the remote still holds a restorable snapshot, and the
            // next run resumes from the journal. FAILED: nothing was committed.
            return status == SyncStatus.SUCCESS;
        } catch (PlanRefusedException e) {
            LOG.error("refused by a guard, nothing was changed: {}", e.getMessage());
            return false;
        } catch (CloudSyncException e) {
            // Configuration, feature flag, vault, lock held by another run, provider not found...
            // Every message says what is wrong and how to fix it; none holds a secret.
            LOG.error("cannot sync: {}", e.getMessage());
            return false;
        }
    }
}
// --8<-- example
