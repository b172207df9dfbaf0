package io.cloudsync.testkit.selftest;

import io.cloudsync.Digests;
import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.Names;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.RemoteEntry;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.ContractRule;
import io.cloudsync.testkit.ContractSettings;
import io.cloudsync.testkit.ForwardingProvider;
import io.cloudsync.testkit.InMemoryProviderFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Deliberately broken providers, each built on the memory provider with one realistic defect, and
 * the rule that must catch it.
 */
enum BrokenProvider {

    TRUNCATES_UPLOADS(ContractRule.R2_01, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            byte[] bytes = read(localFile);
            byte[] cut = java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length - 1));
            return store(delegate(), snapshot, entry, cut);
        }
    }),
    COUNTS_BYTES_TWICE(ContractRule.R2_10, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile,
                                    java.util.function.LongConsumer sent) {
            // counts the hashing pass and the sending pass: twice the file by the end
            sent.accept(entry.size() / 2);
            sent.accept(entry.size());
            sent.accept(2 * entry.size());
            return delegate().upload(snapshot, entry, localFile);
        }
    }),
    DROPS_EMPTY_FILES(ContractRule.R2_02, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            return entry.size() == 0 ? UploadReceipt.unverified(entry.path(), 0) : delegate().upload(snapshot, entry, localFile);
        }
    }),
    LEAVES_PARTIAL_FILES_VISIBLE(ContractRule.R2_03, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            // writes straight to the final name, then fills it: a failure leaves the placeholder
            delegate().upload(snapshot, entryFor(entry, new byte[0]), write(new byte[0]));
            return delegate().upload(snapshot, entry, localFile);
        }
    }),
    CORRUPTS_LARGE_FILES(ContractRule.R2_04, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            byte[] bytes = read(localFile);
            if (bytes.length > 100_000) {
                bytes[100_000] ^= 1;
            }
            return store(delegate(), snapshot, entry, bytes);
        }
    }),
    LOSES_LAST_PART(ContractRule.R2_05, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            byte[] bytes = read(localFile);
            if (bytes.length > THRESHOLD) {
                bytes = java.util.Arrays.copyOf(bytes, (int) (bytes.length / THRESHOLD * THRESHOLD));
            }
            return store(delegate(), snapshot, entry, bytes);
        }
    }),
    RECEIPT_WITHOUT_FOLDERS(ContractRule.R2_06, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            UploadReceipt r = delegate().upload(snapshot, entry, localFile);
            return UploadReceipt.verified(entry.path().substring(entry.path().lastIndexOf('/') + 1), r.size(), r.sha256().orElseThrow());
        }
    }),
    OVERWRITE_KEEPS_OLD_TAIL(ContractRule.R2_07, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            byte[] fresh = read(localFile);
            byte[] old = tryDownload(delegate(), snapshot, entry.path());
            if (old != null && old.length > fresh.length) {
                byte[] merged = old.clone();
                System.arraycopy(fresh, 0, merged, 0, fresh.length);
                fresh = merged;
            }
            return store(delegate(), snapshot, entry, fresh);
        }
    }),
    EMPTY_FILE_FOR_MISSING_DOWNLOAD(ContractRule.R2_08, p -> new ForwardingProvider(p) {
        @Override
        public void download(String snapshot, String path, Path target) {
            try {
                delegate().download(snapshot, path, target);
            } catch (ProviderException e) {
                writeTo(target, new byte[0]);
            }
        }
    }),
    DOWNLOAD_OF_FOLDER_MAKES_A_FOLDER(ContractRule.R2_09, p -> new ForwardingProvider(p) {
        @Override
        public void download(String snapshot, String path, Path target) {
            try {
                delegate().download(snapshot, path, target);
            } catch (ProviderException e) {
                boolean folder;
                try (Stream<RemoteEntry> all = delegate().list(snapshot)) {
                    folder = all.anyMatch(r -> r.path().startsWith(path + "/"));
                }
                if (!folder) {
                    throw e;
                }
                try {
                    Files.createDirectories(target); // what Files.copy does with a folder as the source
                } catch (IOException io) {
                    throw new UncheckedIOException(io);
                }
            }
        }
    }),
    REJECTS_LONG_NAMES(ContractRule.R3_04, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            for (String segment : entry.path().split("/")) {
                // a temporary name made of the target's name plus a suffix no longer fits
                if (("." + segment + ".part").getBytes(StandardCharsets.UTF_8).length > 255) {
                    throw new ProviderException(ProviderException.Kind.PERMANENT, "File name too long: " + entry.path());
                }
            }
            return delegate().upload(snapshot, entry, localFile);
        }
    }),
    HIDES_TEMPORARY_LOOKING_NAMES(ContractRule.R3_05, p -> new ForwardingProvider(p) {
        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            return delegate().list(snapshot).filter(e -> !e.path().endsWith(".cloudsync-tmp"));
        }

        @Override
        public void delete(String snapshot, String path) {
            delegate().delete(snapshot, path);
            int slash = path.lastIndexOf('/');
            delegate().delete(snapshot, path.substring(0, slash + 1) + "." + path.substring(slash + 1) + ".cloudsync-tmp");
        }
    }),
    URL_DECODES_NAMES(ContractRule.R3_03, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            ManifestEntry mapped = new ManifestEntry(decode(entry.path()), entry.size(), entry.mtime(), entry.sha256());
            UploadReceipt r = delegate().upload(snapshot, mapped, localFile);
            return UploadReceipt.verified(entry.path(), r.size(), r.sha256().orElseThrow());
        }

        @Override
        public void download(String snapshot, String path, Path target) {
            delegate().download(snapshot, decode(path), target);
        }
    }),
    LIMITS_FOLDER_DEPTH(ContractRule.R3_02, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            if (entry.path().split("/").length > 10) {
                throw new ProviderException(ProviderException.Kind.PERMANENT, "too deep: " + entry.path());
            }
            return delegate().upload(snapshot, entry, localFile);
        }
    }),
    REJECTS_SPECIAL_CHARACTERS(ContractRule.R3_01, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            if (entry.path().matches(".*[#?%].*")) {
                throw new ProviderException(ProviderException.Kind.PERMANENT, "bad name: " + entry.path());
            }
            return delegate().upload(snapshot, entry, localFile);
        }
    }),
    ACCEPTS_WRONG_SHA256(ContractRule.R4_01, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            byte[] bytes = read(localFile);
            delegate().upload(snapshot, entryFor(entry, bytes), localFile);
            return UploadReceipt.verified(entry.path(), entry.size(), entry.sha256());
        }
    }),
    UNVERIFIED_RECEIPTS(ContractRule.R4_02, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            UploadReceipt r = delegate().upload(snapshot, entry, localFile);
            return UploadReceipt.unverified(r.path(), r.size());
        }
    }),
    EMPTY_LISTING_FAILS(ContractRule.R7_01, p -> new ForwardingProvider(p) {
        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            List<RemoteEntry> all;
            try (Stream<RemoteEntry> s = delegate().list(snapshot)) {
                all = s.toList();
            }
            if (all.isEmpty()) {
                throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no such snapshot " + snapshot);
            }
            return all.stream();
        }
    }),
    LISTS_WRONG_SIZES(ContractRule.R7_02, p -> new ForwardingProvider(p) {
        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            return delegate().list(snapshot).map(e -> RemoteEntry.of(e.path(), 0));
        }
    }),
    LISTS_STALE_DATA(ContractRule.R7_03, p -> new ForwardingProvider(p) {
        private final Map<String, List<RemoteEntry>> cache = new ConcurrentHashMap<>();

        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            List<RemoteEntry> entries = cache.computeIfAbsent(snapshot, s -> {
                try (Stream<RemoteEntry> all = delegate().list(s)) {
                    return all.toList();
                }
            });
            return entries.isEmpty() ? delegate().list(snapshot) : entries.stream();
        }
    }),
    LISTING_FAILS_DURING_UPLOADS(ContractRule.R7_04, p -> new ForwardingProvider(p) {
        private final java.util.concurrent.atomic.AtomicInteger uploading = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            uploading.incrementAndGet();
            try {
                pause(); // a staging file sits in the snapshot meanwhile
                return delegate().upload(snapshot, entry, localFile);
            } finally {
                uploading.decrementAndGet();
            }
        }

        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            if (uploading.get() > 0) {
                throw new ProviderException(ProviderException.Kind.NOT_FOUND, "a staging file vanished while listing " + snapshot);
            }
            return delegate().list(snapshot);
        }
    }),
    IGNORES_DELETES(ContractRule.R8_01, p -> new ForwardingProvider(p) {
        @Override
        public void delete(String snapshot, String path) {
            // "deleted"
        }
    }),
    DELETE_OF_MISSING_FAILS(ContractRule.R8_02, p -> new ForwardingProvider(p) {
        @Override
        public void delete(String snapshot, String path) {
            if (tryDownload(delegate(), snapshot, path) == null) {
                throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no such file " + path);
            }
            delegate().delete(snapshot, path);
        }
    }),
    DELETES_BY_PREFIX(ContractRule.R8_03, p -> new ForwardingProvider(p) {
        @Override
        public void delete(String snapshot, String path) {
            try (Stream<RemoteEntry> all = delegate().list(snapshot)) {
                all.map(RemoteEntry::path).filter(q -> q.startsWith(path)).toList().forEach(q -> delegate().delete(snapshot, q));
            }
        }
    }),
    SHARED_UPLOAD_BUFFER(ContractRule.R9_01, p -> new ForwardingProvider(p) {
        private volatile byte[] staging;

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            staging = read(localFile);
            pause();
            byte[] bytes = staging; // another thread may have replaced it meanwhile
            return store(delegate(), snapshot, entry, bytes);
        }
    }),
    CLOSE_TWICE_FAILS(ContractRule.R9_03, p -> new ForwardingProvider(p) {
        private boolean closed;

        @Override
        public void close() {
            if (closed) {
                throw new IllegalStateException("already closed");
            }
            closed = true;
            delegate().close();
        }
    }),
    IGNORES_SNAPSHOT(ContractRule.R1_04, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            return delegate().upload("all", entry, localFile);
        }

        @Override
        public void download(String snapshot, String path, Path target) {
            delegate().download("all", path, target);
        }

        @Override
        public void delete(String snapshot, String path) {
            delegate().delete("all", path);
        }

        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            return delegate().list("all");
        }
    }),
    EMPTY_OBJECT_FOR_MISSING_METADATA(ContractRule.R1_01, p -> new ForwardingProvider(p) {
        @Override
        public Optional<MetadataObject> getMetadata(String name) {
            return Optional.of(delegate().getMetadata(name).orElse(new MetadataObject(new byte[0], "absent")));
        }
    }),
    TRUNCATES_METADATA(ContractRule.R1_02, p -> new ForwardingProvider(p) {
        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            return delegate().putMetadata(name, java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 4096)), precondition);
        }
    }),
    CONSTANT_METADATA_VERSION(ContractRule.R1_03, p -> new ForwardingProvider(p) {
        @Override
        public Optional<MetadataObject> getMetadata(String name) {
            return delegate().getMetadata(name).map(o -> new MetadataObject(o.bytes(), "1"));
        }

        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            delegate().putMetadata(name, bytes, MetadataPrecondition.none());
            return "1";
        }
    }),
    METADATA_STORED_AS_FILES(ContractRule.R1_05, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            // metadata kept as files under <snapshot>/.cloudsync/, so a project file there replaces it
            if (entry.path().startsWith(Names.RESERVED_SNAPSHOT + "/")) {
                delegate().putMetadata(entry.path().substring(Names.RESERVED_SNAPSHOT.length() + 1), read(localFile),
                        MetadataPrecondition.none());
            }
            return delegate().upload(snapshot, entry, localFile);
        }
    }),
    LISTS_METADATA_AS_FILES(ContractRule.R1_06, p -> new ForwardingProvider(p) {
        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            List<RemoteEntry> all;
            try (Stream<RemoteEntry> files = delegate().list(snapshot); Stream<String> names = delegate().listMetadata("")) {
                all = Stream.concat(files, names.map(n -> RemoteEntry.of(".cloudsync/" + n, 1))).toList();
            }
            return all.stream();
        }
    }),
    DELETES_METADATA_BY_PREFIX(ContractRule.R1_07, p -> new ForwardingProvider(p) {
        @Override
        public void deleteMetadata(String name) {
            List<String> names;
            try (Stream<String> all = delegate().listMetadata(name)) {
                names = all.toList();
            }
            names.forEach(delegate()::deleteMetadata);
        }
    }),
    LISTS_METADATA_BY_FOLDER(ContractRule.R1_08, p -> new ForwardingProvider(p) {
        @Override
        public Stream<String> listMetadata(String prefix) {
            // treats every prefix as a folder, as a naive delimiter listing does
            return delegate().listMetadata(prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/");
        }
    }),
    SHORTENS_LONG_METADATA_NAMES(ContractRule.R1_09, p -> new ForwardingProvider(p) {
        private String shorten(String name) {
            return name.length() <= 200 ? name : name.substring(0, 200);
        }

        @Override
        public Optional<MetadataObject> getMetadata(String name) {
            return delegate().getMetadata(shorten(name));
        }

        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            return delegate().putMetadata(shorten(name), bytes, precondition);
        }

        @Override
        public void deleteMetadata(String name) {
            delegate().deleteMetadata(shorten(name));
        }
    }),
    IGNORES_IF_ABSENT(ContractRule.R1_10, p -> new ForwardingProvider(p) {
        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            return delegate().putMetadata(name, bytes, precondition.kind() == MetadataPrecondition.Kind.ABSENT
                    ? MetadataPrecondition.none() : precondition);
        }
    }),
    IGNORES_IF_VERSION(ContractRule.R1_10, p -> new ForwardingProvider(p) {
        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            return delegate().putMetadata(name, bytes, precondition.kind() == MetadataPrecondition.Kind.VERSION
                    ? MetadataPrecondition.none() : precondition);
        }
    }),
    CHECK_THEN_PUT_CREATES(ContractRule.R5_01, BrokenProvider::checkThenPut),
    CHECK_THEN_PUT_UPDATES(ContractRule.R5_02, BrokenProvider::checkThenPut),
    CHECK_THEN_PUT_LOSES_UPDATES(ContractRule.R5_03, BrokenProvider::checkThenPut),
    COPY_TRUNCATES(ContractRule.R10_01, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
            byte[] bytes = tryDownload(delegate(), snapshot, sourcePath);
            if (bytes == null) {
                return delegate().copy(snapshot, sourcePath, target);
            }
            byte[] cut = java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length - 1));
            delegate().upload(snapshot, entryFor(target.path(), cut), write(cut));
            return UploadReceipt.unverified(target.path(), target.size());
        }
    }),
    COPY_KEEPS_EXISTING_TARGET(ContractRule.R10_02, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
            if (tryDownload(delegate(), snapshot, target.path()) != null) {
                return UploadReceipt.unverified(target.path(), target.size()); // "already there"
            }
            return delegate().copy(snapshot, sourcePath, target);
        }
    }),
    COPY_OF_MISSING_CREATES_EMPTY_FILE(ContractRule.R10_03, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
            if (tryDownload(delegate(), snapshot, sourcePath) == null) {
                delegate().upload(snapshot, entryFor(target.path(), new byte[0]), write(new byte[0]));
                return UploadReceipt.unverified(target.path(), 0);
            }
            return delegate().copy(snapshot, sourcePath, target);
        }
    }),
    COPIES_WITHOUT_DECLARING_IT(ContractRule.R10_04, p -> new ForwardingProvider(p) { }),
    FORGETS_ON_REOPEN(ContractRule.R9_02, null),
    RECEIPT_CARRIES_THE_ENTRYS_HASH(ContractRule.R2_11, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            // stores what the file holds, then "verifies" by echoing the entry: the engine skips its read-back
            byte[] bytes = read(localFile);
            delegate().upload(snapshot, entryFor(entry, bytes), localFile);
            return UploadReceipt.verified(entry.path(), entry.size(), entry.sha256());
        }
    }),
    RECEIPT_SIZE_FROM_THE_ENTRY(ContractRule.R2_11, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            byte[] bytes = read(localFile);
            delegate().upload(snapshot, entryFor(entry, bytes), localFile);
            return UploadReceipt.unverified(entry.path(), entry.size());
        }
    }),
    WRITES_IN_PLACE(ContractRule.R2_12, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            return upload(snapshot, entry, localFile, n -> { });
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile, java.util.function.LongConsumer sent) {
            // appends to the final name as the parts go out: a death midway leaves the first half readable
            byte[] bytes = read(localFile);
            if (!entryFor(entry, bytes).equals(entry)) {
                throw new ProviderException(ProviderException.Kind.INTEGRITY, "hashed first: " + entry.path() + " changed");
            }
            byte[] half = java.util.Arrays.copyOf(bytes, bytes.length / 2);
            delegate().upload(snapshot, entryFor(entry, half), write(half));
            sent.accept(half.length);
            UploadReceipt r = delegate().upload(snapshot, entry, localFile);
            sent.accept(bytes.length);
            return r;
        }
    }),
    CASE_INSENSITIVE_NAMES(ContractRule.R3_06, p -> new ForwardingProvider(p) {
        // like a case-insensitive, case-preserving file system: the first spelling of a name wins
        private final Map<String, String> spellings = new ConcurrentHashMap<>();

        private String spelling(String snapshot, String path) {
            return spellings.computeIfAbsent(snapshot + '\0' + path.toLowerCase(java.util.Locale.ROOT), k -> path);
        }

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            String stored = spelling(snapshot, entry.path());
            UploadReceipt r = delegate().upload(snapshot, new ManifestEntry(stored, entry.size(), entry.mtime(), entry.sha256()),
                    localFile);
            return UploadReceipt.verified(entry.path(), r.size(), r.sha256().orElseThrow());
        }

        @Override
        public void download(String snapshot, String path, Path target) {
            delegate().download(snapshot, spelling(snapshot, path), target);
        }
    }),
    LISTS_FIRST_PART_SIZE(ContractRule.R7_02, p -> new ForwardingProvider(p) {
        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            // a listing that reports the first part of a file stored in parts
            return delegate().list(snapshot).map(e -> e.size() > 128 * 1024 ? RemoteEntry.of(e.path(), 128 * 1024) : e);
        }
    }),
    CAPS_METADATA_AT_4_MIB(ContractRule.R1_02, p -> new ForwardingProvider(p) {
        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            // one request body of at most 4 MiB, and no check that the rest was sent
            return delegate().putMetadata(name, java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 4 << 20)), precondition);
        }
    }),
    LISTS_STORE_TIME_AS_MTIME(ContractRule.R7_05, p -> new ForwardingProvider(p) {
        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            // the object's LastModified, which is when it was stored, reported as the file's mtime
            java.time.Instant stored = java.time.Instant.now();
            return delegate().list(snapshot).map(e -> RemoteEntry.of(e.path(), e.size(), e.sha256().orElse(null), stored));
        }
    }),
    LISTS_WITHOUT_DECLARING_IT(ContractRule.R7_06, p -> new ForwardingProvider(p) { }),
    REFUSED_CREDENTIALS_ARE_RETRYABLE(ContractRule.R9_04, null),
    TOKEN_IN_CONFLICT_MESSAGE(ContractRule.R9_05, null),
    TOKEN_LOGGED_ON_NOT_FOUND(ContractRule.R9_05, null);

    /** The token the run's secrets hold; R9.05 looks for it. */
    static final String TOKEN = "br0ken-t0ken-5ecret-value";
    /** The token the run's refused secrets hold. */
    static final String REFUSED_TOKEN = "refused-t0ken-value";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BrokenProvider.class);

    /** Threshold declared by the run of {@link #LOSES_LAST_PART}. */
    static final long THRESHOLD = 64 * 1024;

    private final ContractRule caughtBy;
    private final Function<Provider, Provider> breaker;

    BrokenProvider(ContractRule caughtBy, Function<Provider, Provider> breaker) {
        this.caughtBy = caughtBy;
        this.breaker = breaker;
    }

    ContractRule caughtBy() {
        return caughtBy;
    }

    Set<Capability> capabilities() {
        if (EnumSet.of(RECEIPT_CARRIES_THE_ENTRYS_HASH, RECEIPT_SIZE_FROM_THE_ENTRY, TRUNCATES_UPLOADS, DROPS_EMPTY_FILES,
                LEAVES_PARTIAL_FILES_VISIBLE, CORRUPTS_LARGE_FILES, LOSES_LAST_PART, OVERWRITE_KEEPS_OLD_TAIL, SHARED_UPLOAD_BUFFER,
                WRITES_IN_PLACE).contains(this)) {
            // providers whose uploads do not check the sha256 do not declare SERVER_SHA256, so R4.* do not
            // catch them too; R2.11 is the hole closed for them: no rule sent bytes that differ from the entry
            return Set.of(Capability.CONDITIONAL_METADATA_PUT, Capability.LISTING, Capability.SERVER_SIDE_COPY);
        }
        if (this == LISTS_WITHOUT_DECLARING_IT) {
            return Set.of(Capability.SERVER_SHA256, Capability.CONDITIONAL_METADATA_PUT, Capability.SERVER_SIDE_COPY);
        }
        if (this == COPIES_WITHOUT_DECLARING_IT) {
            return Set.of(Capability.SERVER_SHA256, Capability.CONDITIONAL_METADATA_PUT, Capability.LISTING);
        }
        return Set.of(Capability.SERVER_SHA256, Capability.CONDITIONAL_METADATA_PUT, Capability.LISTING,
                Capability.SERVER_SIDE_COPY);
    }

    /** A compare-and-set that checks, then puts: the window between them lets racing writers all win. */
    static Provider checkThenPut(Provider p) {
        return new ForwardingProvider(p) {
            @Override
            public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
                if (!precondition.allows(delegate().getMetadata(name))) {
                    throw new ProviderException(ProviderException.Kind.CONFLICT, "precondition failed");
                }
                pause(); // the window a non-atomic compare-and-set leaves open
                return delegate().putMetadata(name, bytes, MetadataPrecondition.none());
            }
        };
    }

    ContractSettings settings() {
        ContractSettings s = ContractSettings.defaults().withLargeFileBytes(256 * 1024);
        return this == LOSES_LAST_PART ? s.withMultipartThresholdBytes(THRESHOLD) : s;
    }

    Provider open(ProviderConfig config, io.cloudsync.spi.Secrets secrets) {
        String token = secrets.get("cloud_sync.broken.token").map(io.cloudsync.Secret::revealString).orElse("");
        if (token.equals(REFUSED_TOKEN)) {
            if (this != REFUSED_CREDENTIALS_ARE_RETRYABLE) {
                throw new ProviderException(ProviderException.Kind.AUTHENTICATION, "the memory store refuses the token");
            }
            // maps the backend's 401 like a 503: the engine retries a lost cause
            return (Provider) java.lang.reflect.Proxy.newProxyInstance(Provider.class.getClassLoader(),
                    new Class<?>[] {Provider.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "close" -> null;
                        case "toString" -> "UnavailableProvider";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "401 Unauthorized, will retry");
                    });
        }
        Provider memory = new InMemoryProviderFactory().open(config, io.cloudsync.spi.Secrets.none());
        if (this == TOKEN_IN_CONFLICT_MESSAGE) {
            return new ForwardingProvider(memory) {
                @Override
                public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
                    try {
                        return delegate().putMetadata(name, bytes, precondition);
                    } catch (ProviderException e) {
                        // echoes the request it sent, headers and all
                        throw new ProviderException(e.kind(), e.getMessage() + " (request: PUT " + name
                                + ", Authorization: Bearer " + token + ")", name, e);
                    }
                }
            };
        }
        if (this == TOKEN_LOGGED_ON_NOT_FOUND) {
            return new ForwardingProvider(memory) {
                @Override
                public void download(String snapshot, String path, Path target) {
                    try {
                        delegate().download(snapshot, path, target);
                    } catch (ProviderException e) {
                        LOG.warn("GET {}/{} with token {} failed: {}", snapshot, path, token, e.kind());
                        throw e;
                    }
                }
            };
        }
        if (breaker == null && this != FORGETS_ON_REOPEN) {
            return memory;
        }
        if (this == FORGETS_ON_REOPEN) {
            return new InMemoryProviderFactory().open(InMemoryProviderFactory.config("forgetful-" + UUID.randomUUID()),
                    io.cloudsync.spi.Secrets.none());
        }
        return breaker.apply(memory);
    }

    /** Stores {@code bytes} as they are, with an honest unverified receipt: the defect is elsewhere. */
    static UploadReceipt store(Provider p, String snapshot, ManifestEntry entry, byte[] bytes) {
        p.upload(snapshot, entryFor(entry, bytes), write(bytes));
        return UploadReceipt.unverified(entry.path(), bytes.length);
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, "cannot read " + file, null, e);
        }
    }

    static Path write(byte[] bytes) {
        try {
            Path temp = Files.createTempFile("broken", ".bin");
            temp.toFile().deleteOnExit();
            return Files.write(temp, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeTo(Path target, byte[] bytes) {
        try {
            Files.write(target, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An entry for {@code bytes} under the path and mtime of {@code original}. */
    static ManifestEntry entryFor(ManifestEntry original, byte[] bytes) {
        return new ManifestEntry(original.path(), bytes.length, original.mtime(), Digests.hex(Digests.sha256().digest(bytes)));
    }

    static ManifestEntry entryFor(String path, byte[] bytes) {
        return new ManifestEntry(path, bytes.length, java.time.Instant.EPOCH, Digests.hex(Digests.sha256().digest(bytes)));
    }

    static byte[] tryDownload(Provider p, String snapshot, String path) {
        Path temp = write(new byte[0]);
        try {
            p.download(snapshot, path, temp);
            return read(temp);
        } catch (ProviderException e) {
            return null;
        }
    }

    static String decode(String path) {
        return URLDecoder.decode(path, StandardCharsets.UTF_8);
    }

    static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
