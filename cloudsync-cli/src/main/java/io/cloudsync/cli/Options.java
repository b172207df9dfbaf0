package io.cloudsync.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Option groups shared by several commands, used as picocli mixins. */
final class Options {

    private Options() {
    }

    /** {@code --service ID --snapshot NAME}. */
    static final class Target {
        @Option(names = "--service", paramLabel = "ID",
                description = "Service (a section under \"services\" in the config). Optional when the config has exactly one.")
        String service;

        @Option(names = "--snapshot", paramLabel = "NAME", required = true,
                description = "Snapshot name: 1-128 letters, digits, '.', '_' or '-'.")
        String snapshot;
    }

    /** {@code --include P... --exclude GLOB...}. */
    static final class Filters {
        @Option(names = "--include", paramLabel = "PATH",
                description = "Narrow to this path under the root (repeatable); a sync uploads and deletes only under it and"
                        + " leaves remote files outside it alone. Default: the whole mirror (sync.include of the config, else everything).")
        List<String> include = new ArrayList<>();

        @Option(names = "--exclude", paramLabel = "GLOB",
                description = "Extra exclude glob such as '**/*.tmp' (repeatable; added to sync.exclude).")
        List<String> exclude = new ArrayList<>();
    }

    /** {@code --set KEY=VALUE...}. */
    static final class Settings {
        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Provider setting for this run (repeatable); wins over the service's section in the config.")
        Map<String, String> set = new LinkedHashMap<>();
    }
}
