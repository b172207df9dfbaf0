package io.cloudsync.testkit.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.cloudsync.testkit.ContractRule;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.testkit.engine.Events;

/** Quis custodiet: every deliberately broken provider is caught by the rule it breaks. */
class ProviderContractSelfTest {

    @AfterEach
    void reset() {
        BrokenProviderRun.current = null;
        BrokenProviderRun.knownViolations = Map.of();
        BrokenFactoryRun.current = null;
        FlawedResumeRun.flaw = ResumableMemoryFactory.Flaw.NONE;
        FlawedResumeRun.withoutInterruption = false;
    }

    static Stream<BrokenProvider> broad() {
        return Arrays.stream(BrokenProvider.values()).filter(BrokenProvider::broad);
    }

    static Stream<BrokenProvider> narrow() {
        return Arrays.stream(BrokenProvider.values()).filter(b -> !b.broad());
    }

    /** A broad defect fails its own rule (and others: see {@link BrokenProvider#broad()}). */
    @ParameterizedTest
    @MethodSource("broad")
    void broadlyBrokenProvider_isCaughtByTheRuleItBreaks(BrokenProvider broken) {
        BrokenProviderRun.current = broken;
        ContractRule rule = broken.caughtBy();

        Events events = ContractEvents.run(BrokenProviderRun.class, rule);

        events.assertThatEvents().haveExactly(1, event(test(rule.methodPrefix()),
                finishedWithFailure(message(m -> m.startsWith("[" + rule.id() + "] ") && m.contains(rule.docs())))));
    }

    /** One rule, one catch: over the whole contract, a narrow defect fails its rule, with its id and link, and no other. */
    @ParameterizedTest
    @MethodSource("narrow")
    void brokenProvider_isCaughtByItsRuleAlone(BrokenProvider broken) {
        BrokenProviderRun.current = broken;
        ContractRule rule = broken.caughtBy();

        Events events = ContractEvents.runAll(BrokenProviderRun.class);

        assertThat(ContractEvents.failedRules(events)).as("rules that fail for %s", broken).containsExactly(rule);
        events.assertThatEvents().haveExactly(1, event(test(rule.methodPrefix()),
                finishedWithFailure(message(m -> m.startsWith("[" + rule.id() + "] ") && m.contains(rule.docs())))));
    }

