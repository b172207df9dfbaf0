package io.cloudsync.core;

import io.cloudsync.ProviderConfigurationException;
import io.cloudsync.ProviderNotFoundException;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.SpiVersion;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The providers available to a {@link CloudSync}: found by {@link ServiceLoader}, or given
 * explicitly. Discovery never hides a problem: a jar that fails to load is recorded and shown,
 * while the other providers still load; two factories with one id are an error naming both; a
 * provider built for a newer SPI is refused with both version numbers.
 */
public final class Providers {

    /** First-party ids and the classes allowed to claim them. */
    private static final Map<String, String> RESERVED = Map.of(
            "local", "io.cloudsync.core.internal.local.LocalProviderFactory",
            "s3", "io.cloudsync.provider.s3.S3ProviderFactory",
            "gdrive", "io.cloudsync.provider.gdrive.GoogleDriveProviderFactory",
            "memory", "io.cloudsync.testkit.InMemoryProviderFactory");

    private static final Map<String, String> ARTIFACTS = Map.of(
            "local", "io.cloudsync:cloudsync-core",
            "s3", "io.cloudsync:cloudsync-provider-s3",
            "gdrive", "io.cloudsync:cloudsync-provider-gdrive",
            "memory", "io.cloudsync:cloudsync-testkit");

    private final SortedMap<String, ProviderFactory> byId;
    private final List<String> problems;

    private Providers(SortedMap<String, ProviderFactory> byId, List<String> problems) {
        this.byId = Collections.unmodifiableSortedMap(byId);
        this.problems = List.copyOf(problems);
    }

