package io.cloudsync.testkit.selftest;

import io.cloudsync.ManifestEntry;
import io.cloudsync.spi.Capability;
import io.cloudsync.spi.ConfigKey;
import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.spi.UploadReceipt;
import io.cloudsync.testkit.ForwardingProvider;
import io.cloudsync.testkit.InMemoryProviderFactory;
import io.cloudsync.testkit.ProviderContract;
import io.cloudsync.testkit.ProviderUnderTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.TestInfo;

/**
 * The memory provider without the optional hooks, without secrets and without progress reports: the
 * rules that need them report a skip naming what is not proven. It holds a JDK {@code HttpClient} until
 * closed. Run only through EngineTestKit.
 */
public class WithoutHooksRun extends ProviderContract {

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                InMemoryProviderFactory memory = new InMemoryProviderFactory();
                return new ProviderFactory() {
                    @Override
                    public String id() {
                        return memory.id();
                    }

                    @Override
                    public int spiVersion() {
                        return memory.spiVersion();
                    }

                    @Override
                    public Set<Capability> capabilities() {
                        return memory.capabilities();
                    }

                    @Override
                    public List<ConfigKey> configKeys() {
                        return memory.configKeys();
                    }

                    @Override
                    public Provider open(ProviderConfig config, Secrets secrets) {
                        return new ForwardingProvider(memory.open(config, secrets)) {
                            // as a provider on Java 17's HttpClient holds one: it has no close(), and its selector
                            // thread ends once the client is unreachable (R9.07 must not count it as a leak)
                            private java.net.http.@org.jspecify.annotations.Nullable HttpClient http =
                                    java.net.http.HttpClient.newHttpClient();

                            @Override
                            public void close() {
                                http = null;
                                super.close();
                            }

                            @Override
                            public UploadReceipt upload(String snapshot, ManifestEntry entry, Path localFile,
                                                        java.util.function.LongConsumer sent) {
                                return delegate().upload(snapshot, entry, localFile); // reports no progress
                            }
                        };
                    }
                };
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                return InMemoryProviderFactory.config("without-hooks-" + UUID.randomUUID());
            }
        };
    }
}
