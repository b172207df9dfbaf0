package io.cloudsync.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.ErrorCategory;
import io.cloudsync.FeatureDisabledException;
import io.cloudsync.LockHeldException;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.VaultException;
import io.cloudsync.core.json.ResultCodec;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** Builds the command line, runs it, and turns every outcome into one exit code and a clear message. */
final class Cli {

    private Cli() {
    }

    /** What {@link #run(Terminal, boolean, String...)} returns for a command that needs a process of its own. */
    static final int OWN_PROCESS = -1;

    /** Runs {@code args} against a terminal and returns the exit code; never exits the JVM. */
    static int run(Terminal terminal, String... args) {
        return run(terminal, false, args);
    }

    /**
     * Runs {@code args} against a terminal and returns the exit code; never exits the JVM. With
     * {@code inDaemon}, a command line that needs a process of its own (see needsOwnProcess) is not
     * run: the result is {@link #OWN_PROCESS}.
     */
    static int run(Terminal terminal, boolean inDaemon, String... args) {
        RootCommand root = new RootCommand(terminal);
        CommandLine cl = commandLine(root);
        boolean json = Arrays.asList(args).contains("--json");
        boolean verbose = Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose");
        cl.setParameterExceptionHandler((ex, a) -> usageError(terminal, ex, json));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> failure(terminal, ex, json, verbose));
        cl.setExecutionStrategy(parsed -> {
            if (inDaemon && needsOwnProcess(terminal, parsed)) {
                return OWN_PROCESS;
            }
            try {
                Logging.apply(root); // --log-file and --log-format, for every command
            } catch (io.cloudsync.ConfigurationException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage(), e);
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            return outOfMemory(terminal, json);
        } finally {
            Logging.release();
            terminal.out().flush();
            terminal.err().flush();
        }
    }

