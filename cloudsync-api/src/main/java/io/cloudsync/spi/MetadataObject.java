package io.cloudsync.spi;

import java.util.Objects;

/**
 * One object of a provider's metadata area, as read: its bytes and an opaque version tag.
 *
 * <p>The engine alone decides what the bytes mean (docs/FORMATS.md); a provider stores them as they
 * are. The version tag identifies this state of the object: two reads of an unchanged object give
 * equal tags, and a put that changes the object gives a new tag (an S3 ETag, a Drive file's id and
 * version, a hash of the bytes). Tags are only compared for equality, by
 * {@link MetadataPrecondition#ifVersion}.
 *
 * <p>The byte array is handed over, not copied: neither side modifies it after construction.
 *
 * @since SPI version 4
 */
public final class MetadataObject {

    private final byte[] bytes;
    private final String version;

    /**
     * A stored metadata object.
     *
     * @param bytes the object's bytes, exactly as put; not copied
     * @param version the object's version tag, not empty
     */
    public MetadataObject(byte[] bytes, String version) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        this.version = Objects.requireNonNull(version, "version");
        if (version.isEmpty()) {
            throw new IllegalArgumentException("a metadata object's version tag must not be empty");
        }
    }

    /**
     * The bytes, as they were put. The array is shared: do not modify it.
     *
     * @return the bytes
     */
    public byte[] bytes() {
        return bytes;
    }

    /**
     * The version tag of this state of the object.
     *
     * @return the tag, never empty
     */
    public String version() {
        return version;
    }

    /** Size and version only: the bytes may be large and are not for logs. */
    @Override
    public String toString() {
        return "MetadataObject[" + bytes.length + " bytes, version " + version + ']';
    }
}
