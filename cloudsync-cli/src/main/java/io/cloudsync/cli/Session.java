package io.cloudsync.cli;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.SyncListener;
import io.cloudsync.Vault;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.Vaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Everything a command needs, resolved once from the global options: where the root, the
 * configuration and the state folder are, the parsed configuration, and how to print.
 */
final class Session {

    private final RootCommand globals;
    private final Terminal terminal;
    private final Path root;
    private final Path configFile;
    private final boolean configExists;
    private final CloudSyncConfig config;
    private final Path stateDir;
    private Path logFile;

    Session(RootCommand globals) {
        this.globals = globals;
        this.terminal = globals.terminal();
        Path explicitRoot = globals.root == null ? null : terminal.resolve(globals.root.toString());
        Path base = explicitRoot != null ? explicitRoot : terminal.workingDir();
        if (globals.config != null) {
            configFile = terminal.resolve(globals.config.toString());
            if (!Files.isRegularFile(configFile)) {
                throw new ConfigurationException("configuration file " + configFile + " does not exist (given by --config);"
                        + " check the path, or leave --config out to use <root>/" + CloudSyncConfig.DEFAULT_FILE);
            }
        } else {
            configFile = base.resolve(CloudSyncConfig.DEFAULT_FILE);
        }
        if (explicitRoot != null && !Files.isDirectory(explicitRoot)) {
            throw new ConfigurationException("project root " + explicitRoot + " (given by --root) is not a folder;"
                    + " check the path");
        }
        configExists = Files.isRegularFile(configFile);
        config = CloudSyncConfig.load(configFile);
        root = explicitRoot != null ? explicitRoot
                : config.defaultRoot().map(terminal::resolve).orElse(terminal.workingDir());
        stateDir = globals.stateDir == null ? root.resolve("cache/cloud") : terminal.resolve(globals.stateDir.toString());
        // Cli set up --log-file (every command); serve may set its own with logTo
        logFile = globals.logFile == null ? null : terminal.resolve(globals.logFile.toString());
    }

    /**
     * Sets up logging for this command (stderr and, unless {@code null}, the log file with the global
     * options' format and size), and keeps the log file and its rotated copies out of every manifest.
     */
    void logTo(Path file) {
        Logging.configure(globals.verbose, globals.logFormat, file, Logging.maxBytes(globals.logMaxSize));
        logFile = file;
    }

    /** The log file and its rotated copies, to keep them out of the manifests; empty without a log file. */
    private List<Path> logFiles() {
        List<Path> out = new ArrayList<>();
        if (logFile != null) {
            out.add(logFile);
            for (int i = 1; i <= Logging.KEEP; i++) {
                out.add(logFile.resolveSibling(logFile.getFileName() + "." + i));
            }
        }
        return out;
    }

    /** The log file set up by {@link #logTo}, or {@code null}. */
    Path logFile() {
        return logFile;
    }

    Terminal terminal() {
        return terminal;
    }

    boolean json() {
        return globals.json;
    }

    boolean verbose() {
        return globals.verbose;
    }

    Path root() {
        return root;
    }

    Path configFile() {
        return configFile;
    }

    boolean configExists() {
        return configExists;
    }

    CloudSyncConfig config() {
        return config;
    }

    Path stateDir() {
        return stateDir;
    }

    /** The vault file: {@code <root>/config/cloudsync.secrets.json}. */
    Path vaultFile() {
        return root.resolve(Vaults.DEFAULT_FILE);
    }

    /** Whether a passphrase source was given: an option, or the environment variable. */
    boolean passphraseGiven() {
        String env = terminal.env().get(Vaults.PASSPHRASE_ENV);
        return globals.passphraseFile != null || globals.passphraseCommand != null || (env != null && !env.isEmpty());
    }

    /** The vault passphrase from --passphrase-file, --passphrase-command or CLOUDSYNC_SECRETS_KEY. */
    Secret passphrase() {
        Path file = globals.passphraseFile == null ? null : terminal.resolve(globals.passphraseFile.toString());
        List<String> command = globals.passphraseCommand == null ? List.of() : words(globals.passphraseCommand);
        if (globals.passphraseCommand != null && command.isEmpty()) {
            throw new ConfigurationException("--passphrase-command is empty; give a program such as 'pass show cloudsync'");
        }
        return Vaults.passphraseFrom(terminal.env(), file, command);
    }

    /**
     * Opens the existing vault.
     *
     * @throws ConfigurationException when there is none, saying how to create one
     */
    Vault openVault() {
        if (!Vaults.exists(vaultFile())) {
            throw new ConfigurationException("there is no vault at " + vaultFile() + "; create it by storing a first"
                    + " secret with \"cloudsync vault set KEY\"");
        }
        Secret passphrase = passphrase();
        try {
            return Vaults.open(vaultFile(), passphrase);
        } finally {
            passphrase.destroy();
        }
    }

    /** Splits a command line at spaces; single or double quotes group words. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new ConfigurationException("--passphrase-command has an unclosed quote; close it or drop it");
        }
        if (inWord) {
            out.add(word.toString());
        }
        return out;
    }

    /**
     * A facade over this session's root, configuration and state folder. With {@code withVault}, the
     * vault is opened when it exists, so that providers get their credentials; without a passphrase
     * source the run goes on without it, and says so.
     */
    CloudSync cloudSync(boolean withVault, SyncListener... listeners) {
        return cloudSync(withVault, List.of(), listeners);
    }

    /** As {@link #cloudSync(boolean, SyncListener...)}, keeping {@code excluded} (files of the host's own) out of every manifest. */
    CloudSync cloudSync(boolean withVault, List<Path> excluded, SyncListener... listeners) {
        CloudSync.Builder b = CloudSync.builder().root(root).stateDirectory(stateDir).config(config);
        excluded.forEach(b::excludePath);
        // a log file inside the root would be mirrored while it is written (logs/ is excluded anyway)
        logFiles().forEach(b::excludePath);
        if (withVault && Vaults.exists(vaultFile())) {
            if (passphraseGiven()) {
                b.vault(openVault());
            } else {
                warn("the vault " + vaultFile() + " is not opened because no passphrase was given ("
                        + Vaults.PASSPHRASE_ENV + ", --passphrase-file or --passphrase-command); providers get no"
                        + " secrets from it");
            }
        }
        for (SyncListener l : listeners) {
            b.listener(l);
        }
        return b.build();
    }

    /**
     * The service to use: the one given, or the only configured one.
     *
     * @throws picocli.CommandLine.ParameterException when none was given and the choice is not obvious
     */
    String service(String given, picocli.CommandLine commandLine) {
        if (given != null) {
            return given;
        }
        Set<String> services = config.services();
        if (services.size() == 1) {
            return services.iterator().next();
        }
        throw new picocli.CommandLine.ParameterException(commandLine, services.isEmpty()
                ? "Missing --service ID, and " + configFile + (configExists ? " configures no service" : " does not exist")
                        + "; pass --service (such as --service local) and configure it under \"services\""
                : "Missing --service ID; " + configFile + " configures " + services + ", so say which one");
    }

    /** Prints a line for people on stdout, unless the output is JSON; control characters are escaped ({@link Text#safe}). */
    void say(String line) {
        if (!json()) {
            terminal.out().println(Text.safe(line));
        }
    }

    /** Prints a notice on stderr, with control characters escaped ({@link Text#safe}). */
    void warn(String line) {
        terminal.err().println("cloudsync: " + Text.safe(line));
    }
}
