package io.cloudsync.core.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    private static final String SHA = "a".repeat(64);

    @TempDir
    Path dir;

    @Test
    void records_fromManyThreadsAtOnce_areAllThereWhenReopened() throws Exception {
        Path file = dir.resolve("j/s.journal");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Journal journal = Journal.open(file)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        journal.recordUpload("t" + thread + "/f" + i, SHA, i);
                        if (i % 10 == 0) {
                            journal.recordDelete("t" + thread + "/gone" + i);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        try (Journal reopened = Journal.open(file)) {
            for (int t = 0; t < 8; t++) {
                for (int i = 0; i < 200; i++) {
                    assertThat(reopened.uploaded("t" + t + "/f" + i, SHA, i)).isTrue();
                }
                assertThat(reopened.deleted("t" + t + "/gone0")).isTrue();
            }
            assertThat(reopened.uploaded("t0/f1", SHA, 2)).as("another size is another content").isFalse();
        }
        assertThat(Journal.leftovers(file)).hasSize(8 * 200);
    }

    @Test
    void pathsWithTabsNewlinesAndPercents_roundTrip() {
        Path file = dir.resolve("s.journal");
        String odd = "a\tb\nc%0Ad%25e\r.txt";
        try (Journal journal = Journal.open(file)) {
            journal.recordUpload(odd, SHA, 3);
            journal.recordDelete(odd);
        }
        try (Journal reopened = Journal.open(file)) {
            assertThat(reopened.uploaded(odd, SHA, 3)).isTrue();
            assertThat(reopened.deleted(odd)).isTrue();
            assertThat(reopened.uploaded("a\tb\nc\nd%e\r.txt", SHA, 3)).isFalse();
        }
    }

    @Test
    void aTornLastRecord_isIgnoredAndEverythingBeforeItKept() throws Exception {
        Path file = dir.resolve("s.journal");
        try (Journal journal = Journal.open(file)) {
            journal.recordUpload("kept.txt", SHA, 1);
        }
        Files.writeString(file, "U\t" + SHA + "\t2\ttorn.tx", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (Journal reopened = Journal.open(file)) {
            assertThat(reopened.uploaded("kept.txt", SHA, 1)).isTrue();
            assertThat(reopened.uploaded("torn.tx", SHA, 2)).isFalse();
            reopened.recordUpload("after.txt", SHA, 5);
        }
        try (Journal again = Journal.open(file)) {
            assertThat(again.uploaded("after.txt", SHA, 5)).as("a record after a torn one is not glued to it").isTrue();
            assertThat(again.uploaded("kept.txt", SHA, 1)).isTrue();
        }
    }
}
