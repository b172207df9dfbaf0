package io.cloudsync.provider.gdrive.internal;

import java.io.InterruptedIOException;

/**
 * Spaces calls to Drive at least {@code interval} apart across all threads of one provider, as
 * Google's per-user quotas expect (rclone's default is 100 ms). Zero switches it off.
 */
final class Pacer {

    private final long intervalNanos;
    private long nextSlot;

    Pacer(long intervalMillis) {
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    void acquire() throws InterruptedIOException {
        if (intervalNanos <= 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextSlot);
            nextSlot = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing calls to Google Drive");
            }
        }
    }
}
