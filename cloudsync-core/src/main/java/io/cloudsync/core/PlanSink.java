package io.cloudsync.core;

import io.cloudsync.ManifestEntry;
import io.cloudsync.PlannedUpload;

/**
 * Receives the actions of a streaming plan ({@link Planner#plan(java.util.Iterator, java.util.Iterator,
 * PlanSink)}) one by one, as each is decided, in path order across all three kinds: the planner holds
 * none of them afterwards, so a sink that writes each action out (to a file, a socket, a JSON
 * generator) plans any number of entries in constant memory.
 *
 * <p>Every method does nothing by default, so a sink implements only what it needs. An exception a
 * method throws stops the planning and reaches the caller of {@code plan} unchanged.
 */
public interface PlanSink {

    /**
     * A local file to send: new on this side, or with other content than the remote's.
     *
     * @param upload the upload, with the local entry and the reason
     */
    default void upload(PlannedUpload upload) {
    }

    /**
     * A remote file the local side no longer has.
     *
     * @param remote the remote entry
     */
    default void delete(ManifestEntry remote) {
    }

    /**
     * A local file whose content the remote already has (same size and sha256).
     *
     * @param local the local entry
     */
    default void skip(ManifestEntry local) {
    }
}
