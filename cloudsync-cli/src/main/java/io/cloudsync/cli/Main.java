package io.cloudsync.cli;

import java.util.Arrays;

/**
 * Entry point of the runnable jar. Exit codes: 0 success or dry-run, 1 failed, 2 usage or
 * configuration error, 3 partial, 4 a {@code --max-*} threshold refused the plan, 5 a delete guard
 * refused it, 6 another run holds the lock, 7 a conflict, 8 the approved plan changed (see {@code docs/CLI.md}).
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the command and exits the JVM with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        watchParent();
        System.exit(execute(Terminal.system(), false, args));
    }

    /**
     * In a JVM the daemon client started for a command ({@link DaemonProtocol#PARENT_PROPERTY}): when
     * the client is gone (killed, even with SIGKILL), the command stops as if it had been interrupted,
     * exit code 130, through the shutdown hooks that release its lock.
     */
    private static void watchParent() {
        String parent = System.getProperty(DaemonProtocol.PARENT_PROPERTY);
        if (parent == null) {
            return;
        }
        try {
            ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
                    h -> h.onExit().thenRun(() -> new Thread(() -> System.exit(130), "cloudsync-parent-gone").start()),
                    () -> System.exit(130));
        } catch (NumberFormatException e) {
            // not a pid: nothing to watch
        }
    }

    /**
     * Sets up logging for one command line and runs it against {@code terminal}; returns the exit code,
     * or with {@code inDaemon} {@link Cli#OWN_PROCESS} for a command the daemon hands back.
     */
    static int execute(Terminal terminal, boolean inDaemon, String... args) {
        Logging.configure(Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose"));
        return Cli.run(terminal, inDaemon, args);
    }
}
