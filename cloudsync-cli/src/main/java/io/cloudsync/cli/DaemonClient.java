package io.cloudsync.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The launcher's entry point when the daemon is on: hands the command line, the working folder, the
 * environment and the standard streams to a warm daemon of this user (starting one on first use) and
 * exits with the command's exit code. Whenever the daemon cannot serve the command (it is busy, the
 * command needs a console or a process of its own, the daemon folder is not private, the daemon does
 * not start), the command runs here, in this process, exactly as {@code java -jar} would run it; or,
 * when the launcher started this client in a JVM made to start fast rather than to run commands
 * ({@link DaemonProtocol#CLIENT_PROPERTY}), in a JVM of its own with the daemon's options, whose exit
 * code, streams and interruption are this process's. docs/CLI.md, "The daemon".
 */
public final class DaemonClient {

    /** How long a client waits for a daemon it started to listen. */
    private static final long START_MILLIS = 20_000;
    private static final int LOCAL = -1;

    private DaemonClient() {
    }

    /**
     * Runs the command line through the daemon, or here.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (System.getProperty(DaemonProtocol.ENABLED_PROPERTY) == null || firstWord(args).equals("daemon")) {
            Main.main(args);
            return;
        }
        Map<String, String> env = System.getenv();
        int code = LOCAL;
        try {
            code = viaDaemon(args, env);
        } catch (IOException e) {
            warn("the daemon failed (" + e.getMessage() + "); running without it");
        }
        if (code == LOCAL) {
            if (System.getProperty(DaemonProtocol.CLIENT_PROPERTY) != null) {
                System.exit(inOwnJvm(args));
            }
            Main.main(args);
            return;
        }
        System.exit(code);
    }

    /**
     * Runs the command in a JVM of its own, as {@code java OPTIONS -jar JAR ARGS} with the daemon's
     * options, sharing this process's standard streams; returns its exit code. Signals that stop this
     * process stop it too (a shutdown hook), and it stops by itself when this process is gone
     * ({@link DaemonProtocol#PARENT_PROPERTY}).
     */
    private static int inOwnJvm(String[] args) {
        Path jar = jar();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options(System.getProperty(DaemonProtocol.JVM_PROPERTY, "")));
        cmd.add("-D" + DaemonProtocol.PARENT_PROPERTY + "=" + ProcessHandle.current().pid());
        if (jar == null) {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        } else {
            cmd.addAll(List.of("-jar", jar.toString()));
        }
        cmd.addAll(Arrays.asList(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).inheritIO().start();
        } catch (IOException e) {
            warn("cannot start a JVM for the command (" + e.getMessage() + "); running it here");
            return Main.execute(Terminal.system(), false, args);
        }
        Thread stop = new Thread(() -> {
            if (p.isAlive()) {
                p.destroy(); // SIGTERM: the command stops as it would in its own process
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "cloudsync-command-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        while (true) {
            try {
                int code = p.waitFor();
                Runtime.getRuntime().removeShutdownHook(stop);
                return code;
            } catch (InterruptedException e) {
                // keep waiting: the command's end is this process's end
            }
        }
    }

    /** JVM options as the launcher joined them: separated by white space. */
    static List<String> options(String jvm) {
        List<String> out = new ArrayList<>();
        for (String o : jvm.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                out.add(o);
            }
        }
        return out;
    }

    /** The command's exit code from a daemon, or {@link #LOCAL} when it is to run here. */
    private static int viaDaemon(String[] args, Map<String, String> env) throws IOException {
        Path dir = DaemonProtocol.folder(env);
        String problem = DaemonProtocol.privateFolder(dir);
        if (problem != null) {
            warn("not using the daemon: " + problem);
            return LOCAL;
        }
        Path jar = jar();
        if (jar == null) {
            return LOCAL;
        }
        String jvm = System.getProperty(DaemonProtocol.JVM_PROPERTY, "");
        String key = DaemonProtocol.key(jar, System.getProperty("java.home"), jvm, env);
        Path socket = dir.resolve(key + ".sock");
        SocketChannel ch = connect(socket);
        if (ch == null) {
            Process daemon = start(dir, key, jar, jvm, env);
            long deadline = System.currentTimeMillis() + START_MILLIS;
            while (ch == null) {
                if (!daemon.isAlive() && daemon.exitValue() != 0) {
                    warn("the daemon did not start (see " + dir.resolve(key + ".log") + "); running without it");
                    return LOCAL;
                }
                if (System.currentTimeMillis() > deadline) {
                    warn("the daemon did not answer within " + START_MILLIS / 1000 + " s; running without it");
                    return LOCAL;
                }
                sleep(10);
                ch = connect(socket);
            }
        }
        try (SocketChannel c = ch) {
            return talk(c, args, env);
        }
    }

    /** A connection to a live daemon, or {@code null} when none listens (a stale socket file is removed). */
    static SocketChannel connect(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return null;
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (IOException refused) {
            ch.close();
            return null; // a daemon is starting, or one died: the one started next replaces the file
        }
    }

    /**
     * Starts a daemon in a session of its own where there is {@code setsid}, and in any case with the
     * interrupt and hang-up signals ignored (the JVM keeps a signal ignored that it started with): Ctrl-C
     * at the terminal and the terminal closing are for the client, not for the daemon.
     */
    private static Process start(Path dir, String key, Path jar, String jvm, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.addAll(List.of("/bin/sh", "-c", "trap '' INT HUP; exec \"$0\" \"$@\""));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options(jvm));
        cmd.addAll(List.of("-cp", jar.toString(), Daemon.class.getName(), dir.resolve(key + ".sock").toString(),
                dir.resolve(key + ".lock").toString(), jar.toString(), Long.toString(DaemonProtocol.idleSeconds(env))));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(dir.resolve(key + ".log").toFile());
        return pb.start();
    }

    /** Sends the command and relays frames until the daemon says how it ended. */
    private static int talk(SocketChannel ch, String[] args, Map<String, String> env) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(DaemonProtocol.output(ch), 16384));
        DataInputStream in = new DataInputStream(new BufferedInputStream(DaemonProtocol.input(ch), 65536));
        out.writeInt(DaemonProtocol.MAGIC);
        out.writeByte(DaemonProtocol.RUN);
        out.writeInt(args.length);
        for (String a : args) {
            DaemonProtocol.writeString(out, a);
        }
        DaemonProtocol.writeString(out, Path.of("").toAbsolutePath().toString());
        out.writeInt(env.size());
        for (Map.Entry<String, String> e : env.entrySet()) {
            DaemonProtocol.writeString(out, e.getKey());
            DaemonProtocol.writeString(out, e.getValue());
        }
        DaemonProtocol.writeString(out, Charset.defaultCharset().name());
        out.writeBoolean(System.console() != null);
        out.flush();

        boolean[] done = {false};
        Thread cancel = new Thread(() -> {
            synchronized (out) {
                if (!done[0]) {
                    try {
                        DaemonProtocol.signal(out, DaemonProtocol.CANCEL, 0);
                        out.flush();
                    } catch (IOException e) {
                        // the daemon is gone already
                    }
                }
            }
        }, "cloudsync-daemon-cancel");
        Runtime.getRuntime().addShutdownHook(cancel);

        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        OutputStream stderr = new FileOutputStream(FileDescriptor.err);
        InputStream stdin = System.in;
        byte[] buf = new byte[65536];
        boolean stdoutOpen = true;
        while (true) {
            byte type = DaemonProtocol.type(in);
            int n = in.readInt();
            switch (type) {
                case DaemonProtocol.OUT, DaemonProtocol.ERR -> {
                    byte[] b = n <= buf.length ? buf : new byte[n];
                    in.readFully(b, 0, n);
                    try {
                        if (type == DaemonProtocol.ERR) {
                            stderr.write(b, 0, n);
                        } else if (stdoutOpen) {
                            stdout.write(b, 0, n);
                        }
                    } catch (IOException closed) {
                        stdoutOpen = false; // `cloudsync ... | head`: the command goes on, as it would in-process
                    }
                }
                case DaemonProtocol.READ -> {
                    byte[] b = new byte[Math.max(1, Math.min(n, buf.length))];
                    int got = stdin.read(b);
                    synchronized (out) {
                        DaemonProtocol.frame(out, DaemonProtocol.IN, b, 0, Math.max(got, 0));
                        out.flush();
                    }
                }
                case DaemonProtocol.EXIT -> {
                    finish(done, out, cancel);
                    return n;
                }
                case DaemonProtocol.LOCAL, DaemonProtocol.BUSY -> {
                    finish(done, out, cancel);
                    return LOCAL;
                }
                default -> throw new IOException("unexpected frame " + (char) type + " from the daemon");
            }
        }
    }

    private static void finish(boolean[] done, DataOutputStream out, Thread cancel) {
        synchronized (out) {
            done[0] = true;
        }
        Runtime.getRuntime().removeShutdownHook(cancel);
    }

    /** The jar this class was loaded from, or {@code null} when it was not loaded from a jar. */
    private static Path jar() {
        try {
            Path p = Path.of(DaemonClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The first argument that is not an option (a rough guess at the command, enough for {@code daemon}). */
    static String firstWord(String[] args) {
        return Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
    }

    private static void warn(String message) {
        System.err.println("cloudsync: " + message);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
