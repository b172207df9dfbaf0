package io.cloudsync.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The warm daemon behind the launcher: one JVM per user, jar, Java, JVM options and environment (see
 * {@link DaemonProtocol#key}), listening on a Unix socket in a folder only that user may enter. It runs
 * one command at a time, exactly as {@code java -jar cloudsync.jar} would, against the client's working
 * folder, environment and standard streams, and stops when it has been idle for its idle time, when its
 * jar changes, or when asked. When its client goes away in the middle of a command (Ctrl-C, a kill), the
 * daemon stops at once, as the command's own process would have: every run survives that. docs/CLI.md,
 * "The daemon".
 */
public final class Daemon {

    /** How often the daemon looks at its idle time and its jar, in milliseconds (a property for tests). */
    private static final long CHECK_MILLIS = Long.getLong("cloudsync.daemon.check", 10_000L);

    private final Path socket;
    private final Path jar;
    private final long idleMillis;
    private final JarStamp jarTime;
    private final Instant started = Instant.now();
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger runs = new AtomicInteger();
    private volatile long lastUse = System.currentTimeMillis();
    private volatile boolean stopAsked;
    private final PrintStream ownOut = System.out;
    private final PrintStream ownErr = System.err;
    private final InputStream ownIn = System.in;

    private record JarStamp(long size, long millis) {
        static JarStamp of(Path p) {
            try {
                return new JarStamp(Files.size(p), Files.getLastModifiedTime(p).toMillis());
            } catch (IOException e) {
                return new JarStamp(-1, -1);
            }
        }
    }

    private Daemon(Path socket, Path jar, long idleSeconds) {
        this.socket = socket;
        this.jar = jar;
        this.idleMillis = idleSeconds * 1000;
        this.jarTime = JarStamp.of(jar);
    }

    /**
     * Starts a daemon: {@code SOCKET LOCK JAR IDLE_SECONDS}. Exits at once, quietly, when another daemon
     * holds the lock (two clients started one each at the same moment).
     *
     * @param args the socket, the lock file, the jar and the idle time in seconds
     * @throws IOException when the socket cannot be opened
     */
    public static void main(String[] args) throws IOException {
        Path socket = Path.of(args[0]);
        FileChannel lockFile = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock();
        if (lock == null) {
            System.out.println("another daemon serves " + socket + "; this one stops");
            return;
        }
        new Daemon(socket, Path.of(args[2]), Long.parseLong(args[3])).serve();
    }

    private void serve() throws IOException {
        Files.deleteIfExists(socket); // left by a daemon that died; we hold the lock, so no live one uses it
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        System.out.println(Instant.now() + " daemon " + ProcessHandle.current().pid() + " listens on " + socket
                + " (java " + Runtime.version() + ", stops after " + human(Duration.ofMillis(idleMillis)) + " idle)");
        Thread watch = new Thread(this::watch, "cloudsync-daemon-watch");
        watch.setDaemon(true);
        watch.start();
        while (true) {
            SocketChannel ch = server.accept();
            Thread t = new Thread(() -> handle(ch), "cloudsync-daemon-connection");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Stops the daemon when it has been idle too long or its jar changed. */
    private void watch() {
        while (true) {
            try {
                Thread.sleep(CHECK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (busy.get()) {
                continue;
            }
            if (!JarStamp.of(jar).equals(jarTime)) {
                stop("its jar changed");
            } else if (System.currentTimeMillis() - lastUse > idleMillis) {
                stop("it was idle for " + human(Duration.ofMillis(idleMillis)));
            }
        }
    }

    private void stop(String why) {
        System.out.println(Instant.now() + " daemon stops: " + why);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the next client finds nothing listening and replaces it
        }
        System.exit(0);
    }

    private void handle(SocketChannel ch) {
        try (ch) {
            if (!sameUser(ch)) {
                return;
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(DaemonProtocol.input(ch), 65536));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(DaemonProtocol.output(ch), 65536));
            if (in.readInt() != DaemonProtocol.MAGIC) {
                return;
            }
            byte request = in.readByte();
            if (request == DaemonProtocol.STATUS || request == DaemonProtocol.STOP) {
                stopAsked |= request == DaemonProtocol.STOP;
                text(out, status() + (stopAsked && busy.get() ? "; stops after its command" : ""));
                if (stopAsked && !busy.get()) {
                    stop("asked to stop");
                }
                return;
            }
            if (request != DaemonProtocol.RUN) {
                return;
            }
            String[] args = new String[in.readInt()];
            for (int i = 0; i < args.length; i++) {
                args[i] = DaemonProtocol.readString(in);
            }
            Path cwd = Path.of(DaemonProtocol.readString(in));
            int n = in.readInt();
            Map<String, String> read = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                read.put(DaemonProtocol.readString(in), DaemonProtocol.readString(in));
            }
            Map<String, String> env = Map.copyOf(read);
            Charset cs = charset(DaemonProtocol.readString(in));
            boolean interactive = in.readBoolean();
            if (!busy.compareAndSet(false, true)) {
                DaemonProtocol.signal(out, DaemonProtocol.BUSY, 0);
                out.flush();
                return;
            }
            boolean ran;
            try {
                ran = run(args, cwd, env, cs, interactive, in, out);
            } finally {
                lastUse = System.currentTimeMillis();
                busy.set(false);
                if (stopAsked) {
                    stop("asked to stop");
                }
            }
            if (ran) {
                // The client has its answer: collect now, so that the heap a large run grew (the serial
                // collector keeps the old generation it expanded) shrinks back while the daemon waits.
                System.gc();
            }
        } catch (IOException | RuntimeException e) {
            System.out.println(Instant.now() + " connection failed: " + e);
        }
    }

    /**
     * Runs one command line for a client, with the process's standard streams pointing at it.
     *
     * @return whether it ran here (false: handed back to the client, {@link DaemonProtocol#LOCAL})
     */
    private boolean run(String[] args, Path cwd, Map<String, String> env, Charset cs, boolean interactive,
            DataInputStream in, DataOutputStream out) throws IOException {
        Stdin stdin = new Stdin(out);
        AtomicBoolean answered = new AtomicBoolean();
        Thread reader = new Thread(() -> readClient(in, stdin, answered), "cloudsync-daemon-client");
        reader.setDaemon(true);
        reader.start();
        PrintStream o = new PrintStream(new BufferedOutputStream(new Frames(out, DaemonProtocol.OUT), 65536), false, cs);
        PrintStream e = new PrintStream(new BufferedOutputStream(new Frames(out, DaemonProtocol.ERR), 8192), true, cs);
        Terminal terminal = new Terminal(new PrintWriter(new OutputStreamWriter(o, cs), true),
                new PrintWriter(new OutputStreamWriter(e, cs), true), stdin, env, cwd, null, interactive);
        int code;
        System.setOut(o);
        System.setErr(e);
        System.setIn(stdin);
        try {
            code = Main.execute(terminal, true, args);
        } catch (RuntimeException | Error failure) {
            failure.printStackTrace(e);
            code = ExitCodes.FAILED;
        } finally {
            o.flush();
            e.flush();
            System.setOut(ownOut);
            System.setErr(ownErr);
            System.setIn(ownIn);
        }
        boolean ran = code != Cli.OWN_PROCESS;
        if (ran) {
            runs.incrementAndGet();
        }
        answered.set(true);
        synchronized (out) {
            DaemonProtocol.signal(out, ran ? DaemonProtocol.EXIT : DaemonProtocol.LOCAL, code);
            out.flush();
        }
        if (Cli.ranOutOfMemory()) {
            stop("a command ran out of memory"); // a heap that overflowed once may hold anything: start afresh
        }
        return ran;
    }

    /**
     * Reads what the client sends during a command: stdin bytes, or a cancel. A cancel, or the client
     * going away before the command was answered, ends the daemon at once: the command stops where a
     * killed process would have.
     */
    private void readClient(DataInputStream in, Stdin stdin, AtomicBoolean answered) {
        try {
            while (true) {
                byte type = DaemonProtocol.type(in);
                int n = in.readInt();
                if (type == DaemonProtocol.IN) {
                    byte[] b = new byte[n];
                    in.readFully(b);
                    stdin.offer(b);
                } else if (type == DaemonProtocol.CANCEL && !answered.get()) {
                    halt("its client was interrupted");
                }
            }
        } catch (EOFException e) {
            if (!answered.get()) {
                halt("its client went away during a command");
            }
        } catch (IOException e) {
            if (!answered.get()) {
                halt("its connection failed during a command: " + e);
            }
        }
    }

    private void halt(String why) {
        ownOut.println(Instant.now() + " daemon stops: " + why);
        ownOut.flush();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // replaced by the next daemon
        }
        Runtime.getRuntime().halt(130);
    }

    private String status() {
        Duration up = Duration.between(started, Instant.now()).withNanos(0);
        Duration idle = busy.get() ? Duration.ZERO : Duration.ofMillis(System.currentTimeMillis() - lastUse).withNanos(0);
        long heap = Runtime.getRuntime().totalMemory() / (1024 * 1024);
        return "pid " + ProcessHandle.current().pid() + ", " + (busy.get() ? "running a command" : "idle for " + human(idle))
                + ", up " + human(up) + ", " + runs.get() + " command(s) run, heap " + heap + " MiB, stops after "
                + human(Duration.ofMillis(idleMillis)) + " idle; java " + Runtime.version() + ", jar " + jar;
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        DaemonProtocol.frame(out, DaemonProtocol.TEXT, b, 0, b.length);
        out.flush();
    }

    /** Only the user who runs this daemon may talk to it (the folder's mode says so as well). */
    private static boolean sameUser(SocketChannel ch) {
        try {
            jdk.net.UnixDomainPrincipal peer = ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            return peer.user().getName().equals(System.getProperty("user.name"));
        } catch (IOException | UnsupportedOperationException e) {
            return true; // no peer credentials on this system: the folder's 0700 mode is the fence
        }
    }

    private static Charset charset(String name) {
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /** Bytes for one of the client's output streams, sent as frames. */
    private static final class Frames extends OutputStream {
        private final DataOutputStream out;
        private final byte type;

        Frames(DataOutputStream out, byte type) {
            this.out = out;
            this.type = type;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            synchronized (out) {
                DaemonProtocol.frame(out, type, b, off, len);
                out.flush();
            }
        }
    }

    /** The client's stdin, read on demand: each read asks the client for bytes and waits for them. */
    private static final class Stdin extends InputStream {
        private final DataOutputStream out;
        private final BlockingQueue<byte[]> arrived = new ArrayBlockingQueue<>(1);
        private byte[] pending = new byte[0];
        private int pos;
        private boolean ended;

        Stdin(DataOutputStream out) {
            this.out = out;
        }

        void offer(byte[] b) {
            arrived.add(b);
        }

        @Override
        public synchronized int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos == pending.length) {
                if (ended) {
                    return -1;
                }
                synchronized (out) {
                    DaemonProtocol.signal(out, DaemonProtocol.READ, Math.min(len, 65536));
                    out.flush();
                }
                try {
                    pending = arrived.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading stdin");
                }
                pos = 0;
                if (pending.length == 0) {
                    ended = true;
                    return -1;
                }
            }
            int n = Math.min(len, pending.length - pos);
            System.arraycopy(pending, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
