package io.cloudsync.provider.s3.internal;

import java.time.Instant;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What survives a process restart of one multipart upload: its id, the file it belongs to (size,
 * mtime, sha256: if any differs, the upload is for an older version of the file) and the parts the
 * store has acknowledged.
 */
record UploadRecord(String bucket, String key, String uploadId, long size, Instant mtime, String sha256, long partSize,
        Instant createdAt, SortedMap<Integer, Part> parts) {

    /** One acknowledged part: the ETag the store returned and the SHA-256 it verified. */
    record Part(int number, String etag, String sha256, long size) {
    }

    UploadRecord {
        parts = Collections.unmodifiableSortedMap(new TreeMap<>(parts));
    }

    UploadRecord withPart(Part part) {
        TreeMap<Integer, Part> copy = new TreeMap<>(parts);
        copy.put(part.number(), part);
        return new UploadRecord(bucket, key, uploadId, size, mtime, sha256, partSize, createdAt, copy);
    }

    boolean isFor(long fileSize, Instant fileMtime, String fileSha256, long filePartSize) {
        return size == fileSize && mtime.equals(fileMtime) && sha256.equals(fileSha256) && partSize == filePartSize;
    }
}
