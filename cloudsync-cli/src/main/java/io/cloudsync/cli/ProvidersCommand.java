package io.cloudsync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.core.Providers;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.ProviderFactory;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code cloudsync providers}: what is on the class path. */
@Command(name = "providers", mixinStandardHelpOptions = true,
        description = "List the providers found on the class path, their capabilities and their settings.")
final class ProvidersCommand implements Callable<Integer> {

    @ParentCommand
    RootCommand root;

    @Override
    public Integer call() {
        Terminal t = root.terminal();
        Providers providers = Providers.load();
        if (root.json) {
            ObjectNode doc = JsonOut.object();
            ArrayNode list = doc.putArray("providers");
            for (ProviderFactory f : providers.factories().values()) {
                ObjectNode p = list.addObject();
                p.put("id", f.id());
                p.put("description", f.description());
                p.put("spi_version", f.spiVersion());
                p.put("secrets_key", f.secretsKey());
                ArrayNode caps = p.putArray("capabilities");
                capabilities(f).forEach(caps::add);
                ArrayNode keys = p.putArray("config_keys");
                for (ConfigKey k : f.configKeys()) {
                    keys.addObject().put("name", k.name()).put("description", k.description())
                            .put("required", k.required()).put("secret", k.secret());
                }
            }
            ArrayNode problems = doc.putArray("problems");
            providers.problems().forEach(problems::add);
            JsonOut.print(t, doc);
            return ExitCodes.OK;
        }
        PrintWriter out = t.out();
        for (ProviderFactory f : providers.factories().values()) {
            out.println(f.id() + " - " + f.description());
            out.println("  capabilities: " + (capabilities(f).isEmpty() ? "none" : String.join(", ", capabilities(f))));
            out.println("  vault entry:  " + f.secretsKey());
            for (ConfigKey k : f.configKeys()) {
                out.printf("  %-22s %-18s %s%n", k.name(), (k.required() ? "required" : "optional")
                        + (k.secret() ? ", secret" : ""), k.description());
            }
        }
        if (providers.factories().isEmpty()) {
            out.println("No provider found on the class path.");
        }
        providers.problems().forEach(p -> t.err().println("cloudsync: problem: " + Text.safe(p)));
        return ExitCodes.OK;
    }

    static TreeSet<String> capabilities(ProviderFactory f) {
        return f.capabilities().stream().map(Capability::name).map(n -> n.toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
