package io.cloudsync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.CloudSyncException;
import io.cloudsync.core.CloudSyncConfig;
import io.cloudsync.core.Providers;
import io.cloudsync.core.RemoteTarget;
import io.cloudsync.core.VaultStatus;
import io.cloudsync.core.Vaults;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.ProviderFactory;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code cloudsync doctor}: what is set up and what is missing. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check the setup and say what is missing.",
                "Checks the configuration file, flags, providers, each configured service, vault and state folder."
                        + " Exit 0 when nothing is missing, 2 otherwise."})
final class DoctorCommand implements Callable<Integer> {

    @ParentCommand
    RootCommand root;

    @picocli.CommandLine.Option(names = "--base", paramLabel = "URL",
            description = "Also smoke-check a running 'cloudsync serve' at this address, such as http://127.0.0.1:8765:"
                    + " flags off unless configured, every route answers, the token is required, the server serves"
                    + " its docs (GET /api/docs).")
    java.net.URI base;

    @picocli.CommandLine.Option(names = "--require-docs",
            description = "Also require README.md, docs/CLOUD_SYNC.md, docs/BACKUPS.md and CHANGELOG.md in the project"
                    + " root (the original design's documentation profile); missing ones are named.")
    boolean requireDocs;

    @picocli.CommandLine.Option(names = "--token-file", paramLabel = "FILE",
            description = "Bearer token for --base (default: <state>/http/token).")
    Path tokenFile;

    enum Status { OK, WARN, MISSING, ERROR }

    record Check(String name, Status status, String detail) {
    }

    @Override
    public Integer call() {
        Terminal t = root.terminal();
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("java", Status.OK, System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"));
        Session s = null;
        try {
            s = new Session(root);
        } catch (CloudSyncException e) {
            checks.add(new Check("setup", Status.MISSING, e.getMessage()));
        }
        Providers providers = Providers.load();
        checks.add(new Check("providers", providers.ids().isEmpty() ? Status.MISSING : Status.OK,
                "found " + String.join(", ", providers.ids()) + " (\"cloudsync providers\" lists their settings)"));
        providers.problems().forEach(p -> checks.add(new Check("providers", Status.WARN, p)));
        if (s != null) {
            examine(s, providers, checks);
            if (base != null) {
                checks.addAll(smoke(s));
            }
            if (requireDocs) {
                checks.addAll(SmokeCheck.rootDocs(s.root()));
            }
        }
        boolean ok = checks.stream().noneMatch(c -> c.status() == Status.MISSING || c.status() == Status.ERROR);
        if (root.json) {
            ObjectNode doc = JsonOut.object();
            ObjectNode d = doc.putObject("doctor");
            d.put("ok", ok);
            ArrayNode list = d.putArray("checks");
            checks.forEach(c -> list.addObject().put("name", c.name()).put("status", c.status().name().toLowerCase(Locale.ROOT))
                    .put("detail", c.detail()));
            JsonOut.print(t, doc);
        } else {
            PrintWriter out = t.out();
            for (Check c : checks) {
                out.printf("%-8s %-22s %s%n", c.status().name().toLowerCase(Locale.ROOT), c.name(), Text.safe(c.detail()));
            }
            out.println(ok ? "Nothing is missing." : "Something is missing or broken: see the lines marked \"missing\" or \"error\".");
        }
        return ok ? ExitCodes.OK : ExitCodes.USAGE;
    }

    private List<Check> smoke(Session s) {
        Path file = tokenFile != null ? s.terminal().resolve(tokenFile.toString()) : s.stateDir().resolve("http/token");
        String token;
        try {
            token = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).trim();
        } catch (java.io.IOException e) {
            return List.of(new Check("http token", Status.MISSING, "cannot read the token " + file + " (" + e.getMessage()
                    + "); pass --token-file FILE or --state-dir of the server"));
        }
        return new SmokeCheck(base, token).run(s.config());
    }

