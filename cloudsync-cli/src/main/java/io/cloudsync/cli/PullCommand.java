package io.cloudsync.cli;

import io.cloudsync.SyncRequest;
import io.cloudsync.core.json.ResultCodec;
import io.cloudsync.core.result.PullResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloudsync pull}: restore a snapshot from the remote. */
@Command(name = "pull", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Restore a snapshot from the remote into a folder.",
                "Every file is checked against the remote manifest's sha256 before it is moved into place; nothing is"
                        + " written outside the target. --include restores only some paths."})
final class PullCommand implements Callable<Integer> {

    @ParentCommand
    RootCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    Options.Target target;

    @Mixin
    Options.Settings settings;

    @Option(names = "--include", paramLabel = "PATH",
            description = "Restore only the files at or under PATH, relative to the project root (repeatable; default: every file"
                    + " of the snapshot).")
    List<String> include = new ArrayList<>();

    @Option(names = "--target", paramLabel = "DIR", required = true,
            description = "Folder to write the files into; created when missing.")
    Path into;

    @Option(names = "--replace-existing", description = "Replace files that already exist in the target (default: leave them).")
    boolean replaceExisting;

    @Mixin
    Options.Bwlimit bwlimit;

    @Override
    public Integer call() {
        Session s = new Session(root);
        String service = s.service(target.service, spec.commandLine());
        // the text output prints counts and failures only; --json prints every entry of the remote manifest
        SyncRequest request = bwlimit.applyTo(SyncRequest.builder(service, target.snapshot).serviceConfig(settings.set)
                .include(include).summaryOnly(!s.json())).build();
        PullResult r = s.cloudSync(true).pull(request, s.terminal().resolve(into.toString()), replaceExisting);
        if (s.json()) {
            JsonOut.print(s.terminal(), ResultCodec.pull(r));
        } else {
            PrintWriter out = s.terminal().out();
            out.println("Pulled service \"" + Text.safe(r.service()) + "\", snapshot \"" + Text.safe(r.snapshot()) + "\" into "
                    + Text.safe(r.target().toString()) + ": "
                    + r.status().jsonName() + ". " + r.written() + " written (" + Units.bytes(r.bytes()) + "), "
                    + r.skippedExisting() + " already there" + (r.skippedExisting() > 0 && !replaceExisting
                    ? " (left alone; --replace-existing replaces them)" : "") + ", " + r.failed() + " failed, in "
                    + Units.duration(r.duration()) + ".");
            r.errors().forEach(e -> out.println("  failed " + Text.safe(e.path()) + ": " + e.kind().jsonName() + ": " + Text.safe(e.message())));
        }
        return SyncCommand.codeOf(r.status());
    }
}
