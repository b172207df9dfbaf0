package io.cloudsync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.ConfigurationException;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.json.ResultCodec;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.support.AtomicFiles;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code cloudsync demo}: a real sync on the built-in {@code local} provider, end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a real sync with the built-in \"local\" provider on a small sample project.",
                "Creates (or reuses) the sample project, mirrors it to a folder, changes a file, and syncs again to show"
                        + " the delta. Ignores --root, --config and --state-dir: it uses its own folder."})
final class DemoCommand implements Callable<Integer> {

    static final String SERVICE = "local";
    static final String SNAPSHOT = "demo";

    @ParentCommand
    RootCommand root;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Folder for the sample project and its mirror (default: ./target/demo, or $TMPDIR/cloudsync-demo"
                    + " when the working folder is not writable).")
    Path dir;

    @Override
    public Integer call() throws IOException {
        Terminal t = root.terminal();
        boolean json = root.json;
        PrintWriter out = t.out();
        if (root.root != null || root.config != null || root.stateDir != null) {
            t.err().println("cloudsync: demo ignores --root, --config and --state-dir; it works in its own folder (--dir)");
        }
        Path base = dir != null ? t.resolve(dir.toString()) : defaultFolder(t);
        Path project = base.resolve("project");
        Path mirror = base.resolve("mirror");
        boolean reused = Files.isDirectory(project);
        if (!reused) {
            writeSampleProject(project);
        }
        Path configFile = project.resolve(CloudSyncConfig.DEFAULT_FILE);
        writeConfig(configFile, mirror);
        Files.createDirectories(mirror);

        say(json, out, "cloudsync demo: a real sync with the built-in \"local\" provider");
        say(json, out, "  project: " + project + (reused ? "  (reused from an earlier demo)" : "  (a small sample project, just created)"));
        say(json, out, "  mirror:  " + mirror + "  (the remote: a plain folder)");
        say(json, out, "  config:  " + configFile);
        CloudSync cs = CloudSync.builder().root(project).config(CloudSyncConfig.load(configFile))
                .listener(new Progress(t.err(), t.interactive(), root.verbose)).build();
        SyncRequest request = SyncRequest.builder(SERVICE, SNAPSHOT).build();

        ObjectNode doc = JsonOut.object();
        ObjectNode about = doc.putObject("demo");
        about.put("folder", base.toString());
        about.put("project", project.toString());
        about.put("mirror", mirror.toString());
        about.put("snapshot_folder", mirror.resolve(SNAPSHOT).toString());
        about.put("config", configFile.toString());
        ArrayNode steps = doc.putArray("steps");

        say(json, out, "");
        say(json, out, "1/4 Plan (a dry run: nothing moves)");
        SyncResult plan1 = cs.dryRun(request);
        step(steps, "plan", plan1);
        if (!json) {
            Report.plan(out, plan1, false);
        }
        say(json, out, "");
        say(json, out, "2/4 Sync");
        SyncResult sync1 = cs.run(request);
        step(steps, "sync", sync1);
        if (!json) {
            Report.summary(out, sync1);
        }

        String edited = "data/notes.txt";
        Path notes = project.resolve(edited);
        Files.writeString(notes, "Edited by cloudsync demo at " + Instant.now() + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        about.put("edited", edited);
        say(json, out, "");
        say(json, out, "3/4 Edit " + edited + ", then plan again: only the change shows");
        SyncResult plan2 = cs.dryRun(request);
        step(steps, "plan", plan2);
        if (!json) {
            Report.plan(out, plan2, false);
        }
        say(json, out, "");
        say(json, out, "4/4 Sync again: only the change moves");
        SyncResult sync2 = cs.run(request);
        step(steps, "sync", sync2);
        if (!json) {
            Report.summary(out, sync2);
        }

        if (json) {
            JsonOut.print(t, doc);
        } else {
            out.println("");
            out.println("The mirror of snapshot \"" + SNAPSHOT + "\" is in " + Text.safe(mirror.resolve(SNAPSHOT).toString()));
            out.println("and its manifest in " + Text.safe(mirror.resolve(".cloudsync/manifests/" + SNAPSHOT + ".json").toString()) + ".");
            out.println("Try next: ./cloudsync --root " + Text.safe(project.toString()) + " plan --snapshot " + SNAPSHOT
                    + "   (docs/CLI.md lists every command)");
        }
        int code1 = SyncCommand.codeOf(sync1.summary().status());
        return code1 != ExitCodes.OK ? code1 : SyncCommand.codeOf(sync2.summary());
    }

    private static void say(boolean json, PrintWriter out, String line) {
        if (!json) {
            out.println(Text.safe(line));
        }
    }

    private static void step(ArrayNode steps, String name, SyncResult r) {
        ObjectNode o = steps.addObject();
        o.put("step", name);
        o.setAll(ResultCodec.result(r));
    }

    /** ./target/demo when the working folder is writable, else $TMPDIR/cloudsync-demo. */
    static Path defaultFolder(Terminal t) {
        Path local = t.workingDir().resolve("target/demo");
        try {
            Files.createDirectories(local);
            if (Files.isWritable(local)) {
                return local;
            }
        } catch (IOException | SecurityException e) {
            // fall through to the temporary folder
        }
        String tmp = t.env().getOrDefault("TMPDIR", System.getProperty("java.io.tmpdir"));
        return Path.of(tmp).toAbsolutePath().resolve("cloudsync-demo");
    }

    private static void writeSampleProject(Path project) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("README.md", "# Sample project\n\nA tiny project that `cloudsync demo` mirrors to a folder.\n");
        files.put("src/app.py", "def main():\n    print(\"hello from the sample project\")\n\n\nif __name__ == \"__main__\":\n    main()\n");
        files.put("data/cities.csv", "city,country,population\nLisbon,Portugal,545796\nOslo,Norway,709037\n"
                + "Quito,Ecuador,2800388\nNairobi,Kenya,4397073\n");
        files.put("data/notes.txt", "Notes of the sample project.\n");
        files.put("assets/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"32\" height=\"32\">"
                + "<circle cx=\"16\" cy=\"16\" r=\"14\" fill=\"#3a7\"/></svg>\n");
        files.put("logs/app.log", "logs/ is never synced: cloudsync leaves out cache/, logs/, tmp/, backups/ and .git/\n");
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                AtomicFiles.write(project.resolve(f.getKey()), f.getValue().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new ConfigurationException("cannot create the demo project in " + project + ": " + e
                    + "; pass --dir DIR to use another folder", e);
        }
    }

    private static void writeConfig(Path configFile, Path mirror) {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put(CloudSyncConfig.MASTER_FLAG, true);
        features.put(CloudSyncConfig.serviceFlag(SERVICE), true);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("features", features);
        config.put("services", Map.of(SERVICE, Map.of("directory", mirror.toString())));
        try {
            AtomicFiles.write(configFile, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
        } catch (IOException e) {
            throw new ConfigurationException("cannot write the demo configuration " + configFile + ": " + e
                    + "; pass --dir DIR to use another folder", e);
        }
    }
}
