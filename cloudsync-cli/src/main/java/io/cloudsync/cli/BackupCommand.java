package io.cloudsync.cli;

import io.cloudsync.core.Backups;
import io.cloudsync.core.RetentionPolicy;
import io.cloudsync.core.json.ResultCodec;
import io.cloudsync.core.result.BackupCreateResult;
import io.cloudsync.core.result.BackupInfo;
import io.cloudsync.core.result.BackupPruneResult;
import io.cloudsync.core.result.BackupRestoreResult;
import io.cloudsync.core.result.BackupVerifyResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloudsync backup ...}: local zip backups under {@code <root>/backups/cloud} (see docs/BACKUPS.md). */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Make, list, check and restore local zip backups of the project under <root>/"
                + Backups.FOLDER + " (see docs/BACKUPS.md)."},
        subcommands = {BackupCommand.Create.class, BackupCommand.ListArchives.class, BackupCommand.Prune.class,
                BackupCommand.Restore.class, BackupCommand.Verify.class})
final class BackupCommand implements Runnable {

    /** The name that stands for the newest archive. */
    static final String LATEST = "latest";

    @ParentCommand
    RootCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a backup command: create, list, prune, restore or verify.");
    }

    private Session session() {
        return new Session(root);
    }

    /** {@code latest} names the newest archive (unless an archive has that very name, which cannot happen: names end in .zip). */
    static String resolve(Backups backups, String name) {
        if (!LATEST.equals(name)) {
            return name;
        }
        List<BackupInfo> list = backups.list();
        if (list.isEmpty()) {
            throw new io.cloudsync.BackupException(io.cloudsync.BackupException.Reason.NOT_FOUND, "there is no backup in " + backups.folder() + " to take as \"latest\";"
                    + " \"cloudsync backup create\" makes one");
        }
        return list.get(0).name();
    }

    /** The retention options of {@code backup create} and {@code backup prune} (restic's forget policy). */
    static final class KeepOptions {
        @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest backups.")
        Integer last;

        @Option(names = "--keep-daily", paramLabel = "N",
                description = "For each of the last N days (UTC) that have backups, keep the newest of the day.")
        Integer daily;

        @Option(names = "--keep-weekly", paramLabel = "N",
                description = "For each of the last N ISO weeks (UTC) that have backups, keep the newest of the week.")
        Integer weekly;

        @Option(names = "--keep-monthly", paramLabel = "N",
                description = "For each of the last N months (UTC) that have backups, keep the newest of the month.")
        Integer monthly;

        boolean given() {
            return last != null || daily != null || weekly != null || monthly != null;
        }

        /** The policy of the options given, refusing negative counts and a policy of zeros by the option's name. */
        RetentionPolicy policy(CommandLine cl) {
            RetentionPolicy p = RetentionPolicy.builder().keepLast(count(cl, "--keep-last", last))
                    .keepDaily(count(cl, "--keep-daily", daily)).keepWeekly(count(cl, "--keep-weekly", weekly))
                    .keepMonthly(count(cl, "--keep-monthly", monthly)).build();
            if (p.isEmpty()) {
                throw new ParameterException(cl, "every --keep-* option given is 0, which would keep every backup;"
                        + " give at least one of them as 1 or more");
            }
            return p;
        }

        private static int count(CommandLine cl, String option, Integer n) {
            if (n == null) {
                return 0;
            }
            if (n < 0) {
                throw new ParameterException(cl, option + " must be 0 (off) or more, was " + n);
            }
            return n;
        }
    }

    /** {@code backup create}. */
    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Archive project files into a new zip with its manifest, then delete older archives: beyond"
                    + " the newest --keep, or those the --keep-* policy does not keep (without either option: the"
                    + " \"backups\" policy of the config file if it has one, else --keep " + Backups.DEFAULT_MAX_BACKUPS + ").",
                    "Never archived: cache/, logs/, tmp/, backups/, .git/ and symbolic links. The new archive is never deleted."})
    static final class Create implements Callable<Integer> {
        @ParentCommand
        BackupCommand backup;

        @Spec
        CommandSpec spec;

        @Option(names = "--label", paramLabel = "TEXT", defaultValue = "backup",
                description = "Label kept in the manifest and, made safe, in the file name (default: ${DEFAULT-VALUE}).")
        String label;

        @Option(names = "--path", paramLabel = "PATH",
                description = "File or folder under the root to archive (repeatable; default: data, data/scenes, assets, config).")
        List<String> paths = new ArrayList<>();

        @Option(names = "--keep", paramLabel = "N",
                description = "How many archives to keep; older ones are deleted (default: " + Backups.DEFAULT_MAX_BACKUPS
                        + "). Not together with --keep-*.")
        Integer keep;

        @Mixin
        KeepOptions keepOptions;

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            if (keep != null && keepOptions.given()) {
                throw new ParameterException(cl, "give either --keep N (a count) or --keep-last/--keep-daily/--keep-weekly/"
                        + "--keep-monthly (a retention policy), not both");
            }
            if (keep != null && keep < 1) {
                throw new ParameterException(cl, "--keep must be 1 or more, was " + keep);
            }
            Session s = backup.session();
            RetentionPolicy policy = keepOptions.given() ? keepOptions.policy(cl)
                    : keep == null ? s.config().retention() : RetentionPolicy.none();
            Backups backups = Backups.of(s.root());
            BackupCreateResult r = policy.isEmpty()
                    ? backups.create(label, paths, keep == null ? Backups.DEFAULT_MAX_BACKUPS : keep)
                    : backups.create(label, paths, policy);
            r.missingPaths().forEach(p -> s.warn("path not found, not archived: " + p));
            r.skipped().forEach(p -> s.warn("left out: " + p));
            if (r.retention() != null) {
                r.retention().failed().forEach(f -> s.warn("could not delete the older backup " + f));
            }
            List<String> archived = r.paths();
            if (s.json()) {
                JsonOut.print(s.terminal(), ResultCodec.backupCreate(r));
            } else {
                s.say("Created " + r.archive() + ": " + Units.count(r.files(), "file") + " (" + Units.bytes(r.totalBytes())
                        + ") from " + (archived.isEmpty() ? "no path (none of them exists)" : String.join(", ", archived))
                        + ", archive " + Units.bytes(r.archiveSize()) + ".");
                String why = r.retention() != null ? policy.toString() : "--keep " + (keep == null ? Backups.DEFAULT_MAX_BACKUPS : keep);
                r.rotated().forEach(n -> s.say("  deleted the older backup " + n + " (" + why + ")"));
            }
            return r.retention() == null || r.retention().failed().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
        }
    }

    /** {@code backup prune}. */
    @Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Delete the backups that a retention policy does not keep (restic's forget: a backup kept by any"
                    + " rule stays; days, weeks and months are UTC). The policy comes from the --keep-* options, or from"
                    + " the \"backups\" section of the config file. Exit 3 when some backups could not be deleted."})
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        BackupCommand backup;

        @Spec
        CommandSpec spec;

        @Mixin
        KeepOptions keepOptions;

        @Option(names = "--dry-run", description = "Only show what would be deleted and why the rest stays; delete nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            Session s = backup.session();
            RetentionPolicy policy = keepOptions.given() ? keepOptions.policy(cl) : s.config().retention();
            if (policy.isEmpty()) {
                throw new ParameterException(cl, "no retention policy: give --keep-last, --keep-daily, --keep-weekly or"
                        + " --keep-monthly, or set keep_last, keep_daily, keep_weekly or keep_monthly under \"backups\" in "
                        + s.configFile() + (s.configExists() ? "" : " (which does not exist)"));
            }
            BackupPruneResult r = Backups.of(s.root()).prune(policy, dryRun);
            r.failed().forEach(f -> s.warn("could not delete " + f));
            if (s.json()) {
                JsonOut.print(s.terminal(), ResultCodec.backupPrune(r));
            } else {
                int total = r.kept().size() + r.removed().size() + r.failed().size();
                s.say("Policy: " + policy + (keepOptions.given() ? "" : " (from " + s.configFile() + ")") + "; days,"
                        + " weeks and months in UTC.");
                s.say((dryRun ? "Would remove " : "Removed ") + r.removed().size() + " of " + Units.count(total, "backup")
                        + (dryRun ? " (dry run: nothing deleted)" : "") + (r.removed().isEmpty() ? "." : ":"));
                r.removed().forEach(i -> s.say("  remove " + i.name() + "  " + i.createdAt()));
                s.say("Keeping " + r.kept().size() + (r.kept().isEmpty() ? "." : ":"));
                r.kept().forEach(i -> s.say("  keep   " + i.name() + "  " + i.createdAt() + "  " + String.join(", ", i.reasons())));
            }
            return r.failed().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
        }
    }

    /** {@code backup list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the backups, newest first.")
    static final class ListArchives implements Callable<Integer> {
        @ParentCommand
        BackupCommand backup;

        @Override
        public Integer call() {
            Session s = backup.session();
            Backups backups = Backups.of(s.root());
            List<BackupInfo> list = backups.list();
            if (s.json()) {
                JsonOut.print(s.terminal(), ResultCodec.backupList(backups.folder(), list));
                return ExitCodes.OK;
            }
            PrintWriter out = s.terminal().out();
            for (BackupInfo i : list) {
                out.printf("%-48s %s  %6d %-5s  %10s  %s%n", Text.safe(i.name()), i.createdAt(), i.entryCount(),
                        i.entryCount() == 1 ? "file" : "files",
                        Units.bytes(i.totalBytes()), Text.safe(i.label()));
            }
            if (list.isEmpty()) {
                s.terminal().err().println("cloudsync: no backups in " + Text.safe(backups.folder().toString())
                        + "; \"cloudsync backup create\" makes one");
            }
            return ExitCodes.OK;
        }
    }

    /** {@code backup restore NAME}. */
    @Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Restore a backup after checking the whole archive (every file's sha256).",
                    "Nothing is written unless all of it is intact, nothing outside the target, never through a symbolic"
                            + " link. Exit 3 when some files were refused because something in the target is in the way."})
    static final class Restore implements Callable<Integer> {
        @ParentCommand
        BackupCommand backup;

        @Parameters(paramLabel = "NAME", description = "The archive's file name, as \"cloudsync backup list\" shows it, or"
                + " \"latest\" for the newest.")
        String name;

        @Option(names = "--target", paramLabel = "DIR", description = "Folder to restore into (default: the project root).")
        Path target;

        @Option(names = "--replace-existing", description = "Replace files that already exist (default: leave them).")
        boolean replaceExisting;

        @Override
        public Integer call() {
            Session s = backup.session();
            Path into = target == null ? null : s.terminal().resolve(target.toString());
            Backups backups = Backups.of(s.root());
            BackupRestoreResult r = backups.restore(resolve(backups, name), into, replaceExisting);
            if (s.json()) {
                JsonOut.print(s.terminal(), ResultCodec.backupRestore(r));
            } else {
                s.say("Restored " + r.name() + " into " + r.target() + ": " + Units.count(r.restored().size(), "file") + " ("
                        + Units.bytes(r.bytesWritten()) + "), " + r.skipped().size() + " already there"
                        + (r.skipped().isEmpty() || replaceExisting ? "" : " (left alone; --replace-existing replaces them)")
                        + ", " + r.refused().size() + " refused.");
                r.refused().forEach(x -> s.say("  refused " + x));
            }
            if (r.refused().isEmpty()) {
                return ExitCodes.OK;
            }
            return r.restored().isEmpty() ? ExitCodes.FAILED : ExitCodes.PARTIAL;
        }
    }

    /** {@code backup verify NAME}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check a backup completely (structure, manifest, every file's sha256) without writing anything.")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        BackupCommand backup;

        @Parameters(paramLabel = "NAME", description = "The archive's file name, as \"cloudsync backup list\" shows it, or"
                + " \"latest\" for the newest.")
        String name;

        @Override
        public Integer call() {
            Session s = backup.session();
            Backups backups = Backups.of(s.root());
            BackupVerifyResult r = backups.verify(resolve(backups, name));
            if (s.json()) {
                JsonOut.print(s.terminal(), ResultCodec.backupVerify(r));
            } else {
                s.say("Backup " + r.name() + " is intact: " + Units.count(r.entryCount(), "file") + " (" + Units.bytes(r.totalBytes())
                        + "), every sha256 matches its manifest (" + r.manifestChecksum() + ").");
            }
            return ExitCodes.OK;
        }
    }
}
