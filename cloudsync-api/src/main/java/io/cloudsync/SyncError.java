package io.cloudsync;

import java.util.Objects;

/**
 * One failed operation of a run. Failures are data in {@link SyncSummary#errors()}, not exceptions.
 *
 * @param action what was attempted; never {@code null}
 * @param path the manifest path it concerned (the snapshot name for {@link SyncAction#MANIFEST})
 * @param error what went wrong, without secrets; never {@code null}
 */
public record SyncError(SyncAction action, String path, String error) {

    /**
     * Checks that no component is {@code null}.
     *
     * @param action see the record component
     * @param path see the record component
     * @param error see the record component
     */
    public SyncError {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(error, "error");
    }
}
