package io.cloudsync.core.internal.lock;

import io.cloudsync.CloudSyncException;
import io.cloudsync.LockHeldException;
import io.cloudsync.support.AtomicFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run at a time per (service, snapshot), across threads and processes. The lock is an OS file
 * lock on {@code locks/<service>/<snapshot>.lock}, which the OS releases when the holder dies (even
 * by {@code kill -9}); a sidecar {@code .holder} file records host, pid and start time so that a
 * refusal can name the holder, and a stale one left by a dead process is reported and replaced.
 */
public final class RunLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    /** Locks held by this JVM: FileChannel locks are per process, so threads are checked here. */
    private static final Map<Path, Boolean> HELD_IN_JVM = new ConcurrentHashMap<>();

    private final Path lockFile;
    private final Path holderFile;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path lockFile, Path holderFile, FileChannel channel, FileLock lock) {
        this.lockFile = lockFile;
        this.holderFile = holderFile;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting up to {@code wait} for another holder to let go.
     *
     * @param stateDir the state folder
     * @param service the service name
     * @param snapshot the snapshot name
     * @param wait how long to wait; zero fails at once
     * @return the held lock; close it to release
     * @throws LockHeldException naming the holder when the lock stays taken
     */
    public static RunLock acquire(Path stateDir, String service, String snapshot, Duration wait) {
        Path dir = stateDir.resolve("locks").resolve(service);
        Path lockFile = dir.resolve(snapshot + ".lock").toAbsolutePath().normalize();
        Path holderFile = dir.resolve(snapshot + ".holder");
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            RunLock taken = tryAcquire(lockFile, holderFile);
            if (taken != null) {
                return taken;
            }
            if (System.nanoTime() - deadline >= 0) {
                String holder = readHolder(holderFile);
                throw new LockHeldException(holder, "another run of service \"" + service + "\" snapshot \"" + snapshot
                        + "\" is in progress (" + holder + "); wait for it to finish"
                        + (wait.isZero() ? ", or ask this run to wait for the lock" : " (waited " + wait + ')'));
            }
            try {
                Thread.sleep(Math.min(200, Math.max(1, wait.toMillis() / 10)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CloudSyncException("interrupted while waiting for the lock of " + service + '/' + snapshot, e);
            }
        }
    }

    private static RunLock tryAcquire(Path lockFile, Path holderFile) {
        if (HELD_IN_JVM.putIfAbsent(lockFile, Boolean.TRUE) != null) {
            return null;
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                HELD_IN_JVM.remove(lockFile);
                return null;
            }
            if (Files.exists(holderFile)) {
                LOG.atWarn().setMessage("sync.lock").addKeyValue("event", "stale_lock_taken_over")
                        .addKeyValue("previous_holder", readHolder(holderFile)).log();
            }
            String me = "host " + hostName() + ", pid " + ProcessHandle.current().pid() + ", started " + Instant.now();
            AtomicFiles.write(holderFile, me.getBytes(StandardCharsets.UTF_8));
            return new RunLock(lockFile, holderFile, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            HELD_IN_JVM.remove(lockFile);
            return null;
        } catch (IOException e) {
            closeQuietly(channel);
            HELD_IN_JVM.remove(lockFile);
            throw new CloudSyncException("cannot create the run lock " + lockFile + ": " + e.getMessage()
                    + "; check that the state folder is writable", e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    private static String readHolder(Path holderFile) {
        try {
            return Files.readString(holderFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(holderFile);
            lock.release();
            channel.close();
        } catch (IOException e) {
            LOG.atWarn().setMessage("sync.lock").addKeyValue("event", "release_failed").addKeyValue("error", e.toString()).log();
        } finally {
            HELD_IN_JVM.remove(lockFile);
        }
    }
}
