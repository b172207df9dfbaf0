package io.cloudsync.testkit;

import static io.cloudsync.testkit.internal.RuleRun.OTHER_SNAPSHOT;
import static io.cloudsync.testkit.internal.RuleRun.SNAPSHOT;

import io.cloudsync.spi.Capability;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Names;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.testkit.internal.RuleRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider contract's rules for the metadata area: get, put with preconditions, delete and list (rules R1.*), and compare and set where {@link Capability#CONDITIONAL_METADATA_PUT} is declared (R5.*). Extend it in a test and return your
 * {@link ProviderUnderTest} from {@link #subject()}, or extend {@link ProviderContract} to run
 * every family at once. Each test method checks one {@link ContractRule}, is {@code public final}
 * (a rule cannot be overridden away), and every failure message starts with the rule id; rules that
 * need a capability the factory does not declare are skipped with a message saying how to enable
 * them. The rules are explained in {@code docs/PROVIDERS.md}.
 *
 * @since 0.1.0
 */
public abstract class MetadataContract {

    /** For subclasses. */
    protected MetadataContract() {
    }

    /**
     * The provider under test, as its author describes it once for every contract.
     *
     * @return the provider under test
     */
    protected abstract ProviderUnderTest subject();

    /**
     * R1.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_01_absentMetadataIsEmpty(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_01, test, dir, r -> {
            Provider p = r.open();
            r.requireNoMetadata(p, "manifests/" + SNAPSHOT + ".json", "nothing was put under that name");
            r.requireNoMetadata(p, "never/put", "nothing was put under that name");
            List<String> all = r.listMetadata(p, "");
            r.check(all.isEmpty(), "listMetadata(\"\") of a fresh remote lists %s", all);
            List<String> some = r.listMetadata(p, "manifests/");
            r.check(some.isEmpty(), "listMetadata(\"manifests/\") of a fresh remote lists %s", some);
        });
    }

    /**
     * R1.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_02_putMetadataReadsBackExactly(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_02, test, dir, r -> {
            Provider p = r.open();
            Map<String, byte[]> objects = new LinkedHashMap<>();
            objects.put("manifests/" + SNAPSHOT + ".json", "{\"format\":1,\"entries\":[]}\n".getBytes(StandardCharsets.UTF_8));
            objects.put("empty", new byte[0]);
            objects.put("binary/all-bytes", allByteValues());
            // a manifest of tens of thousands of files is megabytes
            objects.put("large/object", r.bytes("large", 6 * 1024 * 1024 + 3));
            Map<String, String> versions = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> o : objects.entrySet()) {
                String version = p.putMetadata(o.getKey(), o.getValue().clone(), MetadataPrecondition.none());
                r.check(version != null && !version.isEmpty(), "putMetadata(\"%s\") returned the version tag '%s'; it must "
                        + "return the stored object's tag, not empty", o.getKey(), version);
                versions.put(o.getKey(), version);
            }
            for (Map.Entry<String, byte[]> o : objects.entrySet()) {
                r.eventually(() -> r.requireMetadata(p, o.getKey(), o.getValue(), versions.get(o.getKey())));
            }
        });
    }

    /**
     * R1.03.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_03_putAgainReplacesAndChangesTheVersion(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_03, test, dir, r -> {
            Provider p = r.open();
            String name = "manifests/" + SNAPSHOT + ".json";
            byte[] first = r.bytes("first", 5000);
            String v1 = p.putMetadata(name, first, MetadataPrecondition.none());
            r.eventually(() -> r.requireMetadata(p, name, first, v1));
            String again = r.requireMetadata(p, name, first, null).version();
            r.check(again.equals(v1), "two reads of an unchanged object report versions %s and %s; the tag is stable "
                    + "while nothing is put", v1, again);
            byte[] second = r.bytes("second", 17);
            String v2 = p.putMetadata(name, second, MetadataPrecondition.none());
            r.check(!v2.equals(v1), "a put of other bytes returned the version %s of the previous state", v2);
            r.eventually(() -> r.requireMetadata(p, name, second, v2));
            String v3 = p.putMetadata(name, second, MetadataPrecondition.none());
            r.check(!v3.equals(v1), "a put returned %s, the version of an earlier state", v3);
            r.eventually(() -> r.requireMetadata(p, name, second, v3));
            byte[] third = r.bytes("third", 9000);
            String v4 = p.putMetadata(name, third, MetadataPrecondition.none());
            r.check(!v4.equals(v3) && !v4.equals(v1), "a put of new bytes returned %s, the version of an earlier state", v4);
            r.eventually(() -> r.requireMetadata(p, name, third, v4));
        });
    }

    /**
     * R1.04.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_04_snapshotsAreIndependent(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_04, test, dir, r -> {
            Provider p = r.open();
            Path a = r.file("a", r.settings.smallFileBytes());
            Path b = r.file("b", r.settings.smallFileBytes() + 1);
            r.upload(p, SNAPSHOT, "shared.txt", a);
            byte[] manifest = r.bytes("manifest", 300);
            String version = p.putMetadata("manifests/" + SNAPSHOT + ".json", manifest, MetadataPrecondition.none());
            r.eventually(() -> r.requireNotFound(p, OTHER_SNAPSHOT, "shared.txt"));
            r.requireNoMetadata(p, "manifests/" + OTHER_SNAPSHOT + ".json", "only the manifest of " + SNAPSHOT + " was put");
            if (r.declares(Capability.LISTING)) {
                r.eventually(() -> r.requireListing(p, OTHER_SNAPSHOT, Map.of()));
            }
            r.upload(p, OTHER_SNAPSHOT, "shared.txt", b);
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "shared.txt", a));
            r.eventually(() -> r.requireContent(p, OTHER_SNAPSHOT, "shared.txt", b));
            p.delete(OTHER_SNAPSHOT, "shared.txt");
            r.eventually(() -> r.requireContent(p, SNAPSHOT, "shared.txt", a));
            p.delete(SNAPSHOT, "shared.txt");
            r.eventually(() -> r.requireMetadata(p, "manifests/" + SNAPSHOT + ".json", manifest, version));
        });
    }

    /**
     * R1.05.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_05_noFileCanReplaceMetadata(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_05, test, dir, r -> {
            Provider p = r.open();
            String name = "manifests/" + SNAPSHOT + ".json";
            byte[] manifest = r.bytes("m", 400);
            String version = p.putMetadata(name, manifest, MetadataPrecondition.none());
            byte[] other = r.bytes("other", 40);
            String otherVersion = p.putMetadata("locks/lease", other, MetadataPrecondition.none());
            Map<String, Path> files = new LinkedHashMap<>();
            for (String path : List.of("manifest.json", SNAPSHOT + ".json", Names.RESERVED_SNAPSHOT + "/" + name,
                    Names.RESERVED_SNAPSHOT + "/locks/lease", ".cloudsync/manifest.json", name, "locks/lease", SNAPSHOT)) {
                files.put(path, r.text("collide-" + files.size(), "not metadata: " + path));
                r.upload(p, SNAPSHOT, path, files.get(path));
            }
            r.eventually(() -> r.requireMetadata(p, name, manifest, version));
            r.eventually(() -> r.requireMetadata(p, "locks/lease", other, otherVersion));
            byte[] next = r.bytes("m2", 500);
            String nextVersion = p.putMetadata(name, next, MetadataPrecondition.ifVersion(version));
            r.eventually(() -> r.requireMetadata(p, name, next, nextVersion));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                r.eventually(() -> r.requireContent(p, SNAPSHOT, f.getKey(), f.getValue()));
            }
            for (String path : files.keySet()) {
                p.delete(SNAPSHOT, path);
            }
            r.eventually(() -> r.requireMetadata(p, name, next, nextVersion));
            r.eventually(() -> r.requireMetadata(p, "locks/lease", other, otherVersion));
        });
    }

    /**
     * R1.06.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_06_metadataAndFilesAreListedApart(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_06, test, dir, r -> {
            Provider p = r.open();
            List<String> names = List.of("manifests/" + OTHER_SNAPSHOT + ".json", "manifests/" + SNAPSHOT + ".json", "plans/a");
            for (String name : names) {
                p.putMetadata(name, r.bytes(name, 64), MetadataPrecondition.none());
            }
            Map<String, Path> files = new TreeMap<>();
            for (String path : List.of("data.txt", "manifests/" + SNAPSHOT + ".json", "plans/b")) {
                files.put(path, r.text("file-" + files.size(), "a file at " + path));
                r.upload(p, SNAPSHOT, path, files.get(path));
            }
            r.eventually(() -> {
                List<String> listed = r.listMetadata(p, "");
                r.check(listed.equals(names), "listMetadata(\"\") lists %s; exactly the metadata objects %s were put "
                        + "(files of snapshots are never metadata)", listed, names);
            });
            if (r.declares(Capability.LISTING)) {
                r.eventually(() -> r.requireListing(p, SNAPSHOT, files));
                r.eventually(() -> r.requireListing(p, OTHER_SNAPSHOT, Map.of()));
                r.eventually(() -> r.requireListing(p, Names.RESERVED_SNAPSHOT.substring(1), Map.of()));
            }
        });
    }

    /**
     * R1.07.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_07_deleteMetadataRemovesOnlyTheNamedObject(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_07, test, dir, r -> {
            Provider p = r.open();
            r.attempt("deleteMetadata of a name never put", () -> p.deleteMetadata("never/put"));
            Map<String, byte[]> survivors = new LinkedHashMap<>();
            Map<String, String> versions = new LinkedHashMap<>();
            for (String name : List.of("a/b.bak", "a/bb", "a/c/b", "a-b", "b", "x/a/b")) {
                survivors.put(name, r.bytes(name, 32));
                versions.put(name, p.putMetadata(name, survivors.get(name), MetadataPrecondition.none()));
            }
            p.putMetadata("a/b", r.bytes("victim", 32), MetadataPrecondition.none());
            r.attempt("deleteMetadata(\"a/b\")", () -> p.deleteMetadata("a/b"));
            r.attempt("a second deleteMetadata(\"a/b\")", () -> p.deleteMetadata("a/b"));
            r.eventually(() -> r.requireNoMetadata(p, "a/b", "it was deleted"));
            for (Map.Entry<String, byte[]> s : survivors.entrySet()) {
                r.eventually(() -> r.requireMetadata(p, s.getKey(), s.getValue(), versions.get(s.getKey())));
            }
            r.eventually(() -> {
                List<String> listed = r.listMetadata(p, "");
                r.check(!listed.contains("a/b"), "listMetadata(\"\") still lists a/b after it was deleted: %s", listed);
            });
            byte[] reborn = r.bytes("reborn", 8);
            String v = p.putMetadata("a/b", reborn, MetadataPrecondition.ifAbsent());
            r.eventually(() -> r.requireMetadata(p, "a/b", reborn, v));
        });
    }

    /**
     * R1.08.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_08_listMetadataIsExactAndSorted(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_08, test, dir, r -> {
            Provider p = r.open();
            List<String> names = List.of("manifests/b.json", "manifests/a.json", "manifests/a.json.bak", "manifests-x/a.json",
                    "manifest", "chunks/ab/01", "chunks/ab/02", "chunks/abc/01", "z", "a b/c", "a+b/c", "\u00e9t\u00e9/x");
            for (String name : names) {
                p.putMetadata(name, r.bytes(name, 16), MetadataPrecondition.none());
            }
            for (String prefix : List.of("", "manifests/", "manifests", "manifests/a", "chunks/ab/", "chunks/ab", "nothing/", "z")) {
                List<String> expected = names.stream().filter(n -> n.startsWith(prefix)).sorted().toList();
                r.eventually(() -> {
                    List<String> listed = r.listMetadata(p, prefix);
                    r.check(listed.equals(expected), "listMetadata(\"%s\") lists %s, expected exactly %s", prefix, listed, expected);
                });
            }
        });
    }

    /**
     * R1.09.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_09_longAndNonAsciiMetadataNamesRoundTrip(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_09, test, dir, r -> {
            Provider p = r.open();
            List<String> names = new ArrayList<>();
            names.add("s".repeat(Names.MAX_SEGMENT));
            names.add("long/" + "\u00e9".repeat(127)); // 254 bytes in UTF-8: a file system's longest name
            names.add("manifests/" + "\u65e5".repeat(83) + ".json"); // 254 bytes
            String longest = "a".repeat(Names.MAX_SEGMENT) + "/" + "b".repeat(Names.MAX_SEGMENT - 1) + "/" + "c".repeat(
                    Names.MAX_METADATA_NAME - 2 * Names.MAX_SEGMENT - 1);
            names.add(longest);
            names.add("punctuation/a b+c%20d#e?f&g=h;i'j\"k~l!m@n$o(p)q[r]{s},t");
            names.add("unicode/caf\u00e9/na\u00efve/\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac/emoji-\uD83D\uDE00");
            names.add("dots/.hidden/..x/x..");
            for (String name : names) {
                Names.requireMetadataName(name);
            }
            Map<String, String> versions = new TreeMap<>();
            for (String name : names) {
                versions.put(name, p.putMetadata(name, r.bytes(name, 24), MetadataPrecondition.none()));
            }
            for (String name : names) {
                r.eventually(() -> r.requireMetadata(p, name, r.bytes(name, 24), versions.get(name)));
            }
            r.eventually(() -> {
                List<String> listed = r.listMetadata(p, "");
                List<String> expected = names.stream().sorted().toList();
                r.check(listed.equals(expected), "listMetadata(\"\") lists %s, expected exactly %s (names are stored as given, "
                        + "not normalised, shortened or escaped)", listed, expected);
            });
        });
    }

    /**
     * R1.10.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_10_preconditionsAreChecked(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_10, test, dir, r -> {
            Provider p = r.open();
            String name = "manifests/" + SNAPSHOT + ".json";
            byte[] first = r.bytes("first", 100);
            r.expectFailure(ProviderException.Kind.CONFLICT, "putMetadata(ifVersion) when nothing is stored",
                    () -> p.putMetadata(name, first, MetadataPrecondition.ifVersion("no-such-version")));
            r.requireNoMetadata(p, name, "the only put was refused");
            String v1 = p.putMetadata(name, first, MetadataPrecondition.ifAbsent());
            r.eventually(() -> r.requireMetadata(p, name, first, v1));
            r.expectFailure(ProviderException.Kind.CONFLICT, "putMetadata(ifAbsent) over an existing object",
                    () -> p.putMetadata(name, r.bytes("refused", 10), MetadataPrecondition.ifAbsent()));
            r.requireMetadata(p, name, first, v1);
            byte[] second = r.bytes("second", 200);
            String v2 = p.putMetadata(name, second, MetadataPrecondition.ifVersion(v1));
            r.eventually(() -> r.requireMetadata(p, name, second, v2));
            r.expectFailure(ProviderException.Kind.CONFLICT, "putMetadata(ifVersion) with a stale version",
                    () -> p.putMetadata(name, r.bytes("stale", 10), MetadataPrecondition.ifVersion(v1)));
            r.requireMetadata(p, name, second, v2);
            p.deleteMetadata(name);
            r.eventually(() -> r.requireNoMetadata(p, name, "it was deleted"));
            r.expectFailure(ProviderException.Kind.CONFLICT, "putMetadata(ifVersion) after the object was deleted",
                    () -> p.putMetadata(name, r.bytes("after", 10), MetadataPrecondition.ifVersion(v2)));
            r.requireNoMetadata(p, name, "the put after the delete was refused");
        });
    }

    /**
     * R1.11.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void required_R1_11_readersNeverSeeATornPut(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R1_11, test, dir, r -> {
            String name = "manifests/" + SNAPSHOT + ".json";
            List<byte[]> versions = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                versions.add(r.bytes("whole-" + i, 48 * 1024)); // one size: a torn object is not told by its length
            }
            Provider writer = r.open();
            Provider reader = r.open(); // another instance, as another process would read
            writer.putMetadata(name, versions.get(0), MetadataPrecondition.none());
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<String>> tasks = new ArrayList<>();
            tasks.add(() -> {
                start.await();
                try {
                    for (int round = 0; round < 3; round++) {
                        for (byte[] v : versions) {
                            writer.putMetadata(name, v, MetadataPrecondition.none());
                        }
                    }
                } finally {
                    writing.set(false);
                }
                return null;
            });
            tasks.add(() -> {
                start.await();
                int reads = 0;
                while (writing.get() || reads == 0) {
                    MetadataObject read;
                    try {
                        read = reader.getMetadata(name).orElse(null);
                    } catch (ProviderException e) {
                        if (!e.retryable()) {
                            throw e;
                        }
                        continue; // a busy server may refuse a read for a moment: the engine retries it
                    }
                    reads++;
                    if (read == null) {
                        return "a read found no object while puts replaced it";
                    }
                    if (versions.stream().noneMatch(v -> java.util.Arrays.equals(v, read.bytes()))) {
                        return "a read returned " + read.bytes().length + " bytes that are none of the " + versions.size()
                                + " objects of " + versions.get(0).length + " bytes put";
                    }
                    Thread.sleep(2); // a reader that never pauses can starve the writer on a server that locks per object
                }
                return null;
            });
            List<String> outcomes = r.inParallel(tasks, start);
            r.check(outcomes.get(1) == null, "%s. If this fails, write the object under a temporary name and rename it, or "
                    + "use the backend's atomic replace: a half-written manifest read by another host looks damaged", outcomes.get(1));
        });
    }

    /**
     * R5.01.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R5_01_racingCreatesHaveOneWinner(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R5_01, test, dir, r -> race(r, null));
    }

    /**
     * R5.02.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R5_02_racingUpdatesHaveOneWinner(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R5_02, test, dir, r -> {
            Provider setup = r.open();
            byte[] base = r.bytes("base", 50);
            String version = setup.putMetadata("manifests/" + SNAPSHOT + ".json", base, MetadataPrecondition.none());
            r.eventually(() -> r.requireMetadata(setup, "manifests/" + SNAPSHOT + ".json", base, version));
            race(r, version);
        });
    }

    /**
     * R5.03.
     *
     * @param test the test
     * @param dir a temporary folder
     */
    @Test
    public final void optional_R5_03_compareAndSetLosesNoUpdate(TestInfo test, @TempDir Path dir) {
        run(ContractRule.R5_03, test, dir, r -> {
            String name = "counters/" + SNAPSHOT;
            Provider setup = r.open();
            setup.putMetadata(name, "0".getBytes(StandardCharsets.US_ASCII), MetadataPrecondition.ifAbsent());
            int writers = r.settings.threads();
            int rounds = 5;
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Provider mine = r.open(); // one instance per writer, as separate processes would have
                tasks.add(() -> {
                    start.await();
                    int done = 0;
                    for (int attempt = 0; done < rounds && attempt < 50 * rounds * writers; attempt++) {
                        MetadataObject read = mine.getMetadata(name).orElseThrow(() -> new AssertionError(
                                "getMetadata(\"" + name + "\") is empty while writers increment it"));
                        int value = Integer.parseInt(new String(read.bytes(), StandardCharsets.US_ASCII));
                        try {
                            mine.putMetadata(name, Integer.toString(value + 1).getBytes(StandardCharsets.US_ASCII),
                                    MetadataPrecondition.ifVersion(read.version()));
                            done++;
                        } catch (ProviderException e) {
                            if (e.kind() != ProviderException.Kind.CONFLICT && !e.retryable()) {
                                throw e;
                            }
                        }
                    }
                    return done;
                });
            }
            int succeeded = r.inParallel(tasks, start).stream().mapToInt(Integer::intValue).sum();
            r.eventually(() -> {
                byte[] stored = setup.getMetadata(name).orElseThrow().bytes();
                int value = Integer.parseInt(new String(stored, StandardCharsets.US_ASCII));
                r.check(value == succeeded, "%d puts with ifVersion of the version just read succeeded, but the counter they "
                        + "incremented is %d: %d updates were lost, so the precondition is not checked atomically with the put",
                        succeeded, value, succeeded - value);
            });
        });
    }

    private static byte[] allByteValues() {
        byte[] all = new byte[512];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        return all;
    }

    /** Writers racing to put one name with the same precondition: ifAbsent, or ifVersion of {@code version}. */
    private static void race(RuleRun r, String version) throws Exception {
        String name = "manifests/" + SNAPSHOT + ".json";
        MetadataPrecondition condition = version == null ? MetadataPrecondition.ifAbsent() : MetadataPrecondition.ifVersion(version);
        int writers = r.settings.threads();
        List<Provider> instances = new ArrayList<>();
        List<byte[]> candidates = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            instances.add(r.open()); // one instance per writer, as separate processes would have
            candidates.add(r.bytes("writer-" + i, 100 + i));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            Provider mine = instances.get(i);
            byte[] candidate = candidates.get(i);
            tasks.add(() -> {
                start.await();
                try {
                    return mine.putMetadata(name, candidate, condition);
                } catch (ProviderException e) {
                    if (e.kind() != ProviderException.Kind.CONFLICT) {
                        throw e;
                    }
                    return null;
                }
            });
        }
        List<String> won = r.inParallel(tasks, start);
        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            if (won.get(i) != null) {
                winners.add(i);
            }
        }
        r.check(winners.size() == 1, "%d of %d writers racing with %s succeeded; exactly one may", winners.size(), writers,
                condition);
        int winner = winners.get(0);
        r.eventually(() -> r.requireMetadata(instances.get(0), name, candidates.get(winner), won.get(winner)));
    }

    private void run(ContractRule rule, TestInfo test, Path dir, RuleRun.Body body) {
        RuleRun.run(subject(), rule, test, dir, body);
    }
}