    /**
     * Discovers providers with the thread's context class loader (or this class's loader).
     *
     * @return the providers found
     * @throws ProviderConfigurationException when two factories claim one id
     */
    public static Providers load() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return load(loader != null ? loader : Providers.class.getClassLoader());
    }

    /**
     * Discovers providers visible to a class loader, for plug-in hosts.
     *
     * @param loader the loader to search
     * @return the providers found
     * @throws ProviderConfigurationException when two factories claim one id, or a factory claims a
     *     reserved first-party id
     */
    public static Providers load(ClassLoader loader) {
        SortedMap<String, ProviderFactory> byId = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Iterator<ProviderFactory> it = ServiceLoader.load(ProviderFactory.class, loader).iterator();
        while (true) {
            ProviderFactory factory;
            try {
                if (!it.hasNext()) {
                    break;
                }
                factory = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                problems.add("a provider failed to load and was skipped: " + e.getMessage()
                        + (e.getCause() != null ? " (" + e.getCause() + ')' : ""));
                continue;
            }
            add(byId, problems, factory);
        }
        return new Providers(byId, problems);
    }

    /**
     * Exactly these factories, without discovery.
     *
     * @param factories the factories
     * @return the providers
     * @throws ProviderConfigurationException when two factories share an id
     */
    public static Providers of(ProviderFactory... factories) {
        SortedMap<String, ProviderFactory> byId = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (ProviderFactory f : factories) {
            add(byId, problems, f);
        }
        return new Providers(byId, problems);
    }

    /**
     * These providers plus one more, which replaces a discovered factory of the same id (the
     * explicit override a host asks for).
     *
     * @param factory the factory to add
     * @return a new registry
     */
    public Providers with(ProviderFactory factory) {
        SortedMap<String, ProviderFactory> copy = new TreeMap<>(byId);
        List<String> copyProblems = new ArrayList<>(problems);
        copy.remove(factory.id());
        add(copy, copyProblems, factory);
        return new Providers(copy, copyProblems);
    }

    private static void add(SortedMap<String, ProviderFactory> byId, List<String> problems, ProviderFactory factory) {
        String id;
        int spi;
        try {
            id = factory.id();
            spi = factory.spiVersion();
        } catch (RuntimeException | LinkageError e) {
            problems.add("provider " + factory.getClass().getName() + " from " + location(factory)
                    + " failed to describe itself and was skipped: " + e);
            return;
        }
        if (id == null || !id.matches("[a-z][a-z0-9-]*")) {
            problems.add("provider " + factory.getClass().getName() + " from " + location(factory)
                    + " has an invalid id \"" + id + "\" (expected [a-z][a-z0-9-]*) and was skipped");
            return;
        }
        if (spi < SpiVersion.OLDEST_SUPPORTED) {
            problems.add("provider \"" + id + "\" (" + factory.getClass().getName() + " from " + location(factory)
                    + ") was built for SPI version " + spi + ", which this cloudsync-core no longer supports (versions "
                    + SpiVersion.OLDEST_SUPPORTED + " to " + SpiVersion.CURRENT + "): since SPI version 4 the engine"
                    + " reads and writes manifests itself through the provider's metadata area (getMetadata, putMetadata,"
                    + " deleteMetadata, listMetadata), which replaces readManifest/writeManifest; rebuild the provider"
                    + " against cloudsync-api of this release (see docs/PROVIDERS.md), or use a release of it that does");
            return;
        }
        if (spi > SpiVersion.CURRENT) {
            problems.add("provider \"" + id + "\" (" + factory.getClass().getName() + " from " + location(factory)
                    + ") implements SPI version " + spi + " but this cloudsync-core supports versions "
                    + SpiVersion.OLDEST_SUPPORTED + " to " + SpiVersion.CURRENT
                    + "; import io.cloudsync:cloudsync-bom so that core and providers share one version");
            return;
        }
        String reservedFor = RESERVED.get(id);
        if (reservedFor != null && !reservedFor.equals(factory.getClass().getName())) {
            throw new ProviderConfigurationException("provider id \"" + id + "\" is reserved for " + reservedFor
                    + ", but " + factory.getClass().getName() + " from " + location(factory)
                    + " claims it; give that provider another id");
        }
        ProviderFactory earlier = byId.putIfAbsent(id, factory);
        if (earlier != null && earlier.getClass() != factory.getClass()) {
            throw new ProviderConfigurationException("two providers claim the id \"" + id + "\": "
                    + earlier.getClass().getName() + " from " + location(earlier) + " and "
                    + factory.getClass().getName() + " from " + location(factory)
                    + "; remove one of the jars, or pass the one you want with CloudSync.builder().provider(...)");
        }
    }

    private static String location(ProviderFactory factory) {
        try {
            CodeSource source = factory.getClass().getProtectionDomain().getCodeSource();
            URL url = source == null ? null : source.getLocation();
            return url == null ? "(unknown location)" : url.toString();
        } catch (SecurityException e) {
            return "(unknown location)";
        }
    }

    /**
     * The factory with an id.
     *
     * @param id a provider id
     * @return the factory, or empty
     */
    public Optional<ProviderFactory> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * The factory with an id, which must be there.
     *
     * @param id a provider id
     * @return the factory
     * @throws ProviderNotFoundException listing the ids found, the problems met and the dependency to add
     */
    public ProviderFactory require(String id) {
        ProviderFactory f = byId.get(id);
        if (f != null) {
            return f;
        }
        StringBuilder message = new StringBuilder("No cloudsync provider with id \"").append(id).append("\". Found: ")
                .append(byId.keySet()).append('.');
        String artifact = ARTIFACTS.get(id);
        message.append(artifact != null
                ? " Add " + artifact + " (version managed by cloudsync-bom) to the class path."
                : " Add the jar that provides it to the class path.");
        message.append(" If you repackage jars (shade, assembly), merge META-INF/services/io.cloudsync.spi.ProviderFactory.");
        for (String p : problems) {
            message.append(System.lineSeparator()).append("  problem: ").append(p);
        }
        throw new ProviderNotFoundException(message.toString());
    }

    /**
     * Whether {@code id} belongs to a first-party provider ({@code local}, {@code s3}, {@code gdrive},
     * {@code memory}), whether or not its jar is on the class path.
     */
    static boolean isFirstParty(String id) {
        return ARTIFACTS.containsKey(id);
    }

    /**
     * The ids available.
     *
     * @return sorted ids
     */
    public Set<String> ids() {
        return byId.keySet();
    }

    /**
     * The factories available, by id.
     *
     * @return sorted by id
     */
    public SortedMap<String, ProviderFactory> factories() {
        return byId;
    }

    /**
     * Problems met during discovery: jars that failed to load, unsupported SPI versions, bad ids.
     *
     * @return one line each, empty when all went well
     */
    public List<String> problems() {
        return problems;
    }

    @Override
    public String toString() {
        return "Providers" + byId.keySet() + (problems.isEmpty() ? "" : " with " + problems.size() + " problem(s)");
    }
}
