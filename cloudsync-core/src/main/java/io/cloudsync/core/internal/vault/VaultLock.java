package io.cloudsync.core.internal.vault;

import io.cloudsync.VaultException;
import io.cloudsync.VaultException.Reason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive access to one vault file for a reload-modify-write: an in-JVM lock (a {@link FileLock}
 * is held per JVM, not per thread, and a second lock from the same JVM would throw) and then an OS
 * lock on the sibling {@code <vault>.lock} file, which two processes cannot hold at once. The lock
 * file is never deleted: deleting it would let a waiter lock a file nobody else sees.
 */
final class VaultLock implements AutoCloseable {

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private VaultLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    static Path lockFileOf(Path vaultFile) {
        return vaultFile.resolveSibling(vaultFile.getFileName() + ".lock");
    }

    /** Blocks until this thread holds the vault, then returns the lock to close. */
    static VaultLock acquire(Path vaultFile) {
        Path lockFile = lockFileOf(vaultFile).toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        if (local.isHeldByCurrentThread()) {
            throw new IllegalStateException("vault lock " + lockFile + " is already held by this thread");
        }
        local.lock();
        FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.getParent());
            Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (lockFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                channel = FileChannel.open(lockFile, options, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            } else {
                channel = FileChannel.open(lockFile, options);
            }
            return new VaultLock(local, channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            local.unlock();
            throw new VaultException(Reason.IO, "cannot lock " + lockFile + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); check that its folder is writable", e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it as well.
        } finally {
            closeQuietly(channel);
            local.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
