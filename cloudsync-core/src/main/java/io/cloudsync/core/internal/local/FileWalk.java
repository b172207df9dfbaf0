package io.cloudsync.core.internal.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The one walk over a folder of the local remote, for listings: regular files only, symbolic links
 * neither followed nor reported, and files or folders that vanish while it runs (a concurrent delete)
 * left out instead of failing it.
 */
final class FileWalk {

    private FileWalk() {
    }

    /**
     * Calls {@code onFile} for every regular file under {@code start}.
     *
     * @param start the folder to walk
     * @param skipFolder folders below {@code start} not to enter
     * @param onFile receives each file and its attributes
     * @throws NoSuchFileException when {@code start} itself is gone
     * @throws IOException when the walk fails otherwise
     */
    static void regularFiles(Path start, Predicate<Path> skipFolder, BiConsumer<Path, BasicFileAttributes> onFile)
            throws IOException {
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(start) && skipFolder.test(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    onFile.accept(p, attrs);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                if (e instanceof NoSuchFileException && !p.equals(start)) {
                    return FileVisitResult.CONTINUE; // deleted while we walked
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException && !dir.equals(start))) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The {@code /}-separated path of {@code file} relative to {@code base}. */
    static String relative(Path base, Path file) {
        return base.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
