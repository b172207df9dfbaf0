package io.cloudsync.cli;

import io.cloudsync.SyncRequest;
import io.cloudsync.core.json.ResultCodec;
import io.cloudsync.core.result.TrashVersion;
import io.cloudsync.core.result.VersionsResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloudsync versions}: what a snapshot's trash can bring back. */
@Command(name = "versions", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the versions of files that runs deleted or overwrote, which the snapshot's trash keeps for"
                + " sync.trash_days (default 30).",
                "Newest first. Bring them back with: cloudsync restore --snapshot S --at TIME --target DIR."})
final class VersionsCommand implements Callable<Integer> {

    @ParentCommand
    RootCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    Options.Target target;

    @Mixin
    Options.Settings settings;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Only versions of the file PATH or of files under the folder PATH (default: every path).")
    List<String> paths = new ArrayList<>();

    @Override
    public Integer call() {
        Session s = new Session(root);
        String service = s.service(target.service, spec.commandLine());
        VersionsResult r = s.cloudSync(true).versions(SyncRequest.builder(service, target.snapshot)
                .serviceConfig(settings.set).include(paths).build());
        if (s.json()) {
            JsonOut.print(s.terminal(), ResultCodec.versions(r));
            return ExitCodes.OK;
        }
        PrintWriter out = s.terminal().out();
        if (r.versions().isEmpty()) {
            out.println("The trash of service \"" + Text.safe(r.service()) + "\", snapshot \"" + Text.safe(r.snapshot())
                    + "\" holds no version" + (paths.isEmpty() ? "" : " under " + Text.safe(String.join(", ", paths)))
                    + (r.trashDays() == 0 ? " (sync.trash_days is 0: runs keep nothing)." : "."));
            return ExitCodes.OK;
        }
        out.println("Versions in the trash of service \"" + Text.safe(r.service()) + "\", snapshot \"" + Text.safe(r.snapshot())
                + "\" (kept " + r.trashDays() + " days" + r.earliest().map(t -> "; oldest record " + t).orElse("") + "):");
        for (TrashVersion v : r.versions()) {
            out.println("  " + v.time() + "  " + String.format(java.util.Locale.ROOT, "%-11s", v.change()) + "  "
                    + String.format(java.util.Locale.ROOT, "%10s", Units.bytes(v.size())) + "  " + v.sha256().substring(0, 12)
                    + "  " + Text.safe(v.path()) + (v.available() ? "" : "  (purged)"));
        }
        out.println("Restore the tree as it was before a change with --at a time just before it, for example: cloudsync"
                + " restore --snapshot " + Text.safe(r.snapshot()) + " --at " + r.versions().get(0).time().minusMillis(1)
                + " --target DIR");
        return ExitCodes.OK;
    }
}
