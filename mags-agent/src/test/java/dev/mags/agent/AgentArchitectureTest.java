package dev.mags.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * One package per mechanism, composed only at the top: mechanisms never depend on the root package
 * (where {@link LocalAgent} wires them) and never on each other in a cycle.
 */
class AgentArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.mags.agent");

    @Test
    void mechanismPackagesAreFreeOfCycles() {
        slices().matching("dev.mags.agent.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void mechanismsDoNotReachBackIntoTheCompositionRoot() {
        noClasses().that().resideInAPackage("dev.mags.agent.*..")
                .should().dependOnClassesThat().resideInAPackage("dev.mags.agent")
                .check(CLASSES);
    }

    @Test
    void theWarmPoolKnowsShapesNotHowContainersAreMade() {
        noClasses().that().resideInAPackage("dev.mags.agent.pool..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.mags.agent.runtime..", "dev.mags.agent.rootfs..", "dev.mags.agent.disk..",
                        "dev.mags.agent.bundle..", "dev.mags.agent.cgroup..", "dev.mags.agent.process..")
                .check(CLASSES);
    }

    @Test
    void theProcessSeamDependsOnNothingElseOfTheAgent() {
        noClasses().that().resideInAPackage("dev.mags.agent.process..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.mags.agent", "dev.mags.agent.runtime..", "dev.mags.agent.rootfs..", "dev.mags.agent.image..",
                        "dev.mags.agent.sandbox..", "dev.mags.agent.bundle..", "dev.mags.agent.cgroup..",
                        "dev.mags.agent.output..", "dev.mags.agent.reconcile..", "dev.mags.agent.disk..",
                        "dev.mags.agent.pool..", "dev.mags.agent.network..")
                .check(CLASSES);
    }
}
