package io.cloudsync.provider.s3.internal;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.ProviderException;
import io.cloudsync.spi.ProviderException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Multipart uploads with SHA-256 per part, parts in parallel, streamed from the file (one part's
 * bytes are never held in memory), and resumable across process restarts through
 * {@link UploadStateStore}.
 *
 * <p>Integrity: one sequential pass hashes the whole file and each part. The whole-file digest must
 * equal the manifest's sha256 before anything is sent; every part then carries its own
 * {@code x-amz-checksum-sha256}, which the store verifies (S3 refuses a mismatch with BadDigest).
 * So the stored object is the concatenation of parts the server checked against digests taken in
 * the same pass that produced the whole-file sha256: the object's bytes hash to the manifest's.
 */
final class MultipartUploader {

    private static final Logger LOG = LoggerFactory.getLogger(MultipartUploader.class);

    private final S3Client s3;
    private final S3Settings settings;
    private final ExecutorService parts;
    private final UploadStateStore state; // null: no state folder, no resume across restarts
    private final Clock clock;

    MultipartUploader(S3Client s3, S3Settings settings, ExecutorService parts, UploadStateStore state, Clock clock) {
        this.s3 = s3;
        this.settings = settings;
        this.parts = parts;
        this.state = state;
        this.clock = clock;
    }

    static long partSizeFor(long fileSize, long configured) {
        long minimum = (fileSize + S3Settings.MAX_PARTS - 1) / S3Settings.MAX_PARTS;
        return Math.max(configured, minimum);
    }

    /**
     * Uploads {@code file}, or finishes the recorded upload of it.
     *
     * @param sent receives the bytes of the parts stored so far (those of a resumed upload included)
     *     after each part
     * @return the bytes of the parts an earlier attempt had stored, which were not sent again
     */
    long upload(String key, String url, ManifestEntry entry, Path file, Map<String, String> metadata, LongConsumer sent) {
        return upload(key, url, entry, file, metadata, new Monotonic(sent));
    }

    /**
     * Keeps reported progress from going down within one call: when the store has forgotten a resumed
     * upload and it starts over, the new parts' sums stay below what was reported until they pass it.
     */
    private static final class Monotonic implements LongConsumer {
        private final LongConsumer target;
        private long reported = -1;

        Monotonic(LongConsumer target) {
            this.target = target;
        }

        @Override
        public synchronized void accept(long n) {
            if (n > reported) {
                reported = n;
                target.accept(n);
            }
        }
    }

    private long upload(String key, String url, ManifestEntry entry, Path file, Map<String, String> metadata, Monotonic sent) {
        long partSize = partSizeFor(entry.size(), settings.partSize());
        FileDigests digests = hash(file, entry.size(), partSize, url, entry.path());
        if (!digests.whole().equals(entry.sha256())) {
            throw new ProviderException(Kind.INTEGRITY, "cannot upload " + url + ": the local file " + file + " has sha256 "
                    + digests.whole() + " but the manifest says " + entry.sha256() + " (it changed after it was hashed)",
                    entry.path(), null);
        }
        UploadRecord record = resumable(key, entry, partSize, digests);
        boolean resumed = record != null;
        long resumedBytes = resumed ? record.parts().values().stream().mapToLong(UploadRecord.Part::size).sum() : 0;
        try {
            if (record == null) {
                record = create(key, url, entry, partSize, metadata);
            }
            if (resumedBytes > 0) {
                sent.accept(Math.min(resumedBytes, entry.size()));
            }
            uploadParts(record, file, digests, url, entry.path(), sent);
        } catch (ProviderException e) {
            if (resumed && e.getCause() != null && S3Errors.isNoSuchUpload(e.getCause())) {
                // the store forgot the upload (aborted by a lifecycle rule or by hand): start over once
                LOG.info("s3.multipart.restart key={} reason=upload_gone", key);
                forget(record);
                return upload(key, url, entry, file, metadata, sent);
            }
            abandon(record, e);
            throw e;
        }
        return Math.min(resumedBytes, entry.size());
    }

