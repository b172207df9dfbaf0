package io.cloudsync.provider.gdrive;

import io.cloudsync.Secret;
import io.cloudsync.provider.gdrive.internal.DriveSettings;
import io.cloudsync.provider.gdrive.internal.GoogleDriveProvider;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The Google Drive provider, id {@code gdrive}: mirrors snapshots to {@code <parent_id>/<snapshot>/<path>}
 * as real Drive folders, with the metadata area in {@code manifest_parent_id} (manifests stay
 * {@code <snapshot>.json} there), server-side copies with {@code files.copy},
 * authenticated as a service account whose key file is the vault entry
 * {@code cloud_sync.gdrive.credentials}. Uploads are verified against Drive's {@code sha256Checksum};
 * files larger than one chunk use resumable sessions that survive a restart when the host gives a
 * state folder. See {@code docs/GDRIVE.md}.
 *
 * <p>Stateless and thread-safe; listing it loads no Google classes.
 */
public final class GoogleDriveProviderFactory implements ProviderFactory {

    /** The provider id. */
    public static final String ID = "gdrive";

    private static final List<ConfigKey> KEYS = List.of(
            ConfigKey.required("parent_id", "id of the Drive folder (in a shared drive) that holds <snapshot>/<path>"),
            ConfigKey.required("manifest_parent_id", "id of the Drive folder that holds the metadata area: <snapshot>.json manifests and other cloudsync objects"),
            ConfigKey.optional("scopes", "OAuth scopes, comma-separated (default https://www.googleapis.com/auth/drive.file)"),
            ConfigKey.optional("root_url", "Drive API root URL (default https://www.googleapis.com/; for a proxy or a test server)"),
            ConfigKey.optional("supports_all_drives", "send supportsAllDrives=true so shared drives work (default true)"),
            ConfigKey.optional("chunk_size", "resumable upload chunk in bytes, a multiple of 262144 (default 8388608);"
                    + " larger files use resumable sessions"),
            ConfigKey.optional("pacer_interval_ms", "least milliseconds between two calls to Drive (default 100)"),
            ConfigKey.optional("subject", "user to act as, with domain-wide delegation (default none)"),
            ConfigKey.optional("retry_delay_scale", "for tests against a fake only: factor from 0 to 1 on the retry"
                    + " delays Google asks for (default 1: backoff from 1-2 s up to 32-64 s)"),
            ConfigKey.secret("credentials", "service-account key file (JSON), vault key cloud_sync.gdrive.credentials", true));

    /** Creates the factory; cheap. */
    public GoogleDriveProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "Google Drive (v3, service account, shared drives)";
    }

    @Override
    public Set<Capability> capabilities() {
        // not CONDITIONAL_METADATA_PUT: Drive has no compare-and-set, preconditions are checked just before a put
        return EnumSet.of(Capability.SERVER_SHA256, Capability.RESUMABLE_UPLOAD, Capability.LISTING,
                Capability.SERVER_SIDE_COPY);
    }

    @Override
    public List<ConfigKey> configKeys() {
        return KEYS;
    }

    @Override
    public Provider open(ProviderConfig config, Secrets secrets) {
        config.requireValid(KEYS);
        DriveSettings settings = DriveSettings.from(config);
        Secret credentials = secrets.require(secretsKey() + ".credentials");
        return GoogleDriveProvider.open(settings, credentials);
    }
}
