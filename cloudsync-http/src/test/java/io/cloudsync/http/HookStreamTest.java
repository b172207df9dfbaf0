package io.cloudsync.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.SyncListener;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HookStreamTest {

    @Test
    void completeHook_carriesResumedAndSentCountsApart() throws Exception {
        HookStream hooks = new HookStream();
        try (HookStream.Subscription sub = hooks.subscribe()) {
            SyncSummary summary = new SyncSummary(SyncStatus.SUCCESS, 10, 1, 3, 0, 1000, Duration.ofMillis(5), List.of(),
                    4, 460, 540);

            hooks.onComplete(new SyncListener.CompleteEvent("local", "nightly", summary));

            HookStream.Hook hook = sub.poll(1000);
            assertThat(hook.name()).isEqualTo("on_cloud_sync_complete");
            assertThat(hook.payload().get("uploaded").asInt()).isEqualTo(10);
            assertThat(hook.payload().get("bytes").asLong()).isEqualTo(1000);
            assertThat(hook.payload().get("resumed").asInt()).isEqualTo(4);
            assertThat(hook.payload().get("resumed_bytes").asLong()).isEqualTo(460);
            assertThat(hook.payload().get("bytes_sent").asLong()).isEqualTo(540);
        }
    }
}