    /** Aborts a pending upload of {@code key}, if a record of one exists; used when the path is deleted. */
    void abortPending(String bucket, String key) {
        if (state != null) {
            state.load(bucket, key).ifPresent(r -> {
                abort(r, "path_deleted");
                state.delete(bucket, key);
            });
        }
    }

    /** Aborts uploads recorded longer ago than {@code abandon_after_days}: nobody resumed them. */
    void sweepAbandoned() {
        if (state == null) {
            return;
        }
        for (UploadRecord r : state.all()) {
            if (r.bucket().equals(settings.bucket()) && r.createdAt().plus(settings.abandonAfter()).isBefore(clock.instant())) {
                abort(r, "expired");
                state.delete(r.bucket(), r.key());
            }
        }
    }

    private UploadRecord resumable(String key, ManifestEntry entry, long partSize, FileDigests digests) {
        if (state == null) {
            return null;
        }
        Optional<UploadRecord> found = state.load(settings.bucket(), key);
        if (found.isEmpty()) {
            return null;
        }
        UploadRecord r = found.get();
        boolean sameFile = r.isFor(entry.size(), entry.mtime(), entry.sha256(), partSize)
                && r.parts().values().stream().allMatch(p -> p.number() >= 1 && p.number() <= digests.parts().size()
                        && digests.parts().get(p.number() - 1).equals(p.sha256()));
        if (!sameFile) {
            LOG.info("s3.multipart.restart key={} reason=file_changed upload_id={}", key, r.uploadId());
            abort(r, "file_changed");
            state.delete(r.bucket(), r.key());
            return null;
        }
        LOG.info("s3.multipart.resume key={} upload_id={} parts_done={}/{}", key, r.uploadId(), r.parts().size(),
                digests.parts().size());
        return r;
    }

