package io.cloudsync.core;

import io.cloudsync.ManifestEntry;
import io.cloudsync.PlannedUpload;
import io.cloudsync.SyncError;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.result.SyncResult;
import java.nio.file.Path;
import java.util.Map;

/**
 * A child process for {@link UnreadableTreeTest}: one dry run or run of the {@code local} service, so
 * the parent can start it without the capabilities that let root read anything. Arguments: root,
 * remote folder, {@code plan} or {@code sync}. Prints one line per fact: {@code STATUS s},
 * {@code UPLOAD p}, {@code DELETE p}, {@code ERROR action p}.
 */
public final class SyncOnceMain {

    private SyncOnceMain() {
    }

    public static void main(String[] args) {
        CloudSyncConfig config = CloudSyncConfig.builder().enable("local")
                .service("local", Map.of("directory", args[1])).build();
        CloudSync cs = CloudSync.builder().root(Path.of(args[0])).config(config).build();
        SyncRequest request = SyncRequest.builder("local", "nightly").build();
        SyncResult result = args[2].equals("plan") ? cs.dryRun(request) : cs.run(request);
        System.out.println("STATUS " + result.summary().status());
        for (PlannedUpload u : result.plan().uploads()) {
            System.out.println("UPLOAD " + u.path());
        }
        for (ManifestEntry d : result.plan().deletes()) {
            System.out.println("DELETE " + d.path());
        }
        for (SyncError e : result.summary().errors()) {
            System.out.println("ERROR " + e.action() + ' ' + e.path());
        }
    }
}
