package io.cloudsync.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.SyncListener;
import io.cloudsync.support.Json;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns {@link SyncListener} events into the original design's hooks — {@code on_cloud_sync_plan},
 * {@code on_cloud_sync_progress}, {@code on_cloud_sync_complete} — and hands them to every subscriber
 * in the order they happened. A subscriber that falls too far behind is dropped rather than let
 * memory grow.
 */
public final class HookStream implements SyncListener {

    /** One hook event. */
    public record Hook(String name, ObjectNode payload) {
    }

    /** A subscription; poll it for events, close it when done. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<Hook> queue = new ArrayBlockingQueue<>(1024);
        private volatile boolean overflowed;

        private Subscription() {
        }

        /**
         * The next event.
         *
         * @param timeoutMillis how long to wait
         * @return the event, or {@code null} on time-out
         * @throws InterruptedException when interrupted
         */
        public Hook poll(long timeoutMillis) throws InterruptedException {
            return queue.poll(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        /**
         * Whether events were lost because the subscriber was too slow.
         *
         * @return true once an event could not be queued
         */
        public boolean overflowed() {
            return overflowed;
        }

        void offer(Hook hook) {
            if (!queue.offer(hook)) {
                overflowed = true;
            }
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }

    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();

    /**
     * Subscribes to events from now on.
     *
     * @return the subscription
     */
    public Subscription subscribe() {
        Subscription s = new Subscription();
        subscribers.add(s);
        return s;
    }

    /**
     * How many subscribers are connected.
     *
     * @return the count
     */
    public int subscribers() {
        return subscribers.size();
    }

    /** Synchronised, so every subscriber sees the hooks in one order, whatever threads publish them. */
    private synchronized void publish(String name, ObjectNode payload) {
        Hook hook = new Hook(name, payload);
        for (Subscription s : subscribers) {
            s.offer(hook);
        }
    }

    @Override
    public void onPlan(PlanEvent e) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("service", e.service());
        o.put("snapshot", e.snapshot());
        o.put("uploads", e.uploads());
        o.put("deletes", e.deletes());
        o.put("bytes", e.bytes());
        o.put("dry_run", e.dryRun());
        publish("on_cloud_sync_plan", o);
    }

    @Override
    public void onProgress(ProgressEvent e) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("service", e.service());
        o.put("snapshot", e.snapshot());
        o.put("action", e.action().jsonName());
        o.put("path", e.path());
        o.put("succeeded", e.succeeded());
        o.put("files_done", e.filesDone());
        o.put("files_total", e.filesTotal());
        o.put("bytes_done", e.bytesDone());
        o.put("bytes_total", e.bytesTotal());
        publish("on_cloud_sync_progress", o);
    }

    @Override
    public void onComplete(CompleteEvent e) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("service", e.service());
        o.put("snapshot", e.snapshot());
        o.put("status", e.summary().status().jsonName());
        o.put("uploaded", e.summary().uploaded());
        o.put("deleted", e.summary().deleted());
        o.put("skipped", e.summary().skipped());
        o.put("failed", e.summary().failed());
        o.put("bytes", e.summary().bytes());
        o.put("bytes_sent", e.summary().bytesSent());
        o.put("resumed", e.summary().resumed());
        o.put("resumed_bytes", e.summary().resumedBytes());
        o.put("copied", e.summary().copied());
        publish("on_cloud_sync_complete", o);
    }
}
