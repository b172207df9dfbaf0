package io.cloudsync.cli;

import io.cloudsync.PlanRefusedException;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.PlanFile;
import io.cloudsync.core.json.ResultCodec;
import io.cloudsync.core.result.SyncResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloudsync plan}: the dry-run. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what a sync would upload and delete, without writing anything to the remote.",
                "Works offline: plans against the cached manifest when the remote cannot be read, and says so."
                        + " A configuration error (a misspelt setting, an unknown service) exits 2.",
                "The --max-* thresholds gate the plan as they gate sync: exit 4 when it exceeds one (the plan is printed"
                        + " all the same). \"cloudsync sync --dry-run\" is the same command."})
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

    @Mixin
    Options.Limits limits;

    @Option(names = "--summary-only", description = "Print the plan's id, counts and bytes without the per-file lists"
            + " (with --json: no manifest entries, no upload/delete/skipped lists), for plans too large to read.")
    boolean summaryOnly;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the plan to FILE for review (every upload and"
            + " delete, the plan id, both manifest checksums); \"cloudsync sync --plan FILE\" then runs exactly that plan,"
            + " or refuses (exit 8) when the local tree or the remote changed since. Not written when the plan is refused.")
    Path out;

    @Override
    public Integer call() {
        Session s = new Session(root);
        String service = s.service(target.service, spec.commandLine());
        SyncRequest request = limits.applyTo(SyncRequest.builder(service, target.snapshot).serviceConfig(settings.set)
                .include(filters.include).exclude(filters.exclude), spec.commandLine()).build();
        return dryRun(s, request, summaryOnly, out);
    }

    /**
     * The dry run of {@code plan} and {@code sync --dry-run}: prints the plan (text or JSON), then
     * gates it as a run would: on the request's {@code --max-*} limits and on the delete guards.
     * {@code summaryOnly}: without the per-file lists (see {@code --summary-only}).
     *
     * {@code out}: where to write the plan file too, or {@code null}.
     *
     * @return 0, 4 when the plan exceeds a limit, or 5 when a delete guard would refuse it (the plan is
     *     printed all the same)
     */
    static int dryRun(Session s, SyncRequest request, boolean summaryOnly, Path out) {
        // --summary-only prints figures only: the engine then keeps no list of the plan in memory
        SyncResult result = s.cloudSync(true).dryRun(request.toBuilder().summaryOnly(summaryOnly).build());
        Report.planSourceWarning(s, result);
        PlanRefusedException refused = result.refusal().orElse(null);
        int code = refused == null ? ExitCodes.OK : Cli.exitCodeOf(refused);
        if (s.json()) {
            JsonOut.stream(s.terminal(), g -> {
                g.writeStartObject();
                ResultCodec.writeResultFields(g, result, summaryOnly);
                if (refused != null) {
                    g.writeFieldName("error");
                    g.writeTree(JsonOut.object().put("exit_code", code).setAll(ResultCodec.error(refused)));
                }
                g.writeEndObject();
            });
        } else {
            Report.plan(s.terminal().out(), result, s.verbose(), summaryOnly);
            if (refused == null) {
                s.say("Dry run: nothing was transferred. Run \"cloudsync sync\" with the same options to apply it.");
            }
        }
        if (refused != null) {
            s.warn(refused.getMessage());
            if (out != null) {
                s.warn("the plan was not written to " + out + ": a run would refuse it");
            }
        } else if (out != null) {
            PlanFile.write(out, request, result);
            s.warn("plan " + result.planSummary().id() + " written to " + out + "; after review, run it with: cloudsync sync"
                    + " --service " + request.service() + " --snapshot " + request.snapshot() + " --plan " + out);
        }
        return code;
    }
}
