package io.cloudsync.cli;

import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncRequest;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import io.cloudsync.core.PlanFile;
import io.cloudsync.core.json.ResultCodec;
import io.cloudsync.core.result.SyncResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloudsync sync}: the run. */
@Command(name = "sync", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Bring the remote in line with the project root.",
                "Uploads new and changed files, deletes removed ones, then commits the manifest. An interrupted run is"
                        + " resumed by the next one.",
                "The --max-* thresholds turn the plan into a gate: when the plan exceeds one, nothing is transferred and"
                        + " the exit code is 4. --dry-run only plans, exactly as \"cloudsync plan\" does."})
final class SyncCommand implements Callable<Integer> {

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

    @Option(names = "--no-commit-manifest",
            description = "Transfer the files but leave the remote manifest (and the cache) as they were.")
    boolean noCommitManifest;

    @Mixin
    Options.Limits limits;

    @Mixin
    Options.Bwlimit bwlimit;

    @Option(names = "--summary-only", description = "Print the counts and bytes without the per-file lists"
            + " (with --json: no manifest entries, no upload/delete/skipped lists), for runs too large to read.")
    boolean summaryOnly;

    @Option(names = {"--dry-run", "-n"},
            description = "Only plan: the same as \"cloudsync plan\" with these options (same output and exit codes).")
    boolean dryRun;

    @Option(names = "--wait-lock", paramLabel = "DURATION", converter = Units.DurationConverter.class,
            description = "When another run holds the lock, wait up to DURATION (such as 30s or 5m) instead of failing (exit 6).")
    Duration waitLock;

    @Option(names = "--plan", paramLabel = "FILE", description = "Run exactly the plan that \"cloudsync plan --out FILE\""
            + " wrote, or refuse before anything moves (exit 8) when the local tree or the remote changed since; the"
            + " include and exclude paths come from the file. An interrupted run of the plan is resumed with the same command.")
    Path plan;

    @Override
    public Integer call() {
        Session s = new Session(root);
        String service = s.service(target.service, spec.commandLine());
        PlanFile approved = plan == null ? null : approvedPlan(service);
        List<String> include = approved == null ? filters.include : approved.include();
        List<String> exclude = approved == null ? filters.exclude : approved.exclude();
        SyncRequest.Builder b = bwlimit.applyTo(limits.applyTo(SyncRequest.builder(service, target.snapshot)
                .serviceConfig(settings.set).include(include).exclude(exclude)
                .commitManifest(!noCommitManifest), spec.commandLine()));
        if (approved != null) {
            b.approvedPlan(approved.approval());
        }
        if (dryRun) {
            return PlanCommand.dryRun(s, b.build(), summaryOnly, null);
        }
        // the text report and --summary-only print figures, not every entry: the engine then keeps no
        // manifest or plan in memory for the result
        SyncRequest request = b.summaryOnly(summaryOnly || !s.json()).build();
        SyncResult result;
        try {
            result = s.cloudSync(true, new Progress(s.terminal().err(), s.terminal().interactive(), s.verbose())).run(request);
        } catch (PlanRefusedException e) {
            Plan now = approved != null && e.reason() == PlanRefusedException.Reason.CHANGED ? e.plan() : null;
            if (approved != null && now != null) {
                List<String> changes = approved.differences(now, 20);
                if (!changes.isEmpty()) {
                    s.warn("what a run would do now, against " + plan + ":");
                    changes.forEach(line -> s.warn("  " + line));
                }
            }
            throw e;
        }
        if (s.json()) {
            JsonOut.stream(s.terminal(), g -> ResultCodec.writeResult(g, result, summaryOnly));
        } else {
            Report.summary(s.terminal().out(), result, s.verbose(), summaryOnly);
            if (noCommitManifest && result.summary().status() == SyncStatus.SUCCESS) {
                s.say("The remote manifest was left as it was (--no-commit-manifest).");
            }
        }
        return codeOf(result.summary());
    }

    /**
     * The plan file of {@code --plan}, checked against the command line: it must be for this service
     * and snapshot, and an {@code --include} or {@code --exclude} given as well must be the file's.
     */
    private PlanFile approvedPlan(String service) {
        PlanFile f = PlanFile.read(plan);
        String problem = null;
        if (!f.service().equals(service) || !f.snapshot().equals(target.snapshot)) {
            problem = "is for service \"" + f.service() + "\" snapshot \"" + f.snapshot() + "\", not service \"" + service
                    + "\" snapshot \"" + target.snapshot + '"';
        } else if (!filters.include.isEmpty() && !filters.include.equals(f.include())) {
            problem = "was made with --include " + f.include() + ", not " + filters.include + " (leave --include out to use the file's)";
        } else if (!filters.exclude.isEmpty() && !filters.exclude.equals(f.exclude())) {
            problem = "was made with --exclude " + f.exclude() + ", not " + filters.exclude + " (leave --exclude out to use the file's)";
        }
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), "the plan file " + plan + ' ' + problem);
        }
        return f;
    }

    /**
     * The exit code of a run that ended: a manifest write refused because another run changed the
     * remote manifest first (or took over the remote lease) is a conflict (7, run again), whatever
     * else happened; otherwise the status decides.
     */
    static int codeOf(SyncSummary summary) {
        boolean conflict = summary.errors().stream()
                .anyMatch(e -> e.action() == SyncAction.MANIFEST && e.kind() == SyncError.Kind.CONFLICT);
        return conflict ? ExitCodes.CONFLICT : codeOf(summary.status());
    }

    static int codeOf(SyncStatus status) {
        return switch (status) {
            case SUCCESS, DRY_RUN -> ExitCodes.OK;
            case PARTIAL -> ExitCodes.PARTIAL;
            case FAILED -> ExitCodes.FAILED;
        };
    }
}
