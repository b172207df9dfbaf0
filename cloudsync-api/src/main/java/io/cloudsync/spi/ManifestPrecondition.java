package io.cloudsync.spi;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A condition on the manifest currently stored, checked atomically by providers that declare
 * {@link Capability#CONDITIONAL_MANIFEST_WRITE}; others may ignore it.
 */
public final class ManifestPrecondition {

    private static final ManifestPrecondition NONE = new ManifestPrecondition(Kind.NONE, null);
    private static final ManifestPrecondition ABSENT = new ManifestPrecondition(Kind.ABSENT, null);

    /** The kinds of condition. */
    public enum Kind {
        /** Write unconditionally. */
        NONE,
        /** Write only if no manifest is stored. */
        ABSENT,
        /** Write only if the stored manifest has the given checksum. */
        CHECKSUM
    }

    private final Kind kind;
    private final @Nullable String checksum;

    private ManifestPrecondition(Kind kind, @Nullable String checksum) {
        this.kind = kind;
        this.checksum = checksum;
    }

    /**
     * No condition.
     *
     * @return the unconditional precondition
     */
    public static ManifestPrecondition none() {
        return NONE;
    }

    /**
     * Only if nothing is stored yet.
     *
     * @return the precondition
     */
    public static ManifestPrecondition ifAbsent() {
        return ABSENT;
    }

    /**
     * Only if the stored manifest has this checksum.
     *
     * @param checksum the manifest checksum expected on the remote
     * @return the precondition
     */
    public static ManifestPrecondition ifChecksum(String checksum) {
        return new ManifestPrecondition(Kind.CHECKSUM, Objects.requireNonNull(checksum, "checksum"));
    }

    /**
     * The kind of condition.
     *
     * @return never {@code null}
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The expected checksum, for {@link Kind#CHECKSUM}.
     *
     * @return the checksum, or empty for the other kinds
     */
    public Optional<String> checksum() {
        return Optional.ofNullable(checksum);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ManifestPrecondition p && p.kind == kind && Objects.equals(p.checksum, checksum);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, checksum);
    }

    @Override
    public String toString() {
        return kind == Kind.CHECKSUM ? "ManifestPrecondition[ifChecksum " + checksum + ']' : "ManifestPrecondition[" + kind + ']';
    }
}
