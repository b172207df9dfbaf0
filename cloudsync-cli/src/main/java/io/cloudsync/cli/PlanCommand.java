package io.cloudsync.cli;

import io.cloudsync.SyncRequest;
import io.cloudsync.core.SyncResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloudsync plan}: the dry-run. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what a sync would upload and delete, without writing anything to the remote.",
                "Works offline: plans against the cached manifest when the remote cannot be read, and says so."})
final class PlanCommand implements Callable<Integer> {

    @ParentCommand
    RootCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    Options.Target target;

    @Mixin
    Options.Settings settings;

    @Mixin
    Options.Filters filters;

    @Override
    public Integer call() {
        Session s = new Session(root);
        String service = s.service(target.service, spec.commandLine());
        SyncRequest request = SyncRequest.builder(service, target.snapshot).serviceConfig(settings.set)
                .include(filters.include).exclude(filters.exclude).build();
        SyncResult result = s.cloudSync(true).dryRun(request);
        Report.planSourceWarning(s, result);
        if (s.json()) {
            JsonOut.print(s.terminal(), JsonOut.result(result));
        } else {
            Report.plan(s.terminal().out(), result, s.verbose());
            s.say("Dry run: nothing was transferred. Run \"cloudsync sync\" with the same options to apply it.");
        }
        return ExitCodes.OK;
    }
}
