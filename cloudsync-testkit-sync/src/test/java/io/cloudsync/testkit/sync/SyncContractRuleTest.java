package io.cloudsync.testkit.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsync.testkit.ContractRule;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The S1.* rules are SyncContract's: one public final test method each, and no test method without a rule. */
class SyncContractRuleTest {

    @ParameterizedTest
    @EnumSource(value = ContractRule.class, names = "S.*", mode = EnumSource.Mode.MATCH_ANY)
    void everySyncRule_hasExactlyOnePublicFinalTestMethod(ContractRule rule) {
        List<Method> methods = Arrays.stream(SyncContract.class.getDeclaredMethods())
                .filter(m -> m.getName().startsWith(rule.methodPrefix())).toList();

        assertThat(methods).as("test methods for %s named %s...", rule.id(), rule.methodPrefix()).hasSize(1);
        assertThat(methods.get(0).getModifiers() & (Modifier.PUBLIC | Modifier.FINAL))
                .as("%s is public final", methods.get(0).getName()).isEqualTo(Modifier.PUBLIC | Modifier.FINAL);
        assertThat(methods.get(0).isAnnotationPresent(Test.class)).isTrue();
    }

    @Test
    void everySyncContractTestMethod_belongsToAnS1Rule() {
        for (Method m : SyncContract.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(Test.class)) {
                assertThat(Arrays.stream(ContractRule.values()).anyMatch(r -> r.name().startsWith("S")
                        && m.getName().startsWith(r.methodPrefix()))).as("%s matches an S1 rule", m.getName()).isTrue();
            }
        }
    }
}
