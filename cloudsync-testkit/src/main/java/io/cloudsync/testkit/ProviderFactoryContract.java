package io.cloudsync.testkit;

import io.cloudsync.ManifestEntry;
import io.cloudsync.Secret;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.SpiVersion;
import io.cloudsync.testkit.internal.ContractFiles;
import io.cloudsync.testkit.internal.Rules;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factory contract: discovery, id, SPI version, self-description, configuration errors and
 * secret redaction (rules {@code D1.*}). Cheap enough for every build: it opens the provider only
 * to provoke errors and, with the settings of {@link ProviderUnderTest#freshRemote}, once to check what
 * the open provider shows.
 *
 * <pre>{@code
 * class MyProviderFactoryContractTest extends ProviderFactoryContract {
 *     @Override protected ProviderUnderTest subject() { return new MyProviderUnderTest(); }
 * }
 * }</pre>
 *
 * <p>Test methods are {@code public final}, failures start with the rule id, and
 * {@link ProviderUnderTest#knownViolations()} works as in {@link ProviderContract}.
 *
 * @since 0.1.0
 */
public abstract class ProviderFactoryContract {

    /** For subclasses. */
    protected ProviderFactoryContract() {
    }

    /**
     * The provider under test, as its author describes it once for every contract. Its
     * {@link ProviderUnderTest#freshRemote} must give settings that pass the factory's validation,
     * with every required key set: they are used to remove one key at a time and to add an unknown
     * one; {@code open} with them and {@link ProviderUnderTest#secrets()} should succeed, but need not
     * reach a real remote.
     *
     * @return the provider under test
     */
    protected abstract ProviderUnderTest subject();

    /**
     * Remembers the running test, for {@link ProviderUnderTest#freshRemote}.
     *
     * @param test the running test
     */
    @BeforeEach
    public final void rememberTest(TestInfo test) {
        this.test = test;
    }

    private TestInfo test;

    private ProviderFactory factory() {
        return subject().factory();
    }

    private ProviderConfig validConfig() {
        return subject().freshRemote(test);
    }

    private Secrets secrets() {
        return subject().secrets();
    }

    /** D1.01. */
    @Test
    public final void required_D1_01_isFoundByServiceLoader() {
        run(ContractRule.D1_01, f -> {
            List<String> found = ServiceLoader.load(ProviderFactory.class).stream()
                    .map(provider -> provider.type().getName()).sorted().toList();
            check(ContractRule.D1_01, f, found.contains(f.getClass().getName()),
                    "ServiceLoader found %s but not %s; list the class in META-INF/services/io.cloudsync.spi.ProviderFactory "
                            + "(and 'provides io.cloudsync.spi.ProviderFactory with ...' in module-info.java on the module path)",
                    found, f.getClass().getName());
        });
    }

    /** D1.02. */
    @Test
    public final void required_D1_02_idHasTheRightFormat() {
        run(ContractRule.D1_02, f -> {
            String id = f.id();
            check(ContractRule.D1_02, f, id != null && id.matches("[a-z][a-z0-9-]*"),
                    "id() is \"%s\"; use lower-case letters, digits and '-', starting with a letter", id);
            check(ContractRule.D1_02, f, id.equals(f.id()) && id.equals(factory().id()),
                    "id() changes between calls or instances");
        });
    }

    /** D1.03. */
    @Test
    public final void required_D1_03_spiVersionIsSupported() {
        run(ContractRule.D1_03, f -> check(ContractRule.D1_03, f,
                f.spiVersion() >= SpiVersion.OLDEST_SUPPORTED && f.spiVersion() <= SpiVersion.CURRENT,
                "spiVersion() is %d; this cloudsync supports %d to %d. Return SpiVersion.CURRENT and align versions "
                        + "through cloudsync-bom", f.spiVersion(), SpiVersion.OLDEST_SUPPORTED, SpiVersion.CURRENT));
    }

    /** D1.04. */
    @Test
    public final void required_D1_04_everythingIsDescribed() {
        run(ContractRule.D1_04, f -> {
            check(ContractRule.D1_04, f, f.description() != null && !f.description().isBlank(), "description() is blank");
            check(ContractRule.D1_04, f, f.capabilities() != null && f.capabilities().stream().noneMatch(java.util.Objects::isNull),
                    "capabilities() is null or contains null; return Set.of() when there are none");
            check(ContractRule.D1_04, f, f.configKeys() != null && f.configKeys().stream().noneMatch(java.util.Objects::isNull),
                    "configKeys() is null or contains null; return List.of() when there are none");
            Set<String> names = new HashSet<>();
            for (ConfigKey key : f.configKeys()) {
                check(ContractRule.D1_04, f, names.add(key.name()), "config key '%s' is listed twice", key.name());
                check(ContractRule.D1_04, f, !key.description().isBlank(), "config key '%s' has a blank description", key.name());
            }
            check(ContractRule.D1_04, f, f.secretsKey() != null && !f.secretsKey().isBlank(), "secretsKey() is blank");
        });
    }

    /** D1.05. */
    @Test
    public final void required_D1_05_missingRequiredKeyIsNamed() {
        run(ContractRule.D1_05, f -> {
            for (ConfigKey key : f.configKeys()) {
                if (!key.required()) {
                    continue;
                }
                Throwable t;
                if (key.secret()) {
                    t = openFailure(f, validConfig(), without(secrets(), key));
                } else {
                    check(ContractRule.D1_05, f, validConfig().values().containsKey(key.name()),
                            "validConfig() lacks the required setting '%s'", key.name());
                    Map<String, String> values = new TreeMap<>(validConfig().values());
                    values.remove(key.name());
                    t = openFailure(f, rebuild(validConfig(), values), secrets());
                }
                check(ContractRule.D1_05, f, t != null, "open() succeeded without the required %s '%s'",
                        key.secret() ? "secret" : "setting", key.name());
                check(ContractRule.D1_05, f, t instanceof io.cloudsync.CloudSyncException,
                        "open() without '%s' threw %s; throw ProviderConfigurationException", key.name(), t.getClass().getName());
                check(ContractRule.D1_05, f, String.valueOf(t.getMessage()).contains(key.name()),
                        "open() without '%s' failed with a message that does not name the key: %s", key.name(), t.getMessage());
            }
        });
    }

    /**
     * D1.06.
     *
     * @param dir a temporary folder
     */
    @Test
    public final void required_D1_06_noSecretValueInMessages(@TempDir Path dir) {
        run(ContractRule.D1_06, f -> {
            String canary = "c4nAry-" + UUID.randomUUID().toString().replace("-", "");
            Map<String, String> values = new HashMap<>();
            Map<String, Secret> canaries = new TreeMap<>();
            for (String key : secrets().keys()) {
                canaries.put(key, Secret.of(canary + "-" + key));
                secrets().get(key).map(Secret::revealString).filter(v -> v.length() >= 6).ifPresent(v -> values.put(v, key));
            }
            for (ConfigKey key : f.configKeys()) {
                if (key.secret()) {
                    canaries.put(f.secretsKey() + '.' + key.name(), Secret.of(canary + "-" + key.name()));
                }
            }
            values.put(canary, "every secret (canary values)");
            Secrets canarySecrets = Secrets.of(canaries);
            List<Object> seen = new ArrayList<>();
            seen.add(f);
            seen.add(validConfig());
            // the author's secrets first, then the canaries, each on a remote of its own: a backend that fixes its
            // credentials on first use keeps the real ones, and its refusal of the canaries is checked like any error
            for (Secrets s : List.of(secrets(), canarySecrets)) {
                provoke(f, validConfig(), s, dir, seen);
            }
            for (Object o : seen) {
                String text = o instanceof Throwable t ? stackTrace(t) : String.valueOf(o);
                String what = o instanceof Throwable t ? "the message of " + t.getClass().getName() + " (or its causes)"
                        : "toString() of " + o.getClass().getName();
                for (Map.Entry<String, String> secret : values.entrySet()) {
                    check(ContractRule.D1_06, f, !text.contains(secret.getKey()), "%s contains the value of %s",
                            what, secret.getValue());
                }
            }
        });
    }

    /** D1.07. */
    @Test
    public final void required_D1_07_unknownKeyIsNamed() {
        run(ContractRule.D1_07, f -> {
            String unknown = "contract_no_such_setting";
            Throwable t = openFailure(f, validConfig().toBuilder().put(unknown, "x").build(), secrets());
            check(ContractRule.D1_07, f, t != null, "open() accepted the unknown setting '%s'; call "
                    + "config.requireValid(configKeys()) first thing in open()", unknown);
            check(ContractRule.D1_07, f, String.valueOf(t.getMessage()).contains(unknown),
                    "open() with the unknown setting '%s' failed with a message that does not name it: %s", unknown, t.getMessage());
        });
    }

    // ---- machinery -------------------------------------------------------------------------------

    @FunctionalInterface
    private interface FactoryBody {
        void run(ProviderFactory f) throws Exception;
    }

    private void run(ContractRule rule, FactoryBody body) {
        ProviderFactory f = factory();
        Rules.verify(rule, String.valueOf(f.id()), subject().knownViolations(), () -> body.run(f));
    }

    private static void check(ContractRule rule, ProviderFactory f, boolean holds, String detail, Object... args) {
        if (!holds) {
            throw Rules.failure(rule, String.valueOf(f.id()), String.format(java.util.Locale.ROOT, detail, args));
        }
    }

    private static ProviderConfig rebuild(ProviderConfig template, Map<String, String> values) {
        ProviderConfig.Builder b = ProviderConfig.builder().service(template.service()).putAll(values);
        template.stateDirectory().ifPresent(b::stateDirectory);
        return b.build();
    }

    private static Secrets without(Secrets secrets, ConfigKey key) {
        Map<String, Secret> kept = new TreeMap<>();
        for (String name : secrets.keys()) {
            if (!name.equals(key.name()) && !name.endsWith('.' + key.name())) {
                kept.put(name, secrets.get(name).orElseThrow());
            }
        }
        return Secrets.of(kept);
    }

    private static Throwable openFailure(ProviderFactory f, ProviderConfig config, Secrets secrets) {
        try (Provider ignored = f.open(config, secrets)) {
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Provokes every error it can and collects exceptions and objects whose text must not hold a secret. */
    private static void provoke(ProviderFactory f, ProviderConfig config, Secrets s, Path dir, List<Object> seen) {
        for (ConfigKey key : f.configKeys()) {
            if (key.required() && !key.secret()) {
                Map<String, String> values = new TreeMap<>(config.values());
                values.remove(key.name());
                collect(seen, () -> openFailure(f, rebuild(config, values), s));
            }
        }
        collect(seen, () -> openFailure(f, config.toBuilder().put("contract_no_such_setting", "x").build(), s));
        Provider p;
        try {
            p = f.open(config, s);
        } catch (RuntimeException e) {
            seen.add(e);
            return;
        }
        try {
            seen.add(p);
            collect(seen, () -> attempt(() -> p.getMetadata("manifests/contract-d1-06.json")));
            collect(seen, () -> attempt(() -> p.download("contract-d1-06", "no/such/file.txt", dir.resolve("target.bin"))));
            ManifestEntry entry = new ManifestEntry("no/such/local.txt", 3, ContractFiles.MTIME, io.cloudsync.Digests.EMPTY_SHA256);
            collect(seen, () -> attempt(() -> p.upload("contract-d1-06", entry, dir.resolve("no-such-local-file"))));
            collect(seen, () -> attempt(() -> p.delete("contract-d1-06", "no/such/file.txt")));
        } finally {
            collect(seen, () -> attempt(p::close));
        }
    }

    private static void collect(List<Object> seen, Supplier<Throwable> step) {
        Throwable t = step.get();
        if (t != null) {
            seen.add(t);
        }
    }

    private static Throwable attempt(Runnable step) {
        try {
            step.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString() + t;
    }
}
