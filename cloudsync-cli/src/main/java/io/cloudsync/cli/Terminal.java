package io.cloudsync.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a command talks to: stdout, stderr, stdin, the environment, the working folder and, when
 * there is one, the console. Tests build one over buffers; {@link #system()} is the real thing.
 *
 * @param out standard output (results, {@code --json} documents)
 * @param err standard error (progress, log lines, error messages)
 * @param in standard input (secret values when there is no console)
 * @param env environment variables
 * @param workingDir the folder relative paths are resolved against
 * @param console the console when stdin and stdout are a terminal, else {@code null}
 * @param interactive whether a person is watching (progress bars); a command the daemon runs for a
 *     client at a terminal has no console of its own but is interactive
 */
record Terminal(PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, Path workingDir,
                Console console, boolean interactive) {

    Terminal {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(env, "env");
        workingDir = workingDir.toAbsolutePath().normalize();
    }

    /** A terminal that is interactive exactly when it has a console. */
    Terminal(PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, Path workingDir, Console console) {
        this(out, err, in, env, workingDir, console, console != null);
    }

    static Terminal system() {
        Charset cs = Charset.defaultCharset();
        return new Terminal(new PrintWriter(new OutputStreamWriter(System.out, cs), true),
                new PrintWriter(new OutputStreamWriter(System.err, cs), true), System.in, System.getenv(),
                Path.of("").toAbsolutePath(), System.console());
    }

    /** Resolves a path given on the command line or in the environment against the working folder. */
    Path resolve(String path) {
        return workingDir.resolve(path).toAbsolutePath().normalize();
    }
}
