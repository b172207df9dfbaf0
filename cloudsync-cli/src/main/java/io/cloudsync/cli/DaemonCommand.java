package io.cloudsync.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code cloudsync daemon status|stop}: the warm daemons the launcher started for this user. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Show or stop the warm daemons the launcher runs commands in (docs/CLI.md, \"The daemon\").",
                "Turn the daemon off with --no-daemon or CLOUDSYNC_DAEMON=0."})
final class DaemonCommand implements Runnable {

    @ParentCommand
    RootCommand root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing a daemon command: status or stop.");
    }

    /** {@code cloudsync daemon status}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "List this user's daemons: pid, state, age, commands run.")
    int status() {
        return each(root.terminal(), DaemonProtocol.STATUS, "running");
    }

    /** {@code cloudsync daemon stop}. */
    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop every daemon of this user (a daemon running a command stops after it).")
    int stop() {
        return each(root.terminal(), DaemonProtocol.STOP, "stopped");
    }

    /** Sends {@code request} to every daemon in the folder and prints each answer. */
    static int each(Terminal t, byte request, String verb) {
        Path dir = DaemonProtocol.folder(t.env());
        List<Path> sockets;
        try (Stream<Path> list = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            sockets = list.filter(p -> p.getFileName().toString().endsWith(".sock")).sorted().toList();
        } catch (IOException e) {
            throw new io.cloudsync.ConfigurationException("cannot list the daemon folder " + dir + ": " + e.getMessage());
        }
        int answered = 0;
        for (Path socket : sockets) {
            String answer = ask(socket, request);
            if (answer != null) {
                answered++;
                t.out().println(verb + ": " + answer);
            }
        }
        if (answered == 0) {
            t.out().println("no daemon is running (folder " + dir + ")");
        }
        return ExitCodes.OK;
    }

    /** The daemon's answer, or {@code null} when nothing listens on the socket. */
    private static String ask(Path socket, byte request) {
        try (SocketChannel ch = DaemonClient.connect(socket)) {
            if (ch == null) {
                return null;
            }
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(DaemonProtocol.output(ch)));
            out.writeInt(DaemonProtocol.MAGIC);
            out.writeByte(request);
            out.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(DaemonProtocol.input(ch)));
            if (DaemonProtocol.type(in) != DaemonProtocol.TEXT) {
                return null;
            }
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
