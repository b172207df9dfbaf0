package io.cloudsync.core.internal.hash;

import io.cloudsync.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** SHA-256 of files and streams, with a reused buffer per thread. */
public final class Hashing {

    private static final int BUFFER = 256 * 1024;
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));

    private Hashing() {
    }

    /**
     * The SHA-256 of a file's content.
     *
     * @param file a regular file
     * @return lower-case hex
     * @throws IOException when it cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = Digests.sha256();
        ByteBuffer buffer = BUFFERS.get();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            buffer.clear();
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        }
        return Digests.hex(digest.digest());
    }

    /**
     * The SHA-256 of everything a stream yields. The stream is not closed.
     *
     * @param in the stream
     * @return lower-case hex
     * @throws IOException when it cannot be read
     */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest = Digests.sha256();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
        }
        return Digests.hex(digest.digest());
    }

    /**
     * Whether a file exists and is a regular file.
     *
     * @param file the path
     * @return true for a regular file, not following links
     */
    public static boolean isRegularFile(Path file) {
        return Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
}
