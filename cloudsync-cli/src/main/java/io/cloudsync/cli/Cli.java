package io.cloudsync.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.ConfigurationException;
import io.cloudsync.FeatureDisabledException;
import io.cloudsync.LockHeldException;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.VaultException;
import io.cloudsync.spi.ProviderException;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine;

/** Builds the command line, runs it, and turns every outcome into one exit code and a clear message. */
final class Cli {

    private Cli() {
    }

    /** Runs {@code args} against a terminal and returns the exit code; never exits the JVM. */
    static int run(Terminal terminal, String... args) {
        RootCommand root = new RootCommand(terminal);
        CommandLine cl = commandLine(root);
        boolean json = Arrays.asList(args).contains("--json");
        boolean verbose = Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose");
        cl.setParameterExceptionHandler((ex, a) -> usageError(terminal, ex, json));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> failure(terminal, ex, json, verbose));
        try {
            return cl.execute(args);
        } finally {
            terminal.out().flush();
            terminal.err().flush();
        }
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
        String message = ex.getMessage() + System.lineSeparator() + "Run \"" + name + " --help\" to see the usage.";
        if (json) {
            printJsonError(t, ExitCodes.USAGE, "usage", message, null);
        }
        t.err().println("cloudsync: " + Text.safe(ex.getMessage()) + System.lineSeparator() + "Run \"" + name
                + " --help\" to see the usage.");
        return ExitCodes.USAGE;
    }

    private static int failure(Terminal t, Exception ex, boolean json, boolean verbose) {
        int code = exitCodeOf(ex);
        String type = typeOf(ex);
        String message = messageOf(ex);
        if (json) {
            printJsonError(t, code, type, message, ex instanceof PlanRefusedException p && p.plan() != null ? p : null);
        }
        // the exception's text may quote a path: escaped for people; the lines added here are meant
        t.err().println("cloudsync: " + (ex instanceof io.cloudsync.ProviderNotFoundException ? Text.safeLines(message)
                : messageOf(ex, Text::safe)));
        if (verbose) {
            ex.printStackTrace(t.err());
        } else if (code == ExitCodes.FAILED && !(ex instanceof io.cloudsync.CloudSyncException)
                && !(ex instanceof java.io.IOException)) {
            t.err().println("cloudsync: this is unexpected; run again with -v for the stack trace and report it");
        }
        return code;
    }

    private static void printJsonError(Terminal t, int code, String type, String message, PlanRefusedException refused) {
        ObjectNode doc = JsonOut.object();
        ObjectNode error = doc.putObject("error");
        error.put("exit_code", code);
        error.put("type", type);
        error.put("message", message);
        if (refused != null) {
            doc.set("plan", JsonOut.plan(refused.plan()));
        }
        JsonOut.print(t, doc);
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof PlanRefusedException p) {
            return p.reason() == PlanRefusedException.Reason.DELETE_GUARD ? ExitCodes.DELETE_GUARD : ExitCodes.LIMIT;
        }
        if (ex instanceof LockHeldException) {
            return ExitCodes.LOCKED;
        }
        if (ex instanceof ConfigurationException || ex instanceof IllegalArgumentException
                || ex instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        if (ex instanceof VaultException v) {
            return switch (v.reason()) {
                case NO_PASSPHRASE, WRONG_PASSPHRASE, UNKNOWN_FORMAT -> ExitCodes.USAGE;
                default -> ExitCodes.FAILED;
            };
        }
        if (ex instanceof ProviderException p && (p.kind() == ProviderException.Kind.CONFIGURATION
                || p.kind() == ProviderException.Kind.AUTHENTICATION)) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILED;
    }

    private static String typeOf(Throwable ex) {
        if (ex instanceof PlanRefusedException p) {
            return p.reason() == PlanRefusedException.Reason.DELETE_GUARD ? "delete_guard" : "limit";
        }
        if (ex instanceof LockHeldException) {
            return "lock_held";
        }
        if (ex instanceof FeatureDisabledException) {
            return "feature_disabled";
        }
        if (ex instanceof VaultException v) {
            return "vault_" + v.reason().name().toLowerCase(Locale.ROOT);
        }
        if (ex instanceof ConfigurationException || ex instanceof IllegalArgumentException) {
            return "configuration";
        }
        if (ex instanceof ProviderException p) {
            return "provider_" + p.kind().name().toLowerCase(Locale.ROOT);
        }
        if (ex instanceof io.cloudsync.BackupException) {
            return "backup";
        }
        if (ex instanceof io.cloudsync.CloudSyncException) {
            return "failed";
        }
        return "internal";
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
