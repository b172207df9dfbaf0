package io.cloudsync.core;

import io.cloudsync.SyncRequest;
import io.cloudsync.testkit.FaultInjectingProvider.Operation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A child process for {@link CrashResumeTest}: one run of service {@code scripted} whose uploads are
 * slowed down and logged, so that the parent can kill it with SIGKILL at any moment.
 * Arguments: root, state folder, remote folder, upload log, delay per upload in milliseconds.
 */
public final class KillableRunMain {

    private KillableRunMain() {
    }

    public static void main(String[] args) {
        TestProviders.Script script = new TestProviders.Script();
        script.uploadLog = Path.of(args[3]);
        Duration delay = Duration.ofMillis(Long.parseLong(args[4]));
        script.faults = b -> b.slow(Operation.UPLOAD, delay);
        CloudSyncConfig config = CloudSyncConfig.builder().enable("scripted")
                .service("scripted", Map.of("directory", args[2]))
                .engine(EngineSettings.builder().parallelism(4).build())
                .build();
        CloudSync cs = CloudSync.builder().root(Path.of(args[0])).stateDirectory(Path.of(args[1])).config(config)
                .provider(TestProviders.scripted("scripted", script)).build();
        System.out.println(cs.run(SyncRequest.builder("scripted", "nightly").build()).summary().status());
    }
}
