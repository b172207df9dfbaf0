package io.cloudsync.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code cloudsync}: the global options and the list of commands. */
@Command(name = "cloudsync", mixinStandardHelpOptions = true, versionProvider = RootCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = false,
        description = {"Mirror a project's files to S3, Google Drive, a local folder or any plug-in backend, with"
                + " deterministic manifests and resumable delta plans. See docs/CLI.md."},
        subcommands = {DemoCommand.class, ManifestCommand.class, PlanCommand.class, SyncCommand.class,
                PullCommand.class, VersionsCommand.class, RestoreCommand.class, VerifyCommand.class, BackupCommand.class, VaultCommand.class, ProvidersCommand.class,
                DoctorCommand.class, ServeCommand.class, DaemonCommand.class, TrainCommand.class},
        footer = {"", "Exit codes: 0 success or dry-run, 1 failed, 2 usage or configuration error, 3 partial, 4 a --max-*"
                + " threshold refused the plan, 5 a delete guard refused the plan, 6 another run holds the lock, 7 another run"
                + " changed the remote manifest first, 8 the plan of --plan FILE is no longer what a run would do."})
final class RootCommand implements Runnable {

    private final Terminal terminal;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Configuration file (default: <root>/config/cloudsync.json).")
    Path config;

    @Option(names = "--state-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "State folder: manifest cache, journal, locks (default: <root>/cache/cloud).")
    Path stateDir;

    @Option(names = "--root", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Project root whose files are mirrored (default: sync.default_root of the config, else the working folder).")
    Path root;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log lines at info level, every file, and stack traces of errors.")
    boolean verbose;

    @Option(names = "--passphrase-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Read the vault passphrase from this file (default: the CLOUDSYNC_SECRETS_KEY environment variable).")
    Path passphraseFile;

    @Option(names = "--passphrase-command", paramLabel = "CMD", scope = ScopeType.INHERIT,
            description = "Read the vault passphrase from the output of this command, such as 'pass show cloudsync'"
                    + " (split at spaces; quotes group words).")
    String passphraseCommand;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print exactly one JSON document on stdout (progress and logs stay on stderr).")
    boolean json;

    @Option(names = "--log-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Also write every info log line to FILE, as JSON lines unless --log-format text; rotated at"
                    + " --log-max-size (FILE.1 .. FILE.5). 'serve' writes <root>/logs/server.log unless told otherwise.")
    Path logFile;

    @Option(names = "--log-format", paramLabel = "FORMAT", scope = ScopeType.INHERIT,
            description = "json or text, for stderr and the log file (default: text on stderr, json in the file).")
    Logging.Format logFormat;

    @Option(names = "--log-max-size", paramLabel = "SIZE", scope = ScopeType.INHERIT, defaultValue = "10MB",
            description = "Size at which the log file is rotated, such as 10MB or 512KiB (default: ${DEFAULT-VALUE}).")
    String logMaxSize;

    RootCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    Terminal terminal() {
        return terminal;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing a command, such as \"demo\", \"plan\" or \"sync\".");
    }

    /** Reads the version from the jar's manifest. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RootCommand.class.getPackage().getImplementationVersion();
            return new String[] {"cloudsync " + (v == null ? "(development build)" : v)
                    + " on Java " + System.getProperty("java.version")};
        }
    }
}
