package io.cloudsync.testkit.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.cloudsync.testkit.ContractRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.Events;

/** D1.06 works for a backend that fixes its credentials on first use, and still catches what it must. */
class FirstUseCredentialsSelfTest {

    @BeforeEach
    @AfterEach
    void reset() {
        FirstUseCredentialsRun.FIXED.clear();
        FirstUseCredentialsRun.quotesRefusedToken = false;
    }

    @Test
    void d106_leavesTheRemoteWithTheRealCredentials() {
        Events events = ContractEvents.run(FirstUseCredentialsRun.class, ContractRule.D1_06);

        events.assertThatEvents().haveExactly(1, event(test(ContractRule.D1_06.methodPrefix()), finishedSuccessfully()));
        assertThat(FirstUseCredentialsRun.FIXED).as("the store keeps the token the author's tests use, not a canary")
                .containsEntry(FirstUseCredentialsRun.STORE, FirstUseCredentialsRun.REAL_TOKEN);
    }

    @Test
    void d106_catchesARefusalThatQuotesTheToken() {
        FirstUseCredentialsRun.quotesRefusedToken = true;

        Events events = ContractEvents.run(FirstUseCredentialsRun.class, ContractRule.D1_06);

        events.assertThatEvents().haveExactly(1, event(test(ContractRule.D1_06.methodPrefix()),
                finishedWithFailure(message(m -> m.startsWith("[D1.06] ") && m.contains(" contains the value of ")))));
    }
}
