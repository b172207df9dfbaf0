package io.cloudsync.cli;

import io.cloudsync.SyncRequest;
import io.cloudsync.core.json.ResultCodec;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.RestoreResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloudsync restore}: the snapshot as it was at a time, from the manifest and its trash. */
@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Restore a snapshot's files as a committed manifest had them at a time: files that later runs"
                + " deleted or overwrote come from the snapshot's trash (sync.trash_days), the rest from the snapshot.",
                "Every file is checked against its sha256 before it is moved into place; nothing on the remote changes."
                        + " List what can come back with: cloudsync versions."})
final class RestoreCommand implements Callable<Integer> {

    private static final Pattern AGO = Pattern.compile("(\\d+)([smhd])");

    @ParentCommand
    RootCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    Options.Target target;

    @Mixin
    Options.Settings settings;

    @Option(names = "--at", paramLabel = "TIME", required = true,
            description = "The time: an ISO-8601 date-time such as 2026-12-03T14:05:00Z or 2026-12-03T15:05+01:00 (without"
                    + " an offset, in this machine's time zone), or how long ago, such as 90m, 6h or 2d.")
    String at;

    @Option(names = "--path", paramLabel = "PATH",
            description = "Restore only the file PATH or the files under the folder PATH (repeatable; default: every file).")
    List<String> paths = new ArrayList<>();

    @Option(names = "--target", paramLabel = "DIR", required = true,
            description = "Folder to write the files into; created when missing.")
    Path into;

    @Option(names = "--replace-existing", description = "Replace files that already exist in the target (default: leave them).")
    boolean replaceExisting;

    @Override
    public Integer call() {
        Instant time = parseTime(at, Instant.now(), ZoneId.systemDefault(), spec.commandLine());
        Session s = new Session(root);
        String service = s.service(target.service, spec.commandLine());
        SyncRequest request = SyncRequest.builder(service, target.snapshot).serviceConfig(settings.set).include(paths)
                .summaryOnly(!s.json()).build();
        RestoreResult r = s.cloudSync(true).restore(request, time, s.terminal().resolve(into.toString()), replaceExisting);
        PullResult f = r.files();
        if (s.json()) {
            JsonOut.print(s.terminal(), ResultCodec.restore(r));
        } else {
            PrintWriter out = s.terminal().out();
            out.println("Restored service \"" + Text.safe(f.service()) + "\", snapshot \"" + Text.safe(f.snapshot()) + "\" as of "
                    + r.at() + " into " + Text.safe(f.target().toString()) + ": " + f.status().jsonName() + ". " + f.written()
                    + " written (" + Units.bytes(f.bytes()) + "), " + f.skippedExisting() + " already there"
                    + (f.skippedExisting() > 0 && !replaceExisting ? " (left alone; --replace-existing replaces them)" : "")
                    + ", " + f.failed() + " failed, in " + Units.duration(f.duration()) + ".");
            if (!r.historyComplete()) {
                out.println("  warning: the trash records do not fully account for the snapshot at that time (a run kept no"
                        + " record: the trash was off, or older records were purged); each file written is exactly the"
                        + " version it names, but the tree may differ from what was committed then");
            }
            f.errors().forEach(e -> out.println("  failed " + Text.safe(e.path()) + ": " + e.kind().jsonName() + ": "
                    + Text.safe(e.message())));
        }
        return SyncCommand.codeOf(f.status());
    }

    /**
     * Reads {@code --at}: an instant, a date-time with an offset, a local date-time in {@code zone},
     * or a duration ago ({@code 90m}, {@code 6h}, {@code 2d}).
     */
    static Instant parseTime(String text, Instant now, ZoneId zone, CommandLine cl) {
        String t = text.trim();
        Matcher ago = AGO.matcher(t.toLowerCase(Locale.ROOT));
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration d = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset: try without
        }
        try {
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(cl, "--at \"" + Text.safe(text) + "\" is not a time: give an ISO-8601"
                    + " date-time such as 2026-12-03T14:05:00Z (or without the offset, in this machine's time zone), or how"
                    + " long ago, such as 90m, 6h or 2d");
        }
    }
}
