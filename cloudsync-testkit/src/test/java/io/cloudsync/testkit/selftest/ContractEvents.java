package io.cloudsync.testkit.selftest;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.cloudsync.testkit.ContractRule;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs one rule's contract test method in a nested Jupiter engine. */
final class ContractEvents {

    private ContractEvents() {
    }

    static Method methodFor(Class<?> contract, ContractRule rule) {
        return Arrays.stream(contract.getMethods())
                .filter(m -> m.getName().startsWith(rule.methodPrefix()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no test method for " + rule.id() + " in " + contract.getName()));
    }

    /** Runs the rule's method, in the nested family class of a {@code ProviderContract} where it lives there. */
    static Events run(Class<?> runClass, ContractRule rule) {
        for (Class<?> nested : runClass.getClasses()) {
            if (nested.isAnnotationPresent(org.junit.jupiter.api.Nested.class)
                    && Arrays.stream(nested.getMethods()).anyMatch(m -> m.getName().startsWith(rule.methodPrefix()))) {
                return EngineTestKit.engine("junit-jupiter")
                        .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod(
                                java.util.List.of(runClass), nested, methodFor(nested, rule)))
                        .execute()
                        .testEvents();
            }
        }
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectMethod(runClass, methodFor(runClass, rule)))
                .execute()
                .testEvents();
    }

    static Events runAll(Class<?> runClass) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(runClass))
                .execute()
                .testEvents();
    }

    /** The rules whose test methods failed, in the order they ran. */
    static java.util.List<ContractRule> failedRules(Events events) {
        return events.failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName())
                .map(name -> java.util.regex.Pattern.compile("^(?:required|optional)_([A-Z][0-9]+_[0-9]+)_").matcher(name))
                .map(m -> m.find() ? ContractRule.valueOf(m.group(1)) : null)
                .toList();
    }
}
