/**
 * The cloudsync provider contract kit.
 *
 * <p>Provider authors extend {@link io.cloudsync.testkit.ProviderFactoryContract} and
 * {@link io.cloudsync.testkit.ProviderContract} in their tests; every rule is listed once in
 * {@link io.cloudsync.testkit.ContractRule} and explained in {@code docs/PROVIDERS.md}. Engine and
 * host tests use {@link io.cloudsync.testkit.InMemoryProviderFactory} (id {@code memory}) and wrap
 * what it opens in {@link io.cloudsync.testkit.FaultInjectingProvider}. Classes under
 * {@code io.cloudsync.testkit.internal} are not part of the API.
 */
package io.cloudsync.testkit;
