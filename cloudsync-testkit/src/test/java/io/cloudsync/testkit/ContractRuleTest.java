package io.cloudsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every rule has exactly one final test method and one anchor in the provider guide, with the same text. */
class ContractRuleTest {

    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path GUIDE = PROJECT_ROOT.resolve("docs/PROVIDERS.md");

    /** The classes that declare rule methods: the factory contract and the families of ProviderContract. */
    static final List<Class<?>> CONTRACTS = List.of(ProviderFactoryContract.class, MetadataContract.class, FileContract.class,
            ResumeContract.class, ListingContract.class, LifecycleContract.class, CopyContract.class);

    @ParameterizedTest
    @EnumSource(value = ContractRule.class, names = "S.*", mode = EnumSource.Mode.MATCH_NONE)
    void everyRule_hasExactlyOnePublicFinalTestMethod(ContractRule rule) {
        // S1.* rules are SyncContract's, checked in cloudsync-testkit-sync
        List<Method> methods = CONTRACTS.stream().flatMap(c -> Arrays.stream(c.getDeclaredMethods()))
                .filter(m -> m.getName().startsWith(rule.methodPrefix())).toList();

        assertThat(methods).as("test methods for %s named %s...", rule.id(), rule.methodPrefix()).hasSize(1);
        assertThat(methods.get(0).getModifiers() & (Modifier.PUBLIC | Modifier.FINAL))
                .as("%s is public final", methods.get(0).getName()).isEqualTo(Modifier.PUBLIC | Modifier.FINAL);
        assertThat(methods.get(0).isAnnotationPresent(org.junit.jupiter.api.Test.class)).isTrue();
    }

    @Test
    void everyContractTestMethod_belongsToARule() {
        for (Class<?> contract : CONTRACTS) {
            for (Method m : contract.getDeclaredMethods()) {
                if (m.isAnnotationPresent(org.junit.jupiter.api.Test.class)) {
                    assertThat(Arrays.stream(ContractRule.values()).anyMatch(r -> m.getName().startsWith(r.methodPrefix())))
                            .as("%s matches a ContractRule (required_ for rules without capability, optional_ with one)", m.getName())
                            .isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ContractRule.class)
    void everyRule_hasAnAnchorWithItsTextInTheProviderGuide(ContractRule rule) throws IOException {
        String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);

        String line = guide.lines().filter(l -> l.contains("<a id=\"" + rule.anchor() + "\"></a>")).findFirst().orElse(null);

        assertThat(line).as("docs/PROVIDERS.md has <a id=\"%s\"></a>", rule.anchor()).isNotNull();
        assertThat(line).as("the anchor line of %s states the rule as ContractRule does", rule.id())
                .contains("**" + rule.id() + "**").contains(rule.text().replace("|", "\\|"));
    }

    @Test
    void providerGuide_hasNoAnchorForAMissingRule() throws IOException {
        Matcher m = Pattern.compile("<a id=\"([drs]\\d+-\\d\\d)\"></a>").matcher(Files.readString(GUIDE, StandardCharsets.UTF_8));
        while (m.find()) {
            String anchor = m.group(1);
            assertThat(Arrays.stream(ContractRule.values()).anyMatch(r -> r.anchor().equals(anchor)))
                    .as("rule anchor %s in docs/PROVIDERS.md names a ContractRule", anchor).isTrue();
        }
    }

    @Test
    void providerContract_runsEveryFamilyAsANestedClass() {
        List<Class<?>> nested = Arrays.stream(ProviderContract.class.getClasses())
                .filter(c -> c.isAnnotationPresent(org.junit.jupiter.api.Nested.class)).map(Class::getSuperclass)
                .collect(java.util.stream.Collectors.toList());

        assertThat(nested).containsExactlyInAnyOrderElementsOf(CONTRACTS.subList(1, CONTRACTS.size()));
    }

    @Test
    void ids_anchors_andPrefixes_followTheirFormats() {
        assertThat(ContractRule.R2_01.id()).isEqualTo("R2.01");
        assertThat(ContractRule.R2_01.anchor()).isEqualTo("r2-01");
        assertThat(ContractRule.R2_01.methodPrefix()).isEqualTo("required_R2_01_");
        assertThat(ContractRule.R4_01.methodPrefix()).isEqualTo("optional_R4_01_");
        assertThat(ContractRule.R4_01.docs()).startsWith("https://").endsWith("/docs/PROVIDERS.md#r4-01"); // the address: ProviderGuideTest
        assertThat(ContractRule.R10_01.id()).isEqualTo("R10.01");
        assertThat(ContractRule.R10_01.anchor()).isEqualTo("r10-01");
    }
}
