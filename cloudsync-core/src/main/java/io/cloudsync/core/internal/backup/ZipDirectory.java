package io.cloudsync.core.internal.backup;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict reader of a zip file's central directory, for what {@link java.util.zip.ZipFile} does not
 * show: the raw names, the "version made by" host and the external attributes (where a Unix file type
 * such as a symbolic link lives). It reads the end record (and the ZIP64 end record), then every
 * central directory header, and rejects anything it cannot account for with a {@link ZipFormatProblem}.
 */
final class ZipDirectory {

    /** Unix file type bits in the high half of the external attributes. */
    static final int S_IFMT = 0xF000;
    static final int S_IFREG = 0x8000;
    static final int S_IFDIR = 0x4000;
    static final int S_IFLNK = 0xA000;
    /** MS-DOS attribute of a Windows reparse point (a link or junction). */
    static final int DOS_REPARSE_POINT = 0x400;

    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CEN_SIG = 0x02014b50;
    private static final int EOCD_LEN = 22;

    /**
     * One central directory header.
     *
     * @param name the name, decoded strictly as UTF-8
     * @param flags general purpose flags
     * @param method compression method
     * @param madeBy version made by (host in the high byte)
     * @param externalAttributes external attributes, unsigned
     */
    record Entry(String name, int flags, int method, int madeBy, long externalAttributes) {
        int unixType() {
            return (int) (externalAttributes >>> 16) & S_IFMT;
        }

        boolean dosReparsePoint() {
            return (externalAttributes & DOS_REPARSE_POINT) != 0;
        }
    }

    /** The archive is not a well-formed zip file. */
    static final class ZipFormatProblem extends Exception {
        private static final long serialVersionUID = 1L;

        ZipFormatProblem(String message) {
            super(message);
        }
    }

    private ZipDirectory() {
    }

    /**
     * Reads every central directory header.
     *
     * @param channel the archive, open for reading
     * @return the entries in directory order
     * @throws ZipFormatProblem saying what is wrong
     * @throws IOException when the file cannot be read
     */
    static List<Entry> read(FileChannel channel) throws ZipFormatProblem, IOException {
        long fileSize = channel.size();
        if (fileSize < EOCD_LEN) {
            throw new ZipFormatProblem("it is too short to be a zip archive (" + fileSize + " bytes); it is truncated or not a zip");
        }
        int tailLen = (int) Math.min(fileSize, EOCD_LEN + 0xFFFFL);
        ByteBuffer tail = ByteBuffer.allocate(tailLen).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, tail, fileSize - tailLen);
        int eocd = -1;
        for (int i = tailLen - EOCD_LEN; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIG && (tail.getShort(i + 20) & 0xFFFF) == tailLen - i - EOCD_LEN) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new ZipFormatProblem("it has no zip end record; it is truncated or not a zip archive");
        }
        long eocdPos = fileSize - tailLen + eocd;
        int disk = tail.getShort(eocd + 4) & 0xFFFF;
        int cdDisk = tail.getShort(eocd + 6) & 0xFFFF;
        long count = tail.getShort(eocd + 10) & 0xFFFF;
        long cdSize = tail.getInt(eocd + 12) & 0xFFFFFFFFL;
        long cdOffset = tail.getInt(eocd + 16) & 0xFFFFFFFFL;
        long cdEnd = eocdPos;
        if (count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
            if (eocdPos < 20) {
                throw new ZipFormatProblem("its ZIP64 end locator is missing; it is truncated or damaged");
            }
            ByteBuffer loc = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, loc, eocdPos - 20);
            if (loc.getInt(0) != ZIP64_LOCATOR_SIG) {
                throw new ZipFormatProblem("its ZIP64 end locator is missing; it is truncated or damaged");
            }
            long z64Pos = loc.getLong(8);
            if (z64Pos < 0 || z64Pos + 56 > eocdPos - 20) {
                throw new ZipFormatProblem("its ZIP64 end record points outside the file");
            }
            ByteBuffer z = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, z, z64Pos);
            if (z.getInt(0) != ZIP64_EOCD_SIG) {
                throw new ZipFormatProblem("its ZIP64 end record is damaged");
            }
            disk = z.getInt(16);
            cdDisk = z.getInt(20);
            count = z.getLong(32);
            cdSize = z.getLong(40);
            cdOffset = z.getLong(48);
            cdEnd = z64Pos;
        }
        if (disk != 0 || cdDisk != 0) {
            throw new ZipFormatProblem("it is a multi-part (spanned) zip archive, which backups never are");
        }
        if (count < 0 || cdSize < 0 || cdOffset < 0 || cdOffset + cdSize > cdEnd) {
            throw new ZipFormatProblem("its central directory lies outside the file; it is truncated or damaged");
        }
        List<Entry> entries = new ArrayList<>((int) Math.min(count, 1 << 16));
        channel.position(cdOffset);
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024);
        long consumed = 0;
        for (long n = 0; n < count; n++) {
            byte[] fixed = new byte[46];
            readFully(in, fixed);
            ByteBuffer h = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
            if (h.getInt(0) != CEN_SIG) {
                throw new ZipFormatProblem("central directory header #" + n + " is damaged");
            }
            int madeBy = h.getShort(4) & 0xFFFF;
            int flags = h.getShort(8) & 0xFFFF;
            int method = h.getShort(10) & 0xFFFF;
            int nameLen = h.getShort(28) & 0xFFFF;
            int extraLen = h.getShort(30) & 0xFFFF;
            int commentLen = h.getShort(32) & 0xFFFF;
            long external = h.getInt(38) & 0xFFFFFFFFL;
            byte[] rawName = new byte[nameLen];
            readFully(in, rawName);
            readFully(in, new byte[extraLen + commentLen]);
            consumed += 46L + nameLen + extraLen + commentLen;
            String name;
            try {
                name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(rawName)).toString();
            } catch (CharacterCodingException e) {
                throw new ZipFormatProblem("entry #" + n + " has a name that is not valid UTF-8");
            }
            entries.add(new Entry(name, flags, method, madeBy, external));
        }
        if (consumed != cdSize) {
            throw new ZipFormatProblem("its central directory has " + consumed + " bytes of headers but declares "
                    + cdSize + "; it is damaged");
        }
        return entries;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException, ZipFormatProblem {
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos);
            if (n < 0) {
                throw new ZipFormatProblem("it ends early; it is truncated");
            }
            pos += n;
        }
        buffer.flip();
    }

    private static void readFully(InputStream in, byte[] bytes) throws IOException, ZipFormatProblem {
        try {
            if (in.readNBytes(bytes, 0, bytes.length) != bytes.length) {
                throw new EOFException();
            }
        } catch (EOFException e) {
            throw new ZipFormatProblem("its central directory ends early; it is truncated");
        }
    }
}
