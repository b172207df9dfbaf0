package io.cloudsync.cli;

import io.cloudsync.Bandwidth;
import io.cloudsync.SyncRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

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

    /** {@code --max-uploads N --max-deletes N --max-bytes SIZE}: the gates of {@code sync} and {@code plan}. */
    static final class Limits {
        @Option(names = "--max-uploads", paramLabel = "N", description = "Refuse the plan (exit 4) when it uploads more than N files.")
        Long maxUploads;

        @Option(names = "--max-deletes", paramLabel = "N", description = "Refuse the plan (exit 4) when it deletes more than N files.")
        Long maxDeletes;

        @Option(names = "--max-bytes", paramLabel = "SIZE", converter = Units.SizeConverter.class,
                description = "Refuse the plan (exit 4) when it uploads more than SIZE, such as 500MB, 2GB or 1GiB.")
        Long maxBytes;

        @Option(names = "--allow-mass-delete",
                description = "Let a plan through that a delete guard would refuse (exit 5), such as deleting most of the remote.")
        boolean allowMassDelete;

        /** Puts the limits given on {@code b}, refusing negative counts as a usage error. */
        SyncRequest.Builder applyTo(SyncRequest.Builder b, CommandLine commandLine) {
            b.allowMassDelete(allowMassDelete);
            if (maxUploads != null) {
                b.maxUploads(nonNegative(maxUploads, "--max-uploads", commandLine));
            }
            if (maxDeletes != null) {
                b.maxDeletes(nonNegative(maxDeletes, "--max-deletes", commandLine));
            }
            if (maxBytes != null) {
                b.maxBytes(maxBytes);
            }
            return b;
        }

        private static long nonNegative(long value, String option, CommandLine commandLine) {
            if (value < 0) {
                throw new ParameterException(commandLine, option + " must be 0 or more, was " + value);
            }
            return value;
        }
    }

    /** {@code --bwlimit RATE}: the bandwidth limit of {@code sync} and {@code pull}. */
    static final class Bwlimit {
        @Option(names = "--bwlimit", paramLabel = "RATE", converter = RateConverter.class,
                description = "Limit the bandwidth of this run, shared by all its transfers, such as 512k, 8M, 1.5M or 1G"
                        + " (binary units, per second; a bare number is KiB/s); 0 or off for no limit. Wins over sync.bwlimit"
                        + " of the config.")
        Long bwlimit;

        /** Puts the limit on {@code b} when one was given; without the option the configuration's applies. */
        SyncRequest.Builder applyTo(SyncRequest.Builder b) {
            if (bwlimit != null) {
                b.bandwidthLimit(bwlimit);
            }
            return b;
        }
    }

    /** Picocli converter for RATE options: {@link Bandwidth#parse}, its message as the usage error. */
    static final class RateConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Bandwidth.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --set KEY=VALUE...}. */
    static final class Settings {
        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Provider setting for this run (repeatable); wins over the service's section in the config.")
        Map<String, String> set = new LinkedHashMap<>();
    }
}