    private UploadRecord create(String key, String url, ManifestEntry entry, long partSize, Map<String, String> metadata) {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(settings.bucket()).key(key)
                    .contentType("application/octet-stream")
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                    .metadata(metadata)).uploadId();
        } catch (SdkException e) {
            throw S3Errors.map(e, "start a multipart upload of", url, entry.path(), settings.bucket());
        }
        UploadRecord r = new UploadRecord(settings.bucket(), key, uploadId, entry.size(), entry.mtime(), entry.sha256(),
                partSize, clock.instant(), new java.util.TreeMap<>());
        if (state != null) {
            state.save(r); // before the first part: a crash now still leaves a record to resume or abort
        }
        LOG.info("s3.multipart.start key={} upload_id={} parts={} part_size={}", key, uploadId,
                (entry.size() + partSize - 1) / partSize, partSize);
        return r;
    }

    private void uploadParts(UploadRecord initial, Path file, FileDigests digests, String url, String path,
                             LongConsumer sent) {
        Object lock = new Object();
        UploadRecord[] current = {initial};
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<?>> futures = new ArrayList<>();
        long size = initial.size();
        long partSize = initial.partSize();
        int count = digests.parts().size();
        for (int n = 1; n <= count; n++) {
            if (initial.parts().containsKey(n)) {
                continue;
            }
            int number = n;
            long offset = (n - 1) * partSize;
            long length = Math.min(partSize, size - offset);
            String partSha = digests.parts().get(n - 1);
            Future<?> future;
            try {
                future = parts.submit(() -> {
                if (failed.get()) {
                    return null;
                }
                try {
                    UploadPartResponse response = s3.uploadPart(b -> b.bucket(initial.bucket()).key(initial.key())
                                    .uploadId(initial.uploadId()).partNumber(number).contentLength(length)
                                    // header only, no checksumAlgorithm: see S3Provider#putSingle
                                    .checksumSHA256(S3Provider.base64(partSha)),
                            RequestBody.fromContentProvider(() -> slice(file, offset, length), length,
                                    "application/octet-stream"));
                    if (response.checksumSHA256() != null && !response.checksumSHA256().equals(S3Provider.base64(partSha))) {
                        throw new ProviderException(Kind.INTEGRITY, "cannot upload " + url + ": the store reports part "
                                + number + " with a different SHA-256 than was sent", path, null);
                    }
                    synchronized (lock) {
                        current[0] = current[0].withPart(new UploadRecord.Part(number, response.eTag(), partSha, length));
                        if (state != null) {
                            state.save(current[0]);
                        }
                        // under the lock, so the sums go out in the order they grow
                        sent.accept(Math.min(size, current[0].parts().values().stream()
                                .mapToLong(UploadRecord.Part::size).sum()));
                    }
                    return null;
                } catch (RuntimeException e) {
                    failed.set(true);
                    throw e;
                }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                failed.set(true);
                futures.forEach(other -> other.cancel(false));
                throw new ProviderException(Kind.UNAVAILABLE, "cannot upload " + url + ": the provider was closed during"
                        + " the upload", path, e);
            }
            futures.add(future);
        }
        // Wait for every part task, even after a failure: tasks not yet started see the flag and return
        // at once, and one still sending must not save the record after this upload has been given up
        // (and perhaps aborted or swept by then).
        ProviderException failure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = toProviderException(e.getCause(), "upload a part of", url, path, settings.bucket());
                }
            } catch (CancellationException e) {
                // cancelled by close()
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.set(true);
                futures.forEach(other -> other.cancel(false));
                throw new ProviderException(Kind.UNAVAILABLE, "interrupted while uploading " + url, path, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        complete(current[0], digests, url, path);
    }

    private void complete(UploadRecord r, FileDigests digests, String url, String path) {
        List<CompletedPart> completed = new ArrayList<>();
        for (UploadRecord.Part p : r.parts().values()) {
            completed.add(CompletedPart.builder().partNumber(p.number()).eTag(p.etag())
                    .checksumSHA256(S3Provider.base64(p.sha256())).build());
        }
        CompleteMultipartUploadResponse response;
        try {
            response = s3.completeMultipartUpload(b -> b.bucket(r.bucket()).key(r.key()).uploadId(r.uploadId())
                    .multipartUpload(m -> m.parts(completed)));
        } catch (SdkException e) {
            throw S3Errors.map(e, "complete the multipart upload of", url, path, settings.bucket());
        }
        String expected = digests.composite();
        if (response.checksumSHA256() != null && response.checksumSHA256().contains("-")
                && !response.checksumSHA256().equals(expected)) {
            // cannot happen when the store verified every part; never leave such an object readable
            try {
                s3.deleteObject(b -> b.bucket(r.bucket()).key(r.key()));
            } catch (SdkException e) {
                LOG.warn("s3.multipart.delete_failed key={} error={}", r.key(), S3Errors.code(e));
            }
            forget(r);
            throw new ProviderException(Kind.INTEGRITY, "uploaded " + url + " but the store reports checksum "
                    + response.checksumSHA256() + " instead of " + expected + "; the object was deleted", path, null);
        }
        forget(r);
        LOG.info("s3.multipart.complete key={} upload_id={} parts={}", r.key(), r.uploadId(), completed.size());
    }

    /**
     * After a failure: keep the upload for the next attempt when it can resume (a state folder and a
     * retryable failure); otherwise nobody will ever resume it, so abort it now.
     */
    private void abandon(UploadRecord r, ProviderException e) {
        if (r == null) {
            return;
        }
        if (state != null && e.retryable()) {
            LOG.info("s3.multipart.paused key={} upload_id={} reason={}", r.key(), r.uploadId(), e.kind());
            return;
        }
        abort(r, e.kind().name().toLowerCase(java.util.Locale.ROOT));
        forget(r);
    }

    private void forget(UploadRecord r) {
        if (state != null) {
            state.delete(r.bucket(), r.key());
        }
    }

    private void abort(UploadRecord r, String reason) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(r.bucket()).key(r.key()).uploadId(r.uploadId()));
            LOG.info("s3.multipart.abort key={} upload_id={} reason={}", r.key(), r.uploadId(), reason);
        } catch (SdkException e) {
            if (S3Errors.code(e).equals("NoSuchUpload") || S3Errors.status(e) == 404) {
                return; // already gone
            }
            LOG.warn("s3.multipart.abort_failed key={} upload_id={} reason={} error={} hint={}", r.key(), r.uploadId(), reason,
                    S3Errors.code(e).isEmpty() ? e.getClass().getSimpleName() : S3Errors.code(e),
                    S3Errors.status(e) == 403 ? "grant s3:AbortMultipartUpload (docs/S3.md) or rely on an"
                            + " AbortIncompleteMultipartUpload lifecycle rule" : "the bucket's lifecycle rule will clean it up");
        }
    }

    private static ProviderException toProviderException(Throwable t, String action, String url, String path, String bucket) {
        if (t instanceof ProviderException p) {
            return p;
        }
        if (t instanceof SdkException s) {
            return S3Errors.map(s, action, url, path, bucket);
        }
        if (t instanceof java.io.UncheckedIOException u) {
            return S3Errors.mapUnchecked(u, action, url, path);
        }
        return new ProviderException(Kind.PERMANENT, "cannot " + action + ' ' + url + ": " + t, path, t);
    }

    /**
     * The file's bytes from {@code offset}, at most {@code length} of them, read straight from disk.
     * The stream supports mark and reset (by seeking): the SDK's signer keeps the stream it hashed and
     * resets it each time the HTTP client asks for the body, so without reset a request could not be
     * sent a second time (after 100 Continue, or again after a connection the server had closed), and
     * failed with "mark/reset not supported".
     */
    static InputStream slice(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            InputStream in = Channels.newInputStream(channel);
            return new InputStream() {
                private long left = length;
                /** What was left at the mark; the start of the slice until mark() is called. */
                private long markedLeft = length;

                @Override
                public boolean markSupported() {
                    return true;
                }

                @Override
                public synchronized void mark(int readLimit) {
                    markedLeft = left;
                }

                @Override
                public synchronized void reset() throws IOException {
                    channel.position(offset + (length - markedLeft));
                    left = markedLeft;
                }

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = in.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = in.read(buf, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The whole-file SHA-256 and one per part, from a single sequential read. */
    record FileDigests(String whole, List<String> parts, byte[] concatenated) {
        /** S3's composite checksum of a multipart object: base64(sha256(part digests)) + "-" + part count. */
        String composite() {
            MessageDigest d = io.cloudsync.Digests.sha256();
            d.update(concatenated);
            return java.util.Base64.getEncoder().encodeToString(d.digest()) + "-" + parts.size();
        }
    }

    private static FileDigests hash(Path file, long size, long partSize, String url, String path) {
        MessageDigest whole = io.cloudsync.Digests.sha256();
        MessageDigest part = io.cloudsync.Digests.sha256();
        List<String> partDigests = new ArrayList<>();
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        long inPart = 0;
        long total = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                buffer.clear();
                long wanted = Math.min(buffer.capacity(), partSize - inPart);
                buffer.limit((int) wanted);
                int n = channel.read(buffer);
                if (n < 0) {
                    break;
                }
                buffer.flip();
                whole.update(buffer.duplicate());
                part.update(buffer);
                inPart += n;
                total += n;
                if (inPart == partSize) {
                    byte[] d = part.digest();
                    raw.writeBytes(d);
                    partDigests.add(io.cloudsync.Digests.hex(d));
                    inPart = 0;
                }
            }
        } catch (IOException e) {
            throw new ProviderException(Kind.PERMANENT, "cannot read " + file + " to upload " + url + ": " + e, path, e);
        }
        if (inPart > 0) {
            byte[] d = part.digest();
            raw.writeBytes(d);
            partDigests.add(io.cloudsync.Digests.hex(d));
        }
        if (total != size) {
            throw new ProviderException(Kind.INTEGRITY, "cannot upload " + url + ": the local file " + file + " has "
                    + total + " bytes but the manifest says " + size + " (it changed after it was hashed)", path, null);
        }
        return new FileDigests(io.cloudsync.Digests.hex(whole.digest()), List.copyOf(partDigests), raw.toByteArray());
    }
}
