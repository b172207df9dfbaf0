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
            long last = bytes.length % THRESHOLD;
            if (bytes.length > THRESHOLD && last > 0 && last < 1024) {
                // a last part below the uploader's 1 KiB minimum is never sent
                bytes = java.util.Arrays.copyOf(bytes, (int) (bytes.length - last));
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
                pause(5); // a staging file sits in the snapshot meanwhile
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
            pause(5);
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
    // Each of the following breaks its rule's promise in the one situation that only that rule sets up,
    // as a real bug would: the self-test's "one rule, one catch" for rules whose broad defects above
    // every round trip catches.
    /** Transfers text in "text mode", as FTP ASCII mode or autocrlf would: CRLF becomes LF. */
    TEXT_MODE_TRANSFERS(ContractRule.R2_01, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            byte[] bytes = read(localFile);
            String text = utf8Text(bytes);
            return text == null ? delegate().upload(snapshot, entry, localFile)
                    : store(delegate(), snapshot, entry, text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
        }
    }),
    /** Stores a file of zeros as a hole, and a hole comes back as an empty file. */
    ZERO_FILES_COME_BACK_EMPTY(ContractRule.R2_02, p -> new ForwardingProvider(p) {
        @Override
        public void download(String snapshot, String path, Path target) {
            delegate().download(snapshot, path, target);
            byte[] bytes = read(target);
            boolean zeros = bytes.length > 0;
            for (byte b : bytes) {
                zeros &= b == 0;
            }
            if (zeros) {
                writeTo(target, new byte[0]);
            }
        }
    }),
    /** Creates the remote object before it opens the local file: a missing local file leaves an empty object. */
    CREATES_THE_TARGET_BEFORE_READING(ContractRule.R2_03, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            if (!Files.isRegularFile(localFile)) {
                delegate().upload(snapshot, entryFor(entry, new byte[0]), write(new byte[0]));
                throw new ProviderException(ProviderException.Kind.PERMANENT, "cannot read " + localFile.getFileName());
            }
            return delegate().upload(snapshot, entry, localFile);
        }
    }),
    /** Downloads in 128 KiB ranges and stitches a partial last range one byte off. */
    STITCHES_RANGES_ONE_BYTE_OFF(ContractRule.R2_04, p -> new ForwardingProvider(p) {
        @Override
        public void download(String snapshot, String path, Path target) {
            delegate().download(snapshot, path, target);
            byte[] bytes = read(target);
            int range = 128 * 1024;
            if (bytes.length > range + 1 && bytes.length % range != 0) { // the last, partial range
                byte[] stitched = bytes.clone();
                System.arraycopy(bytes, range - 1, stitched, range, bytes.length - range);
                writeTo(target, stitched);
            }
        }
    }),
    /** Resolves the path folder by folder and reports a missing top folder as a failure of its own, not NOT_FOUND. */
    MISSING_FOLDER_IS_PERMANENT(ContractRule.R2_08, p -> new ForwardingProvider(p) {
        @Override
        public void download(String snapshot, String path, Path target) {
            if (path.indexOf('/') > 0) {
                String folder = path.substring(0, path.indexOf('/') + 1);
                boolean exists;
                boolean any;
                try (Stream<RemoteEntry> all = delegate().list(snapshot)) {
                    List<String> paths = all.map(RemoteEntry::path).toList();
                    exists = paths.stream().anyMatch(q -> q.startsWith(folder));
                    any = !paths.isEmpty();
                }
                if (any && !exists) {
                    throw new ProviderException(ProviderException.Kind.PERMANENT, "folder " + folder + " does not exist");
                }
            }
            delegate().download(snapshot, path, target);
        }
    }),
    /** Stores names as a Windows share does: trailing dots and spaces of each segment dropped. */
    DROPS_TRAILING_DOTS_AND_SPACES(ContractRule.R3_01, p -> new RenamingProvider(p, BrokenProvider::windowsName)),
    /** Decodes %2F in a name into a folder separator, as a doubly-decoding HTTP layer does. */
    DECODES_ENCODED_SLASHES(ContractRule.R3_03, p -> new RenamingProvider(p, q -> q.replace("%2F", "/").replace("%2f", "/"))),
    /** Checks the sha256 but reports a mismatch (S3's BadDigest, a 400) as PERMANENT, not INTEGRITY. */
    INTEGRITY_REPORTED_AS_PERMANENT(ContractRule.R4_01, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            try {
                return delegate().upload(snapshot, entry, localFile);
            } catch (ProviderException e) {
                if (e.kind() == ProviderException.Kind.INTEGRITY) {
                    throw new ProviderException(ProviderException.Kind.PERMANENT, "400 Bad Request", entry.path(), e);
                }
                throw e;
            }
        }
    }),
    /** A remote where nothing was ever written has no folder yet, and listing it fails. */
    LISTING_OF_A_FRESH_REMOTE_FAILS(ContractRule.R7_01, p -> new ForwardingProvider(p) {
        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            boolean fresh;
            try (Stream<String> names = delegate().listMetadata(""); Stream<RemoteEntry> files = delegate().list(snapshot)) {
                fresh = names.findAny().isEmpty() && files.findAny().isEmpty();
            }
            if (fresh) {
                throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no folder for snapshot " + snapshot);
            }
            return delegate().list(snapshot);
        }
    }),
    /** Lists sizes from a cache filled when a path is first listed: an overwrite keeps its old size. */
    LISTS_THE_FIRST_SIZE_SEEN(ContractRule.R7_03, p -> new ForwardingProvider(p) {
        private final Map<String, Long> sizes = new ConcurrentHashMap<>();

        @Override
        public Stream<RemoteEntry> list(String snapshot) {
            return delegate().list(snapshot).map(e -> {
                long size = sizes.computeIfAbsent(snapshot + '/' + e.path(), k -> e.size());
                return size == e.size() ? e : RemoteEntry.of(e.path(), size, null, e.mtime().orElse(null));
            });
        }
    }),
    /** Deletes the object but keeps serving the bytes its read cache holds of a file it once served. */
    SERVES_DELETED_FILES_FROM_ITS_CACHE(ContractRule.R8_01, p -> new ForwardingProvider(p) {
        private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

        @Override
        public void download(String snapshot, String path, Path target) {
            try {
                delegate().download(snapshot, path, target);
                cache.put(snapshot + '/' + path, read(target));
            } catch (ProviderException e) {
                byte[] cached = cache.get(snapshot + '/' + path);
                if (cached == null) {
                    throw e;
                }
                writeTo(target, cached);
            }
        }
    }),
    /** Deduplicates by path: an upload of a path another snapshot holds also replaces that snapshot's file. */
    SHARES_FILES_ACROSS_SNAPSHOTS_BY_PATH(ContractRule.R1_04, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            UploadReceipt receipt = delegate().upload(snapshot, entry, localFile);
            for (String other : List.of(io.cloudsync.testkit.internal.RuleRun.SNAPSHOT,
                    io.cloudsync.testkit.internal.RuleRun.OTHER_SNAPSHOT)) {
                if (!other.equals(snapshot) && tryDownload(delegate(), other, entry.path()) != null) {
                    delegate().upload(other, entry, localFile);
                }
            }
            return receipt;
        }
    }),
    /** Makes its manifests/ folder at open and lists the folder's marker while it is empty, as S3 shows a console-made "folder". */
    LISTS_THE_MARKER_OF_AN_EMPTY_FOLDER(ContractRule.R1_01, p -> new ForwardingProvider(p) {
        @Override
        public Stream<String> listMetadata(String prefix) {
            List<String> names;
            try (Stream<String> all = delegate().listMetadata(prefix)) {
                names = all.toList();
            }
            return names.isEmpty() && prefix.equals("manifests/") ? Stream.of(prefix) : names.stream();
        }
    }),
    /** Keeps metadata and files under one key space and lists both when asked for metadata. */
    LISTS_FILES_AS_METADATA(ContractRule.R1_06, p -> new ForwardingProvider(p) {
        @Override
        public Stream<String> listMetadata(String prefix) {
            java.util.TreeSet<String> names = new java.util.TreeSet<>();
            try (Stream<String> all = delegate().listMetadata(prefix);
                    Stream<RemoteEntry> files = delegate().list(io.cloudsync.testkit.internal.RuleRun.SNAPSHOT)) {
                all.forEach(names::add);
                files.map(RemoteEntry::path).filter(q -> q.startsWith(prefix) && q.startsWith("plans/")).forEach(names::add);
            }
            return names.stream();
        }
    }),
    /** Writes a metadata object in place without truncating it: a shorter object over a longer one keeps the old tail. */
    METADATA_OVERWRITE_KEEPS_OLD_TAIL(ContractRule.R1_03, p -> new ForwardingProvider(p) {
        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            byte[] old = delegate().getMetadata(name).map(MetadataObject::bytes).orElse(new byte[0]);
            byte[] merged = bytes;
            if (old.length > bytes.length) {
                merged = old.clone();
                System.arraycopy(bytes, 0, merged, 0, bytes.length);
            }
            return delegate().putMetadata(name, merged, precondition);
        }
    }),
    /** An ifVersion put of a missing object creates it (a 404 on the conditional write retried as a plain create). */
    IF_VERSION_CREATES_MISSING_OBJECTS(ContractRule.R1_10, p -> new ForwardingProvider(p) {
        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            try {
                return delegate().putMetadata(name, bytes, precondition);
            } catch (ProviderException e) {
                if (e.kind() == ProviderException.Kind.CONFLICT && delegate().getMetadata(name).isEmpty()) {
                    return delegate().putMetadata(name, bytes, MetadataPrecondition.none());
                }
                throw e;
            }
        }
    }),
    /** Checks ifAbsent, then creates, in two steps; ifVersion is atomic. */
    CHECK_THEN_CREATE(ContractRule.R5_01, p -> new ForwardingProvider(p) {
        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            if (!precondition.equals(MetadataPrecondition.ifAbsent())) {
                return delegate().putMetadata(name, bytes, precondition);
            }
            return checkThenPut(delegate()).putMetadata(name, bytes, precondition);
        }
    }),
    /** Reports the loser of a concurrent ifVersion write as retryable (S3's 409 ConditionalRequestConflict), not CONFLICT. */
    CONCURRENT_CONFLICT_IS_RETRYABLE(ContractRule.R5_02, p -> new ForwardingProvider(p) {
        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            java.util.concurrent.atomic.AtomicInteger writers = IN_FLIGHT.computeIfAbsent(name,
                    n -> new java.util.concurrent.atomic.AtomicInteger());
            int others = writers.getAndIncrement();
            try {
                pause(5);
                return delegate().putMetadata(name, bytes, precondition);
            } catch (ProviderException e) {
                if (e.kind() == ProviderException.Kind.CONFLICT && !precondition.equals(MetadataPrecondition.ifAbsent())
                        && (others > 0 || writers.get() > 1)) {
                    throw new ProviderException(ProviderException.Kind.THROTTLED, "409 ConditionalRequestConflict", name, e);
                }
                throw e;
            } finally {
                writers.decrementAndGet();
            }
        }
    }),
    /** Reads the bytes and the version in two requests: a write between them pairs old bytes with the new version. */
    READS_BYTES_AND_VERSION_APART(ContractRule.R5_03, p -> new ForwardingProvider(p) {
        @Override
        public Optional<MetadataObject> getMetadata(String name) {
            Optional<MetadataObject> bytes = delegate().getMetadata(name);
            if (bytes.isEmpty()) {
                return bytes;
            }
            pause(2);
            return delegate().getMetadata(name).map(v -> new MetadataObject(bytes.get().bytes(), v.version()));
        }
    }),
    /** The copy's receipt names the source path. */
    COPY_RECEIPT_NAMES_THE_SOURCE(ContractRule.R10_01, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
            UploadReceipt receipt = delegate().copy(snapshot, sourcePath, target);
            return UploadReceipt.unverified(sourcePath, receipt.size());
        }
    }),
    /** Writes into a local buffer that close() drops: what was not read back before close is lost. */
    LOSES_WRITES_ON_CLOSE(ContractRule.R9_02, p -> new ForwardingProvider(p) {
        private final Set<String> written = ConcurrentHashMap.newKeySet();
        private final Set<String> metadata = ConcurrentHashMap.newKeySet();

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            written.add(snapshot + '\n' + entry.path());
            return delegate().upload(snapshot, entry, localFile);
        }

        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            metadata.add(name);
            return delegate().putMetadata(name, bytes, precondition);
        }

        @Override
        public void close() {
            for (String w : written) {
                int nl = w.indexOf('\n');
                delegate().delete(w.substring(0, nl), w.substring(nl + 1));
            }
            metadata.forEach(delegate()::deleteMetadata);
            written.clear();
            metadata.clear();
            super.close();
        }
    }),
    /** Writes an object in two steps, the first half then the whole: a reader in between gets a torn object. */
    TORN_METADATA_WRITES(ContractRule.R1_11, p -> new ForwardingProvider(p) {
        @Override
        public String putMetadata(String name, byte[] bytes, MetadataPrecondition precondition) {
            if (precondition.equals(MetadataPrecondition.none()) && bytes.length > 1) {
                delegate().putMetadata(name, java.util.Arrays.copyOf(bytes, bytes.length / 2), precondition);
                pause(5);
            }
            return delegate().putMetadata(name, bytes, precondition);
        }
    }),
    /** Downloads large files in ranges into the existing target, opened without truncation: a longer old file keeps its tail. */
    RANGED_DOWNLOAD_KEEPS_OLD_TAIL(ContractRule.R2_13, p -> new ForwardingProvider(p) {
        @Override
        public void download(String snapshot, String path, Path target) {
            Path whole = write(new byte[0]);
            delegate().download(snapshot, path, whole);
            byte[] bytes = read(whole);
            if (bytes.length <= 128 * 1024) {
                writeTo(target, bytes);
                return;
            }
            try {
                Files.write(target, bytes, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }),
    /** Touches each file it uploaded, to mark it as sent: its mtime changes, and the engine sees a changed file. */
    TOUCHES_UPLOADED_FILES(ContractRule.R2_14, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            UploadReceipt receipt = delegate().upload(snapshot, entry, localFile);
            try {
                Files.setLastModifiedTime(localFile, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return receipt;
        }
    }),
    /** Fails a flush with nothing pending, as if that were a misuse. */
    FLUSH_FAILS_WITH_NOTHING_PENDING(ContractRule.R9_08, p -> new ForwardingProvider(p) {
        private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile) {
            pending.incrementAndGet();
            return delegate().upload(snapshot, entry, localFile);
        }

        @Override
        public void flush() {
            if (pending.getAndSet(0) == 0) {
                throw new ProviderException(ProviderException.Kind.PERMANENT, "flush() called with nothing to flush");
            }
            delegate().flush();
        }
    }),
    /** Copies the object with its metadata, the source's mtime included. */
    COPY_KEEPS_THE_SOURCE_MTIME(ContractRule.R10_05, p -> new ForwardingProvider(p) {
        @Override
        public UploadReceipt copy(String snapshot, String sourcePath, ManifestEntry target) {
            java.time.Instant sourceMtime;
            try (Stream<RemoteEntry> all = delegate().list(snapshot)) {
                sourceMtime = all.filter(e -> e.path().equals(sourcePath)).findFirst().flatMap(RemoteEntry::mtime)
                        .orElse(target.mtime());
            }
            return delegate().copy(snapshot, sourcePath, new ManifestEntry(target.path(), target.size(), sourceMtime,
                    target.sha256()));
        }
    }),
    REFUSED_CREDENTIALS_ARE_RETRYABLE(ContractRule.R9_04, null),
    /** Its "SDK" keeps its default retries: a 503 is retried inside the provider, behind the engine's back. */
    RETRIES_TRANSIENT_FAILURES(ContractRule.R9_06, null),
    LEAKS_A_THREAD_ON_CLOSE(ContractRule.R9_07, p -> new ForwardingProvider(p) {
        // refreshes its token every 50 minutes; close() forgets to stop the scheduler
        private final java.util.concurrent.ScheduledExecutorService refresher = refresher();
    }),
    TOKEN_IN_CONFLICT_MESSAGE(ContractRule.R9_05, null),
    TOKEN_LOGGED_ON_NOT_FOUND(ContractRule.R9_05, null);

    private static final Set<BrokenProvider> BROAD = EnumSet.of(TRUNCATES_UPLOADS, DROPS_EMPTY_FILES,
            LEAVES_PARTIAL_FILES_VISIBLE, CORRUPTS_LARGE_FILES, EMPTY_FILE_FOR_MISSING_DOWNLOAD, URL_DECODES_NAMES,
            REJECTS_SPECIAL_CHARACTERS, ACCEPTS_WRONG_SHA256, EMPTY_LISTING_FAILS, LISTS_WRONG_SIZES, LISTS_STALE_DATA,
            IGNORES_DELETES, IGNORES_SNAPSHOT, EMPTY_OBJECT_FOR_MISSING_METADATA, TRUNCATES_METADATA,
            CONSTANT_METADATA_VERSION, LISTS_METADATA_AS_FILES, IGNORES_IF_ABSENT, IGNORES_IF_VERSION, CHECK_THEN_PUT_CREATES,
            CHECK_THEN_PUT_UPDATES, CHECK_THEN_PUT_LOSES_UPDATES, COPY_TRUNCATES, FORGETS_ON_REOPEN);

    /** Conditional writes in flight per name, as the server of {@link #CONCURRENT_CONFLICT_IS_RETRYABLE} sees them. */
    private static final Map<String, java.util.concurrent.atomic.AtomicInteger> IN_FLIGHT = new ConcurrentHashMap<>();

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

    /**
     * Whether the defect is broad: a realistic bug that many rules catch besides its own (a provider that truncates
     * every upload fails every round trip). Every other broken provider fails its rule and no other over the whole
     * contract, and each rule has at least one such (one rule, one catch).
     */
    boolean broad() {
        return BROAD.contains(this);
    }

    Set<Capability> capabilities() {
        if (EnumSet.of(RECEIPT_CARRIES_THE_ENTRYS_HASH, RECEIPT_SIZE_FROM_THE_ENTRY, TRUNCATES_UPLOADS, DROPS_EMPTY_FILES,
                LEAVES_PARTIAL_FILES_VISIBLE, CORRUPTS_LARGE_FILES, LOSES_LAST_PART, OVERWRITE_KEEPS_OLD_TAIL, SHARED_UPLOAD_BUFFER,
                WRITES_IN_PLACE, TEXT_MODE_TRANSFERS).contains(this)) {
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

    /**
     * Opens the broken provider behind a {@link FlakyBackend}, which fails a request when R9.06 asks (and, for
     * {@link #RETRIES_TRANSIENT_FAILURES} only, retries it): outermost, so that a defect that makes extra calls
     * of its own is not mistaken for a retry.
     */
    Provider open(ProviderConfig config, io.cloudsync.spi.Secrets secrets) {
        return new FlakyBackend(openBroken(config, secrets), config.require(InMemoryProviderFactory.STORE.name()),
                this == RETRIES_TRANSIENT_FAILURES ? 2 : 0);
    }

    private Provider openBroken(ProviderConfig config, io.cloudsync.spi.Secrets secrets) {
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

    /** A token refresher's scheduler, as a provider would start in open(). */
    static java.util.concurrent.ScheduledExecutorService refresher() {
        java.util.concurrent.ScheduledExecutorService s = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "broken-token-refresher");
            t.setDaemon(true);
            return t;
        });
        s.scheduleAtFixedRate(() -> { }, 50, 50, java.util.concurrent.TimeUnit.MINUTES);
        return s;
    }

    /** The text of {@code bytes} when they are UTF-8 text (no NUL byte), else null. */
    static String utf8Text(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    static String windowsName(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            String trimmed = segment.replaceAll("[. ]+$", "");
            out.append(out.length() == 0 ? "" : "/").append(trimmed.isEmpty() ? "_" : trimmed);
        }
        return out.toString();
    }



    static void pause() {
        pause(20);
    }

    /** A race window of {@code millis}: 5 ms is wide enough for threads started together to meet in it. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
