package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.core.result.BackupCreateResult;
import io.cloudsync.core.result.BackupRestoreResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file over 4 GiB, made sparse so it costs no disk, goes through create, verify and restore
 * (ZIP64 sizes and offsets). Restore keeps runs of zeros as holes, so the copy costs no disk either.
 */
class BackupsLargeFileTest {

    private static final long SIZE = (4L << 30) + 4099; // over the 4 GiB zip limit
    private static final long[] MARKS = {0, (4L << 30) - 3, SIZE - 1};

    @TempDir
    Path dir;

    @Test
    void createVerifyRestore_sparseFileOver4GiB_roundTripsWithZip64() throws IOException {
        Path root = Files.createDirectories(dir.resolve("project"));
        Path big = Files.createDirectories(root.resolve("data")).resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        try (FileChannel ch = FileChannel.open(big, StandardOpenOption.WRITE)) {
            for (long mark : MARKS) {
                ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF}, 0, (int) Math.min(3, SIZE - mark)), mark);
            }
        }
        Trees.write(root, "data/small.txt", "small");
        Backups backups = Backups.of(root).clock(Clock.fixed(Instant.parse("2024-06-01T12:00:00Z"), ZoneOffset.UTC))
                .compressionLevel(1);

        BackupCreateResult made = backups.create("big", List.of("data"), 5);

        assertThat(made.files()).isEqualTo(2);
        assertThat(made.totalBytes()).isEqualTo(SIZE + 5);
        try (ZipFile zip = new ZipFile(made.archive().toFile())) {
            ZipEntry entry = zip.getEntry("data/big.bin");
            assertThat(entry.getSize()).isEqualTo(SIZE).isGreaterThan(0xFFFFFFFFL);
        }
        assertThat(backups.verify(made.name()).totalBytes()).isEqualTo(SIZE + 5);

        Path target = dir.resolve("restored");
        BackupRestoreResult r = backups.restore(made.name(), target, false);

        assertThat(r.restored()).containsExactly("data/big.bin", "data/small.txt");
        Path copy = target.resolve("data/big.bin");
        assertThat(Files.size(copy)).isEqualTo(SIZE);
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ)) {
            for (long mark : MARKS) {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(3, SIZE - mark));
                ch.read(b, mark);
                assertThat(b.array()[0]).as("byte at %d", mark).isEqualTo((byte) 0xAB);
            }
            ByteBuffer hole = ByteBuffer.allocate(4096);
            ch.read(hole, 1L << 31);
            assertThat(hole.array()).containsOnly((byte) 0);
        }
        assertThat(target.resolve("data/small.txt")).hasContent("small");
    }
}
