package io.cloudsync.spi;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A condition on the metadata object currently stored under a name, checked by
 * {@link Provider#putMetadata}. Every provider checks it; providers that declare
 * {@link Capability#CONDITIONAL_METADATA_PUT} check it atomically with the put (compare and set), the
 * others check it just before.
 *
 * @since SPI version 4
 */
public final class MetadataPrecondition {

    private static final MetadataPrecondition NONE = new MetadataPrecondition(Kind.NONE, null);
    private static final MetadataPrecondition ABSENT = new MetadataPrecondition(Kind.ABSENT, null);

    /** The kinds of condition. */
    public enum Kind {
        /** Put unconditionally. */
        NONE,
        /** Put only if no object is stored under the name. */
        ABSENT,
        /** Put only if the stored object has the given version tag. */
        VERSION
    }

    private final Kind kind;
    private final @Nullable String version;

    private MetadataPrecondition(Kind kind, @Nullable String version) {
        this.kind = kind;
        this.version = version;
    }

    /**
     * No condition.
     *
     * @return the unconditional precondition
     */
    public static MetadataPrecondition none() {
        return NONE;
    }

    /**
     * Only if nothing is stored under the name.
     *
     * @return the precondition
     */
    public static MetadataPrecondition ifAbsent() {
        return ABSENT;
    }

    /**
     * Only if the stored object has this version tag, as {@link MetadataObject#version()} or
     * {@link Provider#putMetadata} reported it.
     *
     * @param version the version tag expected
     * @return the precondition
     */
    public static MetadataPrecondition ifVersion(String version) {
        return new MetadataPrecondition(Kind.VERSION, Objects.requireNonNull(version, "version"));
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
     * The expected version tag, for {@link Kind#VERSION}.
     *
     * @return the tag, or empty for the other kinds
     */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /**
     * Whether an object in the state {@code stored} satisfies this condition; for providers that
     * check it themselves.
     *
     * @param stored the object stored now, or empty when there is none
     * @return true when a put may go ahead
     */
    public boolean allows(Optional<MetadataObject> stored) {
        return switch (kind) {
            case NONE -> true;
            case ABSENT -> stored.isEmpty();
            case VERSION -> stored.isPresent() && stored.get().version().equals(version);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetadataPrecondition p && p.kind == kind && Objects.equals(p.version, version);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, version);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "MetadataPrecondition[none]";
            case ABSENT -> "MetadataPrecondition[ifAbsent]";
            case VERSION -> "MetadataPrecondition[ifVersion " + version + ']';
        };
    }
}
