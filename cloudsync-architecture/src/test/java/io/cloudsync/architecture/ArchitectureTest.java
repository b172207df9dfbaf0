package io.cloudsync.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may use whom, checked over the main classes of every module (docs: CONTRIBUTING.md, "Build
 * gates"). A failure lists each offending class and the dependency that breaks the rule; the fix is to
 * move what is needed into the api or cloudsync-support, never to widen the rule.
 */
class ArchitectureTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.cloudsync");
    }

    @Test
    void seesTheClassesOfEveryModule() {
        // a rule over no classes passes vacuously: prove that each module's main classes are here
        for (String pkg : new String[] {"io.cloudsync", "io.cloudsync.spi", "io.cloudsync.support",
                "io.cloudsync.core", "io.cloudsync.testkit", "io.cloudsync.testkit.sync", "io.cloudsync.provider.s3",
                "io.cloudsync.provider.gdrive", "io.cloudsync.http", "io.cloudsync.cli", "io.cloudsync.micrometer",
                "io.cloudsync.spring"}) {
            assertThat(main.containPackage(pkg)).as("main classes of package %s imported", pkg).isTrue();
        }
    }

    @Test
    void onlyTheEngineUsesCoreInternals() {
        ArchRule rule = noClasses()
                .that().resideInAnyPackage("io.cloudsync.provider..", "io.cloudsync.cli..",
                        "io.cloudsync.http..", "io.cloudsync.testkit..", "io.cloudsync.micrometer..",
                        "io.cloudsync.spring..")
                .should().dependOnClassesThat().resideInAPackage("io.cloudsync.core.internal..")
                .because("core's internal packages are the engine's implementation: providers, the CLI, HTTP, "
                        + "the testkit, the metrics and the Spring Boot starter use cloudsync-api, "
                        + "cloudsync-support and core's public packages");
        rule.check(main);
    }

    @Test
    void providersAndTheTestkitDoNotDependOnTheEngine() {
        ArchRule rule = noClasses()
                .that().resideInAnyPackage("io.cloudsync.provider..", "io.cloudsync.testkit..",
                        "io.cloudsync.support..", "io.cloudsync.micrometer..")
                .and().resideOutsideOfPackage("io.cloudsync.testkit.sync..")
                .should().dependOnClassesThat().resideInAPackage("io.cloudsync.core..")
                .because("a provider, the testkit and the support module compile against the api and "
                        + "cloudsync-support only, so a host that wants one backend (or only the metrics "
                        + "binder, a SyncListener) does not get the engine "
                        + "(the engine-level kit, cloudsync-testkit-sync, is the one part meant to use core)");
        rule.check(main);
    }

    @Test
    void theApiDependsOnTheJdkOnly() {
        ArchRule rule = classes()
                .that().resideInAnyPackage("io.cloudsync", "io.cloudsync.spi")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.cloudsync", "io.cloudsync.spi", "org.jspecify.annotations")
                .because("provider authors compile against cloudsync-api alone (JSpecify's annotations are "
                        + "not needed at run time)");
        rule.check(main);
    }

    @Test
    void noCyclesBetweenModules() {
        ArchRule rule = slices().matching("io.cloudsync.(*)..")
                .should().beFreeOfCycles()
                .because("modules depend on each other in one direction: api <- support <- core <- http, cli, "
                        + "spring; api <- micrometer <- cli, spring");
        rule.check(main);
    }

    @Test
    void noCyclesBetweenProviders() {
        slices().matching("io.cloudsync.provider.(*)..").should().beFreeOfCycles().check(main);
    }
}
