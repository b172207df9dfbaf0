package io.cloudsync.cli;

import io.cloudsync.ConfigurationException;
import io.cloudsync.SyncListener;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** A facade over this session's root, configuration and state folder. */
    CloudSync cloudSync(SyncListener... listeners) {
        CloudSync.Builder b = CloudSync.builder().root(root).stateDirectory(stateDir).config(config);
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

    /** Prints a line for people on stdout, unless the output is JSON. */
    void say(String line) {
        if (!json()) {
            terminal.out().println(line);
        }
    }

    /** Prints a notice on stderr. */
    void warn(String line) {
        terminal.err().println("cloudsync: " + line);
    }
}
