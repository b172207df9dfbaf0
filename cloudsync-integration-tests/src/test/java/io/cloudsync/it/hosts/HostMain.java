package io.cloudsync.it.hosts;

import io.cloudsync.LockHeldException;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One host of {@link MultiHostProcessTest}, in a JVM of its own: one sync of snapshot {@code nightly}
 * of the {@code local} remote, with its own tree and state folder. After its manifest read it waits
 * until every host has read (a file each in the meeting folder), so the hosts really race. Prints
 * {@code ENDING committed|locked|conflict|failed} and exits as the CLI would: 0, 6, 7, 1.
 *
 * <p>Arguments: root, state folder, remote folder, meeting folder, number of hosts, host id.
 */
public final class HostMain {

    private HostMain() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path meeting = Path.of(args[3]);
        int hosts = Integer.parseInt(args[4]);
        String id = args[5];
        ProviderFactory local = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.id().equals("local")).findFirst().orElseThrow();
        CloudSyncConfig config = CloudSyncConfig.builder().enable("meeting")
                .service("meeting", Map.of("directory", args[2])).build();
        CloudSync cs = CloudSync.builder().root(root).stateDirectory(Path.of(args[1])).config(config)
                .provider(new Meeting(local, meeting, hosts, id)).build();
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

    /** The local provider under the id {@code meeting}, meeting the other hosts after its first metadata read. */
    private static final class Meeting implements ProviderFactory {
        private final ProviderFactory local;
        private final Path meeting;
        private final int hosts;
        private final String id;
        private final AtomicBoolean first = new AtomicBoolean(true);

        Meeting(ProviderFactory local, Path meeting, int hosts, String id) {
            this.local = local;
            this.meeting = meeting;
            this.hosts = hosts;
            this.id = id;
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
            return local.capabilities();
        }

        @Override
        public List<ConfigKey> configKeys() {
            return local.configKeys();
        }

        @Override
        public Provider open(ProviderConfig config, Secrets secrets) {
            return new ForwardingProvider(local.open(config, secrets)) {
                @Override
                public Optional<MetadataObject> getMetadata(String name) {
                    Optional<MetadataObject> read = super.getMetadata(name);
                    if (first.getAndSet(false)) {
                        meet();
                    }
                    return read;
                }
            };
        }

        private void meet() {
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
    }
}