    private static void examine(Session s, Providers providers, List<Check> checks) {
        CloudSyncConfig config = s.config();
        checks.add(new Check("config", s.configExists() ? Status.OK : Status.MISSING, s.configExists()
                ? s.configFile() + " (valid)"
                : s.configFile() + " does not exist; create it (docs/SYNC.md) or pass --config FILE"));
        checks.add(new Check("root", Files.isDirectory(s.root()) ? Status.OK : Status.MISSING, s.root()
                + (Files.isDirectory(s.root()) ? "" : " is not a folder; pass --root DIR")));
        checks.add(stateCheck(s.stateDir()));
        boolean master = config.enabled(CloudSyncConfig.MASTER_FLAG);
        checks.add(new Check("flag " + CloudSyncConfig.MASTER_FLAG, master ? Status.OK : Status.MISSING, master ? "on"
                : "off; set \"features\": {\"" + CloudSyncConfig.MASTER_FLAG + "\": true} in " + s.configFile()));
        if (config.services().isEmpty()) {
            checks.add(new Check("services", Status.MISSING, "none configured; add one under \"services\" in "
                    + s.configFile() + ", such as \"local\": {\"directory\": \"/mnt/mirror\"}"));
        }
        for (String service : config.services()) {
            checks.addAll(serviceChecks(s, providers, service));
        }
        checks.add(vaultCheck(s));
    }

    private static Check vaultCheck(Session s) {
        VaultStatus status = Vaults.inspect(s.vaultFile());
        if (!status.exists()) {
            return new Check("vault", Status.OK, "no vault at " + s.vaultFile() + " (only needed for provider"
                    + " credentials; \"cloudsync vault set KEY\" creates it)");
        }
        if (!status.healthy()) {
            return new Check("vault", Status.ERROR, status.detail());
        }
        if (!s.passphraseGiven()) {
            return new Check("vault", Status.WARN, status.detail() + "; no passphrase given (" + Vaults.PASSPHRASE_ENV
                    + ", --passphrase-file or --passphrase-command), so runs cannot read its secrets");
        }
        try {
            int keys = s.openVault().list().size();
            return new Check("vault", Status.OK, status.detail() + "; opens with the passphrase given, " + Units.count(keys, "key"));
        } catch (CloudSyncException e) {
            return new Check("vault", Status.ERROR, e.getMessage());
        }
    }

    private static Check stateCheck(Path state) {
        Path existing = state;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            return new Check("state folder", Status.MISSING, state + " cannot be created: " + existing
                    + " is not a writable folder; pass --state-dir DIR");
        }
        return new Check("state folder", Status.OK, state + (Files.isDirectory(state) ? "" : " (created on first use)"));
    }

    private static List<Check> serviceChecks(Session s, Providers providers, String service) {
        List<Check> out = new ArrayList<>();
        String name = "service " + service;
        RemoteTarget target = RemoteTarget.of(s.config(), service);
        Map<String, String> settings = target.settings();
        String providerId = target.providerId();
        String flag = CloudSyncConfig.serviceFlag(service);
        out.add(new Check(name, s.config().enabled(flag) ? Status.OK : Status.MISSING, "flag " + flag + " is "
                + (s.config().enabled(flag) ? "on" : "off; set \"" + flag + "\": true under \"features\"")));
        Optional<ProviderFactory> factory = providers.find(providerId);
        if (factory.isEmpty()) {
            out.add(new Check(name, Status.MISSING, "provider \"" + providerId + "\" is not on the class path (found "
                    + providers.ids() + "); add its jar or fix \"provider\" in the service's section"));
            return out;
        }
        List<String> missing = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        for (ConfigKey k : factory.get().configKeys()) {
            if (k.secret()) {
                secrets.add(k.name());
            } else if (k.required() && !settings.containsKey(k.name())) {
                missing.add(k.name());
            }
        }
        out.add(new Check(name, missing.isEmpty() ? Status.OK : Status.MISSING, "provider " + providerId
                + (missing.isEmpty() ? ", required settings present"
                : ", missing required setting(s) " + missing + "; add them to the service's section or pass --set KEY=VALUE")));
        if (!secrets.isEmpty()) {
            out.add(new Check(name, Status.OK, "secret settings " + secrets + " are read from the vault entry \""
                    + factory.get().secretsKey() + "\""));
        }
        return out;
    }
}
