package io.cloudsync.it.hosts;

import io.cloudsync.LockHeldException;
import io.cloudsync.Secret;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import io.cloudsync.testkit.ForwardingProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One host of {@link MultiHostProcessTest}, in a JVM of its own: one sync of snapshot {@code nightly}
 * of one remote, with its own tree and state folder. After its first metadata read it waits until
 * every host has read (a file each in the meeting folder), so the hosts really race. Prints
 * {@code ENDING committed|locked|conflict|failed} and exits as the CLI would: 0, 6, 7, 1.
 *
 * <p>Arguments: root, state folder, meeting folder, number of hosts, host id, provider id, then the
 * service's settings as {@code key=value}. The environment variable {@code HOST_CREDENTIALS}, when
 * set, holds the provider's credentials JSON (what its vault entry would hold).
 */
public final class HostMain {

    private HostMain() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path state = Path.of(args[1]);
        Path meeting = Path.of(args[2]);
        int hosts = Integer.parseInt(args[3]);
        String id = args[4];
        String providerId = args[5];
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : List.of(args).subList(6, args.length)) {
            settings.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        ProviderFactory factory = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.id().equals(providerId)).findFirst().orElseThrow();
        CloudSyncConfig config = CloudSyncConfig.builder().enable("meeting").service("meeting", settings).build();
        CloudSync cs = CloudSync.builder().root(root).stateDirectory(state).config(config)
                .provider(new Meeting(factory, credentials(factory, System.getenv("HOST_CREDENTIALS")),
                        () -> meet(meeting, hosts, id)))
                .build();
        String ending;
        int code;
        try {
            SyncResult r = cs.run(SyncRequest.builder("meeting", "nightly").build());
            boolean conflict = r.summary().errors().stream()
                    .anyMatch(e -> e.action() == SyncAction.MANIFEST && e.kind() == SyncError.Kind.CONFLICT);
            ending = r.summary().status() == SyncStatus.SUCCESS ? "committed" : conflict ? "conflict" : "failed";
            code = ending.equals("committed") ? 0 : conflict ? 7 : 1;
            r.summary().errors().forEach(e -> System.out.println("ERROR " + e.action() + ' ' + e.kind() + ' ' + e.message()));
        } catch (LockHeldException e) {
            ending = "locked";
            code = 6;
            System.out.println("MESSAGE " + e.getMessage());
        }
        System.out.println("ENDING " + ending);
        System.out.flush();
        System.exit(code);
    }

    /**
     * The provider's credentials as its vault entry would hold them.
     *
     * @param factory the provider
     * @param json the credentials JSON, or null for none
     * @return the secrets to open the provider with
     */
    static Secrets credentials(ProviderFactory factory, String json) {
        return json == null || json.isEmpty() ? Secrets.none() : Secrets.of(Map.of("cloud_sync." + factory.id(), Secret.of(json)));
    }

    private static void meet(Path meeting, int hosts, String id) {
        try {
            Files.createDirectories(meeting);
            Files.writeString(meeting.resolve(id), id);
            long until = System.nanoTime() + 60_000_000_000L;
            while (true) {
                try (var files = Files.list(meeting)) {
                    if (files.count() >= hosts || System.nanoTime() - until > 0) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A provider under the id {@code meeting}, opened with credentials of its own (no vault to unlock in
     * every process), that runs {@code onFirstRead} after its first metadata read.
     */
    static final class Meeting implements ProviderFactory {
        private final ProviderFactory delegate;
        private final Secrets credentials;
        private final Runnable onFirstRead;
        private final AtomicBoolean first = new AtomicBoolean(true);

        Meeting(ProviderFactory delegate, Secrets credentials, Runnable onFirstRead) {
            this.delegate = delegate;
            this.credentials = credentials;
            this.onFirstRead = onFirstRead;
        }

        @Override
        public String id() {
            return "meeting";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public Set<Capability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public List<ConfigKey> configKeys() {
            return delegate.configKeys();
        }

        @Override
        public Provider open(ProviderConfig config, Secrets secrets) {
            return new ForwardingProvider(delegate.open(config, credentials)) {
                @Override
                public Optional<MetadataObject> getMetadata(String name) {
                    Optional<MetadataObject> read = super.getMetadata(name);
                    if (first.getAndSet(false)) {
                        onFirstRead.run();
                    }
                    return read;
                }
            };
        }
    }
}
