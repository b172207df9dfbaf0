package io.cloudsync.cli;

import io.cloudsync.ManifestEntry;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.json.ResultCodec;
import java.io.PrintWriter;
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
        ManifestBuilder.Result result = s.cloudSync(false).manifest(snapshot, filters.include, filters.exclude);
        for (String skipped : result.skipped()) {
            s.warn("left out: " + skipped);
        }
        for (String missing : result.missingIncludes()) {
            s.warn("include path not found: " + missing);
        }
        if (s.json()) {
            com.fasterxml.jackson.databind.node.ObjectNode doc = JsonOut.object();
            doc.set("manifest", ResultCodec.manifest(result.manifest()));
            doc.set("skipped_paths", ResultCodec.skippedPaths(result));
            JsonOut.print(s.terminal(), doc);
            return ExitCodes.OK;
        }
        PrintWriter out = s.terminal().out();
        for (ManifestEntry e : result.manifest().entries()) {
            out.printf("%s  %12d  %s%n", e.sha256(), e.size(), Text.safe(e.path()));
        }
        out.println(Units.count(result.manifest().entries().size(), "file") + ", " + Units.bytes(result.manifest().totalBytes())
                + ", checksum " + result.manifest().checksum() + " (root " + Text.safe(s.root().toString()) + ")");
        return ExitCodes.OK;
    }
}
