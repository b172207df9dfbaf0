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

    static Events run(Class<?> runClass, ContractRule rule) {
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
}