    /**
     * Whether the daemon must hand this command line back to the client's own process: {@code serve} (a
     * process of its own), {@code daemon} and the launcher's training run, {@code vault} at a terminal
     * (it prompts on the console), and {@code --passphrase-command} (the command inherits the process's
     * stdin and stderr, so that it may prompt). A line that does not parse runs in the daemon, which
     * prints the usage error as the process would.
     */
    private static boolean needsOwnProcess(Terminal terminal, CommandLine.ParseResult parsed) {
        List<String> names = new java.util.ArrayList<>();
        boolean passphraseCommand = false;
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            names.add(p.commandSpec().name());
            passphraseCommand |= p.hasMatchedOption("--passphrase-command");
        }
        String command = names.size() > 1 ? names.get(1) : "";
        return passphraseCommand || List.of("serve", "daemon", "cds-training").contains(command)
                || command.equals("vault") && terminal.interactive();
    }

    static CommandLine commandLine(RootCommand root) {
        CommandLine cl = new CommandLine(root);
        cl.setOut(root.terminal().out());
        cl.setErr(root.terminal().err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(100);
        return cl;
    }

    private static int usageError(Terminal t, CommandLine.ParameterException ex, boolean json) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        String problem = problem(ex) + suggestion(ex);
        String hint = "Run \"" + name + " --help\" to see the usage.";
        if (json) {
            printJsonError(t, ExitCodes.USAGE, ResultCodec.error(ErrorCategory.CONFIGURATION, "usage",
                    problem + System.lineSeparator() + hint), null);
        }
        t.err().println("cloudsync: " + Text.safe(problem) + System.lineSeparator() + hint);
        return ExitCodes.USAGE;
    }

    /** Picocli's message, except that a word where a command belongs is called an unknown command. */
    private static String problem(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-") && !u.getCommandLine().getSubcommands().isEmpty()) {
            return "Unknown command '" + u.getUnmatched().get(0) + "'";
        }
        return ex.getMessage();
    }

    /**
     * "; did you mean `sync`?" for a misspelt command or option, else nothing. Picocli's own
     * suggestions share letter pairs, which misses swapped letters ("snyc"); names within a small
     * edit distance (a swap counts as one edit) come first.
     */
    static String suggestion(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return "";
        }
        String arg = u.getUnmatched().get(0);
        int eq = arg.indexOf('=');
        String typed = arg.startsWith("-") && eq > 0 ? arg.substring(0, eq) : arg;
        CommandLine.Model.CommandSpec spec = u.getCommandLine().getCommandSpec();
        List<String> candidates = new java.util.ArrayList<>();
        if (typed.startsWith("-")) {
            spec.options().stream().filter(o -> !o.hidden()).forEach(o -> candidates.addAll(Arrays.asList(o.names())));
        } else {
            spec.subcommands().forEach((name, sub) -> {
                if (!sub.getCommandSpec().usageMessage().hidden()) {
                    candidates.add(name);
                }
            });
        }
        int best = Integer.MAX_VALUE;
        List<String> closest = new java.util.ArrayList<>();
        for (String c : candidates) {
            int d = editDistance(typed, c);
            if (d > Math.max(1, Math.min(2, c.replaceFirst("^-+", "").length() / 3))) {
                continue;
            }
            if (d < best) {
                best = d;
                closest.clear();
            }
            if (d == best && !closest.contains(c)) {
                closest.add(c);
            }
        }
        List<String> suggestions = closest.isEmpty() ? u.getSuggestions().stream().distinct().limit(3).toList() : closest;
        if (suggestions.isEmpty()) {
            return "";
        }
        return suggestions.size() == 1 ? "; did you mean `" + suggestions.get(0) + "`?"
                : "; did you mean one of " + suggestions.stream().map(x -> '`' + x + '`').collect(Collectors.joining(", ")) + "?";
    }

    /** Edits (insert, delete, replace, swap of neighbours) from {@code a} to {@code b}. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static int failure(Terminal t, Exception ex, boolean json, boolean verbose) {
        for (Throwable c = ex; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return outOfMemory(t, json);
            }
        }
        ErrorCategory category = categoryOf(ex);
        int code = ExitCodes.of(category);
        String message = messageOf(ex);
        if (json) {
            ObjectNode error = ResultCodec.error(ex);
            error.put("category", category.jsonName());
            error.put("message", message); // with the CLI's hint on what to do
            printJsonError(t, code, error, ex instanceof PlanRefusedException p ? p.plan() : null);
        }
        // the exception's text may quote a path: escaped for people; the lines added here are meant
        t.err().println("cloudsync: " + (ex instanceof io.cloudsync.ProviderNotFoundException ? Text.safeLines(message)
                : messageOf(ex, Text::safe)));
        if (verbose) {
            ex.printStackTrace(t.err());
        } else if (category == ErrorCategory.INTERNAL) {
            t.err().println("cloudsync: this is unexpected; run again with -v for the stack trace and report it");
        }
        return code;
    }

    private static final java.util.concurrent.atomic.AtomicBoolean OUT_OF_MEMORY = new java.util.concurrent.atomic.AtomicBoolean();

    /** Whether a command in this JVM ran out of heap: a daemon stops after answering it. */
    static boolean ranOutOfMemory() {
        return OUT_OF_MEMORY.get();
    }

    /**
     * A command that ran out of Java heap: what the cap is and how to raise it, exit code 1. Called
     * once the stack has unwound, so what the command held is garbage again and this has room to run.
     */
    private static int outOfMemory(Terminal t, boolean json) {
        OUT_OF_MEMORY.set(true);
        String message = "out of memory: the Java heap is capped at " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                + " MiB. Run again with a larger cap, for example CLOUDSYNC_JAVA_OPTS=-Xmx1g (docs/CLI.md);"
                + " an interrupted sync resumes where it stopped.";
        if (json) {
            printJsonError(t, ExitCodes.FAILED, ResultCodec.error(ErrorCategory.FAILED, "out_of_memory", message), null);
        }
        t.err().println("cloudsync: " + message);
        return ExitCodes.FAILED;
    }

    /** {@code {"error": {exit_code, category, type, message, reason?}, "plan"?}}, see docs/FORMATS.md. */
    private static void printJsonError(Terminal t, int code, ObjectNode error, io.cloudsync.Plan refused) {
        JsonOut.stream(t, g -> {
            g.writeStartObject();
            g.writeFieldName("error");
            g.writeTree(JsonOut.object().put("exit_code", code).setAll(error));
            if (refused != null) {
                g.writeFieldName("plan");
                ResultCodec.writePlan(g, refused, false);
            }
            g.writeEndObject();
        });
    }

    /** {@link ErrorCategory#of}, with picocli's usage errors as configuration errors. */
    static ErrorCategory categoryOf(Throwable ex) {
        return ex instanceof CommandLine.ParameterException ? ErrorCategory.CONFIGURATION : ErrorCategory.of(ex);
    }

    static int exitCodeOf(Throwable ex) {
        return ExitCodes.of(categoryOf(ex));
    }

    private static String messageOf(Throwable ex) {
        return messageOf(ex, java.util.function.UnaryOperator.identity());
    }

    /** The message for {@code ex}, with {@code quote} applied to the exception's own text. */
    private static String messageOf(Throwable ex, java.util.function.UnaryOperator<String> quote) {
        String m = quote.apply(ex.getMessage() == null || ex.getMessage().isBlank() ? ex.getClass().getName() : ex.getMessage());
        if (ex instanceof LockHeldException) {
            return m + System.lineSeparator() + "Wait for that run to finish, or pass --wait-lock 5m to wait for it.";
        }
        if (ex instanceof FeatureDisabledException) {
            return m + System.lineSeparator() + "See docs/SYNC.md for the configuration file, or run \"cloudsync doctor\".";
        }
        if (ex instanceof VaultException v && v.reason() == VaultException.Reason.NO_PASSPHRASE) {
            return m + System.lineSeparator() + "Set CLOUDSYNC_SECRETS_KEY, or pass --passphrase-file FILE or"
                    + " --passphrase-command CMD.";
        }
        if (ex instanceof io.cloudsync.CloudSyncException || ex instanceof IllegalArgumentException) {
            return m;
        }
        if (ex instanceof java.io.IOException) {
            return "file error: " + quote.apply(ex.toString()) + "; check that the path exists and that you may write there";
        }
        return "unexpected error: " + quote.apply(ex.toString());
    }
}
