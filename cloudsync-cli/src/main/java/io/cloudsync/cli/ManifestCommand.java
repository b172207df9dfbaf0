package io.cloudsync.cli;

import io.cloudsync.ManifestEntry;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.json.ResultCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code cloudsync manifest}: scan the local tree and print its manifest. */
@Command(name = "manifest", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scan the project root and print its manifest {path, size, mtime, sha256}. Changes nothing.")
final class ManifestCommand implements Callable<Integer> {

    @ParentCommand
    RootCommand root;

    @Option(names = "--snapshot", paramLabel = "NAME", defaultValue = "manifest",
            description = "Name recorded in the manifest (default: ${DEFAULT-VALUE}).")
    String snapshot;

    @Mixin
    Options.Filters filters;

    @Override
    public Integer call() {
        Session s = new Session(root);
        CloudSync cloudSync = s.cloudSync(false);
        // both forms print each entry as the scan hands it on: a tree of millions of files is never in memory
        if (s.json()) {
            ManifestBuilder.Report[] report = new ManifestBuilder.Report[1]; // set inside the JSON body
            JsonOut.stream(s.terminal(), g -> {
                g.writeStartObject();
                g.writeFieldName("manifest");
                report[0] = cloudSync.manifest(snapshot, filters.include, filters.exclude, new ManifestBuilder.Sink() {
                    @Override
                    public void started(String scanned, Instant createdAt) {
                        write(() -> ResultCodec.writeManifestStart(g, snapshot, scanned, createdAt));
                    }

                    @Override
                    public void accept(ManifestEntry e) {
                        write(() -> ResultCodec.writeEntry(g, e));
                    }
                });
                ResultCodec.writeManifestEnd(g, report[0].checksum());
                g.writeFieldName("skipped_paths");
                g.writeTree(ResultCodec.skippedPaths(report[0]));
                g.writeEndObject();
            });
            warnings(s, report[0]);
            return ExitCodes.OK;
        }
        PrintWriter out = s.terminal().out();
        ManifestBuilder.Report scanned = cloudSync.manifest(snapshot, filters.include, filters.exclude,
                e -> out.printf("%s  %12d  %s%n", e.sha256(), e.size(), Text.safe(e.path())));
        warnings(s, scanned);
        out.println(Units.count(scanned.files(), "file") + ", " + Units.bytes(scanned.bytes())
                + ", checksum " + scanned.checksum() + " (root " + Text.safe(s.root().toString()) + ")");
        return ExitCodes.OK;
    }

    private static void warnings(Session s, ManifestBuilder.Report report) {
        for (String skipped : report.skipped()) {
            s.warn("left out: " + skipped);
        }
        for (String missing : report.missingIncludes()) {
            s.warn("include path not found: " + missing);
        }
    }

    /** A write to the JSON output, from inside the scan's sink. */
    private interface Write {
        void run() throws IOException;
    }

    private static void write(Write w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON output", e);
        }
    }
}
