package io.cloudsync.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the launcher's client ({@link DaemonClient}) and the warm daemon ({@link Daemon}) share: the
 * daemon folder, the key that names one daemon, and the frames they exchange over a Unix socket. Only
 * JDK classes, so that the client starts in a few dozen milliseconds. docs/CLI.md, "The daemon".
 *
 * <p>A connection starts with {@link #MAGIC} and a request byte. {@link #RUN} is followed by the
 * arguments, the working folder, the environment, the client's charset and whether it is interactive;
 * then frames flow both ways, each a type byte, a length and that many bytes: the daemon sends
 * {@link #OUT}, {@link #ERR}, {@link #READ} (asks for up to that many bytes of stdin, the length field
 * being the count and no bytes following) and finally {@link #EXIT} (the exit code as the length) or
 * {@link #LOCAL} or {@link #BUSY}; the client sends {@link #IN} (stdin bytes, none at its end) and
 * {@link #CANCEL}. {@link #STATUS} and {@link #STOP} are answered with one {@link #TEXT} frame.
 */
final class DaemonProtocol {

    /** "CSD1": the first four bytes of a connection; a new protocol gets a new number. */
    static final int MAGIC = 0x43534431;
    /** Request: run a command line. */
    static final byte RUN = 'Q';
    /** Request: describe this daemon. */
    static final byte STATUS = 'T';
    /** Request: stop this daemon. */
    static final byte STOP = 'P';
    /** Daemon to client: bytes for stdout. */
    static final byte OUT = 'O';
    /** Daemon to client: bytes for stderr. */
    static final byte ERR = 'E';
    /** Daemon to client: send up to this many bytes of stdin. */
    static final byte READ = 'R';
    /** Daemon to client: the command ended with this exit code. */
    static final byte EXIT = 'X';
    /** Daemon to client: run this command in your own process (it needs a console or a process of its own). */
    static final byte LOCAL = 'L';
    /** Daemon to client: another command is running here; run this one in your own process. */
    static final byte BUSY = 'B';
    /** Daemon to client: the answer to a status or stop request. */
    static final byte TEXT = 'S';
    /** Client to daemon: bytes of stdin; an empty frame is its end. */
    static final byte IN = 'I';
    /** Client to daemon: the user interrupted the command (Ctrl-C). */
    static final byte CANCEL = 'C';

    /** The system property (set by the launcher) that turns the client on. */
    static final String ENABLED_PROPERTY = "cloudsync.daemon";
    /** The system property with the JVM options the launcher uses, which a daemon it starts gets as well. */
    static final String JVM_PROPERTY = "cloudsync.daemon.jvm";
    /**
     * Set (to {@code light}) by the launcher when it starts the client in a JVM tuned to start fast, not
     * to run commands: a command the daemon cannot take then runs in a JVM of its own, started with
     * {@link #JVM_PROPERTY}'s options, not in the client's.
     */
    static final String CLIENT_PROPERTY = "cloudsync.daemon.client";
    /** The client's pid, given to a JVM it starts for a command: that JVM stops when the client is gone. */
    static final String PARENT_PROPERTY = "cloudsync.parent.pid";
    /** The system property naming the daemon folder; else {@value #DIR_ENV}, else a default. */
    static final String DIR_PROPERTY = "cloudsync.daemon.dir";
    /** The environment variable naming the daemon folder. */
    static final String DIR_ENV = "CLOUDSYNC_DAEMON_DIR";
    /** The environment variable with the idle time after which a daemon stops, such as {@code 30m}. */
    static final String IDLE_ENV = "CLOUDSYNC_DAEMON_IDLE";
    /** Idle time after which a daemon stops, unless {@value #IDLE_ENV} says otherwise. */
    static final long DEFAULT_IDLE_SECONDS = 3 * 3600;

    /**
     * Prefixes of the environment variables that name a daemon of their own: those a library reads
     * from the process environment rather than from the command (the AWS SDK's credential and region
     * chain, Google's and Azure's clients, the JVM's own options) and cloudsync's own. A daemon runs
     * with the values of these of the command that started it, so a command with other values gets
     * another daemon. Every variable is forwarded to the command either way.
     */
    static final List<String> KEYED_PREFIXES = List.of("AWS_", "GOOGLE_", "GCLOUD_", "CLOUDSDK_", "AZURE_", "JAVA_",
            "JDK_", "_JAVA_", "CLOUDSYNC_", "LC_", "XDG_");
    /** Single variables that name a daemon of their own, as {@link #KEYED_PREFIXES}. */
    static final Set<String> KEYED = Set.of("HOME", "USER", "LOGNAME", "PATH", "LANG", "TZ");
    /** Further variable names (comma-separated) that a plug-in reads from the process environment. */
    static final String ENV_ENV = "CLOUDSYNC_DAEMON_ENV";

    private DaemonProtocol() {
    }

    /** The daemon folder: {@value #DIR_PROPERTY}, {@value #DIR_ENV}, {@code $XDG_RUNTIME_DIR/cloudsync-daemon}, or {@code /tmp/cloudsync-daemon-USER}. */
    static Path folder(Map<String, String> env) {
        String given = System.getProperty(DIR_PROPERTY);
        if (given == null || given.isEmpty()) {
            given = env.get(DIR_ENV);
        }
        if (given != null && !given.isEmpty()) {
            return Path.of(given).toAbsolutePath();
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty() && Files.isDirectory(Path.of(runtime))) {
            return Path.of(runtime, "cloudsync-daemon");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "cloudsync-daemon-" + System.getProperty("user.name"));
    }

    /**
     * Creates the daemon folder when it is missing (mode 0700) and checks that only this user can reach
     * it: a folder, not a link, owned by this user, mode exactly 0700.
     *
     * @return {@code null} when it is private, else what is wrong with it and how to fix that
     */
    static String privateFolder(Path dir) {
        Set<PosixFilePermission> only = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.toAbsolutePath().getParent());
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(only));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another client made it at the same moment: checked below like any other
                }
            }
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isDirectory()) {
                return dir + " is not a folder; remove it or set " + DIR_ENV + " to a folder of your own";
            }
            String user = System.getProperty("user.name");
            if (!a.owner().getName().equals(user)) {
                return dir + " belongs to " + a.owner().getName() + ", not to " + user + "; set " + DIR_ENV
                        + " to a folder of your own";
            }
            if (!a.permissions().equals(only)) {
                return dir + " may be reached by other users (mode " + PosixFilePermissions.toString(a.permissions())
                        + "); run chmod 700 on it";
            }
            return null;
        } catch (UnsupportedOperationException e) {
            return "this file system has no POSIX permissions for " + dir;
        } catch (IOException e) {
            return "cannot create " + dir + ": " + e.getMessage();
        }
    }

    /**
     * The name of the daemon that may serve a command: the same jar (path, size, time), the same Java,
     * the same JVM options and the same values of the variables {@link #keyed} names. 16 hex digits of
     * a SHA-256.
     */
    static String key(Path jar, String javaHome, String jvmOptions, Map<String, String> env) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder b = new StringBuilder().append(jar.toAbsolutePath()).append('\0');
        try {
            b.append(Files.size(jar)).append('\0').append(Files.getLastModifiedTime(jar).toMillis()).append('\0');
        } catch (IOException e) {
            b.append("?\0");
        }
        b.append(javaHome).append('\0').append(jvmOptions).append('\0');
        Set<String> extra = Set.of(env.getOrDefault(ENV_ENV, "").split("[,\\s]+"));
        new TreeMap<>(env).forEach((k, v) -> {
            if (keyed(k) || extra.contains(k)) {
                b.append(k).append('=').append(v).append('\0');
            }
        });
        byte[] d = sha.digest(b.toString().getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            hex.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
        }
        return hex.toString();
    }

    /** Whether a variable names a daemon of its own ({@link #KEYED}, {@link #KEYED_PREFIXES}). */
    static boolean keyed(String name) {
        return KEYED.contains(name) || KEYED_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** The idle time from {@value #IDLE_ENV} ({@code 90s}, {@code 30m}, {@code 2h} or seconds), else the default. */
    static long idleSeconds(Map<String, String> env) {
        String v = env.get(IDLE_ENV);
        if (v == null || v.isBlank()) {
            return DEFAULT_IDLE_SECONDS;
        }
        v = v.trim();
        long unit = switch (v.charAt(v.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            default -> 0;
        };
        try {
            long n = Long.parseLong(unit == 0 ? v : v.substring(0, v.length() - 1));
            return n > 0 ? n * Math.max(unit, 1) : DEFAULT_IDLE_SECONDS;
        } catch (NumberFormatException e) {
            return DEFAULT_IDLE_SECONDS;
        }
    }

    /**
     * A stream that reads the channel directly. Not {@code Channels.newInputStream}: on Java 17 its
     * streams of one socket channel share a lock, so a thread blocked reading stops every write.
     */
    static InputStream input(SocketChannel ch) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : ch.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    /** A stream that writes the channel directly (see {@link #input}). */
    static OutputStream output(SocketChannel ch) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        };
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 16 << 20) {
            throw new IOException("bad string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** One frame; callers hold the stream's lock. */
    static void frame(DataOutputStream out, byte type, byte[] b, int off, int len) throws IOException {
        out.writeByte(type);
        out.writeInt(len);
        out.write(b, off, len);
    }

    /** A frame without bytes whose length field carries a number (an exit code, a count). */
    static void signal(DataOutputStream out, byte type, int value) throws IOException {
        out.writeByte(type);
        out.writeInt(value);
    }

    /** Reads the type byte of the next frame; throws {@link EOFException} at the end. */
    static byte type(DataInputStream in) throws IOException {
        int t = in.read();
        if (t < 0) {
            throw new EOFException();
        }
        return (byte) t;
    }
}
