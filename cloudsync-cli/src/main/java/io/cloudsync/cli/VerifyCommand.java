package io.cloudsync.cli;

import io.cloudsync.SyncRequest;
import io.cloudsync.core.json.ResultCodec;
import io.cloudsync.core.result.VerifyResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloudsync verify}: check the remote against its manifest. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check that what the remote holds matches the snapshot's manifest, changing nothing.",
                "Every file is checked against the provider's listing (and digests where it lists them), plus downloads"
                        + " of a sample. --include checks only some paths.",
                "Exit 0 when everything checked is intact, 1 when a file is missing or damaged."})
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    RootCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    Options.Target target;

    @Mixin
    Options.Settings settings;

    @Option(names = "--include", paramLabel = "PATH",
            description = "Verify only the files at or under PATH, relative to the project root (repeatable; default: every file"
                    + " of the snapshot).")
    List<String> include = new ArrayList<>();

    @Option(names = "--sample", paramLabel = "PERCENT", defaultValue = "10",
            description = "Share of the files without a listed digest to download and hash, 0 to 100 (default: ${DEFAULT-VALUE}).")
    int sample;

    @Override
    public Integer call() {
        if (sample < 0 || sample > 100) {
            throw new ParameterException(spec.commandLine(), "--sample must be a percentage from 0 to 100, was " + sample);
        }
        Session s = new Session(root);
        String service = s.service(target.service, spec.commandLine());
        // neither output lists the manifest's entries, only counts, problems and extra files
        SyncRequest request = SyncRequest.builder(service, target.snapshot).serviceConfig(settings.set).include(include)
                .summaryOnly(true).build();
        VerifyResult r = s.cloudSync(true).verify(request, sample);
        if (s.json()) {
            JsonOut.print(s.terminal(), ResultCodec.verify(r));
        } else {
            PrintWriter out = s.terminal().out();
            r.problems().forEach(p -> out.println("  " + p.kind().jsonName() + " " + Text.safe(p.path()) + ": "
                    + Text.safe(p.detail())));
            int shown = 0;
            for (String x : r.extra()) {
                if (!s.verbose() && shown++ >= Report.MAX_ITEMS) {
                    out.println("  ... and " + Units.count(r.extra().size() - Report.MAX_ITEMS, "more file") + " not in the manifest");
                    break;
                }
                out.println("  not in the manifest: " + Text.safe(x));
            }
            out.println("Verified service \"" + Text.safe(r.service()) + "\", snapshot \"" + Text.safe(r.snapshot()) + "\": "
                    + (r.ok() ? "ok" : Units.count(r.problems().size(), "problem")) + ". "
                    + Units.count(r.files(), "file") + ": " + r.verifiedByDigest() + " by listed digest, "
                    + r.verifiedByDownload() + " downloaded and hashed, " + r.verifiedBySize() + " by listed size only, " + r.unchecked()
                    + " unchecked" + (r.listed() ? "" : " (the provider cannot list; raise --sample to check more)")
                    + (r.extra().isEmpty() ? "" : "; " + Units.count(r.extra().size(), "file") + " not in the manifest") + ".");
            if (!r.ok()) {
                out.println("Run \"cloudsync sync\" to upload the missing or damaged files again.");
            }
        }
        return r.ok() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