    @ParameterizedTest
    @EnumSource(value = ResumableMemoryFactory.Flaw.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void flawedResume_isCaughtByItsRuleAlone(ResumableMemoryFactory.Flaw flaw) {
        FlawedResumeRun.flaw = flaw;

        Events events = ContractEvents.runAll(FlawedResumeRun.class);

        assertThat(ContractEvents.failedRules(events)).as("rules that fail for %s", flaw)
                .containsExactly(flaw == ResumableMemoryFactory.Flaw.NEVER_RESUMES ? ContractRule.R6_01 : ContractRule.R6_02);
    }

    /** Every rule of the provider contract and the factory contract has a broken provider that it alone catches. */
    @Test
    void everyRule_hasABrokenProviderThatItAloneCatches() {
        Set<ContractRule> alone = EnumSet.noneOf(ContractRule.class);
        narrow().map(BrokenProvider::caughtBy).forEach(alone::add);
        for (BrokenFactoryRun.BrokenFactory b : BrokenFactoryRun.BrokenFactory.values()) {
            alone.add(b.caughtBy); // brokenFactory_isCaughtByItsRuleAlone
        }
        alone.add(ContractRule.R6_01); // flawedResume_isCaughtByItsRuleAlone
        alone.add(ContractRule.R6_02);

        assertThat(Arrays.stream(ContractRule.values()).filter(r -> !r.name().startsWith("S")).filter(r -> !alone.contains(r)))
                .as("rules without a broken provider that they alone catch (S1.* are SyncContract's, self-tested in "
                        + "cloudsync-testkit-sync)")
                .isEmpty();
    }

    @Test
    void knownViolation_isReportedAsAbortedWithItsReason() {
        BrokenProviderRun.current = BrokenProvider.IGNORES_DELETES;
        BrokenProviderRun.knownViolations = Map.of(ContractRule.R8_01, "the backend keeps deleted files for a day");

        Events events = ContractEvents.run(BrokenProviderRun.class, ContractRule.R8_01);

        events.assertThatEvents().haveExactly(1, event(test("required_R8_01_"), abortedWithReason(message(m ->
                m.startsWith("KNOWN VIOLATION of [R8.01]") && m.contains("the backend keeps deleted files for a day")))));
    }

    @Test
    void knownViolationThatNoLongerOccurs_fails() {
        BrokenProviderRun.current = BrokenProvider.IGNORES_DELETES;
        BrokenProviderRun.knownViolations = Map.of(ContractRule.R2_01, "was broken once");

        Events events = ContractEvents.run(BrokenProviderRun.class, ContractRule.R2_01);

        events.assertThatEvents().haveExactly(1, event(test("required_R2_01_"), finishedWithFailure(message(m ->
                m.startsWith("[R2.01] ") && m.contains("remove it from knownViolations()")))));
    }

    @Test
    void knownViolationWithoutReason_fails() {
        BrokenProviderRun.current = BrokenProvider.IGNORES_DELETES;
        BrokenProviderRun.knownViolations = Map.of(ContractRule.R8_01, " ");

        Events events = ContractEvents.run(BrokenProviderRun.class, ContractRule.R8_01);

        events.assertThatEvents().haveExactly(1, event(test("required_R8_01_"),
                finishedWithFailure(message(m -> m.startsWith("[R8.01] ") && m.contains("blank reason")))));
    }

    @Test
    void undeclaredCapability_skipsWithHowToEnableIt() {
        BrokenProviderRun.current = BrokenProvider.IGNORES_DELETES;

        Events events = ContractEvents.run(BrokenProviderRun.class, ContractRule.R6_01);

        events.assertThatEvents().haveExactly(1, event(test("optional_R6_01_"), abortedWithReason(message(m ->
                m.startsWith("Skipped [R6.01]") && m.contains("does not declare Capability.RESUMABLE_UPLOAD")
                        && m.contains("Add it to ProviderFactory#capabilities()")))));
    }

    @Test
    void undeclaredThreshold_skipsR2_05WithHowToEnableIt() {
        BrokenProviderRun.current = BrokenProvider.IGNORES_DELETES;

        Events events = ContractEvents.run(BrokenProviderRun.class, ContractRule.R2_05);

        events.assertThatEvents().haveExactly(1, event(test("required_R2_05_"),
                abortedWithReason(message(m -> m.contains("withMultipartThresholdBytes")))));
    }

    @Test
    void brokenProvider_failsOnlyRulesItCanBreak() {
        BrokenProviderRun.current = BrokenProvider.IGNORES_DELETES;

        Events events = ContractEvents.runAll(BrokenProviderRun.class);

        assertThat(events.failed().stream().map(e -> e.getTestDescriptor().getDisplayName().substring(0, 15)).toList())
                .as("a provider that ignores deletes breaks the delete rules and the rules that delete, nothing else")
                .containsExactlyInAnyOrder("required_R8_01_", "required_R8_02_", "required_R8_03_", "optional_R7_03_",
                        "optional_R7_04_", "required_R3_05_");
    }

    @ParameterizedTest
    @EnumSource(BrokenFactoryRun.BrokenFactory.class)
    void brokenFactory_isCaughtByItsRuleAlone(BrokenFactoryRun.BrokenFactory broken) {
        BrokenFactoryRun.current = broken;
        ContractRule rule = broken.caughtBy;

        Events events = ContractEvents.runAll(BrokenFactoryRun.class);

        assertThat(ContractEvents.failedRules(events)).as("rules that fail for %s", broken).containsExactly(rule);

        events.assertThatEvents().haveExactly(1, event(test(rule.methodPrefix()),
                finishedWithFailure(message(m -> m.startsWith("[" + rule.id() + "] ") && !m.contains("real-token-0123456789")
                        && !m.contains("c4nAry")))));
    }

    @Test
    void providerWithoutRefusedSecrets_skipsR9_04SayingWhatIsNotProven() {
        Events events = ContractEvents.run(WithoutHooksRun.class, ContractRule.R9_04);

        events.assertThatEvents().haveExactly(1, event(test("required_R9_04_"), abortedWithReason(message(m ->
                m.startsWith("Skipped [R9.04]: not proven that provider 'memory' reports refused credentials as AUTHENTICATION")
                        && m.contains("refusedSecrets()")))));
    }

    @Test
    void providerThatReportsNoProgressAndHasNoInterruptionHook_skipsR2_12SayingWhatIsNotProven() {
        Events events = ContractEvents.run(WithoutHooksRun.class, ContractRule.R2_12);

        events.assertThatEvents().haveExactly(1, event(test("required_R2_12_"), abortedWithReason(message(m ->
                m.startsWith("Skipped [R2.12]: not proven that an upload of provider 'memory' interrupted midway leaves nothing "
                        + "readable") && m.contains("uploadInterruption()")))));
    }

    @Test
    void memoryProvider_isInterruptedThroughItsProgressWithoutAHook() {
        BrokenProviderRun.current = BrokenProvider.IGNORES_DELETES;

        Events events = ContractEvents.run(BrokenProviderRun.class, ContractRule.R2_12);

        events.assertThatEvents().haveExactly(1, event(test("required_R2_12_"),
                org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully()));
    }

    @Test
    void providerThatDropsAJdkHttpClientOnClose_keepsR9_07() {
        Events events = ContractEvents.run(WithoutHooksRun.class, ContractRule.R9_07);

        events.assertThatEvents().haveExactly(1, event(test("required_R9_07_"),
                org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully()));
    }

    @Test
    void providerWithoutSecrets_skipsR9_05() {
        Events events = ContractEvents.run(WithoutHooksRun.class, ContractRule.R9_05);

        events.assertThatEvents().haveExactly(1, event(test("required_R9_05_"),
                abortedWithReason(message(m -> m.startsWith("Skipped [R9.05]")))));
    }

    @Test
    void resumeThatIgnoresAChangedFile_isCaughtByR6_02() {
        FlawedResumeRun.flaw = ResumableMemoryFactory.Flaw.RESUMES_CHANGED_FILES;

        Events events = ContractEvents.run(FlawedResumeRun.class, ContractRule.R6_02);

        events.assertThatEvents().haveExactly(1, event(test("optional_R6_02_"),
                finishedWithFailure(message(m -> m.startsWith("[R6.02] ")))));
    }

    @Test
    void resumableUploadThatStartsOverEveryTime_isCaughtByR6_01() {
        FlawedResumeRun.flaw = ResumableMemoryFactory.Flaw.NEVER_RESUMES;

        Events events = ContractEvents.run(FlawedResumeRun.class, ContractRule.R6_01);

        events.assertThatEvents().haveExactly(1, event(test("optional_R6_01_"),
                finishedWithFailure(message(m -> m.startsWith("[R6.01] ") && m.contains("should not resend")))));
    }

    @Test
    void resumableProviderWithoutInterruptionHook_failsR6WithHowToFixIt() {
        FlawedResumeRun.withoutInterruption = true;

        Events events = ContractEvents.run(FlawedResumeRun.class, ContractRule.R6_01);

        events.assertThatEvents().haveExactly(1, event(test("optional_R6_01_"),
                finishedWithFailure(message(m -> m.startsWith("[R6.01] ") && m.contains("override uploadInterruption()")))));
    }
}
