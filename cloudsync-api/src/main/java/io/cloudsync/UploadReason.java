package io.cloudsync;

/** Why a file is in a plan's uploads. */
public enum UploadReason {
    /** The remote has no file at this path. */
    NEW,
    /** The remote has a file at this path with another size or sha256. */
    CHANGED
}
