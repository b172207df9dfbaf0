package io.cloudsync.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every file the library writes locally goes through here: a temporary file in the target's folder,
 * fsync, an atomic move over the target, then fsync of the folder. A crash at any point leaves either
 * the old file or the new one, never a mix, and at worst a stray temporary file that the next
 * write of the same target does not mind.
 *
 * <p>Temporary names are short and of one fixed length, {@value #TEMP_NAME_LENGTH} bytes
 * ({@code .cs-} + {@value #TEMP_RANDOM_CHARS} random {@code [0-9a-z]} + {@code .tmp}), whatever the
 * target is called: a temporary name derived from the target's name would not fit when the target's
 * name is near the file system's limit (255 bytes on Linux), and it would then be impossible to write
 * that file at all. They stay in the target's folder, so the final move never crosses a file system.
 */
public final class AtomicFiles {

    /** What every temporary name starts with. */
    public static final String TEMP_PREFIX = ".cs-";

    /** What every temporary name ends with. */
    public static final String TEMP_SUFFIX = ".tmp";

    /** How many random characters are between {@link #TEMP_PREFIX} and {@link #TEMP_SUFFIX}. */
    public static final int TEMP_RANDOM_CHARS = 12;

    /** The length in bytes (and characters) of every temporary name. */
    public static final int TEMP_NAME_LENGTH = 20;

    /**
     * A glob ({@code /}-separated, as {@code ManifestBuilder} takes) that matches the temporary
     * names: {@code .cs-}, any 12 characters, {@code .tmp} (globs have no character classes, so it is
     * a little wider than {@link #isTempName}); nothing of another length or frame.
     */
    public static final String TEMP_GLOB = "**/" + TEMP_PREFIX + "?".repeat(TEMP_RANDOM_CHARS) + TEMP_SUFFIX;

    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    /** Writes content to a stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the whole content.
         *
         * @param out the temporary file's stream; do not close it
         * @throws IOException on failure, which leaves the target untouched
         */
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Replaces {@code target} with {@code content} atomically and durably.
     *
     * @param target the file to write; its parent folders are created
     * @param content the bytes
     * @throws IOException on failure, which leaves the target as it was
     */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content), false);
    }

    /**
     * Replaces {@code target} with what {@code writer} writes, atomically and durably.
     *
     * @param target the file to write; its parent folders are created
     * @param writer produces the content
     * @param ownerOnly true to create the file readable and writable by its owner only
     * @throws IOException on failure, which leaves the target as it was
     */
    public static void write(Path target, Writer writer, boolean ownerOnly) throws IOException {
        Path temp = prepareTemp(target, ownerOnly);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            commit(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Creates an empty temporary file beside {@code target} for callers that fill it themselves
     * (for example by copying a large stream) and then call {@link #commit}.
     *
     * @param target the file that will be replaced
     * @param ownerOnly true to create it readable and writable by its owner only
     * @return the temporary file
     * @throws IOException when it cannot be created
     */
    public static Path prepareTemp(Path target, boolean ownerOnly) throws IOException {
        Path parent = parentOf(target);
        Files.createDirectories(parent);
        while (true) {
            Path temp = parent.resolve(tempName());
            try {
                if (ownerOnly && supportsPosix(parent)) {
                    Files.createFile(temp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
                } else {
                    Files.createFile(temp);
                }
                return temp;
            } catch (FileAlreadyExistsException e) {
                // try another name
            }
        }
    }

    /**
     * A fresh temporary name: {@value #TEMP_NAME_LENGTH} ASCII bytes, unrelated to any target's name.
     *
     * @return a name such as {@code .cs-0f3kz81qa9xm.tmp}
     */
    public static String tempName() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder(TEMP_NAME_LENGTH).append(TEMP_PREFIX);
        for (int i = 0; i < TEMP_RANDOM_CHARS; i++) {
            b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return b.append(TEMP_SUFFIX).toString();
    }

    /**
     * Whether {@code name} has the shape of the names {@link #tempName()} makes.
     *
     * @param name a file name (one segment)
     * @return true for a temporary name
     */
    public static boolean isTempName(String name) {
        if (name.length() != TEMP_NAME_LENGTH || !name.startsWith(TEMP_PREFIX) || !name.endsWith(TEMP_SUFFIX)) {
            return false;
        }
        for (int i = TEMP_PREFIX.length(); i < TEMP_PREFIX.length() + TEMP_RANDOM_CHARS; i++) {
            char c = name.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Syncs {@code temp} to disk, moves it over {@code target} atomically and syncs the folder.
     *
     * @param temp a temporary file in the same folder as {@code target}
     * @param target the file to replace
     * @throws IOException on failure
     */
    public static void commit(Path temp, Path target) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + target.getParent() + " cannot replace files atomically", e);
        }
        syncDirectory(parentOf(target));
    }

    private static Path parentOf(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException(target + " is a file system root, not a file: give the path of a file in a folder");
        }
        return parent;
    }

    /**
     * Flushes a folder's entries to disk, where the platform allows it.
     *
     * @param directory the folder
     */
    public static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows and some file systems cannot open or sync a folder; the move is still atomic.
        }
    }

    private static boolean supportsPosix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
