package io.cloudsync.testkit;

import static io.cloudsync.testkit.internal.RuleRun.OTHER_SNAPSHOT;
import static io.cloudsync.testkit.internal.RuleRun.SNAPSHOT;

import io.cloudsync.spi.Capability;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.testkit.internal.RuleRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider contract's rules for listings of what is really stored, where {@link Capability#LISTING} is declared (R7.*). Extend it in a test and return your
 * {@link ProviderUnderTest} from {@link #subject()}, or extend {@link ProviderContract} to run
 * every family at once. Each test method checks one {@link ContractRule}, is {@code public final}
 * (a rule cannot be overridden away), and every failure message starts with the rule id; rules that
 * need a capability the factory does not declare are skipped with a message saying how to enable
 * them. The rules are explained in {@code docs/PROVIDERS.md}.
 *
 * @since 0.1.0
 */
public abstract class ListingContract {

    /** For subclasses. */
    protected ListingContract() {
    }

    /**
     * The provider under test, as its author describes it once for every contract.
     *
     * @return the provider under test
     */
    protected abstract ProviderUnderTest subject();

    /**
     * R7.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R7_01_emptySnapshotListsNothing(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R7_01, test, dir, r -> {
            Provider p = r.open();
            r.requireListing(p, SNAPSHOT, Map.of());
            p.putMetadata("manifests/" + SNAPSHOT + ".json", r.bytes("listed", 200), MetadataPrecondition.none());
            r.eventually(() -> r.requireListing(p, SNAPSHOT, Map.of()));
        });
    }

    /**
     * R7.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R7_02_listingIsExact(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R7_02, test, dir, r -> {
            Provider p = r.open();
            Map<String, Path> files = new TreeMap<>();
            files.put("empty.txt", r.file("l-empty", 0));
            files.put("one.bin", r.file("l-one", 1));
            files.put("docs/guide.md", r.file("l-guide", r.settings.smallFileBytes()));
            files.put("docs/deeper/notes with space.txt", r.file("l-notes", 333));
            files.put("docs/deeper/ünïcødé+%.txt", r.file("l-unicode", 42));
            // large, and above the multipart or chunk threshold where one is declared: listed with its true size
            files.put("big/large.bin", r.file("l-large", r.interruptedSize()));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                r.upload(p, SNAPSHOT, f.getKey(), f.getValue());
            }
            r.upload(p, OTHER_SNAPSHOT, "elsewhere.txt", r.file("l-other", 5));
            r.eventually(() -> r.requireListing(p, SNAPSHOT, files));
        });
    }

    /**
     * R7.03.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R7_03_listingReflectsDeletesAndOverwrites(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R7_03, test, dir, r -> {
            Provider p = r.open();
            Map<String, Path> files = new TreeMap<>();
            files.put("keep.txt", r.file("k", 10));
            files.put("drop.txt", r.file("d", 20));
            files.put("grow.txt", r.file("g1", 30));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                r.upload(p, SNAPSHOT, f.getKey(), f.getValue());
            }
            r.eventually(() -> r.requireListing(p, SNAPSHOT, files));
            p.delete(SNAPSHOT, "drop.txt");
            files.remove("drop.txt");
            files.put("grow.txt", r.file("g2", 3000));
            r.upload(p, SNAPSHOT, "grow.txt", files.get("grow.txt"));
            files.put("new.txt", r.file("n", 7));
            r.upload(p, SNAPSHOT, "new.txt", files.get("new.txt"));
            r.eventually(() -> r.requireListing(p, SNAPSHOT, files));
        });
    }

    /**
     * R7.04.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R7_04_listingWhileTransfersRunFailsOnlyRetryably(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R7_04, test, dir, r -> {
            Provider p = r.open();
            r.upload(p, SNAPSHOT, "steady/kept.txt", r.text("steady", "never touched"));
            r.eventually(() -> r.check(r.list(p, SNAPSHOT).containsKey("steady/kept.txt"),
                    "list(\"%s\") does not report steady/kept.txt after its upload", SNAPSHOT));
            int count = Math.max(16, r.settings.threads() * 4);
            Map<String, Path> files = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                files.put("load/" + i / 2 + "/file-" + i + ".bin", r.file("load-" + i, 1 + (long) i * 131 % r.settings.smallFileBytes()));
            }
            Map<String, Path> remaining = new TreeMap<>();
            remaining.put("steady/kept.txt", r.dir.resolve("local/steady.txt"));
            List<String> order = new ArrayList<>(files.keySet());
            for (int i = 0; i < count; i++) {
                if (i / 2 % 2 == 1) {
                    remaining.put(order.get(i), files.get(order.get(i)));
                }
            }
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                // uploads one file after another; every other pair of files is deleted again, which
                // empties (and, where the backend has folders, may remove) its folder
                Future<?> writes = writer.submit(() -> {
                    try {
                        for (int i = 0; i < count; i++) {
                            r.upload(p, SNAPSHOT, order.get(i), files.get(order.get(i)));
                            if (i % 2 == 1 && i / 2 % 2 == 0) {
                                p.delete(SNAPSHOT, order.get(i - 1));
                                p.delete(SNAPSHOT, order.get(i));
                            }
                        }
                    } finally {
                        done.set(true);
                    }
                    return null;
                });
                int listings = 0;
                int retryable = 0;
                while (!done.get() || listings == 0) {
                    Map<String, RemoteEntry> listed;
                    try {
                        listed = r.list(p, SNAPSHOT);
                    } catch (ProviderException e) {
                        if (e.retryable() && ++retryable <= 1000) {
                            continue; // the engine retries these (some fake servers race themselves)
                        }
                        throw r.failure("list(\"%s\") failed while uploads and deletes ran (listing %d): %s %s; a listing "
                                + "must skip files that vanish under it", SNAPSHOT, listings + 1, e.kind(), e.getMessage());
                    }
                    listings++;
                    for (String path : listed.keySet()) {
                        r.check(path.equals("steady/kept.txt") || files.containsKey(path), "list(\"%s\") reports %s while "
                                + "uploads run, a file that was never uploaded (a staging or temporary file?)", SNAPSHOT, path);
                    }
                    r.check(listed.containsKey("steady/kept.txt"), "list(\"%s\") lost steady/kept.txt while other files "
                            + "were uploaded and deleted (listing %d)", SNAPSHOT, listings);
                }
                try {
                    writes.get(r.settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw r.failure("an upload or delete beside the listings failed: %s", e.getCause());
                }
            } finally {
                writer.shutdownNow();
            }
            r.eventually(() -> r.requireListing(p, SNAPSHOT, remaining));
        });
    }

    /**
     * R7.05.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R7_05_listingReportsTheUploadedMtime(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R7_05, test, dir, r -> {
            Provider p = r.open();
            java.time.Instant old = java.time.Instant.parse("2001-02-03T04:05:06.789Z");
            Path file = r.file("dated", 77);
            io.cloudsync.ManifestEntry dated = new io.cloudsync.ManifestEntry("dated/old.txt", 77, old,
                    io.cloudsync.testkit.internal.ContractFiles.sha256(file));
            p.upload(SNAPSHOT, dated, file);
            r.upload(p, SNAPSHOT, "dated/usual.txt", r.file("usual", 5));
            r.eventually(() -> {
                Map<String, RemoteEntry> listed = r.list(p, SNAPSHOT);
                for (Map.Entry<String, java.time.Instant> e : Map.of("dated/old.txt", old, "dated/usual.txt",
                        io.cloudsync.testkit.internal.ContractFiles.MTIME).entrySet()) {
                    RemoteEntry entry = listed.get(e.getKey());
                    r.check(entry != null, "list(\"%s\") does not report %s", SNAPSHOT, e.getKey());
                    r.check(entry.mtime().map(m -> Math.abs(java.time.Duration.between(m, e.getValue()).toMillis()) <= 2000)
                            .orElse(true), "list(\"%s\") reports mtime %s for %s, uploaded with mtime %s. If this fails, look "
                            + "at where the listing's time comes from: report the mtime kept with the file, or none, never "
                            + "the time it was stored", SNAPSHOT, entry.mtime().orElse(null), e.getKey(), e.getValue());
                }
            });
        });
    }

    /**
     * R7.06.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R7_06_undeclaredListingIsUnsupported(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R7_06, test, dir, r -> {
            if (r.declares(Capability.LISTING)) {
                throw new org.opentest4j.TestAbortedException("Skipped [R7.06]: provider '" + r.factory.id()
                        + "' declares Capability.LISTING, so R7.01 to R7.05 apply instead");
            }
            Provider p = r.open();
            r.upload(p, SNAPSHOT, "listed.bin", r.file("listed", 64));
            try (java.util.stream.Stream<RemoteEntry> listed = p.list(SNAPSHOT)) {
                r.fail("list returned %s although the factory does not declare LISTING: the verify command would take it "
                        + "for the truth. Declare LISTING if the listing is exact, or leave list() to the default",
                        listed == null ? "null" : "a stream");
            } catch (UnsupportedOperationException expected) {
                // as the SPI says
            } catch (RuntimeException e) {
                r.fail("list without LISTING threw %s instead of UnsupportedOperationException: %s", e.getClass().getName(),
                        e.getMessage());
            }
        });
    }

    private void run(ContractRule rule, TestInfo test, Path dir, RuleRun.Body body) {
        RuleRun.run(subject(), rule, test, dir, body);
    }
}
