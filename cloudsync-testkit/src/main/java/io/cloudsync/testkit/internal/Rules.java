package io.cloudsync.testkit.internal;

import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.testkit.ContractRule;
import java.util.Map;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Runs one contract rule: stamps every failure with the rule id, turns a listed known violation into
 * an aborted test, and fails a known violation that no longer occurs (so the list cannot go stale).
 */
public final class Rules {

    /** The body of a rule. */
    @FunctionalInterface
    public interface Body {
        /**
         * Checks the rule.
         *
         * @throws Exception any failure, reported under the rule's id
         */
        void run() throws Exception;
    }

    private Rules() {
    }

    /**
     * Runs {@code body} as the check of {@code rule}.
     *
     * @param rule the rule
     * @param providerId the provider's id, for messages
     * @param knownViolations the subclass's known violations
     * @param body the check
     */
    public static void verify(ContractRule rule, String providerId, Map<ContractRule, String> knownViolations, Body body) {
        String reason = knownViolations.get(rule);
        if (reason != null && reason.isBlank()) {
            throw failure(rule, providerId, "knownViolations() lists this rule with a blank reason; say why the provider breaks it");
        }
        try {
            body.run();
        } catch (TestAbortedException e) {
            throw e;
        } catch (Exception | AssertionError e) {
            AssertionFailedError stamped = stamp(rule, providerId, e);
            if (reason != null) {
                throw new TestAbortedException("KNOWN VIOLATION of [" + rule.id() + "] " + rule.text() + ": " + reason
                        + " (observed: " + stamped.getMessage() + ')', stamped);
            }
            throw stamped;
        }
        if (reason != null) {
            throw failure(rule, providerId, "listed in knownViolations() (\"" + reason
                    + "\") but the rule holds now; remove it from knownViolations()");
        }
    }

    /**
     * Skips the current rule unless the factory declares {@code capability}.
     *
     * @param rule the rule
     * @param factory the factory under test
     */
    public static void requireCapability(ContractRule rule, ProviderFactory factory) {
        rule.capability().ifPresent(capability -> {
            if (!factory.capabilities().contains(capability)) {
                throw new TestAbortedException("Skipped [" + rule.id() + "]: provider '" + factory.id()
                        + "' does not declare Capability." + capability + ". Add it to ProviderFactory#capabilities() "
                        + "to run this rule (only if the provider really has it: the engine relies on it)");
            }
        });
    }

    /**
     * A failure of {@code rule}.
     *
     * @param rule the rule
     * @param providerId the provider's id
     * @param detail what was observed
     * @return the error to throw
     */
    public static AssertionFailedError failure(ContractRule rule, String providerId, String detail) {
        return new AssertionFailedError(prefix(rule) + rule.text() + ": " + detail + " (provider '" + providerId
                + "'; see " + rule.docs() + ')');
    }

    private static AssertionFailedError stamp(ContractRule rule, String providerId, Throwable t) {
        if (t instanceof AssertionFailedError f && f.getMessage() != null && f.getMessage().startsWith(prefix(rule))) {
            return f;
        }
        String detail = t instanceof AssertionError
                ? String.valueOf(t.getMessage()).strip()
                : "unexpected " + t.getClass().getName() + ": " + t.getMessage();
        AssertionFailedError f = failure(rule, providerId, detail);
        f.initCause(t);
        return f;
    }

    private static String prefix(ContractRule rule) {
        return "[" + rule.id() + "] ";
    }
}
